/**
 * Time left until an expiry, as the reference prints it: `5h5m`, `45m`,
 * `< 1m` or `Expired`; the padded form (`list`, ECS tables, the list header) is right-aligned to
 * 7 characters with a space between hours and minutes (` 5h  5m`, `    45m`, `   < 1m`).
 *
 * @module
 */

const MINUTE_MS = 60_000;

/**
 * Formats the time from `nowMs` until `expiresAtMs`, truncated to whole minutes.
 *
 * @example
 * ```ts
 * const now = Date.UTC(2026, 0, 1);
 * timeRemain(now + 5 * 3_600_000 + 5 * 60_000, now, false); // "5h5m"
 * timeRemain(now + 5 * 3_600_000 + 5 * 60_000, now, true); // " 5h  5m"
 * timeRemain(now + 30_000, now, true); // "   < 1m"
 * timeRemain(now - 1, now, false); // "Expired"
 * ```
 */
export function timeRemain(expiresAtMs: number, nowMs: number, padded: boolean): string {
  const remaining = expiresAtMs - nowMs;
  if (!(remaining > 0)) return "Expired";
  const totalMinutes = Math.floor(remaining / MINUTE_MS);
  if (totalMinutes === 0) return padded ? "   < 1m" : "< 1m";
  const hours = Math.floor(totalMinutes / 60);
  const minutes = totalMinutes % 60;
  if (!padded) return hours > 0 ? `${hours}h${minutes}m` : `${minutes}m`;
  const text = hours > 0 ? `${hours}h ${String(minutes).padStart(2, " ")}m` : `${minutes}m`;
  return text.padStart(7, " ");
}
