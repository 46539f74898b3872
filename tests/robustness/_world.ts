/**
 * Shared set-up of the robustness tests: an emulator, a private HOME with config.yaml, the CLI
 * run the way credential_process runs it (no terminal, stdin closed), the secure store opened
 * from the test, file-tree snapshots, and the "one clear line" error check.
 *
 * @module
 */
import assert from "node:assert/strict";
import { storeSignedInSession } from "../fakes/signed_in_session.ts";
import { realFileIo } from "../../lib/atomic_file.ts";
import type { Clock } from "../../lib/clock.ts";
import { silentLogger } from "../../lib/logger.ts";
import { SecureStore } from "../../lib/secure_store.ts";
import { EncryptedFileBackend, fileStorePath } from "../../stores/encrypted_file.ts";
import { JsonFileBackend } from "../../stores/json_file.ts";
import {
  type Emulator,
  type EmulatorOptions,
  type IssuedToken,
  startEmulator,
} from "../emulator/emulator.ts";
import { baseEnv, type CliResult, tempHome, writeConfig } from "../e2e/run_cli.ts";

export type { CliResult } from "../e2e/run_cli.ts";

/** main.ts of the CLI under test. */
export const MAIN = new URL("../../main.ts", import.meta.url).pathname;
/** The emulator's stand-in browser (follows the login URL unattended). */
export const BROWSER = new URL("../emulator/browser.ts", import.meta.url).pathname;
/** Password of the `file` store. */
export const PASSWORD = "robustness test password";
/** The config directory under a test HOME. */
export const CONFIG_DIR = ".config/aws-sso";
/** Options of tests that start servers and child processes. */
export const E2E = { sanitizeOps: false, sanitizeResources: false } as const;

/** Real time. */
export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** A running CLI. */
export interface RunningCli {
  /** The aws-sso process id. */
  pid: number;
  /** The finished run. */
  done: Promise<CliResult>;
}

/** Options of {@link spawnCli} and {@link runCli}. */
export interface CliOptions {
  /** HOME of the child. */
  home: string;
  /** Environment added to the minimal one. */
  env?: Record<string, string>;
  /** Text on stdin (closed at once when absent). */
  stdin?: string;
  /** Wrap the command (e.g. `["setpriv", "--bounding-set=-all"]`). */
  wrapper?: string[];
  /** SIGKILL the run after this many ms (exit code 137); default 120 s. */
  timeoutMs?: number;
}

/**
 * Starts `aws-sso <args>` in a new session (no controlling terminal, as under CI or an SDK's
 * credential_process), so nothing can prompt on /dev/tty.
 */
