import assert from "node:assert/strict";
import { runLogout } from "../../../cli/commands/logout.ts";
import { runTags } from "../../../cli/commands/tags.ts";
import { NotLoggedInError } from "../../../lib/errors.ts";
import { startEmulator } from "../../emulator/emulator.ts";
import { runArgv, signedIn } from "./_signed_in.ts";

const ARN = "arn:aws:iam::012345678901:role/AdministratorAccess";

function creds(now: number) {
  return {
    roleName: "AdministratorAccess",
    accountId: "012345678901",
    accessKeyId: "ASIAEXAMPLE",
    secretAccessKey: "secret",
    sessionToken: "session",
    expiration: now + 3600_000,
    roleChaining: false,
  };
}

Deno.test("runLogout() ends the portal session and deletes the token and role credentials, keeping the registration", async () => {
  await using emu = await startEmulator({ accounts: 1 });
  await using t = await signedIn(emu);
  await t.store.putRoleCredentials(ARN, creds(Date.now()));
  await runLogout(t.services);
  assert.equal(emu.counters.Logout, 1);
  assert.equal(await t.store.getToken("Default"), undefined);
  assert.deepEqual(await t.store.listRoleCredentialArns(), []);
  assert.ok(await t.store.getRegistration("Default"), "the registration stays");
  assert.match(t.output.stderr, /Deleted cached AWS STS credentials/);
  assert.match(t.output.stderr, /Logged out of AWS SSO instance Default/);
  assert.equal(t.output.stdout, "");

  // With the session ended, the next command that needs AWS asks for a new login.
  emu.resetCounters();
  await assert.rejects(runTags({}, t.next()), NotLoggedInError);
});

Deno.test("runLogout() when not logged in still deletes the role credentials, then says so", async () => {
  await using emu = await startEmulator({ accounts: 1 });
  await using t = await signedIn(emu, { session: false });
  await t.store.putRoleCredentials(ARN, creds(Date.now()));
  await assert.rejects(runLogout(t.services), (e) => {
    assert.ok(e instanceof NotLoggedInError);
    assert.match(e.message, /You are not logged in to AWS SSO instance Default/);
    return true;
  });
  assert.deepEqual(await t.store.listRoleCredentialArns(), []);
  assert.equal(emu.counters.Logout ?? 0, 0);
});

Deno.test("logout is wired to runLogout, and reports not being logged in with exit code 1", async () => {
  await using emu = await startEmulator({ accounts: 1 });
  await using t = await signedIn(emu);
  assert.equal(await runArgv(t, ["logout"]), 0, t.output.stderr);
  assert.equal(emu.counters.Logout, 1);
  assert.equal(await runArgv(t, ["logout"]), 1);
  assert.match(t.output.stderr, /You are not logged in to AWS SSO instance Default/);
});
