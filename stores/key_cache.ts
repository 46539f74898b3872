/**
 * Where the `file` store keeps its unlocked data key between processes, so that
 * `credential_process` runs do not pay the password KDF each time.
 *
 * @module
 */

/** How long a cached key lives unless replaced, in seconds. */
export const DEFAULT_KEY_CACHE_SECONDS = 3600;

/**
 * Permissions of a cached key in the kernel keyring. Possessor: all; user (same uid, any
 * session): all; group/other: none. Without the user bits a process in another session keyring
 * (a second ssh login, a cron job) can find the key but not read it. Anything running as this
 * uid can read the store file and this process anyway.
 */
export const KEY_PERMISSIONS = 0x3f3f0000;

/**
 * A short-lived cache of the file store's data key (never the password). The store treats an
 * error from any method as a miss, and verifies a returned key against the file before use.
 */
export interface KeyCache {
  /** Returns the cached key for `id`, or `undefined` on a miss. */
  get(id: string): Promise<Uint8Array | undefined>;
  /** Caches `key` under `id`, replacing any previous one and restarting its timeout. */
  put(id: string, key: Uint8Array): Promise<void>;
  /** Drops the key cached under `id`, if any. */
  forget(id: string): Promise<void>;
}

/** A cache that holds nothing (macOS, Windows, or when `keyctl` is absent). */
export const noKeyCache: KeyCache = {
  get: () => Promise.resolve(undefined),
  put: () => Promise.resolve(),
  forget: () => Promise.resolve(),
};
