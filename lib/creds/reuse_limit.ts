/**
 * How long stored role credentials must still be valid to be handed out again (the why of 20
 * minutes: lib/creds/role_credentials.ts). Its own small module so that the credential_process
 * hot path (cli/fast_process.ts) applies the same rule without loading the provider.
 *
 * @module
 */

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
