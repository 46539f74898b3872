/**
 * The URL actions (`UrlAction` in docs/config.md): open in a browser, print, copy to the clipboard,
 * run `UrlExecCommand`, open in a Firefox / Granted container, or OSC 52. Used for the login URLs
 * and the console URL; programs are started through an injected launcher so tests can record them.
 *
 * A program we start never gets the URL itself on its command line (any local process can read
 * a command line, and these URLs carry a login's state or a console SigninToken): it gets a
 * one-time loopback link that redirects to the URL once (lib/one_time_url.ts). A second fetch of
 * that link is reported to the user. `print`, `printurl`, `clip` and OSC 52 show the real URL,
 * which the user needs when the browser is on another machine. Programs start with our
 * environment minus our secret variables (stores/child_env.ts).
 *
 * @module
 */
import { AwsSsoError, errorMessage } from "../lib/errors.ts";
import type { Logger } from "../lib/logger.ts";
import type { UrlAction } from "../lib/settings/url_action.ts";
import type { OpenedUrl, UrlOpener } from "../lib/sso/login_flow.ts";
import { type OneTimeUrl, serveOneTimeUrl } from "../lib/one_time_url.ts";
import { type ContainerSpec, containerUrl, execArgv, osc52 } from "../lib/url_action_format.ts";
import { expandHome } from "../lib/paths.ts";
import type { CommandRunner } from "../stores/backend.ts";
import { childEnv } from "../stores/child_env.ts";
import { DenoCommandRunner } from "../stores/command_runner.ts";
import type { Context } from "./context.ts";
import { safeText } from "../lib/safe_text.ts";
import { sameUserPeerCheck } from "./loopback_peer.ts";

/** Starts programs for the URL actions. */
export interface ProcessLauncher {
  /**
   * Starts `program` without waiting for it (a browser); throws when it cannot start. `env`
   * adds to the launcher's environment.
   */
  spawnDetached(program: string, args: string[], env?: Record<string, string>): void;
  /** Runs `program` with `input` on stdin and waits for it; output is discarded. */
  runWithInput(program: string, args: string[], input: Uint8Array): Promise<number>;
  /** True when `program` is on PATH. */
  available(program: string): Promise<boolean>;
}

/** Options for {@link createUrlOpener}. */
export interface UrlOpenerOptions {
  /** What to do with URLs. */
  action: UrlAction;
  /** `Browser` / `--browser`. */
  browser?: string;
  /** `UrlExecCommand`. */
  execCommand: string[];
  /** Container for the container actions (login: instance name, blue, fingerprint). */
  container: ContainerSpec;
  /** Writes must-see text (stderr, or the terminal when stderr is captured). */
  notice: (text: string) => void;
  /** Logger for status lines. */
  logger: Logger;
  /** Starts programs. */
  launcher: ProcessLauncher;
  /** `Deno.build.os`. */
  os: typeof Deno.build.os;
  /** Environment snapshot (WSL, Wayland, HOME). */
  env: Record<string, string>;
  /** Home directory for `~` in programs. */
  home: string;
  /** Serves the one-time links handed to programs (default: {@link serveOneTimeUrl}). */
  oneTimeUrl?: typeof serveOneTimeUrl;
  /** Which programs may fetch a one-time link (cli/loopback_peer.ts; default: any). */
  peerAllowed?: (peer: Deno.NetAddr, local: Deno.NetAddr) => Promise<boolean>;
}

/** The one line the user sees when another user's program asked for a one-time link. */
export const LINK_FOREIGN_WARNING = "WARNING: a program of another user on this computer asked " +
  "for the one-time browser link of this aws-sso run: it was refused.\n";

/** The one line the user sees when a one-time link is fetched again (names no secret). */
export const LINK_REUSED_WARNING = "WARNING: the one-time browser link of this aws-sso run was " +
  "fetched more than once: another program on this computer may have tried to use it.\n";

/**
 * The real launcher: detached children that outlive aws-sso and never hold its terminal.
 * Clipboard tools get no stdout/stderr pipes: xclip and wl-copy fork a server that would keep
 * them open. Children start from `env` minus our secret variables.
 */
export function realLauncher(
  runner: Pick<CommandRunner, "available">,
  env: Readonly<Record<string, string | undefined>>,
): ProcessLauncher {
  return {
    available: (program) => runner.available(program),
    async runWithInput(program, args, input) {
      const child = new Deno.Command(program, {
        args,
        env: childEnv(env),
        clearEnv: true,
        stdin: "piped",
        stdout: "null",
        stderr: "null",
      }).spawn();
      const writer = child.stdin.getWriter();
      try {
        await writer.write(input);
        await writer.close();
      } catch {
        // It exited without reading: its status says why.
      }
      return (await child.status).code;
    },
    spawnDetached(program, args, extra) {
      const child = new Deno.Command(program, {
        args,
        env: childEnv(env, extra),
        clearEnv: true,
        stdin: "null",
        stdout: "null",
        stderr: "null",
        detached: true,
      }).spawn();
      child.unref();
      child.status.catch(() => {});
    },
  };
}

