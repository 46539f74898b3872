/**
 * The user's time zone, read in one place: lib/ formats times at an offset it is given (see
 * lib/time_format.ts) and never reads the host's zone itself.
 *
 * @module
 */

/**
 * The host's UTC offset in minutes (east positive) at `epochMs`, the form `formatRfc3339` and the
 * credential formatters take (`tzOffsetMinutes`).
 */
export function localOffsetMinutes(epochMs: number): number {
  return -new Date(epochMs).getTimezoneOffset();
}
