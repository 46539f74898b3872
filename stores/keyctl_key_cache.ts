/**
 * A {@link KeyCache} in the Linux kernel keyring, driven by the `keyctl` program (Debian
 * `keyutils`). The key is a `user` key in the user keyring `@u`; it expires after a timeout.
 *
 * @module
 */
import { type CommandRunner, StoreError } from "./backend.ts";
import { DEFAULT_KEY_CACHE_SECONDS, KEY_PERMISSIONS, type KeyCache } from "./key_cache.ts";
import { describeOutput, fromUtf8 } from "./_encoding.ts";

// The same steps as stores/keyring_syscall.ts, for where the system calls cannot run: each
// keyctl is its own process, so the private keyring is a new anonymous session keyring
// (`keyctl session -`) that lives only as long as this shell. The key is created there, gets
// its permissions and timeout, and only then is linked into @u. Killed before the link, the
// session keyring and the key die with the shell; killing only aws-sso lets the shell finish.
// Arguments: $0 the keyctl program, $1 the description, $2 the permissions, $3 the timeout.
const PUT_SCRIPT = [
  "set -e",
  'k=$("$0" padd user "$1" @s)',
  '"$0" setperm "$k" "$2" >/dev/null',
  '"$0" timeout "$k" "$3" >/dev/null',
  '"$0" link "$k" @u >/dev/null',
  'echo "$k"',
].join("\n");

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

  /**
   * Adds or replaces the key (payload on stdin), opened to this uid, never in @u without its
   * timeout (see PUT_SCRIPT).
   */
  async put(id: string, key: Uint8Array): Promise<void> {
    const added = await this.#runner.run(this.#program, [
      "session",
      "-",
      "sh",
      "-c",
      PUT_SCRIPT,
      this.#program,
      id,
      `0x${KEY_PERMISSIONS.toString(16)}`,
      `${this.#timeout}`,
    ], { stdin: key });
    if (added.code !== 0 || !/^\d+$/.test(fromUtf8(added.stdout).trim())) {
      throw new StoreError(`keyctl failed to cache the key: ${describeOutput(added.stderr)}`);
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
