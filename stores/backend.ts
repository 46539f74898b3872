/**
 * The one interface every secret store implements: an opaque key → bytes map.
 * Backends are deliberately dumb: no locking, no merging, no knowledge of what the
 * bytes mean. lib/secure_store.ts adds typing and the cross-process lock on top.
 *
 * @module
 */

/** Names accepted by the `SecureStore` config key. */
export const STORE_KINDS = [
  "file",
  "json",
  "secret-service",
  "keychain",
  "wincred",
  "pass",
  "kwallet",
  "memory",
] as const;

/** One of {@link STORE_KINDS}. */
export type StoreKind = typeof STORE_KINDS[number];

/** Real stores a user can name in `SecureStore` (memory is for tests). */
export const USER_STORE_KINDS: readonly Exclude<StoreKind, "memory">[] = STORE_KINDS.filter(
  (k): k is Exclude<StoreKind, "memory"> => k !== "memory",
);

/** Stores of the reference tool this build does not have, with the product each one is. */
export const UNSUPPORTED_STORES = { "1password": "1Password" } as const;

/** Every name `SecureStore` accepts (lib/settings lists them; a type check there holds it). */
export type SecureStoreName = typeof USER_STORE_KINDS[number] | keyof typeof UNSUPPORTED_STORES;

/** An opaque key → bytes secret store. Keys are short printable ASCII strings. */
export interface SecretBackend {
  /** Which backend this is (for messages and `doctor`). */
  readonly kind: StoreKind;
  /** Returns the value, or `undefined` when the key is absent. */
  get(key: string): Promise<Uint8Array | undefined>;
  /** Creates or replaces the value. */
  set(key: string, value: Uint8Array): Promise<void>;
  /** Removes the key; returns false when it was not there. */
  delete(key: string): Promise<boolean>;
  /** Lists the keys present, sorted. */
  keys(): Promise<string[]>;
  /** Drops an unlock key cached outside this process, if the backend keeps one (`file`). */
  forgetCachedKey?(): Promise<void>;
}

/** File operations a file-backed store needs; lib/atomic_file.ts provides the real one. */
export interface FileIo {
  /** Reads a whole file, or `undefined` when it does not exist. */
  readFile(path: string): Promise<Uint8Array | undefined>;
  /** Synchronous variant used on the credential_process hot path. */
  readFileSync(path: string): Uint8Array | undefined;
  /** Writes a whole file atomically (temp file, fsync, rename), creating parent dirs 0700. */
  writeFileAtomic(path: string, data: Uint8Array, mode?: number): Promise<void>;
  /** Removes a file; no error when it is absent. */
  remove(path: string): Promise<void>;
}

/** Result of running an external program. */
export interface CommandResult {
  /** Exit code (or 128+signal). */
  code: number;
  /** Captured standard output. */
  stdout: Uint8Array;
  /** Captured standard error. */
  stderr: Uint8Array;
}

/**
 * Runs external programs (secret-tool, security, powershell, pass, keyctl). Secrets are passed
 * on stdin, never in `args`, so they never appear on another process's argv.
 */
export interface CommandRunner {
  /**
   * Runs `command args...`, feeding `stdin` when given, and waits for it. `env` adds to the
   * runner's environment, which never holds our secret variables (stores/child_env.ts). After `timeoutMs` the program is killed and the result has code 124
   * (as timeout(1) reports it).
   */
  run(
    command: string,
    args: string[],
    options?: { stdin?: Uint8Array; env?: Record<string, string>; timeoutMs?: number },
  ): Promise<CommandResult>;
  /** True when `command` can be found on PATH. */
  available(command: string): Promise<boolean>;
}

/** Where the `file` store gets its password. */
export interface PasswordSource {
  /**
   * Returns the password. `create` is true when the store is being created: the source should
   * ask twice and reject an empty password.
   */
  password(options: { create: boolean; location: string }): Promise<string>;
}

/**
 * What every error aws-sso raises on purpose carries: a message for the user as is, and hints
 * (what to do about it). Both roots implement it: `AwsSsoError` (lib/errors.ts) and `StoreError`
 * below; it is declared here because stores/ can import nothing outside stores/, while lib/ may
 * import types from this file. cli/report.ts recognises the two roots by class.
 */
export interface HintedError extends Error {
  /** What the user can do about it, one sentence each ("run \"aws-sso login\""). */
  readonly hints: string[];
}

/** Options accepted by every hinted error (`AwsSsoError`, `StoreError`). */
export interface HintedErrorOptions {
  /** What the user can do about it, one sentence each. */
  hints?: string[];
  /** The underlying error, shown only at `--level debug`. */
  cause?: unknown;
}

/** Base of store errors; the stores' counterpart of lib's AwsSsoError. */
export class StoreError extends Error implements HintedError {
  /** What the user can do about it. */
  readonly hints: string[];

  /** Creates the error. */
  constructor(message: string, options: HintedErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.hints = options.hints ?? [];
  }
}

/**
 * An OS error's reason without the path Deno appends to it (the store's message names the
 * file once, itself). lib/atomic_file.ts `ioReason` is lib's twin: lib/ cannot import it.
 *
 * @example
 * ```ts
 * osReason(new Error("Permission denied (os error 13): open '/x/a.json'")); // "Permission denied (os error 13)"
 * ```
 */
export function osReason(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).replace(/: [a-z]+ '[^]*$/, "");
}

/** The backend cannot be used on this machine (program missing, no D-Bus, locked keyring...). */
export class BackendUnavailableError extends StoreError {}

/** Stored data could not be decrypted: wrong password or tampered file. Nothing was changed. */
export class DecryptionError extends StoreError {}
