/**
 * The Linux kernel keyring through the add_key(2) and keyctl(2) system calls (FFI), so the
 * credential_process hot path does not spawn `keyctl` (measured here: a spawn costs ~4 ms of a
 * ~16 ms process; the system call ~0.1 ms) and the data key never travels through a pipe.
 *
 * @module
 */
import { StoreError } from "./backend.ts";
import { DEFAULT_KEY_CACHE_SECONDS, KEY_PERMISSIONS, type KeyCache } from "./key_cache.ts";

/** keyctl(2) operations this module uses, from linux/keyctl.h. */
export const KEYCTL_OPS = {
  SETPERM: 5n,
  LINK: 8n,
  UNLINK: 9n,
  SEARCH: 10n,
  READ: 11n,
  SET_TIMEOUT: 15n,
  INVALIDATE: 21n,
} as const;
/** The special keyring ids of linux/keyctl.h this module uses. */
export const KEY_SPEC = { PROCESS_KEYRING: -2n, USER_KEYRING: -4n } as const;

/** System call numbers by architecture (asm/unistd.h). */
const SYSCALLS: Record<string, { addKey: bigint; keyctl: bigint }> = {
  x86_64: { addKey: 248n, keyctl: 250n },
  aarch64: { addKey: 217n, keyctl: 219n },
};

/**
 * The system calls as plain functions (each returns the kernel's answer; ≤ 0 / < 0 is a
 * failure). The real ones come from {@link libcKeyringCalls}; a test wraps them to stop a
 * process between two steps.
 */
export interface KeyringCalls {
  /** add_key(2) of a `user` key into `keyring`: its serial, or ≤ 0. */
  addUserKey(description: string, payload: Uint8Array, keyring: bigint): bigint;
  /** keyctl(2) with two numeric arguments (SETPERM, SET_TIMEOUT, LINK, UNLINK, INVALIDATE). */
  keyctl(op: bigint, arg2: bigint, arg3: bigint): bigint;
  /** KEYCTL_SEARCH for a `user` key in `keyring` (and the keyrings it links): its serial, or ≤ 0. */
  search(keyring: bigint, description: string): bigint;
  /** KEYCTL_READ of key `id` into `buffer`: the payload length, or < 0. */
  read(id: bigint, buffer: Uint8Array): bigint;
}

const SYMBOLS = {
  addKey: {
    name: "syscall",
    parameters: ["i64", "buffer", "buffer", "buffer", "i64", "i64"],
    result: "i64",
  },
  keyctl: { name: "syscall", parameters: ["i64", "i64", "i64", "i64"], result: "i64" },
  keyctlSearch: {
    name: "syscall",
    parameters: ["i64", "i64", "i64", "buffer", "buffer", "i64"],
    result: "i64",
  },
  keyctlRead: {
    name: "syscall",
    parameters: ["i64", "i64", "i64", "buffer", "i64"],
    result: "i64",
  },
} as const;

let libc: Deno.DynamicLibrary<typeof SYMBOLS> | null | undefined;
const calls = new Map<string, KeyringCalls | undefined>();

const cString = (text: string) => new TextEncoder().encode(`${text}\0`);

/** The real system calls through glibc's syscall(2), or `undefined` where they cannot run. */
export function libcKeyringCalls(arch: string): KeyringCalls | undefined {
  if (calls.has(arch)) return calls.get(arch);
  const nr = SYSCALLS[arch];
  if (nr !== undefined && libc === undefined) {
    try {
      libc = Deno.dlopen("libc.so.6", SYMBOLS);
    } catch {
      libc = null; // not glibc, FFI not permitted, or not Linux
    }
  }
  const lib = libc;
  const result: KeyringCalls | undefined = nr === undefined || lib === null || lib === undefined
    ? undefined
    : {
      addUserKey: (description, payload, keyring) =>
        lib.symbols.addKey(
          nr.addKey,
          cString("user"),
          cString(description),
          new Uint8Array(payload),
          BigInt(payload.length),
          keyring,
        ),
      keyctl: (op, arg2, arg3) => lib.symbols.keyctl(nr.keyctl, op, arg2, arg3),
      search: (keyring, description) =>
        lib.symbols.keyctlSearch(
          nr.keyctl,
          KEYCTL_OPS.SEARCH,
          keyring,
          cString("user"),
          cString(description),
          0n,
        ),
      read: (id, buffer) =>
        lib.symbols.keyctlRead(nr.keyctl, KEYCTL_OPS.READ, id, buffer, BigInt(buffer.length)),
    };
  calls.set(arch, result);
  return result;
}

/** The payload of the `user` key `description` in the user keyring, or `undefined`. */
function readUserKey(sys: KeyringCalls, description: string): Uint8Array | undefined {
  const id = sys.search(KEY_SPEC.USER_KEYRING, description);
  if (id <= 0n) return undefined;
  const buffer = new Uint8Array(4096);
  const length = sys.read(id, buffer);
  if (length <= 0n || length > BigInt(buffer.length)) return undefined;
  const key = buffer.slice(0, Number(length));
  buffer.fill(0);
  return key;
}

