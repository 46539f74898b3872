/**
 * The AWS SSO CLI's secure-store record decoded into this tool's types.
 *
 * The reference keeps everything in ONE keyring item, key `aws-sso-cli-records`, whose data is
 * a JSON blob `{RegisterClientData: {"client-data:<Instance>": …}, CreateTokenResponse:
 * {"token-response:<Instance>": …}, RoleCredentials: {"<role arn>": …}, …}`. How the item is
 * kept differs per store (see {@link ReferenceRecord}); this module turns any of them into
 * {@link ReferenceRecords}. Every input is untrusted: sizes are bounded, shapes checked, and
 * values that do not parse are dropped.
 *
 * @module
 */
import { parseRoleArn, roleArn } from "../arn.ts";
import { AwsSsoError } from "../errors.ts";
import {
  type ClientRegistration,
  parseRegistration,
  parseRoleCredentials,
  parseToken,
  type SsoToken,
  type StoredRoleCredentials,
} from "../secure_store.ts";
import { decryptPbes2Jwe } from "./jwe_pbes2.ts";

/** The reference's keyring item key. */
export const REFERENCE_RECORD_KEY = "aws-sso-cli-records";
/** Largest decoded blob accepted (bytes). */
export const MAX_BLOB_BYTES = 8 * 1024 * 1024;
/** The reference's wincred store splits its record into parts of this many bytes. */
const WINCRED_CHUNK = 2000;

/**
 * The reference's record as one store kind keeps it, read but not yet decoded (stores/
 * reference_records.ts reads it; this is the same shape, restated because lib/ does not import
 * stores/ beyond its interface; cli/ hands one to the other, so the type checker holds them equal).
 */
export type ReferenceRecord =
  /** `file`: the compact JWE text of `<ConfigDir>/secure/aws-sso-cli-records`. */
  | { format: "jwe"; text: string }
  /** `secret-service`: the secret, the JSON of a 99designs/keyring Item. */
  | { format: "keyring-item"; bytes: Uint8Array }
  /** `keychain`: the generic password's data, the blob itself. */
  | { format: "blob"; bytes: Uint8Array }
  /** `wincred`: credentials `…_0`, `…_1`, … in order; chunk 0 starts with the 8-byte length. */
  | { format: "wincred-chunks"; chunks: Uint8Array[] };

/** The record could not be read as the reference writes it. */
export class ReferenceRecordError extends AwsSsoError {}

/** The parts of the reference's blob this tool can use. */
export interface ReferenceRecords {
  /** `client-data:<key>` entries by `<key>`. */
  registrations: Map<string, ClientRegistration>;
  /** `token-response:<key>` entries by `<key>`. */
  tokens: Map<string, SsoToken>;
  /** Role credentials by role ARN. */
  roleCredentials: Map<string, StoredRoleCredentials>;
}

const encoder = new TextEncoder();

function object(v: unknown): Record<string, unknown> | undefined {
  return typeof v === "object" && v !== null && !Array.isArray(v)
    ? v as Record<string, unknown>
    : undefined;
}

