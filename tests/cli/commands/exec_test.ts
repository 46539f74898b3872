import assert from "node:assert/strict";
import { execCommand, type ExecInput, runExec } from "../../../cli/commands/exec.ts";
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

// The user's command: writes the variables it was given to $HOME/env.txt, one per line.
const DUMP =
  'for n in "$@"; do eval "printf \'%s=%s\\n\' $n \\"\\${$n-<unset>}\\""; done > "$HOME/env.txt"';

function dump(names: string[], extra: Partial<ExecInput> = {}): ExecInput {
  return {
    command: "sh",
    args: ["-c", DUMP, "sh", ...names],
    selection: selection(),
    reuseEnv: false,
    noRegion: false,
    overwriteEnv: false,
    ...extra,
  };
}

async function childEnv(home: string): Promise<Record<string, string>> {
  const text = await Deno.readTextFile(`${home}/env.txt`);
  return Object.fromEntries(
    text.trim().split("\n").map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
  );
}

Deno.test("runExec() runs the command with the role's credentials and records the role in History", async () => {
  await using emu = await startEmulator();
  await using t = await roleRun(emu, { env: { KEEP_ME: "yes" } });
  const code = await runExec(
    dump(["AWS_ACCESS_KEY_ID", "AWS_SSO_ROLE_ARN", "AWS_SSO_PROFILE", "KEEP_ME"], {
      selection: selection({ profile: ADMIN_PROFILE }),
    }),
    t.next(),
  );
  assert.equal(code, 0);
  const env = await childEnv(t.home);
  assert.equal(env.AWS_ACCESS_KEY_ID, (await t.store.getRoleCredentials(ADMIN))?.accessKeyId);
  assert.equal(env.AWS_SSO_ROLE_ARN, ADMIN);
  assert.equal(env.AWS_SSO_PROFILE, ADMIN_PROFILE);
  assert.equal(env.KEEP_ME, "yes", "the user's environment is passed on");
  const cache = JSON.parse(await Deno.readTextFile(`${t.home}/.config/aws-sso/cache.json`));
  assert.deepEqual(cache.SSO.Default.History, [ADMIN]);
  assert.equal(t.output.stdout, "");
});

Deno.test("runExec() returns the command's exit status; a missing command is an error", async () => {
  await using emu = await startEmulator();
  await using t = await roleRun(emu);
  const sel = selection({ arn: ADMIN });
  assert.equal(
    await runExec({ ...dump([]), args: ["-c", "exit 7"], selection: sel }, t.next()),
    7,
  );
  await assert.rejects(
    runExec(
      { ...dump([]), command: `${t.home}/no-such-program`, args: [], selection: sel },
      t.next(),
    ),
    (e) =>
      e instanceof AwsSsoError && /cannot run .*no-such-program: command not found/.test(e.message),
  );
});

Deno.test("runExec() without a command runs $SHELL", async () => {
  await using emu = await startEmulator();
  const script = await Deno.makeTempFile({ suffix: ".sh" });
  try {
    await Deno.writeTextFile(
      script,
      '#!/bin/sh\nprintf \'%s\' "$AWS_SSO_ROLE_ARN" > "$HOME/env.txt"\n',
    );
    await Deno.chmod(script, 0o700);
    await using t = await roleRun(emu, { env: { SHELL: script } });
    const code = await runExec(
      { ...dump([]), command: undefined, args: [], selection: selection({ arn: READONLY }) },
      t.next(),
    );
    assert.equal(code, 0);
    assert.equal(await Deno.readTextFile(`${t.home}/env.txt`), READONLY);
  } finally {
    await Deno.remove(script);
  }
});

