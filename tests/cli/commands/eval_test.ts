import assert from "node:assert/strict";
import { evalCommand, type EvalInput, runEval } from "../../../cli/commands/eval.ts";
import { AwsSsoError, UsageError } from "../../../lib/errors.ts";
import { startEmulator } from "../../emulator/emulator.ts";
import { commandServices } from "../../fakes/command_services.ts";
import {
  ADMIN,
  ADMIN_PROFILE,
  appOver,
  AWS_PROFILE_ROLE,
  READONLY,
  roleRun,
  runWired,
  selection,
  writeAwsCliProfile,
} from "./_role_run.ts";

function input(extra: Partial<EvalInput> = {}): EvalInput {
  return {
    selection: selection(),
    clear: false,
    refresh: false,
    noRegion: false,
    overwriteRegion: false,
    format: "json",
    ...extra,
  };
}

function vars(stdout: string): Record<string, string | null> {
  return JSON.parse(stdout);
}

Deno.test("runEval() --profile prints the role's variables, with the profile name and region", async () => {
  await using emu = await startEmulator();
  await using t = await roleRun(emu);
  await runEval(input({ selection: selection({ profile: ADMIN_PROFILE }) }), t.next());
  const v = vars(t.output.stdout);
  assert.equal(v.AWS_SSO_ROLE_ARN, ADMIN);
  assert.equal(v.AWS_SSO_PROFILE, ADMIN_PROFILE);
  assert.equal(v.AWS_SSO_ACCOUNT_ID, "012345678901");
  assert.equal(v.AWS_SSO, "Default");
  assert.match(v.AWS_ACCESS_KEY_ID!, /^ASIA/);
  assert.equal(v.AWS_SECRET_ACCESS_KEY, (await t.store.getRoleCredentials(ADMIN))?.secretAccessKey);
  assert.equal(t.output.stderr, "");
});

Deno.test("runEval() prints each format's syntax; with --format unset it follows $SHELL", async () => {
  await using emu = await startEmulator();
  await using t = await roleRun(emu, { env: { SHELL: "/usr/bin/fish" } });
  await runEval(input({ selection: selection({ arn: ADMIN }), format: "bash" }), t.next());
  assert.match(t.output.stdout, /^export AWS_ACCESS_KEY_ID='ASIA[^']+'$/m);
  t.output.stdout = "";
  await runEval(input({ selection: selection({ arn: ADMIN }), format: undefined }), t.next());
  assert.match(t.output.stdout, /^set -gx AWS_ACCESS_KEY_ID 'ASIA[^']+';?$/m);
});

Deno.test("runEval() --refresh uses the role of $AWS_SSO_ROLE_ARN, and fails without it", async () => {
  await using emu = await startEmulator();
  await using t = await roleRun(emu, { env: { AWS_SSO_ROLE_ARN: READONLY } });
  await runEval(input({ refresh: true }), t.next());
  assert.equal(vars(t.output.stdout).AWS_SSO_ROLE_ARN, READONLY);

  await using bare = await roleRun(emu, { cache: false });
  await assert.rejects(
    runEval(input({ refresh: true }), bare.services),
    (e) => e instanceof AwsSsoError && /unable to determine current IAM role/.test(e.message),
  );
});

Deno.test("runEval() without a role, or without a known shell, is an error before any AWS call", async () => {
  await using emu = await startEmulator();
  await using t = await roleRun(emu, { cache: false });
  await assert.rejects(
    runEval(input(), t.services),
    (e) => e instanceof UsageError && /please specify --refresh, --clear/.test(e.message),
  );
  await assert.rejects(
    runEval(input({ selection: selection({ arn: ADMIN }), format: undefined }), t.next()),
    (e) => e instanceof AwsSsoError && /\$SHELL is not set/.test(e.message),
  );
  assert.equal(emu.counters.GetRoleCredentials ?? 0, 0);
  assert.equal(t.output.stdout, "");
});

Deno.test("runEval() --clear unsets the variables, the present tags too, without config.yaml", async () => {
  await using t = await commandServices({
    env: { SHELL: "/bin/bash", AWS_SSO_TAG_TEAM: "core", AWS_DEFAULT_REGION: "eu-west-1" },
  });
  await runEval(input({ clear: true, format: undefined }), t.services);
  const lines = t.output.stdout.trim().split("\n");
  for (
    const name of [
      "AWS_ACCESS_KEY_ID",
      "AWS_SECRET_ACCESS_KEY",
      "AWS_SSO_ROLE_ARN",
      "AWS_SSO_TAG_TEAM",
    ]
  ) {
    assert.ok(lines.includes(`unset ${name}`), name);
  }
  assert.ok(lines.every((l) => l.startsWith("unset ")), t.output.stdout);
});

Deno.test("runEval() --aws-profile names the AWS profile and its sso-session, region from the profile", async () => {
  await using emu = await startEmulator();
  await using t = await commandServices({ emulator: emu });
  const request = await writeAwsCliProfile(emu, t.home);
  await runEval(input({ selection: selection({}, request) }), t.services);
  const v = vars(t.output.stdout);
  assert.equal(v.AWS_SSO_ROLE_ARN, AWS_PROFILE_ROLE);
  assert.equal(v.AWS_SSO_PROFILE, "p");
  assert.equal(v.AWS_SSO, "corp");
  assert.equal(v.AWS_DEFAULT_REGION, "eu-west-1");

  t.output.stdout = "";
  await runEval(input({ selection: selection({}, request), noRegion: true }), t.next());
  assert.equal(vars(t.output.stdout).AWS_DEFAULT_REGION ?? null, null);
});

Deno.test("eval: the command's action parses the flags and runs runEval", async () => {
  await using emu = await startEmulator();
  await using t = await roleRun(emu);
  await runWired(evalCommand(appOver(t.next())), ["-p", ADMIN_PROFILE, "--format", "json", "-n"]);
  const v = vars(t.output.stdout);
  assert.equal(v.AWS_SSO_ROLE_ARN, ADMIN);
  assert.equal(v.AWS_DEFAULT_REGION ?? null, null);
  t.output.stdout = "";
  await runWired(evalCommand(appOver(t.next())), ["--clear", "--format", "bash"]);
  assert.match(t.output.stdout, /^unset AWS_ACCESS_KEY_ID$/m);
});
