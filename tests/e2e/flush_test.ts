/**
 * `aws-sso flush` (the 1.x command) against the emulator: `--type sts` (default) deletes the
 * selected instance's cached role credentials and nothing else, `sso` the SSO token, `all`
 * both; it says what it deleted, succeeds when there was nothing, and with several instances
 * leaves the other instances' role credentials alone.
 */
import assert from "node:assert/strict";
import { realFileIo } from "../../lib/atomic_file.ts";
import { SecureStore } from "../../lib/secure_store.ts";
import { JsonFileBackend } from "../../stores/json_file.ts";
import { type Emulator, startEmulator } from "../emulator/emulator.ts";
import { realClock, RecordingLogger } from "../lib/sso/_fixtures.ts";
import { cli, CONFIG_DIR, credsSession, E2E, stderrLines } from "./_creds_session.ts";

const ADMIN = "arn:aws:iam::012345678901:role/AdministratorAccess";
const READONLY = "arn:aws:iam::012345678901:role/ReadOnlyAccess";
const DEVELOPER = "arn:aws:iam::012345678901:role/Developer";
/**
 * A role reached through `Via` that Identity Center does not list, so it is only in the cache
 * of the instance whose config names it.
 */
const CHAINED = "arn:aws:iam::123456789012:role/Chained";

/** The json store of a test HOME, opened by the test itself. */
function store(home: string): SecureStore {
  return new SecureStore({
    backend: new JsonFileBackend({ path: `${home}/${CONFIG_DIR}/store.json`, fileIo: realFileIo }),
    lockPath: `${home}/${CONFIG_DIR}/storage.lock`,
    clock: realClock,
    logger: new RecordingLogger(),
  });
}

/** `ExpiresEpoch` per ARN, from `list --csv`. */
async function expiries(home: string, emu: Emulator, sso = "Default") {
  const r = await cli(home, emu, ["-S", sso, "list", "--csv", "Arn", "ExpiresEpoch"]);
  assert.equal(r.code, 0, r.stderr);
  return new Map(
    r.stdout.trim().split("\n").map((l) => l.split(",") as [string, string]).map((
      [arn, at],
    ) => [arn, Number(at)]),
  );
}

async function processOk(home: string, emu: Emulator, arn: string, sso = "Default") {
  const r = await cli(home, emu, ["-S", sso, "process", "--arn", arn]);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as { AccessKeyId: string };
}

Deno.test({
  name:
    "flush deletes every cached role credential of the only instance and the next process fetches new ones",
  ...E2E,
  async fn() {
    await using emu = await startEmulator({ accounts: 1 });
    const home = await credsSession(emu);
    try {
      assert.equal((await cli(home, emu, ["cache"])).code, 0);
      const before = await processOk(home, emu, ADMIN);
      await processOk(home, emu, READONLY);
      assert.equal(emu.counters.GetRoleCredentials, 2);
      assert.ok((await expiries(home, emu)).get(ADMIN)! > 0, "list shows the expiry");

      const r = await cli(home, emu, ["flush"]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, "");
      assert.deepEqual(stderrLines(r), [
        `INFO Flushed the cached STS credentials of ${ADMIN}`,
        `INFO Flushed the cached STS credentials of ${READONLY}`,
      ]);
      assert.deepEqual(await store(home).listRoleCredentialArns(), []);
      assert.ok(await store(home).getToken("Default"), "the SSO token stays");
      assert.deepEqual([...(await expiries(home, emu)).values()], [0, 0, 0]);

      const after = await processOk(home, emu, ADMIN);
      assert.equal(emu.counters.GetRoleCredentials, 3);
      assert.notEqual(after.AccessKeyId, before.AccessKeyId);
    } finally {
      await Deno.remove(home, { recursive: true });
    }
  },
});

Deno.test({
  name: "flush -t sts and --type all succeed and say so when there is nothing to flush",
  ...E2E,
  async fn() {
    await using emu = await startEmulator({ accounts: 1 });
    const home = await credsSession(emu, { token: false });
    try {
      const sts = await cli(home, emu, ["flush", "-t", "sts"]);
      assert.equal(sts.code, 0, sts.stderr);
      assert.deepEqual(stderrLines(sts), [
        "INFO No cached STS credentials to flush for SSO instance Default",
      ]);
      const all = await cli(home, emu, ["flush", "--type", "all"]);
      assert.equal(all.code, 0, all.stderr);
      assert.deepEqual(stderrLines(all), [
        "INFO No cached STS credentials to flush for SSO instance Default",
        "INFO No AWS SSO token to flush for instance Default",
      ]);
      assert.deepEqual(emu.counters, {}, "flush makes no AWS call");
      const bad = await cli(home, emu, ["flush", "--type", "keys"]);
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /sts, sso, all|"sts", "sso", "all"/);
    } finally {
      await Deno.remove(home, { recursive: true });
    }
  },
});