Deno.test("runExec() refuses to run over other credentials unless --overwrite-env, which drops every AWS_*", async () => {
  await using emu = await startEmulator();
  const env = { AWS_PROFILE: "mine", AWS_SSO_TAG_OLD: "x" };
  await using t = await roleRun(emu, { env });
  await assert.rejects(
    runExec(dump([], { selection: selection({ arn: ADMIN }) }), t.next()),
    (e) =>
      e instanceof AwsSsoError &&
      /conflicting environment variable 'AWS_PROFILE' is set/.test(e.message),
  );
  assert.equal(emu.counters.GetRoleCredentials ?? 0, 0, "refused before any AWS call");

  const code = await runExec(
    dump(["AWS_PROFILE", "AWS_SSO_TAG_OLD", "AWS_SSO_ROLE_ARN"], {
      selection: selection({ arn: ADMIN }),
      overwriteEnv: true,
    }),
    t.next(),
  );
  assert.equal(code, 0);
  assert.deepEqual(await childEnv(t.home), {
    AWS_PROFILE: "<unset>",
    AWS_SSO_TAG_OLD: "<unset>",
    AWS_SSO_ROLE_ARN: ADMIN,
  });
});

Deno.test("runExec() inside an aws-sso shell refuses a second role; --env reuses the shell's role", async () => {
  await using emu = await startEmulator();
  const shell = {
    AWS_SSO_ROLE_ARN: READONLY,
    AWS_ACCESS_KEY_ID: "ASIAOLD",
    AWS_SECRET_ACCESS_KEY: "s",
  };
  await using t = await roleRun(emu, { env: shell });
  await assert.rejects(
    runExec(dump([], { selection: selection({ arn: ADMIN }) }), t.next()),
    (e) => e instanceof AwsSsoError && /Already running with the credentials of/.test(e.message),
  );
  const code = await runExec(
    dump(["AWS_SSO_ROLE_ARN", "AWS_ACCESS_KEY_ID"], { reuseEnv: true }),
    t.next(),
  );
  assert.equal(code, 0);
  const env = await childEnv(t.home);
  assert.equal(env.AWS_SSO_ROLE_ARN, READONLY);
  assert.notEqual(env.AWS_ACCESS_KEY_ID, "ASIAOLD", "fresh credentials replace the inherited ones");
  assert.equal(env.AWS_ACCESS_KEY_ID, (await t.store.getRoleCredentials(READONLY))?.accessKeyId);

  await assert.rejects(
    runExec(
      dump([], { reuseEnv: true, selection: selection({ profile: ADMIN_PROFILE }) }),
      t.next(),
    ),
    (e) => e instanceof UsageError && /cannot be combined with --profile/.test(e.message),
  );
});

Deno.test("runExec() --env outside an aws-sso shell says the role is unknown", async () => {
  await using emu = await startEmulator();
  await using t = await roleRun(emu, { cache: false });
  await assert.rejects(
    runExec(dump([], { reuseEnv: true }), t.services),
    (e) => e instanceof AwsSsoError && /AWS_SSO_ROLE_ARN is not set/.test(e.message),
  );
});

Deno.test("runExec() --aws-profile runs the command with the AWS CLI profile's role", async () => {
  await using emu = await startEmulator();
  await using t = await commandServices({ emulator: emu });
  const request = await writeAwsCliProfile(emu, t.home);
  const code = await runExec(
    dump(["AWS_SSO_ROLE_ARN", "AWS_SSO_PROFILE", "AWS_REGION"], {
      selection: selection({}, request),
    }),
    t.services,
  );
  assert.equal(code, 0);
  assert.deepEqual(await childEnv(t.home), {
    AWS_SSO_ROLE_ARN: AWS_PROFILE_ROLE,
    AWS_SSO_PROFILE: "p",
    AWS_REGION: "eu-west-1",
  });
});

Deno.test("exec: the command's action passes the child's exit status to the app", async () => {
  await using emu = await startEmulator();
  await using t = await roleRun(emu);
  const app = appOver(t.next());
  await runWired(execCommand(app), ["-p", ADMIN_PROFILE, "--", "sh", "-c", "exit 3"]);
  assert.equal(app.exitCode, 3);
});
