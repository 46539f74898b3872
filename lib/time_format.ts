/**
 * RFC 3339 timestamps as the user sees them (`credential_process` `Expiration`,
 * `AWS_SSO_SESSION_EXPIRATION`, `# Expires:` in `credentials`): whole seconds, in the local
 * time zone given as an offset, and the UTC form stored values and SDK variables use.
 *
 * @module
 */

function pad(n: number, width = 2): string {
  return String(n).padStart(width, "0");
}

/**
 * Formats `epochMs` as RFC 3339 with whole seconds at a UTC offset of `offsetMinutes` (east
 * positive, as `-new Date(ms).getTimezoneOffset()` gives it); offset 0 is written `Z`.
 *
 * @example
 * ```ts
 * formatRfc3339(Date.UTC(2024, 5, 4, 0, 56, 11), -420); // "2024-06-03T17:56:11-07:00"
 * formatRfc3339(Date.UTC(2024, 5, 4, 0, 56, 11), 0); // "2024-06-04T00:56:11Z"
 * ```
 */
export function formatRfc3339(epochMs: number, offsetMinutes: number): string {
  const shifted = new Date(Math.floor(epochMs / 1000) * 1000 + offsetMinutes * 60_000);
  const date = `${pad(shifted.getUTCFullYear(), 4)}-${pad(shifted.getUTCMonth() + 1)}-${
    pad(shifted.getUTCDate())
  }`;
  const time = `${pad(shifted.getUTCHours())}:${pad(shifted.getUTCMinutes())}:${
    pad(shifted.getUTCSeconds())
  }`;
  if (offsetMinutes === 0) return `${date}T${time}Z`;
  const sign = offsetMinutes > 0 ? "+" : "-";
  const abs = Math.abs(offsetMinutes);
  return `${date}T${time}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/**
 * Formats `epochMs` as RFC 3339 UTC with whole seconds.
 *
 * @example
 * ```ts
 * formatRfc3339Utc(Date.UTC(2024, 5, 4, 0, 56, 11, 500)); // "2024-06-04T00:56:11Z"
 * ```
 */
export function formatRfc3339Utc(epochMs: number): string {
  return formatRfc3339(epochMs, 0);
}

/**
 * Parses an RFC 3339 / ISO 8601 timestamp with an explicit zone (`Z` or `±hh:mm`); returns
 * epoch ms, or undefined when `text` is not one.
 *
 * @example
 * ```ts
 * parseRfc3339("2024-06-03T17:56:11-07:00"); // 1717462571000
 * parseRfc3339("tomorrow"); // undefined
 * ```
 */
export function parseRfc3339(text: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/
    .exec(text.trim());
  if (m === null) return undefined;
  const ms = Date.parse(
    `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}${m[7] ?? ""}${m[8]!.toUpperCase()}`,
  );
  return Number.isNaN(ms) ? undefined : ms;
}
