/**
 * Builds the {@link SecretBackend} of one store kind: the one place that knows which class and
 * which options each kind needs. stores/open_store.ts calls it after choosing and checking the
 * kind; the credential_process hot path (cli/fast_process.ts) calls it with the kind its snapshot
 * names and options that never prompt.
 *
 * Only the `file` store's modules are imported statically: each other backend module is loaded
 * when its kind is built, so the hot path's start-up graph holds only what it uses. The
 * specifiers are variables because `deno run` loads the targets of literal `import()`s at start
 * (the compile task `--include`s {@link LAZY_BACKEND_MODULES}).
 *
 * @module
 */
import type { CommandRunner, FileIo, PasswordSource, SecretBackend, StoreKind } from "./backend.ts";
import { BackendUnavailableError } from "./backend.ts";
import { EncryptedFileBackend, fileStorePath } from "./encrypted_file.ts";
import { type KeyCache, noKeyCache } from "./key_cache.ts";
import { SyscallKeyCache } from "./keyring_syscall.ts";

/** What {@link buildBackend} needs; cli/ fills it from settings, paths and the environment. */
export interface BuildBackendOptions {
  /** `<ConfigDir>`: the `file` store lives in `<ConfigDir>/secure/`. */
  configDir: string;
  /** `JsonStore` (default `<ConfigDir>/store.json`). */
  jsonStorePath?: string;
  /** `SecretServiceCollection` (default `awsssocli`). */
  secretServiceCollection?: string;
  /** `$PASSWORD_STORE_DIR`, else `~/.password-store`; required for `pass`. */
  passwordStoreDir?: string;
  /** `Deno.build.os`. */
  os: typeof Deno.build.os;
  /** `Deno.build.arch`: selects the keyctl(2) system call number for the key cache. */
  arch?: string;
  /** Runs secret-tool, dbus-send, kwallet-query, security, powershell, pass, keyctl. */
  runner: CommandRunner;
  /** File access for the file-backed stores. */
  fileIo: FileIo;
  /** Password for the `file` store. */
  passwordSource: PasswordSource;
  /** Receives warnings (the `json` store warns on every open). */
  warn: (message: string) => void;
  /**
   * Data-key cache for the `file` store; default on Linux: the kernel keyring through the
   * system calls, else through `keyctl` when installed; elsewhere none.
   */
  keyCache?: KeyCache;
  /** The `file` store's key-cache id when already known (saves a hash); derived otherwise. */
  keyCacheId?: string;
  /** Lifetime of a `keyctl`-cached key in seconds (default 3600). */
  keyCacheTimeoutSeconds?: number;
}

const JSON_FILE = "./json_file.ts";
const KWALLET = "./kwallet.ts";
const MACOS_KEYCHAIN = "./macos_keychain.ts";
const MEMORY = "./memory.ts";
const PASS = "./pass.ts";
const SECRET_SERVICE = "./secret_service.ts";
const WINDOWS_DPAPI = "./windows_dpapi.ts";
const KEYCTL_KEY_CACHE = "./keyctl_key_cache.ts";

/** The modules {@link buildBackend} loads on demand, relative to stores/. */
export const LAZY_BACKEND_MODULES: readonly string[] = [
  JSON_FILE,
  KWALLET,
  MACOS_KEYCHAIN,
  MEMORY,
  PASS,
  SECRET_SERVICE,
  WINDOWS_DPAPI,
  KEYCTL_KEY_CACHE,
];

/** Builds the backend of `kind` (no availability check: stores/open_store.ts does that). */
export async function buildBackend(
  kind: StoreKind,
  options: BuildBackendOptions,
): Promise<SecretBackend> {
  const { runner, fileIo } = options;
  switch (kind) {
    case "keychain": {
      const m: typeof import("./macos_keychain.ts") = await import(MACOS_KEYCHAIN);
      return new m.MacosKeychainBackend({ runner });
    }
    case "wincred": {
      const m: typeof import("./windows_dpapi.ts") = await import(WINDOWS_DPAPI);
      return new m.WindowsDpapiBackend({
        runner,
        fileIo,
        path: m.dpapiStorePath(options.configDir),
      });
    }
    case "secret-service": {
      const m: typeof import("./secret_service.ts") = await import(SECRET_SERVICE);
      return new m.SecretServiceBackend({ runner, collection: options.secretServiceCollection });
    }
    case "kwallet": {
      const m: typeof import("./kwallet.ts") = await import(KWALLET);
      return new m.KWalletBackend({ runner });
    }
    case "pass": {
      const m: typeof import("./pass.ts") = await import(PASS);
      return new m.PassBackend({ runner, fileIo, storeDir: passwordStoreDir(options) });
    }
    case "json": {
      const m: typeof import("./json_file.ts") = await import(JSON_FILE);
      const path = options.jsonStorePath ?? `${options.configDir}/store.json`;
      options.warn(`Using insecure json file for SecureStore file=${path}`);
      return new m.JsonFileBackend({ path, fileIo });
    }
    case "memory": {
      const m: typeof import("./memory.ts") = await import(MEMORY);
      return new m.MemoryBackend();
    }
    case "file":
      return new EncryptedFileBackend({
        path: fileStorePath(options.configDir),
        fileIo,
        passwordSource: options.passwordSource,
        keyCache: options.keyCache ?? await defaultKeyCache(options),
        keyCacheId: options.keyCacheId,
      });
  }
}

/** `passwordStoreDir`, which the `pass` store cannot do without. */
export function passwordStoreDir(options: BuildBackendOptions): string {
  if (options.passwordStoreDir === undefined) {
    throw new BackendUnavailableError('SecureStore "pass" needs the password store directory', {
      hints: ["this is a bug in aws-sso: cli/ must pass passwordStoreDir"],
    });
  }
  return options.passwordStoreDir;
}

async function defaultKeyCache(options: BuildBackendOptions): Promise<KeyCache> {
  if (options.os !== "linux") return noKeyCache;
  const timeoutSeconds = options.keyCacheTimeoutSeconds;
  let program: KeyCache = noKeyCache;
  if (await options.runner.available("keyctl")) {
    const m: typeof import("./keyctl_key_cache.ts") = await import(KEYCTL_KEY_CACHE);
    program = new m.KeyctlKeyCache(options.runner, { timeoutSeconds });
  }
  return options.arch === undefined
    ? program
    : new SyscallKeyCache(program, options.arch, { timeoutSeconds });
}
