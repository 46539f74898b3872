/**
 * The real {@link CommandRunner}: runs programs with `Deno.Command`. Secrets go on stdin (piped),
 * never in `args`; stdout and stderr are captured, never inherited; the child's environment is
 * the one given minus our secret variables ({@link childEnv}).
 *
 * @module
 */
import { BackendUnavailableError, type CommandResult, type CommandRunner } from "./backend.ts";
import { childEnv } from "./child_env.ts";

/** Exit code reported when a program was killed for running past `timeoutMs` (as timeout(1)). */
export const TIMEOUT_EXIT_CODE = 124;

/** Options for {@link DenoCommandRunner}. */
export interface DenoCommandRunnerOptions {
  /**
   * The environment children start from (cli/ passes its snapshot of ours): our secret
   * variables are removed before any child sees it, and its `PATH` is searched by `available()`.
   */
  env: Readonly<Record<string, string | undefined>>;
  /** `Deno.build.os`: decides the PATH separator and executable suffixes. */
  os: typeof Deno.build.os;
  /** Windows `PATHEXT` (default `.COM;.EXE;.BAT;.CMD`). */
  pathExt?: string;
}

/** Runs external programs through `Deno.Command`. */
export class DenoCommandRunner implements CommandRunner {
  readonly #dirs: string[];
  readonly #windows: boolean;
  readonly #exts: string[];
  readonly #found = new Map<string, boolean>();
  readonly #env: Record<string, string>;

  /** Creates the runner; `available()` searches the `PATH` of `options.env`. */
  constructor(options: DenoCommandRunnerOptions) {
    this.#windows = options.os === "windows";
    this.#env = childEnv(options.env);
    this.#dirs = (options.env.PATH ?? "").split(this.#windows ? ";" : ":").filter((d) => d !== "");
    this.#exts = this.#windows
      ? (options.pathExt ?? ".COM;.EXE;.BAT;.CMD").split(";").filter((e) => e !== "")
      : [""];
  }

  /** Runs `command args...`; see {@link CommandRunner.run}. */
  async run(
    command: string,
    args: string[],
    options: { stdin?: Uint8Array; env?: Record<string, string>; timeoutMs?: number } = {},
  ): Promise<CommandResult> {
    let child: Deno.ChildProcess;
    try {
      child = new Deno.Command(command, {
        args,
        env: childEnv(this.#env, options.env),
        clearEnv: true,
        stdin: options.stdin === undefined ? "null" : "piped",
        stdout: "piped",
        stderr: "piped",
      }).spawn();
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) {
        throw new BackendUnavailableError(
          `Cannot run ${command}: it is not installed or not on PATH`,
          {
            hints: [`install ${command}, or choose another SecureStore in config.yaml`],
            cause: e,
          },
        );
      }
      throw e;
    }
    let timedOut = false;
    const timer = options.timeoutMs === undefined ? undefined : setTimeout(() => {
      timedOut = true;
      try {
        child.kill("SIGKILL");
      } catch {
        // Already exited.
      }
    }, options.timeoutMs);
    try {
      // Start collecting output first so a child that writes before reading cannot deadlock.
      const output = child.output();
      if (options.stdin !== undefined) {
        const writer = child.stdin.getWriter();
        try {
          await writer.write(options.stdin);
          await writer.close();
        } catch {
          // The child exited without reading all of stdin; its exit code tells the story.
        }
      }
      const out = await output;
      if (timedOut) {
        const note = new TextEncoder().encode(
          `\n${command} timed out after ${options.timeoutMs} ms`,
        );
        const stderr = new Uint8Array(out.stderr.length + note.length);
        stderr.set(out.stderr);
        stderr.set(note, out.stderr.length);
        return { code: TIMEOUT_EXIT_CODE, stdout: out.stdout, stderr };
      }
      return { code: out.code, stdout: out.stdout, stderr: out.stderr };
    } finally {
      if (timer !== undefined) clearTimeout(timer);
    }
  }

  /** True when `command` is an executable file in one of the PATH directories (or a path to one). */
  async available(command: string): Promise<boolean> {
    const known = this.#found.get(command);
    if (known !== undefined) return known;
    const hasDir = /[\\/]/.test(command);
    const bases = hasDir ? [command] : this.#dirs.map((d) => `${d}/${command}`);
    const hasExt = /\.[^\\/.]+$/.test(command);
    const exts = this.#windows && !hasExt ? ["", ...this.#exts] : [""];
    let found = false;
    outer: for (const base of bases) {
      for (const ext of exts) {
        if (await this.#isExecutable(base + ext)) {
          found = true;
          break outer;
        }
      }
    }
    this.#found.set(command, found);
    return found;
  }

  async #isExecutable(path: string): Promise<boolean> {
    try {
      const info = await Deno.stat(path);
      if (!info.isFile) return false;
      return this.#windows || info.mode === null || (info.mode & 0o111) !== 0;
    } catch {
      return false;
    }
  }
}
