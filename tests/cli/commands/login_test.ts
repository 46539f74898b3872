import assert from "node:assert/strict";
import { runList } from "../../../cli/commands/list.ts";
import { runLogin } from "../../../cli/commands/login.ts";
import { LoginFailedError } from "../../../lib/sso/login_flow.ts";
import type { Emulator } from "../../emulator/emulator.ts";
import { startEmulator } from "../../emulator/emulator.ts";
import { runArgv, signedIn } from "./_signed_in.ts";

const DEVICE = "AuthWorkflow: device_code\n";

/** Approves the first device authorization that shows up (the user in the browser). */
async function approveWhenAsked(emu: Emulator): Promise<string> {
  for (let i = 0; i < 400; i++) {
    const [code] = emu.pendingUserCodes();
    if (code !== undefined) {
      emu.approveDevice(code);
      return code;
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error("no device authorization was started");
}

Deno.test("runLogin() logs in with the device code once approved, stores the session and fills the role cache", async () => {
  await using emu = await startEmulator({ accounts: 2, rolesPerAccount: 1 });
  await using t = await signedIn(emu, { extra: DEVICE, session: false });
  const [, code] = await Promise.all([
    runLogin({ urlAction: "print" }, t.services),
    approveWhenAsked(emu),
  ]);
  assert.match(code, /^[A-Z]{4}-[A-Z]{4}$/);
  assert.match(t.output.stderr, /Logged in to AWS SSO instance Default/);
  assert.equal(emu.counters.StartDeviceAuthorization, 1);
  const token = await t.store.getToken("Default");
  assert.ok(token !== undefined && token.accessToken !== "", "the token is stored");
  assert.ok(await t.store.getRegistration("Default"), "the registration is stored");
  // The role cache was empty: the login fills it.
  assert.equal(emu.counters.ListAccounts, 1);
  assert.equal(t.output.stdout, "", "login prints nothing on stdout");
  await runList({ fields: ["AccountIdPad"], csv: true }, t.next());
  assert.equal(t.output.stdout, "012345678901\n123456789012\n");
  for (const secret of emu.issuedSecrets()) {
    assert.ok(!t.output.stderr.includes(secret), "no secret in the output");
  }
});

Deno.test("runLogin() with a valid session says so and calls nothing; --force logs in again", async () => {
  await using emu = await startEmulator({ accounts: 1, rolesPerAccount: 1 });
  await using t = await signedIn(emu, { extra: DEVICE });
  const before = (await t.store.getToken("Default"))!.accessToken;
  await runLogin({}, t.services);
  assert.match(t.output.stderr, /You are already logged in\. :\)/);
  assert.deepEqual(emu.counters, {}, "no network call");

  await Promise.all([
    runLogin({ force: true, urlAction: "print" }, t.next()),
    approveWhenAsked(emu),
  ]);
  assert.equal(emu.counters.StartDeviceAuthorization, 1);
  assert.notEqual((await t.store.getToken("Default"))!.accessToken, before);
  assert.match(t.output.stderr, /Logged in to AWS SSO instance Default/);
});

Deno.test("runLogin() fails when the user denies the device authorization, and stores no token", async () => {
  await using emu = await startEmulator({ accounts: 1 });
  await using t = await signedIn(emu, { extra: DEVICE, session: false });
  const deny = (async () => {
    for (let i = 0; i < 400; i++) {
      const [code] = emu.pendingUserCodes();
      if (code !== undefined) return emu.denyDevice(code);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  })();
  await assert.rejects(
    Promise.all([runLogin({ urlAction: "print" }, t.services), deny]),
    (e) => {
      assert.ok(e instanceof LoginFailedError);
      assert.match(e.message, /the login request was denied in the browser/);
      assert.deepEqual(e.hints, ['run "aws-sso login" again']);
      return true;
    },
  );
  assert.equal(await t.store.getToken("Default"), undefined);
  assert.equal(emu.counters.ListAccounts ?? 0, 0);
});

Deno.test("login is wired to runLogin: --url-action, --force, and bad --threads / --redirect-port are usage errors", async () => {
  await using emu = await startEmulator({ accounts: 1, rolesPerAccount: 1 });
  await using t = await signedIn(emu, { extra: DEVICE });
  assert.equal(await runArgv(t, ["login"]), 0, t.output.stderr);
  assert.match(t.output.stderr, /You are already logged in\. :\)/);
  const [code] = await Promise.all([
    runArgv(t, ["login", "--force", "-u", "print", "--threads", "2"]),
    approveWhenAsked(emu),
  ]);
  assert.equal(code, 0, t.output.stderr);
  assert.equal(emu.counters.StartDeviceAuthorization, 1);
  for (
    const [args, problem] of [
      [["login", "--url-action", "fax"], /'fax' is invalid/],
      [["login", "--threads", "0"], /--threads must be a whole number from 1 to 1024/],
      [["login", "--redirect-port", "70000"], /--redirect-port must be a whole number from 1/],
    ] as const
  ) {
    t.output.stderr = "";
    assert.equal(await runArgv(t, [...args]), 2, args.join(" "));
    assert.match(t.output.stderr, problem);
  }
});
