/**
 * Installs, removes and checks the shell completion and helpers of `setup completions`
 * : a managed block in the shell's rc file for bash and zsh, managed blocks in
 * files under the fish config directory for fish.
 *
 * Where: zsh `${ZDOTDIR:-~}/.zshrc`; fish `$XDG_CONFIG_HOME/fish` or `~/.config/fish`; bash the
 * file that already holds the block, else `~/.bash_profile` on macOS (Terminal.app starts login
 * shells, which read only that) and `~/.bashrc` elsewhere (terminal windows on Linux start
 * interactive non-login shells, which read only that). The reference always used
 * `~/.bash_profile`; uninstall cleans both. PowerShell: its `$PROFILE` for the current user and
 * host, which aws-sso cannot ask PowerShell for, so the documented default:
 * `~/Documents/PowerShell/Microsoft.PowerShell_profile.ps1` on Windows,
 * `$XDG_CONFIG_HOME/powershell/` or `~/.config/powershell/Microsoft.PowerShell_profile.ps1`
 * elsewhere; `--shell-script $PROFILE` names another (a redirected Documents folder).
 *
 * @module
 */
import { writeFileAtomic, writeTarget } from "../../lib/atomic_file.ts";
import {
  blockMarkers,
  extractManagedBlock,
  replaceManagedBlock,
} from "../../lib/aws_config/managed_block.ts";
import {
  completionScripts,
  isShell,
  type Shell,
  SHELLS,
} from "../../lib/completion/shell_scripts.ts";
import { UsageError } from "../../lib/errors.ts";
import { expandHome } from "../../lib/paths.ts";
import type { Context } from "../context.ts";
import { encodeFileText, readFileText } from "./aws_config.ts";
import { selfCommand } from "./self_command.ts";

/** Options shared by install, uninstall and status. */
export interface CompletionOptions {
  /** `--shell`; default: the login shell. */
  shell?: string;
  /** `--shell-script`: the rc file (bash, zsh) or the fish config directory to use instead. */
  shellScript?: string;
}

