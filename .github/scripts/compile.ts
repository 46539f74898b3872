/**
 * `deno task compile`: stamps cli/build_info.json, runs `deno compile` with the permissions and
 * flags of the released binary, and puts the unstamped build_info.json back afterwards (so a
 * local build leaves the work tree clean; the stamped copy is already embedded in the binary).
 *
 *   deno task compile                                   # host target → dist/aws-sso
 *   deno task compile --target x86_64-apple-darwin      # → dist/x86_64-apple-darwin/aws-sso
 *   deno task compile --target T --output dist/T/aws-sso [--version V] [--keep-stamp]
 *
 * Everything the binary needs is reached from main.ts through static imports or `import()` of
 * string literals, which `deno compile` follows, plus the whole npm snapshot of deno.lock; the
 * binary reads nothing from the source tree at run time (tests/release/binary_contents_test.ts
 * holds that), so no `--include` is needed and the emulator under tests/ is never embedded.
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import { isAbsolute, join } from "node:path";
import { parseArgs } from "node:util";
import { COMMANDS } from "../../cli/command_registry.ts";
import { LAZY_BACKEND_MODULES } from "../../stores/build_backend.ts";
import { type BuildInfo, buildInfoForCheckout, REPO_ROOT, writeBuildInfo } from "./stamp.ts";

/**
 * The permissions baked into the binary: what the tool uses, and nothing else. Not `-A`: the
 * binary never imports code from the network, so denying that costs nothing. FFI is allowed for
 * libc.so.6: the `file` store reads its cached data key from the Linux kernel keyring with the
 * keyctl(2) system call (stores/keyring_syscall.ts) instead of spawning `keyctl` on every
 * credential_process run. It is unscoped because Deno resolves a scoped library name against
 * the working directory, and it grants nothing `--allow-run` does not. The rest is unscoped
 * because the tool reads and writes user-chosen paths (`--config`, AWS_CONFIG_FILE), talks to
 * any region's endpoints or an `AWS_ENDPOINT_URL_*` override, runs user-configured browsers and
 * the stores' helper programs, and reads arbitrary environment variables (`exec` passes them
 * through).
 */
export const BINARY_PERMISSIONS: readonly string[] = [
  "--allow-env",
  "--allow-read",
  "--allow-write",
  "--allow-net",
  "--allow-run",
  "--allow-sys",
  "--allow-ffi",
];

/**
 * Modules product code loads through a variable specifier, which `deno compile` cannot see:
 * main.ts loads the command graph this way so that `deno run` does not load it before the
 * credential_process hot path (cli/fast_process.ts) has had its chance, and the hot path loads
 * the keyring backends this way for the same reason.
 */
export const INCLUDES: readonly string[] = [
  "cli/app.ts",
  "stores/command_runner.ts",
  // The backends stores/build_backend.ts loads on demand.
  ...LAZY_BACKEND_MODULES.map((m) => `stores/${m.replace(/^\.\//, "")}`),
  // The command modules cli/program.ts loads on demand (cli/command_registry.ts).
  ...new Set(COMMANDS.map((c) => `cli/${c.module.replace(/^\.\//, "")}`)),
];

/** The entry module, relative to the repository root. */
export const ENTRY = "main.ts";

/** Where the binary goes when `--output` is not given. */
export function defaultOutput(target?: string): string {
  const name = target?.includes("windows") ? "aws-sso.exe" : "aws-sso";
  return target === undefined ? `dist/${name}` : `dist/${target}/${name}`;
}

/** The `deno compile` argument list (after the `deno` program name). */
export function compileArgs(options: { target?: string; output: string }): string[] {
  let output = options.output;
  if (options.target?.includes("windows") && !output.toLowerCase().endsWith(".exe")) {
    output += ".exe";
  }
  return [
    "compile",
    ...BINARY_PERMISSIONS,
    // Types are checked by `deno task check` before any build; the lockfile must not move.
    "--no-check",
    "--frozen",
    ...INCLUDES.flatMap((module) => ["--include", module]),
    ...(options.target === undefined ? [] : ["--target", options.target]),
    "--output",
    output,
    ENTRY,
  ];
}

/** What {@link compile} needs from the outside world. */
export interface CompileDeps {
  /** The build_info.json to stamp and restore. */
  buildInfoFile: string;
  /** The stamp to write. */
  info: BuildInfo;
  /** Runs `deno <args>` in the repository root; resolves to its exit code. */
  runDeno: (args: string[]) => Promise<number>;
  /** Leave the stamped file in place afterwards. */
  keepStamp?: boolean;
}

/** Stamps, compiles and restores; resolves to `deno compile`'s exit code. */
export async function compile(
  options: { target?: string; output?: string },
  deps: CompileDeps,
): Promise<number> {
  const original = await readIfExists(deps.buildInfoFile);
  await writeBuildInfo(deps.buildInfoFile, deps.info);
  try {
    const output = options.output ?? defaultOutput(options.target);
    return await deps.runDeno(compileArgs({ target: options.target, output }));
  } finally {
    if (!deps.keepStamp && original !== undefined) {
      await Deno.writeTextFile(deps.buildInfoFile, original);
    }
  }
}

async function readIfExists(file: string): Promise<string | undefined> {
  try {
    return await Deno.readTextFile(file);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return undefined;
    throw e;
  }
}

async function main(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      target: { type: "string" },
      output: { type: "string" },
      version: { type: "string" },
      "keep-stamp": { type: "boolean" },
    },
    strict: true,
  });
  const info = await buildInfoForCheckout({ version: values.version });
  const output = values.output === undefined || isAbsolute(values.output)
    ? values.output
    : join(Deno.cwd(), values.output);
  return await compile({ target: values.target, output }, {
    buildInfoFile: fileURLToPath(new URL("../../cli/build_info.json", import.meta.url)),
    info,
    keepStamp: values["keep-stamp"],
    runDeno: async (denoArgs) => {
      const status = await new Deno.Command(Deno.execPath(), { args: denoArgs, cwd: REPO_ROOT })
        .spawn().status;
      return status.code;
    },
  });
}

if (import.meta.main) {
  try {
    Deno.exit(await main(Deno.args));
  } catch (e) {
    Deno.stderr.writeSync(new TextEncoder().encode(`compile: ${(e as Error).message}\n`));
    Deno.exit(1);
  }
}
