/**
 * The import decision in-process: a memory store, a fixed clock, a recording logger, and a
 * reference record written in the reference's format.
 */
import assert from "node:assert/strict";
import type { Clock } from "../../../lib/clock.ts";
import {
  importReferenceSession,
  type ReferenceSessionSource,
} from "../../../lib/reference_session/import_session.ts";
import type { ReferenceRecord } from "../../../lib/reference_session/reference_records.ts";
import { SecureStore } from "../../../lib/secure_store.ts";
import { MemoryBackend } from "../../../stores/memory.ts";
import { RecordingLogger } from "../../fakes/recording_logger.ts";
import {
  encryptReferenceJwe,
  keyringItem,
  referenceBlob,
  type ReferenceToken,
} from "../../fakes/reference_store.ts";

const NOW = Date.UTC(2026, 0, 1);
const clock: Clock = { now: () => NOW, sleep: () => Promise.resolve() };
const INSTANCE = { name: "Default", ssoRegion: "us-east-1", startUrl: "https://example/start" };
const ARN = "arn:aws:iam::012345678901:role/AdministratorAccess";
const sec = (ms: number) => Math.floor((NOW + ms) / 1000);
const REG = {
  clientId: "client-1",
  clientSecret: "client-secret-1",
  clientIdIssuedAt: sec(-86400_000),
  clientSecretExpiresAt: sec(90 * 86400_000),
  grantTypes: ["authorization_code", "refresh_token"],
};
const LIVE: ReferenceToken = {
  accessToken: "live-access-token",
  expiresIn: 3600,
  expiresAt: sec(3600_000),
  RefreshToken: "live-refresh-token",
  tokenType: "Bearer",
};
const ROLE = {
  roleName: "AdministratorAccess",
  accountId: 12345678901,
  accessKeyId: "ASIALIVE",
  secretAccessKey: "live-secret-key",
  sessionToken: "live-session-token",
  expiration: NOW + 3600_000,
};

async function world() {
  const dir = await Deno.makeTempDir();
  const backend = new MemoryBackend();
  const logger = new RecordingLogger();
  const store = new SecureStore({ backend, lockPath: `${dir}/storage.lock`, clock, logger });
  return { dir, backend, logger, store };
}

/** Imports from `src` into the world's store for {@link INSTANCE} at the test clock. */
function importInto(w: Awaited<ReturnType<typeof world>>, src: ReferenceSessionSource) {
  return importReferenceSession({
    store: w.store,
    source: src,
    instance: INSTANCE,
    clock,
    logger: w.logger,
  });
}

function source(
  record: ReferenceRecord | undefined,
  password?: string,
  onRead?: () => Promise<void>,
): ReferenceSessionSource & { reads: number } {
  const s = {
    kind: "file",
    location: "~/.config/aws-sso/secure/aws-sso-cli-records",
    reads: 0,
    async read() {
      s.reads++;
      await onRead?.();
      return record;
    },
    password: () => Promise.resolve(password),
  };
  return s;
}

async function fileRecord(blob: Uint8Array, password = "pw"): Promise<ReferenceRecord> {
  return { format: "jwe", text: await encryptReferenceJwe(keyringItem(blob), password) };
}

Deno.test("importReferenceSession() takes over a live session once and says so in one INFO line", async () => {
  const w = await world();
  const src = source(
    await fileRecord(referenceBlob({ token: LIVE, registration: REG, roles: { [ARN]: ROLE } })),
    "pw",
  );
  const deps = { store: w.store, source: src, instance: INSTANCE, clock, logger: w.logger };
  assert.equal(await importReferenceSession(deps), "imported");
  assert.equal((await w.store.getToken("Default"))?.accessToken, "live-access-token");
  assert.equal((await w.store.getToken("Default"))?.RefreshToken, "live-refresh-token");
  assert.equal((await w.store.getRegistration("Default"))?.clientId, "client-1");
  assert.equal((await w.store.getRoleCredentials(ARN))?.accessKeyId, "ASIALIVE");
  assert.deepEqual(w.logger.lines.filter((l) => !l.startsWith("DEBUG")), [
    "INFO Imported the AWS SSO CLI session for Default from ~/.config/aws-sso/secure/aws-sso-cli-records",
  ]);
  for (
    const s of ["live-access-token", "live-refresh-token", "client-secret-1", "live-secret-key"]
  ) {
    assert.ok(w.logger.secrets.has(s), `${s} not masked`);
    assert.ok(!w.logger.lines.join("\n").includes(s));
  }

  // After a logout the old session is not brought back.
  await w.store.deleteToken("Default");
  assert.equal(await importReferenceSession(deps), "already-imported");
  assert.equal(await w.store.getToken("Default"), undefined);
  assert.equal(src.reads, 1);
  await Deno.remove(w.dir, { recursive: true });
});

