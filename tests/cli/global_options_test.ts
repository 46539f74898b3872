import assert from "node:assert/strict";
import { commandsFor } from "../../cli/command_registry.ts";
import { PROFILE_HELPER_TREE } from "../../cli/completion.ts";
import { systemClock } from "../../cli/context.ts";
import { plainProcessArn } from "../../cli/fast_process.ts";
import {
  GLOBAL_OPTIONS,
  globalOptionValue,
  optionFlags,
  optionWords,
  VALUE_OPTION_WORDS,
} from "../../cli/global_options.ts";
import { SecretRegistry } from "../../cli/log.ts";
import { recordingOutput } from "../../cli/output.ts";
import { buildProgram, GLOBAL_CHOICES } from "../../cli/program.ts";
import { SECURE_STORE_NAMES } from "../../lib/settings/settings.ts";
import { UNSUPPORTED_STORES, USER_STORE_KINDS } from "../../stores/backend.ts";

async function program() {
  return await buildProgram(
    { env: {}, output: recordingOutput(), clock: systemClock, secrets: new SecretRegistry() },
    { exitCode: 0 },
  );
}

Deno.test("the root command's global options are exactly the GLOBAL_OPTIONS table", async () => {
  const root = await program();
  // `--version` is the root command's own flag (as `aws-sso version`), not a global option.
  assert.ok(root.options.some((o) => o.long === "--version"));
  const actual = root.options.filter((o) => o.long !== "--version").map((o) => ({
    key: o.attributeName(),
    flags: o.flags,
    env: o.envVar,
    choices: o.argChoices,
  }));
  const expected = GLOBAL_OPTIONS.map((spec) => ({
    key: spec.key,
    flags: optionFlags(spec),
    env: "env" in spec ? spec.env : undefined,
    choices: GLOBAL_CHOICES[spec.key] === undefined ? undefined : [...GLOBAL_CHOICES[spec.key]!],
  }));
  assert.deepEqual(actual, expected);
});

Deno.test("every command accepts each global option after its name, without env binding", async () => {
  const root = await program();
  for (const command of root.commands) {
    for (const spec of GLOBAL_OPTIONS) {
      const option = command.options.find((o) => o.attributeName() === spec.key);
      assert.ok(option !== undefined, `${command.name()} lacks ${spec.long}`);
      assert.equal(option.envVar, undefined, `${command.name()} ${spec.long} binds env again`);
    }
  }
});

Deno.test("the value-taking global option words are those commander parses with a value", async () => {
  const root = await program();
  const fromCommander = new Set(
    root.options.filter((o) => o.required || o.optional).flatMap((o) =>
      [o.short, o.long].filter((w): w is string => w !== undefined)
    ),
  );
  assert.deepEqual([...VALUE_OPTION_WORDS].sort(), [...fromCommander].sort());
  // ...and commandsFor() skips their values when looking for the command name.
  for (const word of VALUE_OPTION_WORDS) {
    assert.deepEqual(commandsFor([word, "list", "process"]).map((c) => c.name), ["process"]);
  }
});

Deno.test("globalOptionValue() reads --level in each form commander accepts", () => {
  for (
    const argv of [
      ["-L", "debug", "list"],
      ["list", "-Ldebug"],
      ["list", "--level", "debug"],
      ["--level=debug", "list"],
    ]
  ) {
    assert.equal(globalOptionValue(argv, "level"), "debug", argv.join(" "));
  }
  assert.equal(globalOptionValue(["exec", "--", "-L", "debug"], "level"), undefined);
  assert.equal(globalOptionValue(["-L", "debug", "-L", "info"], "level"), "info");
});

Deno.test("the hot path and the profile helper accept every spelling of --sso", () => {
  const arn = "arn:aws:iam::123456789012:role/Admin";
  const sso = GLOBAL_OPTIONS.find((o) => o.key === "sso")!;
  for (const word of optionWords(sso)) {
    assert.equal(plainProcessArn([word, "Work", "process", "--arn", arn]), arn, word);
  }
  assert.equal(plainProcessArn([`${sso.long}=Work`, "process", "--arn", arn]), arn);
  assert.deepEqual(PROFILE_HELPER_TREE.options[0]?.flags, optionWords(sso));
});

Deno.test("SecureStore accepts every store the stores know, and only those", () => {
  assert.deepEqual(
    [...SECURE_STORE_NAMES].sort(),
    [...USER_STORE_KINDS, ...Object.keys(UNSUPPORTED_STORES)].sort(),
  );
});
