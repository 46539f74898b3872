/**
 * The `credential_process` payload (docs/design.md §2.3): the AWS SDKs' "Version 1" JSON
 * plus `AccountId`, which botocore reads to fill the account of the credentials.
 *
 * @module
 */
import { formatRfc3339 } from "../time_format.ts";

/** What the payload carries. */
export interface ProcessCredentials {
  /** Access key id. */
  accessKeyId: string;
  /** Secret access key. */
  secretAccessKey: string;
  /** Session token. */
  sessionToken: string;
  /** Expiry, epoch ms. */
  expiration: number;
  /** 12-digit account id. */
  accountId: string;
}

/**
 * Renders the compact JSON `aws-sso process` prints (fixed field order, no trailing newline);
 * `Expiration` is RFC 3339 at the local offset `tzOffsetMinutes`.
 *
 * @example
 * ```ts
 * formatCredentialProcess(
 *   { accessKeyId: "AK", secretAccessKey: "SK", sessionToken: "ST", expiration: 0, accountId: "012345678901" },
 *   { tzOffsetMinutes: 0 },
 * );
 * // {"Version":1,"AccessKeyId":"AK","SecretAccessKey":"SK","SessionToken":"ST","Expiration":"1970-01-01T00:00:00Z","AccountId":"012345678901"}
 * ```
 */
export function formatCredentialProcess(
  creds: ProcessCredentials,
  options: { tzOffsetMinutes: number },
): string {
  return JSON.stringify({
    Version: 1,
    AccessKeyId: creds.accessKeyId,
    SecretAccessKey: creds.secretAccessKey,
    SessionToken: creds.sessionToken,
    Expiration: formatRfc3339(creds.expiration, options.tzOffsetMinutes),
    AccountId: creds.accountId,
  });
}