/** Builds the opener for one action. */
export function createUrlOpener(options: UrlOpenerOptions): UrlOpener {
  const { logger, notice } = options;
  const print = (url: string) =>
    notice(`Please open the following URL in your browser:\n\n${safeText(url)}\n\n`);
  const exec = (url: string) => {
    const { program, args } = execArgv(options.execCommand, url, options.home);
    try {
      options.launcher.spawnDetached(program, args, { HOME: options.home });
    } catch (e) {
      throw new AwsSsoError(`Unable to run UrlExecCommand ${program}: ${errorMessage(e)}`, {
        cause: e,
        hints: ["fix UrlExecCommand in config.yaml, or use --url-action print"],
      });
    }
  };
  /** Runs `launch` with a one-time link to `url`; the link stops when launching fails. */
  const launchOnce = (url: string, launch: (link: string) => void): OpenedUrl => {
    const warned = new Set<string>();
    const warnOnce = (line: string) => {
      if (warned.has(line)) return;
      warned.add(line);
      notice(line);
    };
    const link: OneTimeUrl = (options.oneTimeUrl ?? serveOneTimeUrl)({
      target: url,
      onReuse: () => warnOnce(LINK_REUSED_WARNING),
      peerAllowed: options.peerAllowed,
      onForeign: () => warnOnce(LINK_FOREIGN_WARNING),
    });
    try {
      launch(link.url);
    } catch (e) {
      link.close().catch(() => {});
      throw e;
    }
    return { fetched: link.fetched, close: () => link.close() };
  };
  return {
    async open(url: string): Promise<OpenedUrl | void> {
      switch (options.action) {
        case "print":
          print(url);
          return;
        case "printurl":
          notice(`${safeText(url)}\n`);
          return;
        case "ansi-osc52":
          notice(osc52(url));
          logger.info("Please open the URL copied to your clipboard.");
          return;
        case "clip":
          return await copyToClipboard(options, url);
        case "exec":
          return launchOnce(url, exec);
        case "granted-containers":
        case "open-url-in-container": {
          const action = options.action;
          // The container URL embeds the link, so the extension opens it inside the container.
          return launchOnce(
            url,
            (link) => exec(containerUrl(action, link, options.container, (m) => logger.warn(m))),
          );
        }
        case "open":
          try {
            const opened = launchOnce(url, (link) => openInBrowser(options, link));
            logger.info("Opening URL in your browser");
            return opened;
          } catch (e) {
            logger.warn(`Unable to open the URL in a browser: ${errorMessage(e)}`);
            print(url);
          }
          return;
      }
    },
  };
}

function openInBrowser(options: UrlOpenerOptions, url: string): void {
  const { launcher, os, env } = options;
  if (options.browser !== undefined && options.browser !== "") {
    launcher.spawnDetached(expandHome(options.browser, options.home), [url]);
    return;
  }
  switch (os) {
    case "darwin":
      launcher.spawnDetached("open", [url]);
      return;
    case "windows":
      // Not `cmd /c start`: cmd would split the URL at every `&`.
      launcher.spawnDetached("rundll32", ["url.dll,FileProtocolHandler", url]);
      return;
    default:
      if (
        (env.WSL_DISTRO_NAME ?? "") === "" && (env.DISPLAY ?? "") === "" &&
        (env.WAYLAND_DISPLAY ?? "") === ""
      ) {
        // xdg-open without a display can only start a text browser, and ours has no terminal.
        throw new Error("there is no graphical display (DISPLAY and WAYLAND_DISPLAY are unset)");
      }
      if ((env.WSL_DISTRO_NAME ?? "") !== "") {
        try {
          launcher.spawnDetached("wslview", [url]);
          return;
        } catch {
          // wslu not installed: try xdg-open.
        }
      }
      launcher.spawnDetached("xdg-open", [url]);
  }
}

async function copyToClipboard(options: UrlOpenerOptions, url: string): Promise<void> {
  const { launcher } = options;
  const candidates: [string, string[]][] = options.os === "darwin"
    ? [["pbcopy", []]]
    : options.os === "windows"
    ? [["clip.exe", []]]
    : [
      ...((options.env.WAYLAND_DISPLAY ?? "") !== ""
        ? [["wl-copy", []] as [string, string[]]]
        : []),
      ["xclip", ["-selection", "clipboard"]],
      ["xsel", ["--clipboard", "--input"]],
      ...((options.env.WSL_DISTRO_NAME ?? "") !== ""
        ? [["clip.exe", []] as [string, string[]]]
        : []),
    ];
  for (const [program, args] of candidates) {
    if (!await launcher.available(program)) continue;
    const code = await launcher.runWithInput(program, args, new TextEncoder().encode(url));
    if (code !== 0) {
      throw new AwsSsoError(
        `Unable to copy the URL to the clipboard: ${program} exited with ${code}`,
        {
          hints: ["use --url-action print"],
        },
      );
    }
    options.logger.info("Please open URL copied to clipboard.");
    return;
  }
  throw new AwsSsoError("Unable to copy the URL to the clipboard: no clipboard program found", {
    hints: options.os === "linux"
      ? ["install wl-clipboard, xclip or xsel", "or use --url-action print"]
      : ["use --url-action print"],
  });
}

/** The parts of {@link UrlOpenerOptions} that differ between callers. */
export type UrlOpenerChoice = Pick<
  UrlOpenerOptions,
  "action" | "browser" | "execCommand" | "container" | "notice"
>;

/** A URL opener for this run: its logger, environment, home and the real process launcher. */
export function urlOpenerFor(ctx: Context, choice: UrlOpenerChoice): UrlOpener {
  return createUrlOpener({
    ...choice,
    logger: ctx.logger,
    launcher: realLauncher(new DenoCommandRunner({ env: ctx.env, os: Deno.build.os }), ctx.env),
    peerAllowed: sameUserPeerCheck(Deno.uid() ?? -1),
    os: Deno.build.os,
    env: ctx.env,
    home: ctx.paths.home,
  });
}