export function spawnCli(args: string[], options: CliOptions): RunningCli {
  const argv = [
    ...(options.wrapper ?? []),
    Deno.execPath(),
    "run",
    "-A",
    "--quiet",
    MAIN,
    ...args,
  ];
  const child = new Deno.Command("setsid", {
    args: ["-w", ...argv],
    env: { ...baseEnv(options.home), ...options.env },
    clearEnv: true,
    cwd: options.home,
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const done = (async () => {
    const writer = child.stdin.getWriter();
    if (options.stdin !== undefined) {
      await writer.write(new TextEncoder().encode(options.stdin)).catch(() => {});
    }
    await writer.close().catch(() => {});
    const timer = setTimeout(() => {
      try {
        child.kill("SIGKILL");
      } catch {
        // it has just ended
      }
    }, options.timeoutMs ?? 120_000);
    const out = await child.output().finally(() => clearTimeout(timer));
    return {
      code: out.code,
      stdout: new TextDecoder().decode(out.stdout),
      stderr: new TextDecoder().decode(out.stderr),
    };
  })();
  return { pid: child.pid, done };
}

/** Runs `aws-sso <args>` to the end. */
export function runCli(args: string[], options: CliOptions): Promise<CliResult> {
  return spawnCli(args, options).done;
}

/** The `UrlAction: exec` lines that make logins complete through the emulator's browser. */
export function browserYaml(): string {
  return `UrlAction: exec\nUrlExecCommand: ["${Deno.execPath()}", "run", "-A", "${BROWSER}", "%s"]\n`;
}

/** A config.yaml for `emu` with `store`, extra top-level YAML and extra instance YAML. */
export function configYaml(
  emu: Emulator,
  options: { store?: "file" | "json"; top?: string; instance?: string } = {},
): string {
  return `SecureStore: ${options.store ?? "file"}\n${browserYaml()}${options.top ?? ""}` +
    `SSOConfig:\n  Default:\n    SSORegion: us-east-1\n    StartUrl: ${emu.startUrl}\n` +
    (options.instance ?? "");
}

/** An emulator, a HOME with config.yaml and the environment to run the CLI against them. */
export interface World {
  emu: Emulator;
  home: string;
  /** `<home>/.config/aws-sso`. */
  configDir: string;
  /** AWS_ENDPOINT_URL_* and the file store's password. */
  env: Record<string, string>;
  /** Runs the CLI in this world. */
  run(
    args: string[],
    extra?: { env?: Record<string, string>; stdin?: string; timeoutMs?: number },
  ): Promise<CliResult>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Options of {@link world}. */
export interface WorldOptions {
  emulator?: EmulatorOptions;
  store?: "file" | "json";
  /** Extra top-level config.yaml lines. */
  top?: string;
  /** Extra lines under `SSOConfig.Default` (indented 4 spaces). */
  instance?: string;
}

/** Starts an emulator and makes a HOME for it. */
export async function world(options: WorldOptions = {}): Promise<World> {
  const emu = await startEmulator(options.emulator);
  const home = await tempHome();
  await writeConfig(home, configYaml(emu, options));
  const env = { ...emu.env, AWS_SSO_FILE_PASSWORD: PASSWORD };
  return {
    emu,
    home,
    configDir: `${home}/${CONFIG_DIR}`,
    env,
    run: (args, extra = {}) =>
      runCli(args, {
        home,
        env: { ...env, ...extra.env },
        stdin: extra.stdin,
        timeoutMs: extra.timeoutMs,
      }),
    async [Symbol.asyncDispose]() {
      await emu.close();
      await Deno.remove(home, { recursive: true });
    },
  };
}

/** The secure store of `home`, opened in the test itself. */
export function openStore(home: string, kind: "file" | "json" = "file"): SecureStore {
  const configDir = `${home}/${CONFIG_DIR}`;
  const backend = kind === "file"
    ? new EncryptedFileBackend({
      path: fileStorePath(configDir),
      fileIo: realFileIo,
      passwordSource: { password: () => Promise.resolve(PASSWORD) },
    })
    : new JsonFileBackend({ path: `${configDir}/store.json`, fileIo: realFileIo });
  return new SecureStore({
    backend,
    lockPath: `${configDir}/storage.lock`,
    clock: realClock,
    logger: silentLogger,
  });
}

/**
 * Puts a signed-in session (registration, access and refresh token) whose access token has
 * `leftMs` left into `store`, as a login would have; `source` is an emulator (a new sign-in)
 * or a token it issued.
 */
export function putSession(
  source: Emulator | IssuedToken,
  store: SecureStore,
  leftMs: number,
): Promise<IssuedToken> {
  return storeSignedInSession(source, store, leftMs);
}

/** Every regular file under `dir`, recursively. */
export async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(dir)) {
    const path = `${dir}/${e.name}`;
    if (e.isDirectory) out.push(...await filesUnder(path));
    else if (e.isFile) out.push(path);
  }
  return out.sort();
}

/** Path → bytes (undefined when the test may not read it) and mode of every file under a dir. */
export type Snapshot = Map<string, { data?: Uint8Array; mode: number | null }>;

/** Takes a {@link Snapshot} of `dir`. */
export async function snapshot(dir: string): Promise<Snapshot> {
  const out: Snapshot = new Map();
  for (const f of await filesUnder(dir)) {
    const data = await Deno.readFile(f).catch((e) => {
      if (e instanceof Deno.errors.PermissionDenied) return undefined;
      throw e;
    });
    out.set(f, { data, mode: (await Deno.lstat(f)).mode });
  }
  return out;
}

/**
 * Asserts that every file of `before` is still there with the same bytes and mode. Files the
 * run created are allowed only when `allowNew` accepts their path.
 */
export async function assertUnchanged(
  dir: string,
  before: Snapshot,
  allowNew: (path: string) => boolean = () => false,
): Promise<void> {
  const after = await snapshot(dir);
  for (const [path, was] of before) {
    const now = after.get(path);
    assert.ok(now !== undefined, `${path} was removed`);
    const same = now.data === undefined || was.data === undefined
      ? now.data === was.data
      : equalBytes(now.data, was.data);
    assert.ok(same, `${path} was modified`);
    assert.equal(now.mode, was.mode, `the mode of ${path} changed`);
  }
  for (const path of after.keys()) {
    if (!before.has(path)) assert.ok(allowNew(path), `${path} was created`);
  }
}

/** Byte equality. */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Lines that look like a JavaScript stack trace or an internal crash. */
const CRASH = /^\s+at |\.ts:\d+:\d+|^error: Uncaught|RangeError|TypeError|SyntaxError|panicked/m;

/**
 * Asserts the run failed the way a user should see it: exit code in `codes`, nothing on stdout,
 * exactly one `aws-sso: error:` line that is not an "unexpected error", no stack trace, and
 * otherwise only `hint:` lines, log lines (INFO, WARN) and the note of a wait for another
 * process's lock. Returns the error line.
 */
export function assertCleanError(r: CliResult, codes: number[] = [1, 2]): string {
  const context = `exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`;
  assert.ok(codes.includes(r.code), `exit code not in ${codes}: ${context}`);
  assert.equal(r.stdout, "", `stdout must be empty: ${context}`);
  assert.ok(!CRASH.test(r.stderr), `a stack trace or crash: ${context}`);
  const lines = r.stderr.split("\n").filter((l) => l.trim() !== "");
  const errors = lines.filter((l) => l.startsWith("aws-sso: error: "));
  assert.equal(errors.length, 1, `exactly one error line: ${context}`);
  assert.ok(!/unexpected error/.test(errors[0]!), `an unexpected error: ${context}`);
  assert.ok(errors[0]!.length < 600, `the error line is too long to read: ${context}`);
  for (const l of lines) {
    assert.ok(
      /^(aws-sso: error: |hint: |WARN |INFO |Waiting for another aws-sso process)/.test(l),
      `an unexpected stderr line "${l}": ${context}`,
    );
  }
  return errors[0]!;
}
