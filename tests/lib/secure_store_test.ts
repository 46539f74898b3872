import assert from "node:assert/strict";
import { realFileIo } from "../../lib/atomic_file.ts";
import {
  type ClientRegistration,
  SecureStore,
  type SsoToken,
  type StoredRoleCredentials,
} from "../../lib/secure_store.ts";
import { JsonFileBackend } from "../../stores/json_file.ts";
import { MemoryBackend } from "../../stores/memory.ts";
import { memoryStore, realClock, RecordingLogger } from "./sso/_fixtures.ts";

const dir = await Deno.makeTempDir({ prefix: "secure-store-test-" });
globalThis.addEventListener("unload", () => Deno.removeSync(dir, { recursive: true }));
const decode = (b: Uint8Array | undefined) => JSON.parse(new TextDecoder().decode(b));

const registration: ClientRegistration = {
  clientId: "client-1",
  clientSecret: "client-secret-value",
  clientIdIssuedAt: 1_700_000_000,
  clientSecretExpiresAt: 1_800_000_000,
  authorizationEndpoint: "https://oidc.us-east-1.amazonaws.com/authorize",
  grantTypes: ["authorization_code", "refresh_token"],
};

const token: SsoToken = {
  accessToken: "access-token-value",
  expiresIn: 3600,
  expiresAt: "2030-01-02T03:04:05Z",
  RefreshToken: "refresh-token-value",
  tokenType: "Bearer",
};

const creds: StoredRoleCredentials = {
  roleName: "Admin",
  accountId: "012345678901",
  accessKeyId: "ASIAEXAMPLE",
  secretAccessKey: "secret-access-key-value",
  sessionToken: "session-token-value",
  expiration: 1_900_000_000_000,
  roleChaining: false,
};

Deno.test("SecureStore stores each kind of value under the reference's key with its field names", async () => {
  const backend = new MemoryBackend();
  const store = memoryStore(dir, new RecordingLogger(), backend);
  await store.putRegistration("Default", registration);
  await store.putToken("Default", token);
  const arn = "arn:aws:iam::012345678901:role/Admin";
  await store.putRoleCredentials(arn, creds);
  await store.putEcsBearerToken("Bearer abcdefgh12345");

  assert.deepEqual(await backend.keys(), [
    "client-data:Default",
    "ecs-bearer-token",
    `role-credentials:${arn}`,
    "token-response:Default",
  ]);
  assert.deepEqual(decode(await backend.get("client-data:Default")), registration);
  // Times are stored as the reference stores them: Unix seconds.
  assert.deepEqual(decode(await backend.get("token-response:Default")), {
    ...token,
    expiresAt: 1893553445,
  });
  // The reference stores the account id as a number.
  assert.equal(decode(await backend.get(`role-credentials:${arn}`)).accountId, 12345678901);
  assert.equal(
    new TextDecoder().decode(await backend.get("ecs-bearer-token")),
    "Bearer abcdefgh12345",
  );

  assert.deepEqual(await store.getRegistration("Default"), registration);
  assert.deepEqual(await store.getToken("Default"), token);
  assert.deepEqual(await store.getRoleCredentials(arn), creds);
  assert.equal(await store.getEcsBearerToken(), "Bearer abcdefgh12345");
  assert.deepEqual(await store.listRoleCredentialArns(), [arn]);
});

