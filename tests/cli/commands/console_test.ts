import assert from "node:assert/strict";
import { consoleCommand, type ConsoleInput, runConsole } from "../../../cli/commands/console.ts";
import { ProfileNotFoundError, UsageError } from "../../../lib/errors.ts";
import { type Emulator, startEmulator } from "../../emulator/emulator.ts";
import type { RecordingOutput } from "../../../cli/output.ts";
import { roleCredentials, selectRole } from "../../../cli/services/creds.ts";
import { commandServices } from "../../fakes/command_services.ts";
import {
  ADMIN,
  ADMIN_PROFILE,
  appOver,
  READONLY,
  READONLY_PROFILE,
  roleRun,
  runWired,
  selection,
  writeAwsCliProfile,
} from "./_role_run.ts";

function input(extra: Partial<ConsoleInput> = {}): ConsoleInput {
  return { selection: selection(), prompt: false, autoLogin: false, ...extra };
}

/** The one sign-in URL `printurl` wrote on stderr. */
function printedUrl(emu: Emulator, t: { output: RecordingOutput }): URL {
  assert.equal(t.output.stdout, "", "stdout stays empty");
  const lines = t.output.stderr.split("\n").filter((l) => l.startsWith(`${emu.url}/federation?`));
  assert.equal(lines.length, 1, t.output.stderr);
  return new URL(lines[0]!);
}

/** Where the emulator's federation endpoint sends the browser. */
async function consoleRedirect(url: URL): Promise<string | null> {
  const res = await fetch(url, { redirect: "manual" });
  await res.body?.cancel();
  assert.equal(res.status, 302);
  return res.headers.get("location");
}

Deno.test("runConsole() printurl: a sign-in URL for the role that the federation endpoint accepts", async () => {
  await using emu = await startEmulator();
  await using t = await roleRun(emu, { globals: { urlAction: "printurl" } });
  await runConsole(input({ selection: selection({ profile: ADMIN_PROFILE }) }), t.next());
  const url = printedUrl(emu, t);
  assert.equal(url.searchParams.get("Action"), "login");
  assert.equal(url.searchParams.get("Issuer"), emu.startUrl);
  assert.equal(emu.counters.getSigninToken, 1);
  assert.equal(
    await consoleRedirect(url),
    "https://console.aws.amazon.com/console/home?region=us-east-1",
  );
  const cache = JSON.parse(await Deno.readTextFile(`${t.home}/.config/aws-sso/cache.json`));
  assert.deepEqual(cache.SSO.Default.History, [ADMIN], "History records the role");
});

Deno.test("runConsole() print: the URL with the service page, in --region", async () => {
  await using emu = await startEmulator();
  await using t = await roleRun(emu, { globals: { urlAction: "print" } });
  await runConsole(
    input({ selection: selection({ arn: READONLY }), service: "s3", region: "eu-west-2" }),
    t.next(),
  );
  assert.match(t.output.stderr, /^Please open the following URL in your browser:\n\n/);
  const redirect = await consoleRedirect(printedUrl(emu, t));
  assert.match(redirect!, /^https:\/\/.*s3.*region=eu-west-2/);
});

Deno.test("runConsole() takes the role from AWS_PROFILE, and names one it cannot find", async () => {
  await using emu = await startEmulator();
  await using t = await roleRun(emu, {
    globals: { urlAction: "printurl" },
    env: { AWS_PROFILE: READONLY_PROFILE },
  });
  await runConsole(input(), t.next());
  printedUrl(emu, t);
  assert.equal(emu.counters["GetRoleCredentials:123456789012/ReadOnlyAccess"], 1);

  await using other = await roleRun(emu, { env: { AWS_PROFILE: "gone:Role" } });
  await assert.rejects(
    runConsole(input(), other.next()),
    (e) =>
      e instanceof ProfileNotFoundError && /AWS_PROFILE=gone:Role was not found/.test(e.message),
  );
});

Deno.test("runConsole() signs in with credentials from the environment, asking STS whose they are", async () => {
  await using emu = await startEmulator();
  await using t = await roleRun(emu, { globals: { urlAction: "printurl" } });
  const ctx = t.next();
  const creds = await roleCredentials(
    ctx,
    await selectRole(ctx, { arn: ADMIN }, { allowPicker: false }),
  );
  emu.resetCounters();
  await using inShell = await roleRun(emu, {
    cache: false,
    globals: { urlAction: "printurl" },
    env: {
      AWS_ACCESS_KEY_ID: creds.accessKeyId,
      AWS_SECRET_ACCESS_KEY: creds.secretAccessKey,
      AWS_SESSION_TOKEN: creds.sessionToken,
    },
  });
  await runConsole(input({ duration: "30" }), inShell.services);
  await consoleRedirect(printedUrl(emu, inShell));
  assert.equal(emu.counters.GetCallerIdentity, 1);
  assert.equal(emu.counters.GetRoleCredentials ?? 0, 0, "the environment's credentials were used");
});

Deno.test("runConsole() rejects a bad --duration, --region or --destination before any AWS call", async () => {
  await using emu = await startEmulator();
  await using t = await roleRun(emu, { globals: { urlAction: "printurl" } });
  const sel = selection({ arn: ADMIN });
  await assert.rejects(
    runConsole(input({ selection: sel, duration: "5" }), t.next()),
    /Must be between 15 and 720/,
  );
  await assert.rejects(
    runConsole(input({ selection: sel, duration: "soon" }), t.next()),
    (e) => e instanceof UsageError && /invalid --duration soon/.test(e.message),
  );
  await assert.rejects(
    runConsole(input({ selection: sel, region: "mars", regionSource: "env" }), t.next()),
    (e) => e instanceof UsageError && /invalid AWS_DEFAULT_REGION 'mars'/.test(e.message),
  );
  await assert.rejects(
    runConsole(input({ selection: sel, region: "mars", regionSource: "cli" }), t.next()),
    (e) => e instanceof UsageError && /invalid --region 'mars'/.test(e.message),
  );
  await assert.rejects(
    runConsole(input({ selection: sel, destination: "https://evil.example/" }), t.next()),
  );
  assert.equal(emu.counters.GetRoleCredentials ?? 0, 0);
  assert.equal(emu.counters.getSigninToken ?? 0, 0);
});

Deno.test("runConsole() --aws-profile signs in with the AWS CLI profile, without config.yaml", async () => {
  await using emu = await startEmulator();
  await using t = await commandServices({ emulator: emu, globals: { urlAction: "printurl" } });
  const request = await writeAwsCliProfile(emu, t.home);
  await runConsole(input({ selection: selection({}, request) }), t.services);
  const url = printedUrl(emu, t);
  assert.equal(url.searchParams.get("Issuer"), emu.startUrl);
  assert.equal(
    await consoleRedirect(url),
    "https://console.aws.amazon.com/console/home?region=eu-west-1",
    "the profile's region",
  );
  assert.equal(emu.counters["GetRoleCredentials:012345678901/Developer"], 1);
});

Deno.test("console: the command's action parses the flags and runs runConsole", async () => {
  await using emu = await startEmulator();
  await using t = await roleRun(emu, { globals: { urlAction: "printurl" } });
  await runWired(consoleCommand(appOver(t.next())), ["-p", ADMIN_PROFILE, "--service", "ec2"]);
  assert.match((await consoleRedirect(printedUrl(emu, t)))!, /ec2/);
});
