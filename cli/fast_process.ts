/**
 * The credential_process hot path. `aws-sso process --arn <arn>` runs thousands of times a day,
 * often many at once; on a warm cache it must cost little more than starting Deno. When the
 * command line is the plain form `setup profiles` writes, the hot-path snapshot matches the
 * config file, and the store holds credentials for the role with at least 20 minutes left, this
 * prints them without loading the command graph, the YAML parser or any AWS code. In every
 * other case — and on any error — it answers `false` and the normal path runs, which gives the
 * full behaviour and error messages (and rewrites the snapshot).
 *
 * @module
 */
import { realFileIo } from "../lib/atomic_file.ts";
import { parseRoleArn, roleArn } from "../lib/arn.ts";
import { formatCredentialProcess } from "../lib/creds/credential_process.ts";
import {
  HOT_PATH_SNAPSHOT_FILE,
  parseHotPathSnapshot,
  type SnapshotStore,
} from "../lib/hot_path_snapshot.ts";
import { resolvePaths } from "../lib/paths.ts";
import { globalOption } from "./global_options.ts";
import type { SecretBackend } from "../stores/backend.ts";
import { EncryptedFileBackend, fileStorePath } from "../stores/encrypted_file.ts";
import { noKeyCache } from "../stores/key_cache.ts";
import { SyscallKeyCache } from "../stores/keyring_syscall.ts";
import { localOffsetMinutes } from "./local_time.ts";

const COMMAND_RUNNER = "../stores/command_runner.ts";
const SECRET_SERVICE = "../stores/secret_service.ts";
const MACOS_KEYCHAIN = "../stores/macos_keychain.ts";
type RunnerModule = typeof import("../stores/command_runner.ts");
type SecretServiceModule = typeof import("../stores/secret_service.ts");
type KeychainModule = typeof import("../stores/macos_keychain.ts");

/** Role credentials are handed out from the store only with at least this much time left. */
const REUSE_MIN_REMAINING_MS = 20 * 60_000;

const SSO = globalOption("sso");

/** The role ARN of a plain `[-S <inst>] process --arn <arn>` command line, else undefined. */
export function plainProcessArn(argv: readonly string[]): string | undefined {
  let arn: string | undefined;
  let sawProcess = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "process" && !sawProcess) {
      sawProcess = true;
    } else if (a === SSO.short || a === SSO.long) {
      i++; // the instance does not matter: credentials are stored by role ARN
    } else if (a.startsWith(`${SSO.long}=`)) {
      continue;
    } else if (sawProcess && (a === "-a" || a === "--arn") && arn === undefined) {
      arn = argv[++i];
    } else if (sawProcess && a.startsWith("--arn=") && arn === undefined) {
      arn = a.slice("--arn=".length);
    } else {
      return undefined;
    }
  }
  return sawProcess ? arn : undefined;
}

function isDirectory(path: string): boolean {
  try {
    return Deno.statSync(path).isDirectory;
  } catch {
    return false;
  }
}

async function openSnapshotBackend(
  store: SnapshotStore,
  configDir: string,
  env: Record<string, string | undefined>,
): Promise<((key: string) => Promise<Uint8Array | undefined>) | undefined> {
  switch (store.kind) {
    case "file": {
      const backend = new EncryptedFileBackend({
        path: fileStorePath(configDir),
        fileIo: realFileIo,
        // Never ask: a locked store means the normal path must run (it can prompt).
        passwordSource: { password: () => Promise.reject(new Error("locked")) },
        keyCache: new SyscallKeyCache(noKeyCache, Deno.build.arch),
        keyCacheId: store.keyCacheId,
      });
      return async (key) => {
        const read = await backend.getIfUnlocked(key);
        if (read.locked) throw new Error("locked");
        return read.value;
      };
    }
    case "secret-service":
    case "keychain": {
      // Variable specifiers keep these modules out of the start-up graph of every `process`
      // run (the compile task --includes them).
      const { DenoCommandRunner }: RunnerModule = await import(COMMAND_RUNNER);
      const runner = new DenoCommandRunner({ env, os: Deno.build.os });
      let backend: SecretBackend;
      if (store.kind === "secret-service") {
        const { SecretServiceBackend }: SecretServiceModule = await import(SECRET_SERVICE);
        backend = new SecretServiceBackend({ runner, collection: store.collection });
      } else {
        const { MacosKeychainBackend }: KeychainModule = await import(MACOS_KEYCHAIN);
        backend = new MacosKeychainBackend({ runner });
      }
      return (key) => backend.get(key);
    }
    default:
      return undefined; // json warns on every use, pass may prompt for a GPG passphrase
  }
}

/**
 * Tries the hot path; returns the payload to print, or undefined to run the normal path.
 * `now` is epoch ms.
 */
export async function fastProcessPayload(
  argv: readonly string[],
  env: Record<string, string | undefined>,
  now: number,
): Promise<string | undefined> {
  try {
    const rawArn = plainProcessArn(argv);
    if (rawArn === undefined) return undefined;
    const home = env.HOME ?? env.USERPROFILE ?? "";
    if (home === "") return undefined;
    const paths = resolvePaths({
      home,
      xdgConfigHome: env.XDG_CONFIG_HOME,
      configFlag: env.AWS_SSO_CONFIG,
      isDirectory,
    });
    const snapshotText = Deno.readTextFileSync(
      `${paths.configDir}/${HOT_PATH_SNAPSHOT_FILE}`,
    );
    const snapshot = parseHotPathSnapshot(snapshotText);
    if (snapshot === undefined || snapshot.config.path !== paths.configFile) return undefined;
    const stat = Deno.statSync(paths.configFile);
    if (stat.mtime?.getTime() !== snapshot.config.mtimeMs || stat.size !== snapshot.config.size) {
      return undefined;
    }
    const ref = parseRoleArn(rawArn);
    const arn = roleArn(ref.accountId, ref.roleName);
    const get = await openSnapshotBackend(snapshot.store, paths.configDir, env);
    if (get === undefined) return undefined;
    const bytes = await get(`role-credentials:${arn}`);
    if (bytes === undefined) return undefined;
    const c = JSON.parse(new TextDecoder().decode(bytes));
    if (
      typeof c.accessKeyId !== "string" || typeof c.secretAccessKey !== "string" ||
      typeof c.sessionToken !== "string" || typeof c.expiration !== "number" ||
      c.expiration - now < REUSE_MIN_REMAINING_MS
    ) {
      return undefined;
    }
    return formatCredentialProcess({
      accessKeyId: c.accessKeyId,
      secretAccessKey: c.secretAccessKey,
      sessionToken: c.sessionToken,
      expiration: c.expiration,
      accountId: ref.accountId,
    }, { tzOffsetMinutes: localOffsetMinutes(c.expiration) });
  } catch {
    return undefined; // the normal path will say what is wrong
  }
}