function parseJson(bytes: Uint8Array, what: string): unknown {
  if (bytes.length > MAX_BLOB_BYTES) throw new ReferenceRecordError(`the ${what} is too large`);
  try {
    return JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch (e) {
    throw new ReferenceRecordError(`the ${what} is not JSON`, { cause: e });
  }
}

/** The data of a 99designs/keyring Item (`{"Key", "Data": base64, …}`) stored under our key. */
export function keyringItemData(bytes: Uint8Array): Uint8Array {
  const item = object(parseJson(bytes, "keyring item"));
  if (item === undefined || item.Key !== REFERENCE_RECORD_KEY || typeof item.Data !== "string") {
    throw new ReferenceRecordError(
      `the keyring item is not the AWS SSO CLI's ${REFERENCE_RECORD_KEY}`,
    );
  }
  try {
    return Uint8Array.fromBase64(item.Data, { lastChunkHandling: "strict" });
  } catch (e) {
    throw new ReferenceRecordError("the keyring item's data is not base64", { cause: e });
  }
}

/**
 * Joins the wincred chunks: chunk 0 begins with the total length (8 bytes, big-endian); chunks
 * after the length is reached are left-overs of an older, longer blob and are ignored, as the
 * reference does.
 */
export function joinWincredChunks(chunks: Uint8Array[]): Uint8Array {
  const first = chunks[0];
  if (first === undefined || first.length < 8) {
    throw new ReferenceRecordError("the first Credential Manager chunk is missing or too short");
  }
  const total = new DataView(first.buffer, first.byteOffset, 8).getBigUint64(0);
  if (total > BigInt(MAX_BLOB_BYTES)) throw new ReferenceRecordError("the record is too large");
  const want = Number(total);
  const out = new Uint8Array(want);
  let at = 0;
  const take = (part: Uint8Array) => {
    const n = Math.min(part.length, want - at);
    out.set(part.subarray(0, n), at);
    at += n;
    return n === part.length;
  };
  let whole = take(first.subarray(8));
  for (let i = 1; at < want && i < chunks.length; i++) whole = take(chunks[i]!) && whole;
  if (at !== want || !whole || chunks[0]!.length - 8 > WINCRED_CHUNK) {
    throw new ReferenceRecordError(
      `the Credential Manager chunks hold ${at} of the ${want} bytes announced`,
    );
  }
  return out;
}

/** The blob (the JSON of the reference's StorageData) inside `record`. */
export async function referenceBlob(
  record: ReferenceRecord,
  password: () => Promise<string | undefined>,
): Promise<Uint8Array | undefined> {
  switch (record.format) {
    case "jwe": {
      const pw = await password();
      if (pw === undefined) return undefined;
      return keyringItemData(await decryptPbes2Jwe(record.text, pw));
    }
    case "keyring-item":
      return keyringItemData(record.bytes);
    case "blob":
      return record.bytes;
    case "wincred-chunks":
      return joinWincredChunks(record.chunks);
  }
}

/** Parses the blob; entries that do not have the reference's shape are dropped. */
export function parseReferenceBlob(blob: Uint8Array): ReferenceRecords {
  const root = object(parseJson(blob, "record"));
  if (root === undefined) throw new ReferenceRecordError("the record is not a JSON object");
  const entries = (name: string) => Object.entries(object(root[name]) ?? {});
  const bytes = (v: unknown) => encoder.encode(JSON.stringify(v));
  const out: ReferenceRecords = {
    registrations: new Map(),
    tokens: new Map(),
    roleCredentials: new Map(),
  };
  for (const [k, v] of entries("RegisterClientData")) {
    const reg = k.startsWith("client-data:") ? parseRegistration(bytes(v)) : undefined;
    if (reg !== undefined) out.registrations.set(k.slice("client-data:".length), reg);
  }
  for (const [k, v] of entries("CreateTokenResponse")) {
    const token = k.startsWith("token-response:") ? parseToken(bytes(v)) : undefined;
    if (token !== undefined) out.tokens.set(k.slice("token-response:".length), token);
  }
  for (const [arn, v] of entries("RoleCredentials")) {
    const creds = parseRoleCredentials(bytes(v));
    if (creds === undefined) continue;
    try {
      // Only the canonical ARN form, naming the same account as the credentials.
      const ref = parseRoleArn(arn);
      if (roleArn(ref.accountId, ref.roleName) !== arn || ref.accountId !== creds.accountId) {
        continue;
      }
    } catch {
      continue;
    }
    out.roleCredentials.set(arn, creds);
  }
  return out;
}

/**
 * The keys the reference may have stored an instance's session under: the instance name
 * (current versions), then `<SSORegion>|<StartUrl>` (older versions).
 *
 * @example
 * ```ts
 * referenceKeys({ name: "Default", ssoRegion: "us-east-1", startUrl: "https://x/start" });
 * // ["Default", "us-east-1|https://x/start"]
 * ```
 */
export function referenceKeys(
  instance: { name: string; ssoRegion: string; startUrl: string },
): string[] {
  return [instance.name, `${instance.ssoRegion}|${instance.startUrl}`];
}
