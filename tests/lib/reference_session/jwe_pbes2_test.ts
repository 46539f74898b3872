/**
 * The `file` store JWE decoder against a JWE made by another implementation (Python joserfc,
 * tests/testdata/reference_session/) and against forged, tampered and absurd inputs.
 */
import assert from "node:assert/strict";
import { decryptPbes2Jwe, JweError, MAX_P2C } from "../../../lib/reference_session/jwe_pbes2.ts";
import { keyringItemData } from "../../../lib/reference_session/reference_records.ts";
import { encryptReferenceJwe } from "../../fakes/reference_store.ts";

const GOLDEN = await Deno.readTextFile(
  new URL("../../testdata/reference_session/aws-sso-cli-records.golden.jwe", import.meta.url),
);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);
const enc = (s: string) => new TextEncoder().encode(s);
const b64url = (b: Uint8Array) => b.toBase64({ alphabet: "base64url", omitPadding: true });

function failure(e: unknown): string {
  assert.ok(e instanceof JweError, `not a JweError: ${e}`);
  return e.failure;
}

async function rejectsWith(p: Promise<unknown>, expected: string): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.equal(failure(e), expected);
    return true;
  });
}

/** Replaces the protected header (keeping the other four parts). */
function withHeader(jwe: string, change: (h: Record<string, unknown>) => void): string {
  const parts = jwe.split(".");
  const h = JSON.parse(dec(Uint8Array.fromBase64(parts[0]!, { alphabet: "base64url" })));
  change(h);
  parts[0] = b64url(enc(JSON.stringify(h)));
  return parts.join(".");
}

Deno.test("decryptPbes2Jwe() opens a JWE written by another JOSE implementation (joserfc)", async () => {
  const blob = keyringItemData(await decryptPbes2Jwe(GOLDEN, "golden password"));
  const records = JSON.parse(dec(blob));
  assert.equal(
    records.CreateTokenResponse["token-response:Default"].accessToken,
    "golden-access-token",
  );
});

Deno.test("decryptPbes2Jwe() opens what the test writer produces (the format the e2e tests write)", async () => {
  const jwe = await encryptReferenceJwe(enc("hello"), "pw");
  assert.equal(dec(await decryptPbes2Jwe(`${jwe}\n`, "pw")), "hello");
});

Deno.test("decryptPbes2Jwe(): a wrong password fails the key unwrap", async () => {
  await rejectsWith(decryptPbes2Jwe(GOLDEN, "not the password"), "key");
});

Deno.test("decryptPbes2Jwe(): a flipped ciphertext byte fails the integrity check", async () => {
  const parts = GOLDEN.split(".");
  const data = Uint8Array.fromBase64(parts[3]!, { alphabet: "base64url" });
  data[5]! ^= 1;
  parts[3] = b64url(data);
  await rejectsWith(decryptPbes2Jwe(parts.join("."), "golden password"), "tampered");
});

Deno.test("decryptPbes2Jwe(): an edited header (the additional data) fails the integrity check", async () => {
  const forged = withHeader(GOLDEN, (h) => (h.created = "yesterday"));
  await rejectsWith(decryptPbes2Jwe(forged, "golden password"), "tampered");
});

Deno.test("decryptPbes2Jwe(): an absurd iteration count is refused before any PBKDF2 work", async () => {
  const forged = withHeader(GOLDEN, (h) => (h.p2c = 2_000_000_000));
  const start = performance.now();
  await rejectsWith(decryptPbes2Jwe(forged, "golden password"), "unsupported");
  assert.ok(performance.now() - start < 50, "it ran the key derivation");
  await rejectsWith(
    decryptPbes2Jwe(withHeader(GOLDEN, (h) => (h.p2c = MAX_P2C + 1)), "x"),
    "unsupported",
  );
  await rejectsWith(decryptPbes2Jwe(withHeader(GOLDEN, (h) => (h.p2c = 1)), "x"), "unsupported");
  await rejectsWith(
    decryptPbes2Jwe(withHeader(GOLDEN, (h) => (h.p2c = 8192.5)), "x"),
    "unsupported",
  );
});

Deno.test("decryptPbes2Jwe(): other algorithms, compression and malformed parts are refused", async () => {
  for (
    const change of [
      (h: Record<string, unknown>) => (h.alg = "dir"),
      (h: Record<string, unknown>) => (h.enc = "A128CBC-HS256"),
      (h: Record<string, unknown>) => (h.zip = "DEF"),
    ]
  ) {
    await rejectsWith(
      decryptPbes2Jwe(withHeader(GOLDEN, change), "golden password"),
      "unsupported",
    );
  }
  await rejectsWith(decryptPbes2Jwe(withHeader(GOLDEN, (h) => delete h.p2s), "x"), "malformed");
  await rejectsWith(decryptPbes2Jwe(GOLDEN.split(".").slice(0, 4).join("."), "x"), "malformed");
  await rejectsWith(decryptPbes2Jwe("a.b.c.d.e", "x"), "malformed");
  await rejectsWith(decryptPbes2Jwe("{}.e30.e30.e30.e30", "x"), "malformed");
  const parts = GOLDEN.split(".");
  parts[2] = b64url(new Uint8Array(16));
  await rejectsWith(decryptPbes2Jwe(parts.join("."), "golden password"), "malformed");
  await rejectsWith(decryptPbes2Jwe("x".repeat(9 * 1024 * 1024), "x"), "malformed");
});
