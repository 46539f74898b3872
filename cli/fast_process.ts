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
import { reusableFromStore } from "../lib/creds/stored_role_credentials.ts";
import {
  HOT_PATH_SNAPSHOT_FILE,
  parseHotPathSnapshot,
  type SnapshotStore,
} from "../lib/hot_path_snapshot.ts";
import { parseRoleCredentials, roleCredentialsKey } from "../lib/creds/stored_role_credentials.ts";
import type { CommandRunner, PasswordSource, SecretBackend, StoreKind } from "../stores/backend.ts";
import { buildBackend } from "../stores/build_backend.ts";
import { noKeyCache } from "../stores/key_cache.ts";
import { SyscallKeyCache } from "../stores/keyring_syscall.ts";
import { globalOption } from "./global_options.ts";
import { localOffsetMinutes, runPaths } from "./host.ts";

// A variable specifier keeps the runner out of the start-up graph of every `process` run: the
// `file` store needs none (the compile task --includes it).
const COMMAND_RUNNER = "../stores/command_runner.ts";
type RunnerModule = typeof import("../stores/command_runner.ts");

const SSO = globalOption("sso");
const CONFIG = globalOption("config");

/**
 * The stores the hot path reads. Not `json` (it warns on every use) or `pass` (it may prompt for
 * a GPG passphrase); those and `wincred` are left to the normal path.
 */
const HOT_PATH_KINDS: ReadonlySet<string> = new Set<StoreKind>([
  "file",
  "secret-service",
  "keychain",
]);

/** Never asks: a locked `file` store means the normal path must run (it can prompt). */
const NEVER_ASK: PasswordSource = {
  password: () => Promise.reject(new Error("the file store is locked")),
};

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

/** A runner that loads the real one on first use (the `file` store never uses it). */
function lazyRunner(env: Record<string, string | undefined>): CommandRunner {
  let runner: Promise<CommandRunner> | undefined;
  const real = () =>
    runner ??= (import(COMMAND_RUNNER) as Promise<RunnerModule>).then((m) =>
      new m.DenoCommandRunner({ env, os: Deno.build.os })
    );
  return {
    run: async (command, args, options) => (await real()).run(command, args, options),
    available: async (command) => (await real()).available(command),
  };
}

/** The backend the snapshot names, built as the normal path builds it but never prompting. */
function openSnapshotBackend(
  store: SnapshotStore,
  configDir: string,
  env: Record<string, string | undefined>,
): Promise<SecretBackend> | undefined {
  if (!HOT_PATH_KINDS.has(store.kind)) return undefined;
  return buildBackend(store.kind as StoreKind, {
    configDir,
    secretServiceCollection: store.collection,
    os: Deno.build.os,
    arch: Deno.build.arch,
    runner: lazyRunner(env),
    fileIo: realFileIo,
    passwordSource: NEVER_ASK,
    warn: () => {},
    // The kernel keyring through the system calls only: spawning `keyctl` would cost more than
    // the normal path saves.
    keyCache: new SyscallKeyCache(noKeyCache, Deno.build.arch),
    keyCacheId: store.keyCacheId,
  });
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
    const paths = runPaths(env, env[CONFIG.env!]);
    if (paths === undefined) return undefined;
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
    const backend = await openSnapshotBackend(snapshot.store, paths.configDir, env);
    if (backend === undefined) return undefined;
    const bytes = await backend.get(roleCredentialsKey(arn));
    const c = bytes === undefined ? undefined : parseRoleCredentials(bytes);
    if (c === undefined || !reusableFromStore(c.expiration, now)) return undefined;
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
