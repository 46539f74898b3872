/**
 * The AWS CLI v2's SSO token cache file, `~/.aws/sso/cache/<sha1>.json` (botocore's
 * `SSOTokenLoader` / `SSOTokenProvider`): named by the SHA-1 hex of the sso-session name, or of
 * the start URL for a legacy profile; one JSON object with `startUrl`, `region`, `accessToken`,
 * `expiresAt`, `clientId`, `clientSecret`, `registrationExpiresAt` and, when AWS issued one,
 * `refreshToken`. Timestamps are UTC `YYYY-MM-DDTHH:MM:SSZ`; the file is written by Python's
 * `json.dumps` (`", "` and `": "` separators, non-ASCII escaped), mode 0600.
 *
 * This module reads and renders that format; it keeps every field it does not change, so a
 * file rewritten here reads the same to the AWS CLI (and to any newer field it adds).
 *
 * @module
 */

/** A token cache entry, with the fields aws-sso uses decoded. */
export interface AwsCliToken {
  /** Bearer token for the portal API. */
  accessToken: string;
  /** When the access token expires, epoch ms. */
  expiresAtMs: number;
  /** The start URL the token belongs to, when recorded. */
  startUrl?: string;
  /** The SSO region, when recorded. */
  region?: string;
  /** Refresh token, when AWS issued one. */
  refreshToken?: string;
  /** OIDC client id of the registration that issued the token. */
  clientId?: string;
  /** OIDC client secret of that registration. */
  clientSecret?: string;
  /** When the registration expires, epoch ms. */
  registrationExpiresAtMs?: number;
  /** Every field of the file as read (written back unchanged unless replaced). */
  fields: Record<string, unknown>;
}

/**
 * The token cache directory of the AWS CLI (botocore uses it whatever `AWS_CONFIG_FILE` says).
 *
 * @example
 * ```ts
 * awsCliTokenCacheDir("/home/me"); // "/home/me/.aws/sso/cache"
 * ```
 */
export function awsCliTokenCacheDir(home: string): string {
  return `${home}/.aws/sso/cache`;
}

/**
 * The cache file for `key` (an sso-session name, or a legacy profile's start URL).
 *
 * @example
 * ```ts
 * await awsCliTokenCachePath("/home/me/.aws/sso/cache", "my-sso");
 * // "/home/me/.aws/sso/cache/<40 hex digits>.json"
 * ```
 */
export async function awsCliTokenCachePath(cacheDir: string, key: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-1", new TextEncoder().encode(key));
  const hex = Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
  return `${cacheDir}/${hex}.json`;
}

/**
 * Formats epoch ms the way botocore writes cache timestamps (UTC, whole seconds, `Z`).
 *
 * @example
 * ```ts
 * awsCliTimestamp(0); // "1970-01-01T00:00:00Z"
 * ```
 */
export function awsCliTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/**
 * Parses a cache timestamp: the CLI's `...Z`, older CLIs' `...UTC`, an explicit offset, or the
 * JS SDK's fractional seconds; undefined when it is not a time.
 *
 * @example
 * ```ts
 * parseAwsCliTimestamp("2024-01-02T03:04:05UTC"); // 1704164645000
 * ```
 */
export function parseAwsCliTimestamp(value: unknown): number | undefined {
  if (typeof value !== "string") return undefined;
  let text = value.trim();
  if (/UTC$/i.test(text)) text = text.slice(0, -3) + "Z";
  // An ISO time with no zone is UTC to botocore's writers (they always write UTC).
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?$/.test(text)) text += "Z";
  if (!/^\d{4}-\d{2}-\d{2}T/.test(text)) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}

function text(o: Record<string, unknown>, key: string): string | undefined {
  const v = o[key];
  return typeof v === "string" && v !== "" ? v : undefined;
}

/**
 * Decodes a cache file; undefined when it is not JSON or lacks `accessToken` / `expiresAt`
 * (botocore treats such a file as "no token").
 *
 * @example
 * ```ts
 * parseAwsCliToken('{"accessToken": "t", "expiresAt": "2030-01-01T00:00:00Z"}')?.expiresAtMs;
 * // 1893456000000
 * ```
 */
export function parseAwsCliToken(json: string): AwsCliToken | undefined {
  let o: unknown;
  try {
    o = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (typeof o !== "object" || o === null || Array.isArray(o)) return undefined;
  const fields = o as Record<string, unknown>;
  const accessToken = text(fields, "accessToken");
  const expiresAtMs = parseAwsCliTimestamp(fields.expiresAt);
  if (accessToken === undefined || expiresAtMs === undefined) return undefined;
  const token: AwsCliToken = { accessToken, expiresAtMs, fields };
  const optional = ["startUrl", "region", "refreshToken", "clientId", "clientSecret"] as const;
  for (const key of optional) {
    const v = text(fields, key);
    if (v !== undefined) token[key] = v;
  }
  const registration = parseAwsCliTimestamp(fields.registrationExpiresAt);
  if (registration !== undefined) token.registrationExpiresAtMs = registration;
  return token;
}

/** Python's `json.dumps` with its defaults: `", "` / `": "` separators, non-ASCII escaped. */
function pythonJson(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "string") {
    return JSON.stringify(value).replace(
      /[\u007f-\uffff]/g,
      (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
    );
  }
  if (typeof value === "number" || typeof value === "boolean") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(pythonJson).join(", ")}]`;
  if (typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${pythonJson(k)}: ${pythonJson(v)}`);
    return `{${entries.join(", ")}}`;
  }
  return "null";
}

/**
 * Renders a cache file as the AWS CLI writes it. Fields keep their order; `undefined` drops one.
 *
 * @example
 * ```ts
 * renderAwsCliToken({ accessToken: "t", expiresAt: "2030-01-01T00:00:00Z" });
 * // '{"accessToken": "t", "expiresAt": "2030-01-01T00:00:00Z"}'
 * ```
 */
export function renderAwsCliToken(fields: Record<string, unknown>): string {
  return pythonJson(fields);
}
