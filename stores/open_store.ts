/**
 * Builds the {@link SecretBackend} the `SecureStore` setting asks for (SPEC §2): a named store
 * or, when unset, the first available of macOS keychain, Windows DPAPI, a Linux Secret Service
 * that answers on D-Bus, a KDE Wallet that answers on D-Bus, else the encrypted `file` store
 * (the reference's order, §5.4). A named store that cannot work here
 * is an error, never a silent fallback.
 *
 * @module
 */
import {
  BackendUnavailableError,
  type CommandRunner,
  type FileIo,
  type PasswordSource,
  type SecretBackend,
  STORE_KINDS,
  type StoreKind,
  UNSUPPORTED_STORES,
  USER_STORE_KINDS,
} from "./backend.ts";
import { EncryptedFileBackend, fileStorePath } from "./encrypted_file.ts";
import { JsonFileBackend } from "./json_file.ts";
import { type KeyCache, noKeyCache } from "./key_cache.ts";
import { KeyctlKeyCache } from "./keyctl_key_cache.ts";
import { KWalletBackend } from "./kwallet.ts";
import { SyscallKeyCache } from "./keyring_syscall.ts";
import { MacosKeychainBackend } from "./macos_keychain.ts";
import { MemoryBackend } from "./memory.ts";
import { PASS_INIT_HINT, PassBackend } from "./pass.ts";
import { SecretServiceBackend } from "./secret_service.ts";
import { dpapiStorePath, POWERSHELL, WindowsDpapiBackend } from "./windows_dpapi.ts";

/** What {@link openBackend} needs; cli/ fills it from settings, paths and the environment. */
export interface OpenBackendOptions {
  /** The `SecureStore` setting; `undefined` (or empty) auto-detects. */
  kind: string | undefined;
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
  /** Lifetime of a `keyctl`-cached key in seconds (default 3600). */
  keyCacheTimeoutSeconds?: number;
  /** How long auto-detection waits for a Secret Service to answer (default 2000 ms). */
  probeTimeoutMs?: number;
}

/** Opens the configured store; throws {@link BackendUnavailableError} when it cannot work here. */
export async function openBackend(options: OpenBackendOptions): Promise<SecretBackend> {
  const name = options.kind?.trim() ?? "";
  if (name === "") return build(await detectKind(options), options);
  const unsupported = (UNSUPPORTED_STORES as Record<string, string>)[name.toLowerCase()];
  if (unsupported !== undefined) {
    throw new BackendUnavailableError(
      `SecureStore "${name}" (${unsupported}) is not supported in this build`,
      {
        hints: [
          `use one of: ${USER_STORE_KINDS.join(", ")}`,
          "or remove SecureStore to pick one automatically",
        ],
      },
    );
  }
  const kind = STORE_KINDS.find((k) => k === name.toLowerCase());
  if (kind === undefined) {
    throw new BackendUnavailableError(`Unknown SecureStore "${name}"`, {
      hints: [`use one of: ${USER_STORE_KINDS.join(", ")}`],
    });
  }
  await requireAvailable(kind, options);
  return build(kind, options);
}

/** The store auto-detection picks on this machine (for `doctor` and for an unset SecureStore). */
export async function detectKind(options: OpenBackendOptions): Promise<StoreKind> {
  const { os, runner } = options;
  if (os === "darwin" && await runner.available("security")) return "keychain";
  if (os === "windows" && await runner.available(POWERSHELL)) return "wincred";
  if (
    os !== "darwin" && os !== "windows" &&
    await SecretServiceBackend.probe(runner, options.probeTimeoutMs)
  ) {
    return "secret-service";
  }
  if (
    os !== "darwin" && os !== "windows" &&
    await KWalletBackend.probe(runner, options.probeTimeoutMs)
  ) {
    return "kwallet";
  }
  return "file";
}