Deno.test("SecureStore reads values written by the reference tool (numbers, missing fields)", async () => {
  const backend = new MemoryBackend();
  const enc = (o: unknown) => new TextEncoder().encode(JSON.stringify(o));
  await backend.set("client-data:Old", enc({ clientId: "c", clientSecret: "s12345678" }));
  await backend.set(
    "role-credentials:arn:aws:iam::000000011111:role/R",
    enc({ ...creds, accountId: 11111 }),
  );
  const store = memoryStore(dir, new RecordingLogger(), backend);
  const reg = await store.getRegistration("Old");
  assert.equal(reg?.grantTypes, undefined);
  assert.equal(reg?.clientSecretExpiresAt, 0);
  const role = await store.getRoleCredentials("arn:aws:iam::000000011111:role/R");
  assert.equal(role?.accountId, "000000011111");
  await backend.set(
    "token-response:Go",
    enc({ accessToken: "a", expiresAt: "2030-01-02T03:04:05.123456789+02:00" }),
  );
  assert.equal((await store.getToken("Go"))?.expiresAt, "2030-01-02T03:04:05.123456789+02:00");
  await backend.set("token-response:Epoch", enc({ accessToken: "a", expiresAt: 1_900_000_000 }));
  assert.equal((await store.getToken("Epoch"))?.expiresAt, "2030-03-17T17:46:40Z");
});

const REFERENCE_STORE = new URL("../testdata/store/reference_json_store.json", import.meta.url);
const ARN = "arn:aws:iam::012345678901:role/Admin";

Deno.test("a json store.json written by aws-sso has the reference tool's layout and integer times", async () => {
  const path = `${dir}/written/store.json`;
  const store = new SecureStore({
    backend: new JsonFileBackend({ path, fileIo: realFileIo }),
    lockPath: `${dir}/written.lock`,
    clock: realClock,
    logger: new RecordingLogger(),
  });
  await store.putRegistration("Default", registration);
  await store.putToken("Default", token);
  await store.putRoleCredentials(ARN, creds);
  await store.putEcsBearerToken("Bearer abcdefgh12345");
  const written = await Deno.readTextFile(path);
  assert.deepEqual(JSON.parse(written), JSON.parse(await Deno.readTextFile(REFERENCE_STORE)));
  // Go's json.Unmarshal into int64 rejects "2030-01-02T03:04:05Z" and 1.8e9 alike.
  assert.match(written, /"expiresAt": 1893553445,\n/);
  assert.match(written, /"clientSecretExpiresAt": 1800000000,\n/);
});

Deno.test("a store.json in the reference tool's layout reads back every value", async () => {
  const path = `${dir}/reference/store.json`;
  await Deno.mkdir(`${dir}/reference`, { recursive: true });
  await Deno.copyFile(REFERENCE_STORE, path);
  const store = new SecureStore({
    backend: new JsonFileBackend({ path, fileIo: realFileIo }),
    lockPath: `${dir}/reference.lock`,
    clock: realClock,
    logger: new RecordingLogger(),
  });
  assert.deepEqual(await store.getRegistration("Default"), registration);
  assert.deepEqual(await store.getToken("Default"), token);
  assert.deepEqual(await store.getRoleCredentials(ARN), creds);
  assert.equal(await store.getEcsBearerToken(), "Bearer abcdefgh12345");
});

Deno.test("SecureStore still reads times written as RFC3339 text, and rewrites them as integers", async () => {
  const backend = new MemoryBackend();
  const enc = (o: unknown) => new TextEncoder().encode(JSON.stringify(o));
  await backend.set(
    "token-response:Default",
    enc({ accessToken: "a", expiresAt: "2030-01-02T03:04:05Z" }),
  );
  await backend.set(
    "client-data:Default",
    enc({
      clientId: "c",
      clientSecret: "s12345678",
      clientSecretExpiresAt: "2027-01-15T08:00:00Z",
    }),
  );
  const store = memoryStore(dir, new RecordingLogger(), backend);
  const old = await store.getToken("Default");
  assert.equal(old?.expiresAt, "2030-01-02T03:04:05Z");
  assert.equal((await store.getRegistration("Default"))?.clientSecretExpiresAt, 1800000000);
  await store.putToken("Default", old!);
  assert.equal(decode(await backend.get("token-response:Default")).expiresAt, 1893553445);
});

Deno.test("SecureStore ignores a damaged entry with a warning instead of failing", async () => {
  const backend = new MemoryBackend();
  await backend.set("token-response:Default", new TextEncoder().encode("{not json"));
  const logger = new RecordingLogger();
  const store = memoryStore(dir, logger, backend);
  assert.equal(await store.getToken("Default"), undefined);
  assert.ok(logger.lines.some((l) => l.startsWith("WARN") && l.includes("token-response:Default")));
});