function basename(path: string): string {
  return path.slice(Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\")) + 1);
}

function loginShellFromPasswd(ctx: Context): string | undefined {
  const user = ctx.env.USER ?? ctx.env.LOGNAME ?? "";
  if (user === "" || Deno.build.os === "windows") return undefined;
  try {
    for (const line of Deno.readTextFileSync("/etc/passwd").split("\n")) {
      const fields = line.split(":");
      if (fields[0] === user && fields[6] !== undefined) return fields[6].trim();
    }
  } catch {
    // No passwd file (or not readable): no answer.
  }
  return undefined;
}

/**
 * The user's shell: `--shell`, else `$SHELL` (`pwsh` is PowerShell), else the login shell in
 * /etc/passwd, else PowerShell on Windows.
 */
export function detectShell(ctx: Context, given?: string): Shell {
  const found = basename(ctx.env.SHELL || loginShellFromPasswd(ctx) || "").replace(/\.exe$/i, "");
  const name = given ??
    (found === "pwsh" ? "powershell" : found || (Deno.build.os === "windows" ? "powershell" : ""));
  if (name === "") {
    throw new UsageError("cannot tell which shell you use: $SHELL is not set", {
      hints: [`name it with --shell (${SHELLS.join(", ")})`],
    });
  }
  if (!isShell(name)) {
    throw new UsageError(`unsupported shell: ${name}`, {
      hints: [`completion is available for ${SHELLS.join(", ")}: use --shell to pick one`],
    });
  }
  return name;
}

/** PowerShell's `$PROFILE` (current user, current host) at its documented default place. */
function powershellProfile(ctx: Context): string {
  const file = "Microsoft.PowerShell_profile.ps1";
  if (Deno.build.os === "windows") return `${ctx.paths.home}/Documents/PowerShell/${file}`;
  const xdg = ctx.env.XDG_CONFIG_HOME ?? "";
  const config = xdg !== "" ? expandHome(xdg, ctx.paths.home) : `${ctx.paths.home}/.config`;
  return `${config}/powershell/${file}`;
}

/** A file the completion lives in, and the block it should hold. */
interface Placement {
  path: string;
  /** The full managed block (markers included). */
  block: string;
}

function wrap(text: string): string {
  const m = blockMarkers();
  return `${m.begin}\n${text}${m.end}\n`;
}

async function holdsBlock(path: string): Promise<boolean> {
  try {
    return extractManagedBlock((await readFileText(path)).text, blockMarkers(), path) !== undefined;
  } catch {
    return true;
  }
}

async function bashRc(ctx: Context): Promise<string> {
  const home = ctx.paths.home;
  const candidates = [`${home}/.bashrc`, `${home}/.bash_profile`];
  for (const c of candidates) if (await holdsBlock(c)) return c;
  return Deno.build.os === "darwin" ? `${home}/.bash_profile` : `${home}/.bashrc`;
}

function fishDir(ctx: Context, options: CompletionOptions): string {
  if (options.shellScript !== undefined) return expandHome(options.shellScript, ctx.paths.home);
  const xdg = ctx.env.XDG_CONFIG_HOME ?? "";
  return xdg !== "" ? `${expandHome(xdg, ctx.paths.home)}/fish` : `${ctx.paths.home}/.config/fish`;
}

/** Where `shell`'s completion goes and what it should contain now. */
async function placements(
  ctx: Context,
  shell: Shell,
  options: CompletionOptions,
): Promise<Placement[]> {
  const self = selfCommand(ctx.paths.home, undefined, ctx.env.AWS_SSO_LAUNCHER);
  if (self.warning !== undefined) ctx.logger.warn(self.warning);
  const files = completionScripts(shell, { command: self.argv, fromSource: self.fromSource });
  if (shell === "fish") {
    const dir = fishDir(ctx, options);
    return files.map((f) => ({ path: `${dir}/${f.file}`, block: wrap(f.text) }));
  }
  const text = files[0]!.text;
  let path: string;
  if (options.shellScript !== undefined) {
    path = expandHome(options.shellScript, ctx.paths.home);
  } else if (shell === "powershell") {
    path = powershellProfile(ctx);
  } else if (shell === "zsh") {
    const zdotdir = ctx.env.ZDOTDIR ?? "";
    path = `${zdotdir !== "" ? expandHome(zdotdir, ctx.paths.home) : ctx.paths.home}/.zshrc`;
  } else {
    path = await bashRc(ctx);
  }
  return [{ path, block: wrap(text) }];
}

async function writeKeepingMode(path: string, bytes: Uint8Array, existed: boolean): Promise<void> {
  let mode = 0o600;
  if (existed) {
    try {
      mode = ((await Deno.stat(path)).mode ?? 0o600) & 0o777;
    } catch {
      // Keep 0600.
    }
  }
  await writeFileAtomic(await writeTarget(path), bytes, mode);
}

/** Installs (or updates) the completion; returns the files written. */
export async function installCompletions(
  ctx: Context,
  options: CompletionOptions,
): Promise<{ shell: Shell; files: string[] }> {
  const shell = detectShell(ctx, options.shell);
  const written: string[] = [];
  for (const place of await placements(ctx, shell, options)) {
    const current = await readFileText(place.path);
    const next = replaceManagedBlock(
      current.text,
      blockMarkers(),
      place.block,
      ctx.display(place.path),
    );
    if (current.exists && next === current.text) continue;
    await writeKeepingMode(place.path, encodeFileText(current, next), current.exists);
    written.push(place.path);
  }
  return { shell, files: written };
}

/** Removes the completion; deletes fish files left empty. Returns the files changed. */
export async function uninstallCompletions(
  ctx: Context,
  options: CompletionOptions,
): Promise<{ shell: Shell; files: string[] }> {
  const shell = detectShell(ctx, options.shell);
  const paths = (await placements(ctx, shell, options)).map((p) => p.path);
  if (shell === "bash" && options.shellScript === undefined) {
    for (const p of [`${ctx.paths.home}/.bashrc`, `${ctx.paths.home}/.bash_profile`]) {
      if (!paths.includes(p)) paths.push(p);
    }
  }
  const changed: string[] = [];
  for (const path of paths) {
    const current = await readFileText(path);
    if (!current.exists) continue;
    const next = replaceManagedBlock(current.text, blockMarkers(), "", ctx.display(path));
    if (next === current.text) continue;
    if (shell === "fish" && next.trim() === "") {
      await Deno.remove(path);
    } else {
      await writeKeepingMode(path, encodeFileText(current, next), true);
    }
    changed.push(path);
  }
  return { shell, files: changed };
}

/** What `doctor` reports about the completion of the user's shell. */
export interface CompletionStatus {
  /** The shell checked. */
  shell: Shell;
  /** `current`: installed as install would write it now; `stale`: installed but different. */
  state: "current" | "stale" | "missing";
  /** The files looked at. */
  files: string[];
}

/** Checks whether the completion is installed and up to date. */
export async function completionStatus(
  ctx: Context,
  options: CompletionOptions = {},
): Promise<CompletionStatus> {
  const shell = detectShell(ctx, options.shell);
  const places = await placements(ctx, shell, options);
  let found = 0;
  let same = 0;
  for (const place of places) {
    const current = await readFileText(place.path);
    const block = extractManagedBlock(current.text, blockMarkers(), place.path);
    if (block === undefined) continue;
    found++;
    if (block.replace(/\r\n/g, "\n") === place.block) same++;
  }
  const files = places.map((p) => p.path);
  if (found === 0) return { shell, state: "missing", files };
  return { shell, state: same === places.length ? "current" : "stale", files };
}
