/**
 * `deno task install`: puts an `aws-sso` launcher for this checkout on your PATH, so that
 * `aws-sso` works in every shell (an `exec` shell included) and `setup profiles` writes a
 * `credential_process` path that stays valid.
 *
 *   deno task install                     # → ~/.local/bin/aws-sso
 *   deno task install --root /opt/aws-sso # → /opt/aws-sso/bin/aws-sso (or AWS_SSO_INSTALL_ROOT)
 *
 * The launcher is a small shell script (a `.cmd` file on Windows) that runs this checkout's
 * main.ts with the permissions of the released binary ({@link BINARY_PERMISSIONS}). It names
 * `deno` by the path found on PATH at install time (a link such as ~/.deno/bin/deno or npm's
 * bin link, which an upgrade keeps), never the versioned file a link points to, and falls back
 * to the `deno` on PATH at run time when that path is gone. It exports `AWS_SSO_LAUNCHER` (its
 * own path) so that `setup profiles` and `setup completions` write the launcher, not Deno's
 * path (cli/services/self_command.ts).
 *
 * @module
 */
import { dirname, join } from "node:path";
import { parseArgs } from "node:util";
import { BINARY_PERMISSIONS } from "./compile.ts";
import { REPO_ROOT } from "./stamp.ts";

/** The variable the launcher sets to its own path (read by cli/services/self_command.ts). */
export const LAUNCHER_ENV = "AWS_SSO_LAUNCHER";

/** What a launcher runs. */
export interface LauncherSpec {
  /** The deno executable recorded at install time. */
  deno: string;
  /** The checkout's main.ts. */
  main: string;
  /** Where the launcher itself is written. */
  path: string;
}

function shQuote(s: string): string {
  return `'${s.replaceAll("'", `'"'"'`)}'`;
}

/** The `deno run` arguments after the program name: the binary's permissions, no prompts. */
export function launcherRunArgs(main: string): string[] {
  const config = join(dirname(main), "deno.json");
  return ["run", "--quiet", "--no-prompt", "--config", config, ...BINARY_PERMISSIONS, main];
}

/** The POSIX shell launcher. */
export function renderShellLauncher(spec: LauncherSpec): string {
  const args = launcherRunArgs(spec.main).map(shQuote).join(" ");
  return `#!/bin/sh
# aws-sso launcher for the checkout ${spec.main} (written by "deno task install").
deno=${shQuote(spec.deno)}
if [ ! -x "$deno" ]; then
  deno=$(command -v deno) || {
    echo "aws-sso: deno not found (was ${spec.deno}); install Deno or run deno task install again" >&2
    exit 127
  }
fi
${LAUNCHER_ENV}=${shQuote(spec.path)}
export ${LAUNCHER_ENV}
exec "$deno" ${args} "$@"
`;
}

/** The Windows launcher (`aws-sso.cmd`). */
export function renderCmdLauncher(spec: LauncherSpec): string {
  const args = launcherRunArgs(spec.main).map((a) => `"${a}"`).join(" ");
  return [
    "@echo off",
    `rem aws-sso launcher for the checkout ${spec.main} (written by "deno task install").`,
    `set "AWS_SSO_DENO=${spec.deno}"`,
    `if not exist "%AWS_SSO_DENO%" set "AWS_SSO_DENO=deno"`,
    `set "${LAUNCHER_ENV}=${spec.path}"`,
    `"%AWS_SSO_DENO%" ${args} %*`,
    "",
  ].join("\r\n");
}

/** The first `deno` on `path` (a PATH value), unresolved, so links that upgrades keep stay. */
export function findOnPath(path: string, os: string, exists: (file: string) => boolean): string {
  const names = os === "windows" ? ["deno.exe", "deno.cmd"] : ["deno"];
  for (const dir of path.split(os === "windows" ? ";" : ":")) {
    if (dir === "") continue;
    for (const name of names) {
      const file = join(dir, name);
      if (exists(file)) return file;
    }
  }
  return "";
}

function isFile(file: string): boolean {
  try {
    return Deno.statSync(file).isFile;
  } catch {
    return false;
  }
}

/** Options for {@link installLauncher}. */
export interface InstallOptions {
  /** The directory the launcher goes in (`<root>/bin`). */
  binDir: string;
  /** The deno to record (default: the first on PATH, else this process's). */
  deno?: string;
  /** The operating system (default `Deno.build.os`). */
  os?: string;
}

/** Writes the launcher (mode 0755) and returns its path. */
export async function installLauncher(options: InstallOptions): Promise<string> {
  const os = options.os ?? Deno.build.os;
  const deno = options.deno ??
    (findOnPath(Deno.env.get("PATH") ?? "", os, isFile) || Deno.execPath());
  const main = join(REPO_ROOT, "main.ts");
  await Deno.mkdir(options.binDir, { recursive: true });
  const path = join(options.binDir, os === "windows" ? "aws-sso.cmd" : "aws-sso");
  const text = os === "windows"
    ? renderCmdLauncher({ deno, main, path })
    : renderShellLauncher({ deno, main, path });
  const tmp = `${path}.tmp-${crypto.randomUUID()}`;
  await Deno.writeTextFile(tmp, text, { mode: 0o755 });
  if (os !== "windows") await Deno.chmod(tmp, 0o755);
  await Deno.rename(tmp, path);
  return path;
}

async function main(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { root: { type: "string" } }, strict: true });
  const home = Deno.env.get("HOME") ?? Deno.env.get("USERPROFILE") ?? "";
  const root = values.root ?? Deno.env.get("AWS_SSO_INSTALL_ROOT") ?? join(home, ".local");
  const binDir = join(root, "bin");
  const path = await installLauncher({ binDir });
  const out = (s: string) => Deno.stdout.writeSync(new TextEncoder().encode(s));
  out(`Installed ${path} (runs ${join(REPO_ROOT, "main.ts")})\n`);
  const sep = Deno.build.os === "windows" ? ";" : ":";
  if (!(Deno.env.get("PATH") ?? "").split(sep).includes(binDir)) {
    out(`${binDir} is not on your PATH: add it (e.g. in ~/.profile) to run aws-sso\n`);
  }
  out('Then run "aws-sso setup profiles" so ~/.aws/config runs this launcher.\n');
  return 0;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