Deno.test("importReferenceSession() does not even read the other store when we have a session", async () => {
  const w = await world();
  await w.store.putToken("Default", {
    accessToken: "ours",
    expiresIn: 1,
    expiresAt: "2030-01-01T00:00:00Z",
  });
  const src = source(await fileRecord(referenceBlob({ token: LIVE })), "pw");
  const outcome = await importInto(w, src);
  assert.equal(outcome, "have-session");
  assert.equal(src.reads, 0);
  assert.equal((await w.store.getToken("Default"))?.accessToken, "ours");
  await Deno.remove(w.dir, { recursive: true });
});

Deno.test("importReferenceSession(): an expired token with a refresh token and a live registration is imported", async () => {
  const w = await world();
  const expired = { ...LIVE, expiresAt: sec(-3600_000) };
  const src = source(await fileRecord(referenceBlob({ token: expired, registration: REG })), "pw");
  const deps = { store: w.store, source: src, instance: INSTANCE, clock, logger: w.logger };
  assert.equal(await importReferenceSession(deps), "imported");
  assert.equal((await w.store.getToken("Default"))?.RefreshToken, "live-refresh-token");
  await Deno.remove(w.dir, { recursive: true });
});

Deno.test("importReferenceSession(): a registration stored without grant types gets only refresh_token", async () => {
  const w = await world();
  const { grantTypes: _, ...legacy } = REG;
  const src = source(await fileRecord(referenceBlob({ token: LIVE, registration: legacy })), "pw");
  await importInto(w, src);
  assert.deepEqual((await w.store.getRegistration("Default"))?.grantTypes, ["refresh_token"]);
  await Deno.remove(w.dir, { recursive: true });
});

Deno.test("importReferenceSession(): expired with no way to refresh is not imported and nothing is written", async () => {
  for (
    const blob of [
      referenceBlob({
        token: { ...LIVE, expiresAt: sec(-1000), RefreshToken: "" },
        registration: REG,
      }),
      referenceBlob({
        token: { ...LIVE, expiresAt: sec(-1000) },
        registration: { ...REG, clientSecretExpiresAt: sec(-1000) },
      }),
      referenceBlob({ token: { ...LIVE, expiresAt: sec(-1000) } }),
    ]
  ) {
    const w = await world();
    const src = source(await fileRecord(blob), "pw");
    const outcome = await importInto(w, src);
    assert.equal(outcome, "expired");
    assert.deepEqual(await w.backend.keys(), []);
    assert.deepEqual(w.logger.lines, [
      "INFO The session in the AWS SSO CLI store (~/.config/aws-sso/secure/aws-sso-cli-records) has expired; it was not imported",
    ]);
    await Deno.remove(w.dir, { recursive: true });
  }
});

Deno.test("importReferenceSession(): a wrong password writes nothing and warns once", async () => {
  const w = await world();
  const src = source(await fileRecord(referenceBlob({ token: LIVE }), "right"), "wrong");
  const outcome = await importInto(w, src);
  assert.equal(outcome, "undecryptable");
  assert.deepEqual(await w.backend.keys(), []);
  assert.equal(w.logger.lines.length, 1);
  assert.match(
    w.logger.lines[0]!,
    /^WARN Could not import the session in the AWS SSO CLI store .*: wrong password/,
  );
  await Deno.remove(w.dir, { recursive: true });
});

