import assert from "node:assert/strict";
import { runFlush } from "../../../cli/commands/flush.ts";
import { startEmulator } from "../../emulator/emulator.ts";
import { runArgv, signedIn } from "./_signed_in.ts";

const ADMIN = "arn:aws:iam::012345678901:role/AdministratorAccess";
const READONLY = "arn:aws:iam::012345678901:role/ReadOnlyAccess";

function creds(roleName: string) {
  return {
    roleName,
    accountId: "012345678901",
    accessKeyId: "ASIAEXAMPLE",
    secretAccessKey: "secret",
    sessionToken: "session",
    expiration: Date.now() + 3600_000,
    roleChaining: false,
  };
}

Deno.test("runFlush() --type sts deletes the role credentials and keeps the SSO token", async () => {
  await using emu = await startEmulator({ accounts: 1 });
  await using t = await signedIn(emu);
  await t.store.putRoleCredentials(ADMIN, creds("AdministratorAccess"));
  await t.store.putRoleCredentials(READONLY, creds("ReadOnlyAccess"));
  await runFlush({ type: "sts" }, t.services);
  assert.deepEqual(await t.store.listRoleCredentialArns(), []);
  assert.ok(await t.store.getToken("Default"), "the SSO token stays");
  const lines = t.output.stderr.trim().split("\n");
  assert.deepEqual(lines.filter((l) => /Flushed/.test(l)).sort(), [
    `INFO Flushed the cached STS credentials of ${ADMIN}`,
    `INFO Flushed the cached STS credentials of ${READONLY}`,
  ]);
  assert.equal(t.output.stdout, "");
  assert.deepEqual(emu.counters, {}, "flush does not sign out at AWS");

  t.output.stderr = "";
  await runFlush({ type: "sts" }, t.next());
  assert.match(t.output.stderr, /No cached STS credentials to flush for SSO instance Default/);
});

Deno.test("runFlush() --type sso deletes only the SSO token; --type all deletes both", async () => {
  await using emu = await startEmulator({ accounts: 1 });
  await using t = await signedIn(emu);
  await t.store.putRoleCredentials(ADMIN, creds("AdministratorAccess"));
  await runFlush({ type: "sso" }, t.services);
  assert.equal(await t.store.getToken("Default"), undefined);
  assert.deepEqual(await t.store.listRoleCredentialArns(), [ADMIN]);
  assert.ok(await t.store.getRegistration("Default"), "the registration stays");
  assert.match(t.output.stderr, /Flushed the AWS SSO token of instance Default/);

  t.output.stderr = "";
  await runFlush({ type: "sso" }, t.next());
  assert.match(t.output.stderr, /No AWS SSO token to flush for instance Default/);

  t.output.stderr = "";
  await runFlush({ type: "all" }, t.next());
  assert.deepEqual(await t.store.listRoleCredentialArns(), []);
  assert.match(t.output.stderr, /Flushed the cached STS credentials of .*AdministratorAccess/);
  assert.match(t.output.stderr, /No AWS SSO token to flush/);
});

Deno.test("flush is wired to runFlush: -t defaults to sts and takes only sts, sso or all", async () => {
  await using emu = await startEmulator({ accounts: 1 });
  await using t = await signedIn(emu);
  await t.store.putRoleCredentials(ADMIN, creds("AdministratorAccess"));
  assert.equal(await runArgv(t, ["flush"]), 0, t.output.stderr);
  assert.deepEqual(await t.store.listRoleCredentialArns(), []);
  assert.ok(await t.store.getToken("Default"));
  assert.equal(await runArgv(t, ["flush", "-t", "sso"]), 0);
  assert.equal(await t.store.getToken("Default"), undefined);
  assert.equal(await runArgv(t, ["flush", "--type", "everything"]), 2);
  assert.match(t.output.stderr, /'everything' is invalid/);
});
