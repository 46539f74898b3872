/**
 * Writes the AWS SSO CLI's secure-store record exactly as the Go tool does
 * (99designs/keyring + jose2go), for the import tests: the StorageData blob, the keyring Item
 * around it, and the `file` store's compact JWE (PBES2-HS256+A128KW, p2c 8192, 12-byte p2s,
 * A256GCM, a `created` header) made with WebCrypto. Written for the tests from the format, not
 * from the reference's code; tests/testdata/reference_session/ holds a JWE made by another
 * implementation (Python joserfc) to check the decoder against.
 *
 * @module
 */

/** A token in the reference's shape (`expiresAt` in epoch seconds). */
export interface ReferenceToken {
  accessToken: string;
  expiresIn: number;
  expiresAt: number;
  IdToken?: string;
  RefreshToken?: string;
  tokenType?: string;
}

/** A client registration in the reference's shape. */
export interface ReferenceRegistration {
  clientId: string;
  clientSecret: string;
  clientIdIssuedAt: number;
  clientSecretExpiresAt: number;
  grantTypes?: string[];
}

/** Role credentials in the reference's shape (`accountId` a number, `expiration` in ms). */
export interface ReferenceRoleCredentials {
  roleName: string;
  accountId: number;
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: number;
}

/** The blob the reference keeps: its StorageData as JSON (Go field names, empty maps kept). */
export function referenceBlob(options: {
  instance?: string;
  token?: ReferenceToken;
  registration?: ReferenceRegistration;
  roles?: Record<string, ReferenceRoleCredentials>;
  tokenKey?: string;
}): Uint8Array {
  const key = options.tokenKey ?? options.instance ?? "Default";
  return new TextEncoder().encode(JSON.stringify({
    RegisterClientData: options.registration === undefined
      ? {}
      : { [`client-data:${key}`]: options.registration },
    CreateTokenResponse: options.token === undefined
      ? {}
      : { [`token-response:${key}`]: { IdToken: "", RefreshToken: "", ...options.token } },
    RoleCredentials: options.roles ?? {},
    StaticCredentials: {},
    EcsBearerToken: "",
    EcsPrivateKey: "",
    EcsCertChain: "",
  }));
}

/** The JSON of the 99designs/keyring Item holding `blob` (what `file` and Secret Service keep). */
export function keyringItem(blob: Uint8Array): Uint8Array {
  return new TextEncoder().encode(JSON.stringify({
    Key: "aws-sso-cli-records",
    Data: blob.toBase64(),
    Label: "aws-sso-cli",
    Description: "aws-sso secure storage",
    KeychainNotTrustApplication: false,
    KeychainNotSynchronizable: false,
  }));
}

const b64url = (b: Uint8Array) => b.toBase64({ alphabet: "base64url", omitPadding: true });

/** `payload` as jose2go's compact JWE with PBES2-HS256+A128KW / A256GCM under `password`. */
export async function encryptReferenceJwe(
  payload: Uint8Array,
  password: string,
  options: { p2c?: number } = {},
): Promise<string> {
  const enc = new TextEncoder();
  const p2c = options.p2c ?? 8192;
  const p2s = crypto.getRandomValues(new Uint8Array(12));
  const header = {
    alg: "PBES2-HS256+A128KW",
    created: new Date().toString(),
    enc: "A256GCM",
    p2c,
    p2s: b64url(p2s),
  };
  const headerPart = b64url(enc.encode(JSON.stringify(header)));
  const alg = enc.encode(header.alg);
  const salt = new Uint8Array([...alg, 0, ...p2s]);
  const base = await crypto.subtle.importKey("raw", enc.encode(password), "PBKDF2", false, [
    "deriveBits",
  ]);
  const kek = await crypto.subtle.importKey(
    "raw",
    await crypto.subtle.deriveBits(
      { name: "PBKDF2", hash: "SHA-256", salt, iterations: p2c },
      base,
      128,
    ),
    "AES-KW",
    false,
    ["wrapKey"],
  );
  const cek = await crypto.subtle.generateKey({ name: "AES-GCM", length: 256 }, true, [
    "encrypt",
  ]);
  const wrapped = new Uint8Array(await crypto.subtle.wrapKey("raw", cek, kek, "AES-KW"));
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const sealed = new Uint8Array(
    await crypto.subtle.encrypt(
      { name: "AES-GCM", iv, additionalData: enc.encode(headerPart), tagLength: 128 },
      cek,
      new Uint8Array(payload),
    ),
  );
  const data = sealed.subarray(0, sealed.length - 16);
  const tag = sealed.subarray(sealed.length - 16);
  return [headerPart, b64url(wrapped), b64url(iv), b64url(data), b64url(tag)].join(".");
}

/** Writes `<configDir>/secure/aws-sso-cli-records` as the reference's `file` store does; returns its path. */
export async function writeReferenceFileStore(
  configDir: string,
  blob: Uint8Array,
  password: string,
): Promise<string> {
  await Deno.mkdir(`${configDir}/secure`, { recursive: true, mode: 0o700 });
  const path = `${configDir}/secure/aws-sso-cli-records`;
  await Deno.writeTextFile(path, await encryptReferenceJwe(keyringItem(blob), password), {
    mode: 0o600,
  });
  return path;
}

/** The wincred chunks of `blob`: 8-byte big-endian length + the first 2,000 bytes, then 2,000 each. */
export function wincredChunks(blob: Uint8Array): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  for (let at = 0; at === 0 || at < blob.length; at += 2000) {
    chunks.push(blob.slice(at, at + 2000));
  }
  const head = new Uint8Array(8 + chunks[0]!.length);
  new DataView(head.buffer).setBigUint64(0, BigInt(blob.length));
  head.set(chunks[0]!, 8);
  chunks[0] = head;
  return chunks;
}