Deno.test("SecureStore registers every secret it reads or writes with the logger", async () => {
  const backend = new MemoryBackend();
  const writer = new RecordingLogger();
  const store = memoryStore(dir, writer, backend);
  await store.putRegistration("Default", registration);
  await store.putToken("Default", { ...token, IdToken: "id-token-value" });
  await store.putRoleCredentials("arn:aws:iam::012345678901:role/Admin", creds);
  const expected = [
    "client-secret-value",
    "access-token-value",
    "refresh-token-value",
    "id-token-value",
    "secret-access-key-value",
    "session-token-value",
  ];
  for (const s of expected) assert.ok(writer.secrets.has(s), s);

  const reader = new RecordingLogger();
  const again = memoryStore(dir, reader, backend);
  await again.getRegistration("Default");
  await again.getToken("Default");
  await again.getRoleCredentials("arn:aws:iam::012345678901:role/Admin");
  for (const s of expected) assert.ok(reader.secrets.has(s), s);
});

Deno.test("SecureStore.updateToken changes the stored token, and deletes it when fn returns undefined", async () => {
  const store = memoryStore(dir, new RecordingLogger());
  await store.putToken("Default", token);
  const next = await store.updateToken("Default", (t) => t && { ...t, RefreshToken: undefined });
  assert.equal(next?.RefreshToken, undefined);
  assert.equal((await store.getToken("Default"))?.RefreshToken, undefined);
  await store.updateToken("Default", () => undefined);
  assert.equal(await store.getToken("Default"), undefined);
});

Deno.test("SecureStore deleteRoleCredentialsMany removes the given ARNs and counts those that existed", async () => {
  const store = memoryStore(dir, new RecordingLogger());
  for (const r of ["A", "B", "C"]) {
    await store.putRoleCredentials(`arn:aws:iam::012345678901:role/${r}`, creds);
  }
  const n = await store.deleteRoleCredentialsMany([
    "arn:aws:iam::012345678901:role/A",
    "arn:aws:iam::012345678901:role/C",
    "arn:aws:iam::012345678901:role/Missing",
  ]);
  assert.equal(n, 2);
  assert.deepEqual(await store.listRoleCredentialArns(), ["arn:aws:iam::012345678901:role/B"]);
});

Deno.test("parallel writers through separate SecureStores on one json file lose no update", async () => {
  const path = `${dir}/parallel-store.json`;
  const stores = Array.from({ length: 12 }, () =>
    new SecureStore({
      backend: new JsonFileBackend({ path, fileIo: realFileIo }),
      lockPath: `${dir}/parallel.lock`,
      clock: realClock,
      logger: new RecordingLogger(),
    }));
  await Promise.all(
    stores.map((s, i) =>
      s.putRoleCredentials(`arn:aws:iam::012345678901:role/R${i}`, { ...creds, roleName: `R${i}` })
    ),
  );
  assert.equal((await stores[0]!.listRoleCredentialArns()).length, 12);
  // Read-modify-write under the lock: 12 increments, none lost.
  await Promise.all(
    stores.map((s) =>
      s.updateEcsBearerToken((current) => String(Number(current ?? "100000000") + 1))
    ),
  );
  assert.equal(await stores[0]!.getEcsBearerToken(), "100000012");
});

Deno.test("SecureStore without the lock would lose updates: the json backend alone races", async () => {
  // Guards the test above: it must be the lock that prevents the lost updates.
  const path = `${dir}/unlocked-store.json`;
  const backends = Array.from(
    { length: 12 },
    () => new JsonFileBackend({ path, fileIo: realFileIo }),
  );
  await Promise.all(
    backends.map((b, i) => b.set(`role-credentials:r${i}`, new TextEncoder().encode("{}"))),
  );
  const keys = await backends[0]!.keys();
  assert.ok(keys.length < 12, `expected lost updates without the lock, got ${keys.length}`);
});

