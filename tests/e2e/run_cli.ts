/**
 * Spawns the CLI the way a user runs it (`deno run -A main.ts ...`) with a private HOME and a
 * controlled environment, and returns exit code, stdout and stderr separately.
 *
 * @module
 */

const MAIN = new URL("../../main.ts", import.meta.url).pathname;
let denoDir: string | undefined;

/** The Deno cache directory, so children with another HOME do not re-download packages. */
export function realDenoDir(): string {
  if (denoDir === undefined) {
    const explicit = Deno.env.get("DENO_DIR");
    if (explicit) {
      denoDir = explicit;
    } else {
      const out = new Deno.Command(Deno.execPath(), { args: ["info", "--json"], stdout: "piped" })
        .outputSync();
      denoDir = JSON.parse(new TextDecoder().decode(out.stdout)).denoDir as string;
    }
  }
  return denoDir;
}

/** A finished CLI run. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Options for {@link runCli}. */
export interface RunCliOptions {
  /** HOME for the child (required: tests never touch the real one). */
  home: string;
  /** Extra environment (merged over the minimal base). */
  env?: Record<string, string>;
  /** Text fed to stdin (stdin is /dev/null otherwise). */
  stdin?: string;
  /** Working directory. */
  cwd?: string;
  /** Deno flags before the script, e.g. `["--deny-ffi"]` (added to `-A --quiet`). */
  denoFlags?: string[];
}

/** The minimal environment every child gets (no AWS_* or AWS_SSO_* leaks from the parent). */
export function baseEnv(home: string): Record<string, string> {
  return {
    HOME: home,
    PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
    DENO_DIR: realDenoDir(),
    NO_COLOR: "1",
    LANG: "C.UTF-8",
    TZ: "UTC",
  };
}

/** Runs `aws-sso <args>` and waits for it. */
export async function runCli(args: string[], options: RunCliOptions): Promise<CliResult> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", ...options.denoFlags ?? [], MAIN, ...args],
    env: { ...baseEnv(options.home), ...options.env },
    clearEnv: true,
    cwd: options.cwd ?? options.home,
    stdin: options.stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  if (options.stdin !== undefined) {
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(options.stdin));
    await writer.close();
  }
  const out = await child.output();
  return {
    code: out.code,
    stdout: new TextDecoder().decode(out.stdout),
    stderr: new TextDecoder().decode(out.stderr),
  };
}

/** Creates a temporary HOME; remove it with `Deno.remove(home, { recursive: true })`. */
export async function tempHome(): Promise<string> {
  return await Deno.makeTempDir({ prefix: "aws-sso-test-home-" });
}

/** Writes config.yaml in the default location under `home` and returns its path. */
export async function writeConfig(home: string, yaml: string): Promise<string> {
  const dir = `${home}/.config/aws-sso`;
  await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
  const file = `${dir}/config.yaml`;
  await Deno.writeTextFile(file, yaml);
  return file;
}