Deno.test("importReferenceSession(): a forged record (re-encrypted keyring item with another password) is refused", async () => {
  // Someone who can write the file but does not know the password can only produce records
  // under a password of their own: they fail to open with the user's.
  const w = await world();
  const forged = await fileRecord(
    referenceBlob({ token: { ...LIVE, accessToken: "attacker" } }),
    "attacker-pw",
  );
  const src = source(forged, "users-password");
  assert.equal(
    await importInto(w, src),
    "undecryptable",
  );
  assert.equal(await w.store.getToken("Default"), undefined);
  await Deno.remove(w.dir, { recursive: true });
});

Deno.test("importReferenceSession(): without AWS_SSO_FILE_PASSWORD the file store is left locked", async () => {
  const w = await world();
  const src = source(await fileRecord(referenceBlob({ token: LIVE })), undefined);
  assert.equal(
    await importInto(w, src),
    "locked",
  );
  assert.deepEqual(await w.backend.keys(), []);
  assert.match(w.logger.lines[0]!, /^INFO Found the AWS SSO CLI store .*set AWS_SSO_FILE_PASSWORD/);
  await Deno.remove(w.dir, { recursive: true });
});

Deno.test("importReferenceSession(): a login that lands while the record is read wins", async () => {
  const w = await world();
  const src = source(
    {
      format: "keyring-item",
      bytes: keyringItem(referenceBlob({ token: LIVE, registration: REG })),
    },
    undefined,
    () =>
      w.store.putToken("Default", {
        accessToken: "fresh-login",
        expiresIn: 3600,
        expiresAt: "2026-01-01T01:00:00Z",
      }),
  );
  assert.equal(
    await importInto(w, src),
    "have-session",
  );
  assert.equal((await w.store.getToken("Default"))?.accessToken, "fresh-login");
  assert.equal(await w.store.getRegistration("Default"), undefined);
  await Deno.remove(w.dir, { recursive: true });
});

Deno.test("importReferenceSession(): no record, or no session for this instance, is silent", async () => {
  const w = await world();
  const none = source(undefined);
  const other = source({
    format: "blob",
    bytes: referenceBlob({ instance: "Other", token: LIVE }),
  });
  for (const src of [none, other]) {
    await importInto(w, src);
  }
  assert.deepEqual(w.logger.lines.filter((l) => !l.startsWith("DEBUG")), []);
  assert.deepEqual(await w.backend.keys(), []);
  await Deno.remove(w.dir, { recursive: true });
});

Deno.test("importReferenceSession(): keychain and wincred records (recording runner) import the same session", async () => {
  const { referenceRecordReader } = await import("../../../stores/reference_records.ts");
  const { RecordingRunner, result } = await import("../../stores/recording_runner.ts");
  const { wincredChunks } = await import("../../fakes/reference_store.ts");
  const blob = referenceBlob({ token: LIVE, registration: REG, roles: { [ARN]: ROLE } });
  const replies = {
    keychain: () => result(0, `${new TextDecoder().decode(blob)}\n`),
    wincred: () => result(0, wincredChunks(blob).map((c) => c.toBase64()).join("\r\n")),
  };
  for (const kind of ["keychain", "wincred"] as const) {
    const w = await world();
    const rr = new RecordingRunner(replies[kind]);
    const reader = referenceRecordReader(kind, {
      configDir: "/c",
      runner: rr,
      fileIo: {
        readFile: () => Promise.reject(new Error("unused")),
        readFileSync: () => undefined,
        writeFileAtomic: () => Promise.reject(new Error("never writes")),
        remove: () => Promise.reject(new Error("never writes")),
      },
    })!;
    const src: ReferenceSessionSource = {
      kind,
      location: reader.location,
      read: () => reader.read(),
      password: () => Promise.resolve(undefined),
    };
    const outcome = await importInto(w, src);
    assert.equal(outcome, "imported", kind);
    assert.equal((await w.store.getToken("Default"))?.accessToken, "live-access-token", kind);
    assert.equal((await w.store.getRoleCredentials(ARN))?.sessionToken, "live-session-token");
    assert.equal(rr.calls.length, 1, kind);
    await Deno.remove(w.dir, { recursive: true });
  }
});
