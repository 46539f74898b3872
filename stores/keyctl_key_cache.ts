/**
 * A {@link KeyCache} in the Linux kernel keyring, driven by the `keyctl` program (Debian
 * `keyutils`). The key is a `user` key in the user keyring `@u`; it expires after a timeout.
 *
 * @module
 */
import { type CommandRunner, StoreError } from "./backend.ts";
import type { KeyCache } from "./key_cache.ts";
import { describeOutput, fromUtf8 } from "./_encoding.ts";

/** How long a cached key lives unless replaced, in seconds. */
export const DEFAULT_KEY_CACHE_SECONDS = 3600;

// Possessor: all; user (same uid, any session): all; group/other: none. Without the user bits
// a process in another session keyring (a second ssh login, a cron job) can find the key but
// not read it. Anything running as this uid can read the store file and this process anyway.
const KEY_PERMISSIONS = "0x3f3f0000";

/** Options for {@link KeyctlKeyCache}. */
export interface KeyctlKeyCacheOptions {
  /** Seconds a key stays cached after each `put` (default {@link DEFAULT_KEY_CACHE_SECONDS}). */
  timeoutSeconds?: number;
  /** The program to run (default `keyctl`). */
  program?: string;
}

/** Caches keys in `@u` with `keyctl`; key bytes travel only on stdin/stdout. */
export class KeyctlKeyCache implements KeyCache {
  readonly #runner: CommandRunner;
  readonly #timeout: number;
  readonly #program: string;

  /** Creates the cache; nothing runs until first use. */
  constructor(runner: CommandRunner, options: KeyctlKeyCacheOptions = {}) {
    this.#runner = runner;
    this.#timeout = Math.max(1, Math.floor(options.timeoutSeconds ?? DEFAULT_KEY_CACHE_SECONDS));
    this.#program = options.program ?? "keyctl";
  }

  /** Returns the key cached under `id`, or `undefined` (also when keyctl fails). */
  async get(id: string): Promise<Uint8Array | undefined> {
    const serial = await this.#search(id);
    if (serial === undefined) return undefined;
    const out = await this.#runner.run(this.#program, ["pipe", serial]);
    return out.code === 0 && out.stdout.length > 0 ? out.stdout : undefined;
  }

  /** Adds or replaces the key (payload on stdin), opens it to this uid, and sets its timeout. */
  async put(id: string, key: Uint8Array): Promise<void> {
    const added = await this.#runner.run(this.#program, ["padd", "user", id, "@u"], { stdin: key });
    const serial = fromUtf8(added.stdout).trim();
    if (added.code !== 0 || !/^\d+$/.test(serial)) {
      throw new StoreError(`keyctl padd failed: ${describeOutput(added.stderr)}`);
    }
    for (
      const args of [["setperm", serial, KEY_PERMISSIONS], ["timeout", serial, `${this.#timeout}`]]
    ) {
      const out = await this.#runner.run(this.#program, args);
      if (out.code !== 0) {
        throw new StoreError(`keyctl ${args[0]} failed: ${describeOutput(out.stderr)}`);
      }
    }
  }

  /** Invalidates the key cached under `id`, if any. */
  async forget(id: string): Promise<void> {
    const serial = await this.#search(id);
    if (serial !== undefined) await this.#runner.run(this.#program, ["invalidate", serial]);
  }

  async #search(id: string): Promise<string | undefined> {
    const out = await this.#runner.run(this.#program, ["search", "@u", "user", id]);
    const serial = fromUtf8(out.stdout).trim();
    return out.code === 0 && /^\d+$/.test(serial) ? serial : undefined;
  }
}
