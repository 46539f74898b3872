/**
 * Builds the {@link SecretBackend} the `SecureStore` setting asks for (docs/design.md §4): a named
 * store or, when unset, the first available of macOS keychain, Windows DPAPI, a Linux Secret
 * Service that answers on D-Bus, a KDE Wallet that answers on D-Bus, else the encrypted `file`
 * store (AWS SSO CLI's order). A named store that cannot work here is an error, never a silent
 * fallback. Each kind's backend is constructed by
 * stores/build_backend.ts, which the credential_process hot path uses too.
 *
 * @module
 */
import {
  BackendUnavailableError,
  type SecretBackend,
  STORE_KINDS,
  type StoreKind,
  UNSUPPORTED_STORES,
  USER_STORE_KINDS,
} from "./backend.ts";
import { buildBackend, type BuildBackendOptions, passwordStoreDir } from "./build_backend.ts";
import { KWalletBackend } from "./kwallet.ts";
import { PASS_INIT_HINT, PassBackend } from "./pass.ts";
import { SecretServiceBackend } from "./secret_service.ts";
import { POWERSHELL } from "./windows_dpapi.ts";

export { buildBackend };

/** What {@link openBackend} needs; cli/ fills it from settings, paths and the environment. */
export interface OpenBackendOptions extends BuildBackendOptions {
  /** The `SecureStore` setting; `undefined` (or empty) auto-detects. */
  kind: string | undefined;
  /** How long auto-detection waits for a Secret Service to answer (default 2000 ms). */
  probeTimeoutMs?: number;
}

/** Opens the configured store; throws {@link BackendUnavailableError} when it cannot work here. */
export async function openBackend(options: OpenBackendOptions): Promise<SecretBackend> {
  const name = options.kind?.trim() ?? "";
  if (name === "") return buildBackend(await detectKind(options), options);
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
  return buildBackend(kind, options);
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
