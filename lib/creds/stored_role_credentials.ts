/**
 * Role credentials as the secure store keeps them: the key (`role-credentials:<RoleArn>`) and the
 * JSON record (the reference tool's shape). A module of its own so that the credential_process
 * hot path (cli/fast_process.ts) reads them by the same rule as lib/secure_store.ts without
 * loading the store and its lock.
 *
 * @module
 */
import { normalizeAccountId } from "../account_id.ts";
import { jsonObject, numberField, stringField } from "../json_fields.ts";

/** Cached role credentials, stored under {@link roleCredentialsKey}. */
export interface StoredRoleCredentials {
  /** Role name. */
  roleName: string;
  /** 12-digit account id (stored as a number, as the reference does). */
  accountId: string;
  /** Access key id. */
  accessKeyId: string;
  /** Secret access key. */
  secretAccessKey: string;
  /** Session token. */
  sessionToken: string;
  /** Expiry, epoch milliseconds. */
  expiration: number;
  /** True when obtained by sts:AssumeRole from other role credentials (`Via`). */
  roleChaining: boolean;
}

/** The prefix of every role-credentials key. */
export const ROLE_CREDENTIALS_PREFIX = "role-credentials:";

/**
 * The store key of a role's credentials.
 *
 * @example
 * ```ts
 * roleCredentialsKey("arn:aws:iam::123456789012:role/Admin");
 * // "role-credentials:arn:aws:iam::123456789012:role/Admin"
 * ```
 */
export function roleCredentialsKey(arn: string): string {
  return `${ROLE_CREDENTIALS_PREFIX}${arn}`;
}

/**
 * Parses stored role credentials; undefined when damaged or incomplete.
 *
 * @example
 * ```ts
 * parseRoleCredentials(new TextEncoder().encode("{}")); // undefined
 * ```
 */
export function parseRoleCredentials(bytes: Uint8Array): StoredRoleCredentials | undefined {
  const o = jsonObject(bytes);
  if (o === undefined) return undefined;
  const accessKeyId = stringField(o, "accessKeyId");
  const secretAccessKey = stringField(o, "secretAccessKey");
  const sessionToken = stringField(o, "sessionToken");
  const expiration = numberField(o, "expiration");
  const rawAccount = o.accountId;
  if (
    accessKeyId === undefined || secretAccessKey === undefined || sessionToken === undefined ||
    expiration === undefined ||
    (typeof rawAccount !== "number" && typeof rawAccount !== "string")
  ) {
    return undefined;
  }
  let accountId: string;
  try {
    accountId = normalizeAccountId(rawAccount);
  } catch {
    return undefined;
  }
  return {
    roleName: stringField(o, "roleName") ?? "",
    accountId,
    accessKeyId,
    secretAccessKey,
    sessionToken,
    expiration,
    roleChaining: o.roleChaining === true,
  };
}

/**
 * The stored form of role credentials: the reference keeps the account id as a JSON number
 * (12 digits fit a double exactly).
 *
 * @example
 * ```ts
 * declare const creds: StoredRoleCredentials;
 * encodeRoleCredentials(creds); // bytes of {"roleName":...,"accountId":123456789012,...}
 * ```
 */
export function encodeRoleCredentials(v: StoredRoleCredentials): Uint8Array {
  return new TextEncoder().encode(JSON.stringify({ ...v, accountId: Number(v.accountId) }));
}

/** Cached credentials are replaced when fewer than this many ms remain. */
export const REFRESH_BEFORE_MS = 20 * 60_000;

/**
 * True when credentials expiring at `expiration` (epoch ms) may still be served from the store
 * at `now` (epoch ms).
 *
 * @example
 * ```ts
 * reusableFromStore(Date.UTC(2025, 0, 1, 1), Date.UTC(2025, 0, 1, 0, 40)); // true
 * ```
 */
export function reusableFromStore(expiration: number, now: number): boolean {
  return expiration - now >= REFRESH_BEFORE_MS;
}
