/** Decoding the AWS SSO CLI's record into this tool's types: blob, keyring Item, wincred chunks. */
import assert from "node:assert/strict";
import {
  joinWincredChunks,
  keyringItemData,
  parseReferenceBlob,
  referenceBlob as blobOf,
  referenceKeys,
  ReferenceRecordError,
} from "../../../lib/reference_session/reference_records.ts";
import { keyringItem, referenceBlob, wincredChunks } from "../../fakes/reference_store.ts";

const ARN = "arn:aws:iam::012345678901:role/AdministratorAccess";
const ROLE = {
  roleName: "AdministratorAccess",
  accountId: 12345678901,
  accessKeyId: "ASIA1",
  secretAccessKey: "s",
  sessionToken: "t",
  expiration: 4102444800000,
};

Deno.test("parseReferenceBlob() maps tokens, registrations and role credentials to our types", () => {
  const r = parseReferenceBlob(referenceBlob({
    token: { accessToken: "a", expiresIn: 3600, expiresAt: 4102444800, RefreshToken: "r" },
    registration: {
      clientId: "c",
      clientSecret: "cs",
      clientIdIssuedAt: 1,
      clientSecretExpiresAt: 4102444800,
    },
    roles: { [ARN]: ROLE },
  }));
  assert.deepEqual(r.tokens.get("Default"), {
    accessToken: "a",
    expiresIn: 3600,
    expiresAt: "2100-01-01T00:00:00Z",
    RefreshToken: "r",
  });
  assert.equal(r.registrations.get("Default")?.clientSecret, "cs");
  assert.equal(r.registrations.get("Default")?.grantTypes, undefined);
  assert.equal(r.roleCredentials.get(ARN)?.accountId, "012345678901");
});

Deno.test("parseReferenceBlob() drops role credentials under a foreign or non-canonical ARN", () => {
  const r = parseReferenceBlob(referenceBlob({
    roles: {
      "arn:aws:iam::999999999999:role/AdministratorAccess": ROLE,
      "012345678901:AdministratorAccess": ROLE,
      "not an arn": ROLE,
      [ARN]: { ...ROLE, sessionToken: "" },
    },
  }));
  assert.equal(r.roleCredentials.size, 0);
});

Deno.test("referenceKeys() tries the instance name, then the older region|start-url key", () => {
  assert.deepEqual(referenceKeys({ name: "Work", ssoRegion: "eu-west-1", startUrl: "https://x" }), [
    "Work",
    "eu-west-1|https://x",
  ]);
});

Deno.test("keyringItemData() accepts only the AWS SSO CLI's item", () => {
  const blob = referenceBlob({});
  assert.deepEqual(keyringItemData(keyringItem(blob)), blob);
  const other = new TextEncoder().encode(JSON.stringify({ Key: "aws-vault", Data: "" }));
  assert.throws(() => keyringItemData(other), ReferenceRecordError);
  assert.throws(() => keyringItemData(new TextEncoder().encode("[]")), ReferenceRecordError);
});

Deno.test("joinWincredChunks() rebuilds the blob and ignores left-over chunks of a longer one", () => {
  const blob = new TextEncoder().encode("x".repeat(4500));
  const chunks = wincredChunks(blob);
  assert.equal(chunks.length, 3);
  assert.equal(chunks[0]!.length, 2008);
  assert.deepEqual(joinWincredChunks(chunks), blob);
  assert.deepEqual(joinWincredChunks([...chunks, new Uint8Array(2000)]), blob);
});

Deno.test("joinWincredChunks() refuses missing chunks and absurd lengths", () => {
  const chunks = wincredChunks(new TextEncoder().encode("x".repeat(4500)));
  assert.throws(() => joinWincredChunks(chunks.slice(0, 2)), ReferenceRecordError);
  assert.throws(() => joinWincredChunks([]), ReferenceRecordError);
  const huge = new Uint8Array(8);
  new DataView(huge.buffer).setBigUint64(0, 2n ** 62n);
  assert.throws(() => joinWincredChunks([huge]), ReferenceRecordError);
});

Deno.test("referenceBlob() of a keychain record is the data itself; of a file record needs the password", async () => {
  const blob = referenceBlob({});
  assert.deepEqual(await blobOf({ format: "blob", bytes: blob }, () => Promise.resolve("x")), blob);
  assert.equal(
    await blobOf({ format: "jwe", text: "a.b.c.d.e" }, () => Promise.resolve(undefined)),
    undefined,
  );
});
