/**
 * The run's secure store: the backend `SecureStore` names (stores/open_store.ts) behind the
 * typed, locked {@link SecureStore}, opened once per run. The `file` store's password comes from
 * `AWS_SSO_FILE_PASSWORD`, else from a prompt on the terminal.
 *
 * @module
 */
import { readTextFileIfExists, realFileIo, writeTextFileAtomic } from "../../lib/atomic_file.ts";
import {
  HOT_PATH_SNAPSHOT_FILE,
  renderHotPathSnapshot,
  type SnapshotStore,
} from "../../lib/hot_path_snapshot.ts";
import { AwsSsoError } from "../../lib/errors.ts";
import { expandHome } from "../../lib/paths.ts";
import { SecureStore } from "../../lib/secure_store.ts";
import { assertSettingsUsable, type Settings } from "../../lib/settings/settings.ts";
import type { PasswordSource } from "../../stores/backend.ts";
import { EncryptedFileBackend } from "../../stores/encrypted_file.ts";
import { openBackend } from "../../stores/open_store.ts";
import { ConfigNotFoundError, type Context, ServiceSlot } from "../context.ts";
import { promptTerminal } from "../tty.ts";

/** How many times an empty new password is asked again before giving up. */
const CREATE_ATTEMPTS = 3;

/** `AWS_SSO_FILE_PASSWORD`, else a prompt without echo (asked twice when creating the store). */
export function filePasswordSource(ctx: Context): PasswordSource {
  return {
    async password({ create, location }) {
      const fromEnv = ctx.env.AWS_SSO_FILE_PASSWORD ?? "";
      if (fromEnv !== "") {
        ctx.logger.secret(fromEnv);
        return fromEnv;
      }
      const terminal = promptTerminal(ctx);
      const where = ctx.display(location);
      if (!terminal.canPrompt) {
        throw new AwsSsoError(
          `Cannot unlock the encrypted SecureStore ${where}: no password given and no terminal to ask for one`,
          { hints: ["set AWS_SSO_FILE_PASSWORD, or run aws-sso from a terminal"] },
        );
      }
      const ask = async (prompt: string) => {
        const answer = await terminal.readSecret(prompt);
        if (answer === undefined) {
          throw new AwsSsoError(
            `Cannot unlock the encrypted SecureStore ${where}: no password given`,
            {
              hints: ["type the password, or set AWS_SSO_FILE_PASSWORD"],
            },
          );
        }
        ctx.logger.secret(answer);
        return answer;
      };
      if (!create) {
        const answer = await ask(`Enter the password of the encrypted SecureStore ${where}: `);
        if (answer === "") {
          throw new AwsSsoError("The password must not be empty", {
            hints: ["type the password, or set AWS_SSO_FILE_PASSWORD"],
          });
        }
        return answer;
      }
      for (let attempt = 0; attempt < CREATE_ATTEMPTS; attempt++) {
        const first = await ask(`Select a password for the encrypted SecureStore ${where}: `);
        if (first === "") {
          terminal.notice("The password must not be empty.\n");
          continue;
        }
        const second = await ask("Verify password: ");
        if (second !== first) {
          throw new AwsSsoError("The passwords do not match; nothing was saved", {
            hints: ["run the command again and type the same password twice"],
          });
        }
        return first;
      }
      throw new AwsSsoError("No password chosen: the password must not be empty", {
        hints: ["run the command again, or set AWS_SSO_FILE_PASSWORD"],
      });
    },
  };
}

/**
 * Records which store this config resolved to, for the credential_process hot path
 * (cli/fast_process.ts). Best effort: a failure only costs the hot path.
 */
async function writeHotPathSnapshot(ctx: Context, store: SnapshotStore): Promise<void> {
  try {
    const stat = await Deno.stat(ctx.paths.configFile);
    const mtimeMs = stat.mtime?.getTime();
    if (mtimeMs === undefined) return;
    const text = renderHotPathSnapshot(
      { path: ctx.paths.configFile, mtimeMs, size: stat.size },
      store,
    );
    const file = `${ctx.paths.configDir}/${HOT_PATH_SNAPSHOT_FILE}`;
    if (await readTextFileIfExists(file) !== text) await writeTextFileAtomic(file, text);
  } catch (e) {
    ctx.logger.debug("could not write the hot-path snapshot", { reason: String(e) });
  }
}

