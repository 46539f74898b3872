/**
 * ConsoleLogger: text from AWS or a request in a message or a field value is printed on one
 * line with its control characters escaped, and a secret is masked before escaping could
 * change how it is spelt.
 */
import assert from "node:assert/strict";
import { ConsoleLogger, SecretRegistry } from "../../cli/log.ts";
import { applyStyle, recordingOutput } from "../../cli/output.ts";

// deno-lint-ignore no-control-regex -- control characters are what this test looks for
const RAW = /[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/;

Deno.test("ConsoleLogger escapes control characters in messages and field values", () => {
  const output = recordingOutput();
  const logger = new ConsoleLogger(output, new SecretRegistry(), "trace");
  logger.warn("account prod\x1b]52;c;ZXZpbA==\x07 has\nINFO a forged line", {
    role: "Dev\x9b2J",
    note: "x\ry",
    "key\x1b": "v",
  });
  assert.equal(output.stderr.split("\n").length, 2, "one line");
  assert.doesNotMatch(output.stderr.slice(0, -1), RAW);
  assert.equal(
    output.stderr,
    "WARN account prod\\x1b]52;c;ZXZpbA==\\x07 has\\nINFO a forged line role=Dev\\x9b2J note=x\\ry key\\x1b=v\n",
  );
});

Deno.test("ConsoleLogger keeps its own colours while escaping the text", () => {
  const output = { ...recordingOutput(), style: applyStyle };
  const logger = new ConsoleLogger(output, new SecretRegistry(), "info");
  let text = "";
  output.err = (t) => (text += t);
  logger.error("bad\x1b[2J");
  assert.equal(text, `${applyStyle("red", "ERROR")} bad\\x1b[2J\n`);
});

Deno.test("ConsoleLogger masks a secret with a control character in it before escaping", () => {
  const output = recordingOutput();
  const secrets = new SecretRegistry();
  secrets.add("pass\tword\x1b42");
  const logger = new ConsoleLogger(output, secrets, "debug");
  logger.debug("got pass\tword\x1b42", { value: "pass\tword\x1b42" });
  assert.equal(output.stderr, "DEBUG got *** value=***\n");
});