const CENTER_A = {
  name: "Default",
  startUrl: "https://a.awsapps.com/start",
  ssoRegion: "us-east-1",
};
const CENTER_B = {
  name: "Default",
  startUrl: "https://b.awsapps.com/start",
  ssoRegion: "us-east-1",
};

Deno.test("a token and registration stored for one Identity Center are not another's of the same instance name", async () => {
  const backend = new MemoryBackend();
  const store = memoryStore(dir, new RecordingLogger(), backend);
  await store.putRegistration(CENTER_A, registration);
  await store.putToken(CENTER_A, token);
  // Stored under the reference's keys, with the owner as extra fields (the reference ignores them).
  const stored = decode(await backend.get("token-response:Default"));
  assert.equal(stored.ssoStartUrl, CENTER_A.startUrl);
  assert.equal(stored.ssoRegion, "us-east-1");
  assert.equal(decode(await backend.get("client-data:Default")).ssoStartUrl, CENTER_A.startUrl);

  assert.deepEqual(await store.getToken(CENTER_A), token);
  assert.deepEqual(
    await store.getToken({ ...CENTER_A, startUrl: "HTTPS://A.awsapps.com/start/" }),
    token,
    "the same start URL written differently",
  );
  for (const other of [CENTER_B, { ...CENTER_A, ssoRegion: "eu-west-1" }]) {
    assert.equal(await store.getToken(other), undefined);
    assert.equal(await store.getRegistration(other), undefined);
    // Not this config's to delete: logout / flush of the other setup leave it alone.
    assert.equal(await store.deleteToken(other), false);
    assert.equal(await store.deleteRegistration(other), false);
    let seen: unknown = "not called";
    await store.updateToken(other, (t) => (seen = t, undefined));
    assert.equal(seen, undefined, "updateToken() hands the other's token to nobody");
  }
  assert.deepEqual(await store.getToken(CENTER_A), token, "kept");

  // A login to the other Identity Center replaces it.
  const tokenB = { ...token, accessToken: "access-token-b" };
  await store.putToken(CENTER_B, tokenB);
  assert.deepEqual(await store.getToken(CENTER_B), tokenB);
  assert.equal(await store.getToken(CENTER_A), undefined);
  assert.equal(await store.deleteToken(CENTER_B), true);
});

Deno.test("a token without an owner (written by the AWS SSO CLI or an older version) is read, and stamped when rewritten", async () => {
  const backend = new MemoryBackend();
  const store = memoryStore(dir, new RecordingLogger(), backend);
  await store.putToken("Default", token);
  assert.equal(decode(await backend.get("token-response:Default")).ssoStartUrl, undefined);
  assert.deepEqual(await store.getToken(CENTER_A), token);
  await store.updateToken(CENTER_A, (t) => t && { ...t, expiresIn: 60 });
  assert.equal(decode(await backend.get("token-response:Default")).ssoStartUrl, CENTER_A.startUrl);
  assert.equal(await store.getToken(CENTER_B), undefined);
});

Deno.test("a json store.json keeps the token's Identity Center in the reference layout", async () => {
  const path = `${dir}/owned/store.json`;
  const store = new SecureStore({
    backend: new JsonFileBackend({ path, fileIo: realFileIo }),
    lockPath: `${dir}/owned.lock`,
    clock: realClock,
    logger: new RecordingLogger(),
  });
  await store.putToken(CENTER_A, token);
  const written = JSON.parse(await Deno.readTextFile(path));
  assert.equal(written.CreateTokenResponse.Default.accessToken, token.accessToken);
  assert.equal(written.CreateTokenResponse.Default.ssoStartUrl, CENTER_A.startUrl);
  assert.equal(await store.getToken(CENTER_B), undefined);
  assert.deepEqual(await store.getToken(CENTER_A), token);
});
