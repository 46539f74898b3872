/**
 * Decrypts the one JWE form the AWS SSO CLI's `file` store writes (99designs/keyring through
 * jose2go): compact serialization, `alg` PBES2-HS256+A128KW, `enc` A256GCM, no compression.
 * Everything else is refused: the file is untrusted input.
 *
 * RFC 7518 §4.8: the key-encryption key is PBKDF2-HMAC-SHA256(password, salt =
 * UTF8(alg) || 0x00 || p2s, p2c iterations, 16 bytes); it AES-KW-unwraps the 32-byte content
 * key; the content key AES-GCM-decrypts the ciphertext with the ASCII of the encoded protected
 * header as additional data (RFC 7516 §5.2). All done with WebCrypto.
 *
 * @module
 */
import { AwsSsoError } from "../errors.ts";

/** The key management algorithm the reference uses. */
export const JWE_ALG = "PBES2-HS256+A128KW";
/** The content encryption the reference uses. */
export const JWE_ENC = "A256GCM";
/**
 * Most PBKDF2 iterations accepted. jose2go writes 8192; a file asking for millions more would
 * only burn CPU (about 0.2 s per million here) before failing, so it is refused unread.
 */
export const MAX_P2C = 1_000_000;
/** Fewest iterations accepted (RFC 7518 §4.8.1.2 recommends at least 1000). */
export const MIN_P2C = 1000;
/** Largest JWE accepted, in characters (a store with thousands of cached roles is far smaller). */
export const MAX_JWE_LENGTH = 8 * 1024 * 1024;

/** Why a JWE could not be decrypted. */
export type JweFailure = "malformed" | "unsupported" | "key" | "tampered";

/** The JWE could not be decrypted; `failure` says why. Nothing was changed. */
export class JweError extends AwsSsoError {
  /** Why. */
  readonly failure: JweFailure;

  /** Creates the error. */
  constructor(failure: JweFailure, message: string, options: { cause?: unknown } = {}) {
    super(message, options);
    this.failure = failure;
  }
}

type Bytes = Uint8Array<ArrayBuffer>;

function b64url(part: string, what: string): Bytes {
  if (!/^[A-Za-z0-9_-]*$/.test(part)) {
    throw new JweError("malformed", `the ${what} is not base64url`);
  }
  try {
    return Uint8Array.fromBase64(part, { alphabet: "base64url", lastChunkHandling: "loose" });
  } catch (e) {
    throw new JweError("malformed", `the ${what} is not base64url`, { cause: e });
  }
}

/**
 * Decrypts `compact` with `password`; returns the plaintext bytes. Throws {@link JweError}:
 * `key` for a wrong password (or a damaged wrapped key), `tampered` when the content fails its
 * authentication, `malformed`/`unsupported` for anything that is not the reference's format.
 *
 * @example
 * ```ts
 * declare const path: string, password: string;
 * const payload = await decryptPbes2Jwe(await Deno.readTextFile(path), password);
 * ```
 */
export async function decryptPbes2Jwe(compact: string, password: string): Promise<Uint8Array> {
  const text = compact.trim();
  if (text.length > MAX_JWE_LENGTH) throw new JweError("malformed", "the record is too large");
  const parts = text.split(".");
  if (parts.length !== 5) {
    throw new JweError("malformed", "not a compact JWE (it needs five dot-separated parts)");
  }
  const [headerPart, keyPart, ivPart, dataPart, tagPart] = parts as [
    string,
    string,
    string,
    string,
    string,
  ];
  let header: unknown;
  try {
    header = JSON.parse(
      new TextDecoder("utf-8", { fatal: true }).decode(b64url(headerPart, "header")),
    );
  } catch (e) {
    if (e instanceof JweError) throw e;
    throw new JweError("malformed", "the JWE header is not JSON", { cause: e });
  }
  if (typeof header !== "object" || header === null || Array.isArray(header)) {
    throw new JweError("malformed", "the JWE header is not a JSON object");
  }
  const h = header as Record<string, unknown>;
  if (h.alg !== JWE_ALG || h.enc !== JWE_ENC) {
    throw new JweError(
      "unsupported",
      `unsupported JWE algorithms ${JSON.stringify(h.alg)}/${JSON.stringify(h.enc)}`,
    );
  }
  if (h.zip !== undefined || h.crit !== undefined) {
    throw new JweError("unsupported", "compressed or critical-extension JWEs are not supported");
  }
  const p2c = h.p2c;
  if (typeof p2c !== "number" || !Number.isInteger(p2c) || p2c < MIN_P2C || p2c > MAX_P2C) {
    throw new JweError(
      "unsupported",
      `the PBKDF2 iteration count is out of range (${MIN_P2C}–${MAX_P2C})`,
    );
  }
  if (typeof h.p2s !== "string") throw new JweError("malformed", "the JWE header has no p2s salt");
  const p2s = b64url(h.p2s, "p2s salt");
  if (p2s.length < 8 || p2s.length > 1024) {
    throw new JweError("malformed", "the p2s salt has a bad length");
  }
  const wrapped = b64url(keyPart, "encrypted key");
  const iv = b64url(ivPart, "IV");
  const data = b64url(dataPart, "ciphertext");
  const tag = b64url(tagPart, "tag");
  // A256GCM: a 32-byte key (wrapped: 40 bytes), a 96-bit IV, a 128-bit tag.
  if (wrapped.length !== 40 || iv.length !== 12 || tag.length !== 16) {
    throw new JweError("malformed", "the JWE key, IV or tag has the wrong length");
  }

  const enc = new TextEncoder();
  const alg = enc.encode(JWE_ALG);
  const salt = new Uint8Array(alg.length + 1 + p2s.length);
  salt.set(alg, 0);
  salt.set(p2s, alg.length + 1);
  const base = await crypto.subtle.importKey("raw", enc.encode(password), "PBKDF2", false, [
    "deriveBits",
  ]);
  const kekBits = await crypto.subtle.deriveBits(
    { name: "PBKDF2", hash: "SHA-256", salt, iterations: p2c },
    base,
    128,
  );
  const kek = await crypto.subtle.importKey("raw", kekBits, "AES-KW", false, ["unwrapKey"]);
  let cek: CryptoKey;
  try {
    cek = await crypto.subtle.unwrapKey("raw", wrapped, kek, "AES-KW", "AES-GCM", false, [
      "decrypt",
    ]);
  } catch (e) {
    throw new JweError("key", "wrong password (or a damaged record)", { cause: e });
  }
  const sealed = new Uint8Array(data.length + tag.length);
  sealed.set(data, 0);
  sealed.set(tag, data.length);
  try {
    return new Uint8Array(
      await crypto.subtle.decrypt(
        { name: "AES-GCM", iv, additionalData: enc.encode(headerPart), tagLength: 128 },
        cek,
        sealed,
      ),
    );
  } catch (e) {
    throw new JweError("tampered", "the record failed its integrity check (damaged or altered)", {
      cause: e,
    });
  }
}
