/**
 * Reads a `user` key from the Linux kernel keyring with the keyctl(2) system call through FFI,
 * so the credential_process hot path does not spawn `keyctl` (measured here: a spawn costs
 * ~4 ms of a ~16 ms process; the system call ~0.1 ms). Writes stay with the `keyctl` program.
 *
 * @module
 */
import type { KeyCache } from "./key_cache.ts";

// keyctl(2) operations and the special keyring id, from linux/keyctl.h.
const KEYCTL_SEARCH = 10n;
const KEYCTL_READ = 11n;
const KEY_SPEC_USER_KEYRING = -4n;
/** System call numbers of keyctl(2) by architecture (asm/unistd.h). */
const SYS_KEYCTL: Record<string, bigint> = { x86_64: 250n, aarch64: 219n };

type Libc = Deno.DynamicLibrary<{
  keyctlSearch: {
    name: "syscall";
    parameters: ["i64", "i64", "i64", "buffer", "buffer", "i64"];
    result: "i64";
  };
  keyctlRead: {
    name: "syscall";
    parameters: ["i64", "i64", "i64", "buffer", "i64"];
    result: "i64";
  };
}>;

let libc: Libc | null | undefined;

function openLibc(): Libc | null {
  if (libc !== undefined) return libc;
  try {
    libc = Deno.dlopen("libc.so.6", {
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
    }) as Libc;
  } catch {
    libc = null; // not glibc, FFI not permitted, or not Linux
  }
  return libc;
}

/**
 * Returns the payload of the `user` key described by `description` in the user keyring, or
 * `undefined` when absent, unreadable, or when the system call is not available here.
 */
export function readUserKeySync(description: string, arch: string): Uint8Array | undefined {
  const nr = SYS_KEYCTL[arch];
  const lib = nr === undefined ? null : openLibc();
  if (lib === null || nr === undefined) return undefined;
  const enc = new TextEncoder();
  const id = lib.symbols.keyctlSearch(
    nr,
    KEYCTL_SEARCH,
    KEY_SPEC_USER_KEYRING,
    enc.encode("user\0"),
    enc.encode(`${description}\0`),
    0n,
  );
  if (id <= 0n) return undefined;
  const buffer = new Uint8Array(4096);
  const length = lib.symbols.keyctlRead(nr, KEYCTL_READ, id, buffer, BigInt(buffer.length));
  if (length <= 0n || length > BigInt(buffer.length)) return undefined;
  const key = buffer.slice(0, Number(length));
  buffer.fill(0);
  return key;
}

/**
 * A KeyCache that reads through the system call and falls back to `fallback` (the `keyctl`
 * program) for misses it cannot decide, and for every write.
 */
export class SyscallKeyCache implements KeyCache {
  readonly #fallback: KeyCache;
  readonly #arch: string;

  /** Wraps `fallback`; `arch` is `Deno.build.arch`. */
  constructor(fallback: KeyCache, arch: string) {
    this.#fallback = fallback;
    this.#arch = arch;
  }

  /** Reads with the system call when possible, else through the fallback. */
  get(id: string): Promise<Uint8Array | undefined> {
    if (SYS_KEYCTL[this.#arch] !== undefined && openLibc() !== null) {
      return Promise.resolve(readUserKeySync(id, this.#arch));
    }
    return this.#fallback.get(id);
  }

  /** Writes through the fallback. */
  put(id: string, key: Uint8Array): Promise<void> {
    return this.#fallback.put(id, key);
  }

  /** Forgets through the fallback. */
  forget(id: string): Promise<void> {
    return this.#fallback.forget(id);
  }
}