/**
 * Puts `payload` in the user keyring under `description` so that it is never there without
 * its timeout, even if this process is killed at any point:
 *
 * 1. add_key(2) creates the key in this process's own keyring (`@p`), which the kernel destroys
 *    with the process: a kill here leaves nothing (the unreferenced key is garbage-collected);
 * 2. KEYCTL_SETPERM and KEYCTL_SET_TIMEOUT while it is still private to this process;
 * 3. KEYCTL_LINK into `@u` publishes it, timeout already set, replacing a key of the same
 *    description (keyctl(2): "that key is displaced from the keyring");
 * 4. KEYCTL_UNLINK from `@p` (a kill before this only leaves a link that dies with `@p`).
 *
 * Adding straight to `@u` and then setting the timeout (what `keyctl padd` + `keyctl timeout`
 * does) leaves a permanent key when the process dies between the two.
 */
function putUserKey(
  sys: KeyringCalls,
  description: string,
  payload: Uint8Array,
  timeoutSeconds: number,
): void {
  const id = sys.addUserKey(description, payload, KEY_SPEC.PROCESS_KEYRING);
  if (id <= 0n) throw new StoreError("add_key(2) of the cached key failed");
  try {
    for (
      const [op, arg, name] of [
        [KEYCTL_OPS.SETPERM, BigInt(KEY_PERMISSIONS), "setperm"],
        [KEYCTL_OPS.SET_TIMEOUT, BigInt(timeoutSeconds), "set_timeout"],
        [KEYCTL_OPS.LINK, KEY_SPEC.USER_KEYRING, "link"],
      ] as const
    ) {
      if (sys.keyctl(op, id, arg) < 0n) throw new StoreError(`keyctl(2) ${name} failed`);
    }
  } catch (e) {
    sys.keyctl(KEYCTL_OPS.INVALIDATE, id, 0n);
    throw e;
  }
  sys.keyctl(KEYCTL_OPS.UNLINK, id, KEY_SPEC.PROCESS_KEYRING);
}

/**
 * Returns the payload of the `user` key described by `description` in the user keyring, or
 * `undefined` when absent, unreadable, or when the system call is not available here.
 */
export function readUserKeySync(description: string, arch: string): Uint8Array | undefined {
  const sys = libcKeyringCalls(arch);
  return sys === undefined ? undefined : readUserKey(sys, description);
}

/** Options for {@link SyscallKeyCache}. */
export interface SyscallKeyCacheOptions {
  /** Seconds a key stays cached after each `put` (default {@link DEFAULT_KEY_CACHE_SECONDS}). */
  timeoutSeconds?: number;
  /** The system calls (default {@link libcKeyringCalls} for the architecture). */
  calls?: KeyringCalls;
}

/**
 * A KeyCache in the user keyring `@u` through the system calls; where they cannot run here it
 * uses `fallback` (the `keyctl` program) instead.
 */
export class SyscallKeyCache implements KeyCache {
  readonly #fallback: KeyCache;
  readonly #calls: KeyringCalls | undefined;
  readonly #timeout: number;

  /** Wraps `fallback`; `arch` is `Deno.build.arch`. */
  constructor(fallback: KeyCache, arch: string, options: SyscallKeyCacheOptions = {}) {
    this.#fallback = fallback;
    this.#calls = options.calls ?? libcKeyringCalls(arch);
    this.#timeout = Math.max(1, Math.floor(options.timeoutSeconds ?? DEFAULT_KEY_CACHE_SECONDS));
  }

  /** Reads with the system call when possible, else through the fallback. */
  get(id: string): Promise<Uint8Array | undefined> {
    if (this.#calls === undefined) return this.#fallback.get(id);
    return Promise.resolve(readUserKey(this.#calls, id));
  }

  /** Publishes the key with its timeout already set (add to `@p`, set the timeout, then link into `@u`). */
  put(id: string, key: Uint8Array): Promise<void> {
    if (this.#calls === undefined) return this.#fallback.put(id, key);
    try {
      putUserKey(this.#calls, id, key, this.#timeout);
      return Promise.resolve();
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /** Invalidates the key cached under `id`, if any. */
  forget(id: string): Promise<void> {
    if (this.#calls === undefined) return this.#fallback.forget(id);
    // Invalidation is immediate, so the next search finds an older duplicate, if any.
    for (let i = 0; i < 8; i++) {
      const serial = this.#calls.search(KEY_SPEC.USER_KEYRING, id);
      if (serial <= 0n || this.#calls.keyctl(KEYCTL_OPS.INVALIDATE, serial, 0n) < 0n) break;
    }
    return Promise.resolve();
  }
}
