import assert from "node:assert/strict";
import { processCommand, runProcess } from "../../../cli/commands/process.ts";
import { NotLoggedInError, ProfileNotFoundError, UsageError } from "../../../lib/errors.ts";
import { startEmulator } from "../../emulator/emulator.ts";
import { commandServices } from "../../fakes/command_services.ts";
import {
  ADMIN,
  ADMIN_PROFILE,
  appOver,
  AWS_PROFILE_ROLE,
  roleRun,
  runWired,
  selection,
  writeAwsCliProfile,
} from "./_role_run.ts";

interface Payload {
  Version: number;
  AccessKeyId: string;
  SecretAccessKey: string;
  SessionToken: string;
  Expiration: string;
  AccountId: string;
}

function payload(stdout: string): Payload {
  assert.ok(!stdout.endsWith("\n"), "no trailing newline");
  return JSON.parse(stdout) as Payload;
}

Deno.test("runProcess() prints credential_process JSON and reuses the stored credentials", async () => {
  await using emu = await startEmulator();
  await using t = await roleRun(emu, { cache: false });
  await runProcess({ selection: selection({ arn: ADMIN }), autoLogin: false }, t.services);
  const p = payload(t.output.stdout);
  assert.equal(p.Version, 1);
  assert.equal(p.AccountId, "012345678901");
  assert.match(p.Expiration, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.equal(t.output.stderr, "");
  assert.equal((await t.store.getRoleCredentials(ADMIN))?.accessKeyId, p.AccessKeyId);

  const again = t.next();
  t.output.stdout = "";
  await runProcess({
    selection: selection({ account: "12345678901", role: "AdministratorAccess" }),
    autoLogin: false,
  }, again);
  assert.equal(payload(t.output.stdout).AccessKeyId, p.AccessKeyId, "leading zero optional");
  assert.equal(emu.counters.GetRoleCredentials, 1);
});

Deno.test("runProcess() --profile finds the role in the cache; an unknown profile is an error", async () => {
  await using emu = await startEmulator();
  await using t = await roleRun(emu);
  await runProcess(
    { selection: selection({ profile: ADMIN_PROFILE }), autoLogin: false },
    t.next(),
  );
  assert.equal(payload(t.output.stdout).AccountId, "012345678901");
  await assert.rejects(
    runProcess({ selection: selection({ profile: "nope" }), autoLogin: false }, t.next()),
    (e) => e instanceof ProfileNotFoundError && /Invalid --profile nope/.test(e.message),
  );
});

Deno.test("runProcess() without a role, or with only --account, is a usage error", async () => {
  await using emu = await startEmulator();
  await using t = await roleRun(emu, { cache: false });
  await assert.rejects(
    runProcess({ selection: selection(), autoLogin: false }, t.services),
    (e) => e instanceof UsageError && /please specify --arn, --profile/.test(e.message),
  );
  await assert.rejects(
    runProcess({ selection: selection({ account: "012345678901" }), autoLogin: false }, t.next()),
    (e) => e instanceof UsageError && /Must specify both --account and --role/.test(e.message),
  );
  await assert.rejects(
    runProcess({ selection: selection({ arn: "not-an-arn" }), autoLogin: false }, t.next()),
    (e) => e instanceof UsageError && /Invalid --arn/.test(e.message),
  );
  assert.equal(t.output.stdout, "");
  assert.equal(emu.counters.GetRoleCredentials ?? 0, 0);
});

Deno.test("runProcess() not logged in fails with one line that says to log in, and stdout stays empty", async () => {
  await using emu = await startEmulator();
  await using t = await roleRun(emu, { signedIn: false });
  await assert.rejects(
    runProcess({ selection: selection({ arn: ADMIN }), autoLogin: false }, t.services),
    (e) => {
      assert.ok(e instanceof NotLoggedInError);
      assert.match(e.message, /you are not logged in to AWS SSO; run "aws-sso login"$/);
      assert.deepEqual(e.hints, [], "one line: no hint lines");
      return true;
    },
  );
  assert.equal(t.output.stdout, "");
});

Deno.test("runProcess() turns a session AWS rejects into one line naming the login", async () => {
  await using emu = await startEmulator();
  await using t = await roleRun(emu, { cache: false });
  emu.revokeTokens();
  await assert.rejects(
    runProcess({ selection: selection({ arn: ADMIN }), autoLogin: false }, t.services),
    (e) =>
      e instanceof NotLoggedInError &&
      /^Cannot get credentials for arn:aws:iam::012345678901:role\/AdministratorAccess: AWS SSO rejected the session .*; run "aws-sso login"$/
        .test(e.message),
  );
});

Deno.test("runProcess() --aws-profile uses the AWS CLI's token without config.yaml", async () => {
  await using emu = await startEmulator();
  await using t = await commandServices({ emulator: emu });
  const request = await writeAwsCliProfile(emu, t.home);
  await runProcess({ selection: selection({}, request), autoLogin: false }, t.services);
  const p = payload(t.output.stdout);
  assert.equal(p.AccountId, "012345678901");
  assert.equal(
    (await t.store.getRoleCredentials(AWS_PROFILE_ROLE))?.accessKeyId,
    p.AccessKeyId,
    "cached in aws-sso's store under the role's ARN",
  );
  assert.equal(emu.counters["GetRoleCredentials:012345678901/Developer"], 1);
});

Deno.test("runProcess() --aws-profile without a token names `aws sso login` in one line", async () => {
  await using emu = await startEmulator();
  await using t = await commandServices({ emulator: emu });
  const request = await writeAwsCliProfile(emu, t.home, { token: false });
  await assert.rejects(
    runProcess({ selection: selection({}, request), autoLogin: false }, t.services),
    (e) =>
      e instanceof NotLoggedInError && /AWS profile p: .*; run "aws sso login --profile p"$/
        .test(e.message) &&
      e.hints.length === 0,
  );
  await assert.rejects(
    runProcess(
      { selection: selection({}, { name: "missing", flags: {} }), autoLogin: false },
      t.next(),
    ),
    (e) => e instanceof ProfileNotFoundError && /AWS profile missing/.test(e.message),
  );
  assert.equal(t.output.stdout, "");
});

Deno.test("process: the command's action parses the flags and runs runProcess", async () => {
  await using emu = await startEmulator();
  await using t = await roleRun(emu, { cache: false });
  await runWired(processCommand(appOver(t.services)), ["-a", ADMIN]);
  assert.equal(payload(t.output.stdout).AccountId, "012345678901");
  await assert.rejects(
    runWired(processCommand(appOver(t.next())), ["-a", ADMIN, "-p", "x"]),
    /cannot be used with option '-p, --profile <name>'/,
  );
});