Deno.test({
  name:
    "flush --type sso deletes only the SSO token: cached role credentials still work, new ones need a login",
  ...E2E,
  async fn() {
    await using emu = await startEmulator({ accounts: 1 });
    const home = await credsSession(emu);
    try {
      const first = await processOk(home, emu, ADMIN);
      const r = await cli(home, emu, ["flush", "--type", "sso"]);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(stderrLines(r), ["INFO Flushed the AWS SSO token of instance Default"]);
      assert.equal(await store(home).getToken("Default"), undefined);
      assert.deepEqual(await store(home).listRoleCredentialArns(), [ADMIN]);

      assert.equal((await processOk(home, emu, ADMIN)).AccessKeyId, first.AccessKeyId);
      const other = await cli(home, emu, ["process", "--arn", DEVELOPER]);
      assert.equal(other.code, 1);
      assert.equal(other.stdout, "");
      assert.match(other.stderr, /aws-sso login/);
      assert.equal(emu.counters.GetRoleCredentials, 1);
    } finally {
      await Deno.remove(home, { recursive: true });
    }
  },
});

Deno.test({
  name: "flush -t all deletes the role credentials and the SSO token",
  ...E2E,
  async fn() {
    await using emu = await startEmulator({ accounts: 1 });
    const home = await credsSession(emu);
    try {
      await processOk(home, emu, DEVELOPER);
      const r = await cli(home, emu, ["flush", "-t", "all"]);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(stderrLines(r), [
        `INFO Flushed the cached STS credentials of ${DEVELOPER}`,
        "INFO Flushed the AWS SSO token of instance Default",
      ]);
      assert.deepEqual(await store(home).listRoleCredentialArns(), []);
      assert.equal(await store(home).getToken("Default"), undefined);
      const again = await cli(home, emu, ["process", "--arn", DEVELOPER]);
      assert.equal(again.code, 1);
      assert.match(again.stderr, /aws-sso login/);
    } finally {
      await Deno.remove(home, { recursive: true });
    }
  },
});

Deno.test({
  name: "with two SSO instances, flush deletes only the role credentials of the selected one",
  ...E2E,
  async fn() {
    await using emu = await startEmulator({ accounts: 2 });
    const home = await credsSession(emu, {
      topYaml: "DefaultSSO: Default\n",
      instanceYaml: `  Work:
    SSORegion: us-east-1
    StartUrl: ${emu.startUrl}
    Accounts:
      "123456789012":
        Roles:
          Chained:
            Via: ${ADMIN}
`,
    });
    try {
      const issued = emu.issueToken();
      await store(home).putToken("Work", {
        accessToken: issued.accessToken,
        expiresIn: 3600,
        expiresAt: new Date(Date.now() + 3600_000).toISOString().replace(/\.\d+Z$/, "Z"),
        tokenType: "Bearer",
      });
      for (const sso of ["Default", "Work"]) {
        const c = await cli(home, emu, ["-S", sso, "cache"]);
        assert.equal(c.code, 0, c.stderr);
      }
      // Both instances list ADMIN (same Identity Center); Work fetched its credentials.
      await processOk(home, emu, ADMIN, "Work");
      await processOk(home, emu, CHAINED, "Work");
      assert.deepEqual(await store(home).listRoleCredentialArns(), [ADMIN, CHAINED].sort());
      assert.ok((await expiries(home, emu, "Work")).get(ADMIN)! > 0);

      const def = await cli(home, emu, ["flush"]);
      assert.equal(def.code, 0, def.stderr);
      assert.deepEqual(stderrLines(def), [`INFO Flushed the cached STS credentials of ${ADMIN}`]);
      assert.deepEqual(await store(home).listRoleCredentialArns(), [CHAINED]);
      const work1 = await expiries(home, emu, "Work");
      assert.ok(work1.get(CHAINED)! > 0, "the expiry of Work's own role stays");
      assert.equal(work1.get(ADMIN), 0, "the flushed role shows no expiry in Work either");

      const work = await cli(home, emu, ["flush", "--type", "all"], { AWS_SSO: "Work" });
      assert.equal(work.code, 0, work.stderr);
      assert.deepEqual(stderrLines(work), [
        `INFO Flushed the cached STS credentials of ${CHAINED}`,
        "INFO Flushed the AWS SSO token of instance Work",
      ]);
      assert.deepEqual(await store(home).listRoleCredentialArns(), []);
      assert.ok(await store(home).getToken("Default"), "Default's token stays");
    } finally {
      await Deno.remove(home, { recursive: true });
    }
  },
});
