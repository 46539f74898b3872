/**
 * The command that runs this aws-sso, for the `credential_process` lines of `setup profiles` and
 * the completion scripts (`ConfigProfilesBinaryPath` in docs/config.md):
 *
 * 1. `ConfigProfilesBinaryPath` when set (`~` expanded);
 * 2. bare `aws-sso` when the executable lives in the Nix store (its path changes on every
 *    upgrade), with a warning;
 * 3. the executable itself when this is a compiled binary;
 * 4. run from source through the launcher `deno task install` wrote (it sets
 *    `$AWS_SSO_LAUNCHER` to its own path; used when that file runs this checkout's main.ts): a
 *    path that survives a Deno upgrade;
 * 5. run from source otherwise: `<deno> run -q -A <checkout>/main.ts` (Deno finds deno.json
 *    next to main.ts whatever the working directory).
 *
 * @module
 */
import { expandHome } from "../../lib/paths.ts";

/** How to run aws-sso again. */
export interface SelfCommand {
  /** The words of the command (`["/usr/local/bin/aws-sso"]`). */
  argv: string[];
  /** True when running `deno run main.ts` from a checkout. */
  fromSource: boolean;
  /** Something the user should know about the choice. */
  warning?: string;
}

/** Facts the choice depends on (tests pass their own). */
export interface SelfCommandFacts {
  /** `ConfigProfilesBinaryPath` from config.yaml. */
  configured?: string;
  /** The home directory, for `~`. */
  home: string;
  /** `Deno.execPath()`. */
  execPath: string;
  /** Absolute path of main.ts (used when running from source). */
  mainPath: string;
  /** `$AWS_SSO_LAUNCHER` and that file's text, when set and readable. */
  launcher?: { path: string; text: string };
}

function basename(path: string): string {
  return path.slice(Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\")) + 1);
}

/** Decides the command from `facts`. */
export function chooseSelfCommand(facts: SelfCommandFacts): SelfCommand {
  if (facts.configured !== undefined && facts.configured.trim() !== "") {
    return { argv: [expandHome(facts.configured.trim(), facts.home)], fromSource: false };
  }
  if (facts.execPath.startsWith("/nix/store/")) {
    return {
      argv: ["aws-sso"],
      fromSource: false,
      warning: `Detected NIX: ${facts.execPath} changes with every upgrade, so the bare ` +
        "command aws-sso (found on PATH) is used; set ConfigProfilesBinaryPath to choose another",
    };
  }
  const name = basename(facts.execPath).replace(/\.exe$/i, "");
  if (name !== "deno") return { argv: [facts.execPath], fromSource: false };
  // Only a launcher of this checkout: the variable is inherited by exec shells, where another
  // checkout may run.
  if (facts.launcher !== undefined && facts.launcher.text.includes(facts.mainPath)) {
    return { argv: [facts.launcher.path], fromSource: false };
  }
  return { argv: [facts.execPath, "run", "-q", "-A", facts.mainPath], fromSource: true };
}

/** The path of the main module (main.ts of the checkout when run from source). */
export function mainModulePath(): string {
  const url = new URL(Deno.mainModule);
  if (url.protocol !== "file:") return url.href;
  const path = decodeURIComponent(url.pathname);
  // file:///C:/x/main.ts → C:/x/main.ts
  return /^\/[A-Za-z]:\//.test(path) ? path.slice(1) : path;
}

function readLauncher(path: string | undefined): { path: string; text: string } | undefined {
  if (path === undefined || path === "") return undefined;
  try {
    return { path, text: Deno.readTextFileSync(path) };
  } catch {
    return undefined;
  }
}

/**
 * The command for this process, with `configured` = `ConfigProfilesBinaryPath` and `launcher` =
 * `$AWS_SSO_LAUNCHER`.
 */
export function selfCommand(home: string, configured?: string, launcher?: string): SelfCommand {
  return chooseSelfCommand({
    configured,
    home,
    execPath: Deno.execPath(),
    mainPath: mainModulePath(),
    launcher: readLauncher(launcher),
  });
}