/** Options of {@link secureStore}. */
export interface SecureStoreOptions {
  /**
   * Without config.yaml, open the auto-detected store in the default config directory instead
   * of failing (the `--aws-profile` path, which needs no config.yaml).
   */
  configOptional?: boolean;
  /**
   * Never ask for the `file` store's password (a locked store reads as unavailable). For
   * optional reads such as the token time in `list`'s header, which must not prompt.
   */
  prompt?: boolean;
}

/** A password source that never asks: only `AWS_SSO_FILE_PASSWORD`, else "locked". */
function quietPasswordSource(ctx: Context): PasswordSource {
  return {
    password() {
      const fromEnv = ctx.env.AWS_SSO_FILE_PASSWORD ?? "";
      if (fromEnv !== "") {
        ctx.logger.secret(fromEnv);
        return Promise.resolve(fromEnv);
      }
      return Promise.reject(
        new AwsSsoError("the encrypted SecureStore is locked and this command does not ask"),
      );
    },
  };
}

type StoreSettings = Pick<
  Settings,
  "file" | "problems" | "secureStore" | "jsonStore" | "secretServiceCollection"
>;

/** The store settings: config.yaml's, or (when allowed and there is none) the defaults. */
async function storeSettings(ctx: Context, configOptional: boolean): Promise<StoreSettings> {
  try {
    return await ctx.settings();
  } catch (e) {
    if (!configOptional || !(e instanceof ConfigNotFoundError)) throw e;
    // The defaults of lib/settings/load_settings.ts: SecureStore unset means auto-detect, the
    // Secret Service collection unset means the store's default.
    return {
      file: ctx.paths.configFile,
      problems: {},
      secureStore: undefined,
      jsonStore: ctx.paths.jsonStore,
    };
  }
}

/** The store of this run that may ask for the file store's password, and the one that may not. */
const PROMPTING_STORE = new ServiceSlot<Promise<SecureStore>>("secure store");
const QUIET_STORE = new ServiceSlot<Promise<SecureStore>>("secure store (never asks)");

/**
 * Opens the configured store once per run. `configOptional` decides only whether a missing
 * config.yaml is an error (then nothing is opened) or means the defaults, so one store per
 * password mode serves every caller; a store that may ask serves quiet callers too.
 */
export async function secureStore(
  ctx: Context,
  options: SecureStoreOptions = {},
): Promise<SecureStore> {
  const settings = await storeSettings(ctx, options.configOptional === true);
  if (options.prompt === false && !ctx.hasService(PROMPTING_STORE)) {
    return await ctx.service(
      QUIET_STORE,
      () => openSecureStore(ctx, settings, quietPasswordSource(ctx)),
    );
  }
  return await ctx.service(
    PROMPTING_STORE,
    () => openSecureStore(ctx, settings, filePasswordSource(ctx)),
  );
}

async function openSecureStore(
  ctx: Context,
  settings: StoreSettings,
  passwordSource: PasswordSource,
): Promise<SecureStore> {
  if (ctx.backend !== undefined) {
    return new SecureStore({
      backend: ctx.backend,
      lockPath: ctx.paths.storeLock,
      clock: ctx.clock,
      logger: ctx.logger,
    });
  }
  assertSettingsUsable(settings, "SecureStore");
  const passwordDir = ctx.env.PASSWORD_STORE_DIR ?? "";
  const backend = await openBackend({
    kind: settings.secureStore,
    configDir: ctx.paths.configDir,
    jsonStorePath: settings.jsonStore,
    secretServiceCollection: settings.secretServiceCollection,
    passwordStoreDir: passwordDir !== ""
      ? expandHome(passwordDir, ctx.paths.home)
      : `${ctx.paths.home}/.password-store`,
    os: Deno.build.os,
    arch: Deno.build.arch,
    runner: ctx.runner,
    fileIo: realFileIo,
    passwordSource,
    warn: (message) => ctx.logger.warn(message),
  });
  await writeHotPathSnapshot(ctx, {
    kind: backend.kind,
    collection: backend.kind === "secret-service" ? settings.secretServiceCollection : undefined,
    keyCacheId: backend instanceof EncryptedFileBackend ? await backend.keyCacheId() : undefined,
  });
  return new SecureStore({
    backend,
    lockPath: ctx.paths.storeLock,
    clock: ctx.clock,
    logger: ctx.logger,
    onLockWait: (holder) =>
      ctx.output.err(`Waiting for ${holder} to finish writing the secure store...\n`),
  });
}