async function requireAvailable(kind: StoreKind, options: OpenBackendOptions): Promise<void> {
  const { os, runner } = options;
  const fail = (why: string, hints: string[]): never => {
    throw new BackendUnavailableError(`SecureStore "${kind}" is not available: ${why}`, { hints });
  };
  const other =
    "choose another SecureStore in config.yaml (or remove it to pick one automatically)";
  switch (kind) {
    case "keychain":
      if (os !== "darwin") fail("the macOS keychain exists only on macOS", [other]);
      if (!await runner.available("security")) fail("the security program is not on PATH", [other]);
      return;
    case "wincred":
      if (os !== "windows") fail("Windows DPAPI exists only on Windows", [other]);
      if (!await runner.available(POWERSHELL)) fail(`${POWERSHELL} is not on PATH`, [other]);
      return;
    case "secret-service":
      // Not probed here: that would cost a D-Bus round trip on every run. A Secret Service
      // that does not answer fails the first operation with its own hint.
      if (!await runner.available("secret-tool")) {
        fail("secret-tool is not on PATH", [
          "install libsecret-tools (Debian/Ubuntu) or libsecret (Fedora)",
          other,
        ]);
      }
      return;
    case "kwallet":
      // Not probed here either: a kwalletd that does not answer fails the first operation.
      for (const program of ["dbus-send", "kwallet-query"]) {
        if (!await runner.available(program)) {
          fail(`${program} is not on PATH`, [
            "install dbus-bin and libkf5wallet-bin (Debian/Ubuntu) or kwallet (Fedora, Arch)",
            other,
          ]);
        }
      }
      return;
    case "pass":
      if (!await runner.available("pass")) fail("pass is not on PATH", ["install pass", other]);
      if (!await PassBackend.isUsable(runner, options.fileIo, passwordStoreDir(options))) {
        fail(`the password store ${options.passwordStoreDir} is not initialised`, [
          PASS_INIT_HINT,
          other,
        ]);
      }
      return;
    case "file":
    case "json":
    case "memory":
      return;
  }
}

async function build(kind: StoreKind, options: OpenBackendOptions): Promise<SecretBackend> {
  const { runner, fileIo } = options;
  switch (kind) {
    case "keychain":
      return new MacosKeychainBackend({ runner });
    case "wincred":
      return new WindowsDpapiBackend({ runner, fileIo, path: dpapiStorePath(options.configDir) });
    case "secret-service":
      return new SecretServiceBackend({ runner, collection: options.secretServiceCollection });
    case "kwallet":
      return new KWalletBackend({ runner });
    case "pass":
      return new PassBackend({ runner, fileIo, storeDir: passwordStoreDir(options) });
    case "json": {
      const path = options.jsonStorePath ?? `${options.configDir}/store.json`;
      options.warn(`Using insecure json file for SecureStore file=${path}`);
      return new JsonFileBackend({ path, fileIo });
    }
    case "memory":
      return new MemoryBackend();
    case "file":
      return new EncryptedFileBackend({
        path: fileStorePath(options.configDir),
        fileIo,
        passwordSource: options.passwordSource,
        keyCache: options.keyCache ?? await defaultKeyCache(options),
      });
  }
}

function passwordStoreDir(options: OpenBackendOptions): string {
  if (options.passwordStoreDir === undefined) {
    throw new BackendUnavailableError('SecureStore "pass" needs the password store directory', {
      hints: ["this is a bug in aws-sso: cli/ must pass passwordStoreDir"],
    });
  }
  return options.passwordStoreDir;
}

async function defaultKeyCache(options: OpenBackendOptions): Promise<KeyCache> {
  if (options.os !== "linux") return noKeyCache;
  const timeoutSeconds = options.keyCacheTimeoutSeconds;
  const program = await options.runner.available("keyctl")
    ? new KeyctlKeyCache(options.runner, { timeoutSeconds })
    : noKeyCache;
  return options.arch === undefined
    ? program
    : new SyscallKeyCache(program, options.arch, { timeoutSeconds });
}
