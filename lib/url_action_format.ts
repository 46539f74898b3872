/**
 * Pure formatting behind the URL actions (`UrlAction` in docs/config.md): Firefox / Granted
 * container URLs with their deterministic colour and icon pick, the `UrlExecCommand` argument
 * vector, and the OSC 52 clipboard escape.
 *
 * @module
 */
import { AwsSsoError } from "./errors.ts";
import { expandHome } from "./paths.ts";

/** Container colours Firefox Multi-Account Containers accepts. */
export const CONTAINER_COLORS = [
  "blue",
  "turquoise",
  "green",
  "yellow",
  "orange",
  "red",
  "pink",
  "purple",
] as const;

/** Container icons Firefox Multi-Account Containers accepts. */
export const CONTAINER_ICONS = [
  "fingerprint",
  "briefcase",
  "dollar",
  "cart",
  "gift",
  "vacation",
  "food",
  "fruit",
  "pet",
  "tree",
  "chill",
  "circle",
] as const;

/** A container to open a URL in. */
export interface ContainerSpec {
  /** Container name (the SSO instance for logins, the profile for the console). */
  name: string;
  /** Requested colour; invalid or empty → picked from the name. */
  color?: string;
  /** Requested icon; invalid or empty → picked from the name. */
  icon?: string;
}

/**
 * Picks an option from the name: `options[(sum of the name's UTF-8 bytes mod 256) mod length]`.
 *
 * @example
 * ```ts
 * pickFromName("a", CONTAINER_COLORS); // "turquoise"
 * ```
 */
export function pickFromName<T>(name: string, options: readonly T[]): T {
  let sum = 0;
  for (const b of new TextEncoder().encode(name)) sum = (sum + b) % 256;
  return options[sum % options.length]!;
}

/**
 * Go's `url.QueryEscape`: unreserved characters stay, space becomes `+`, the rest `%XX`.
 *
 * @example
 * ```ts
 * queryEscape("https://x/?a=b c"); // "https%3A%2F%2Fx%2F%3Fa%3Db+c"
 * ```
 */
export function queryEscape(text: string): string {
  let out = "";
  for (const b of new TextEncoder().encode(text)) {
    const c = String.fromCharCode(b);
    if (/[A-Za-z0-9\-_.~]/.test(c)) out += c;
    else if (c === " ") out += "+";
    else out += `%${b.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

/**
 * The container URL for `open-url-in-container` (`ext+container:`) or `granted-containers`
 * (`ext+granted-containers:`); `warn` hears about an invalid colour or icon.
 *
 * @example
 * ```ts
 * containerUrl("open-url-in-container", "https://a/", { name: "Default", color: "blue",
 *   icon: "fingerprint" });
 * // "ext+container:name=Default&url=https%3A%2F%2Fa%2F&color=blue&icon=fingerprint"
 * ```
 */
export function containerUrl(
  action: "open-url-in-container" | "granted-containers",
  url: string,
  container: ContainerSpec,
  warn: (message: string) => void = () => {},
): string {
  const choose = (value: string | undefined, options: readonly string[], what: string) => {
    if (value !== undefined && options.includes(value)) return value;
    if (value !== undefined && value !== "") {
      warn(`Invalid container ${what} "${value}"; picking one from the name`);
    }
    return pickFromName(container.name, options);
  };
  const color = choose(container.color, CONTAINER_COLORS, "color");
  const icon = choose(container.icon, CONTAINER_ICONS, "icon");
  const scheme = action === "granted-containers" ? "ext+granted-containers" : "ext+container";
  return `${scheme}:name=${container.name}&url=${queryEscape(url)}&color=${color}&icon=${icon}`;
}

/**
 * The program and arguments for the `exec` action: every `%s` in an argument becomes the URL
 * and a leading `~` in the program is expanded. Throws when the command cannot work.
 *
 * @example
 * ```ts
 * execArgv(["firefox", "--new-tab", "%s"], "https://a/", "/home/me");
 * // { program: "firefox", args: ["--new-tab", "https://a/"] }
 * ```
 */
export function execArgv(
  command: readonly string[],
  url: string,
  home: string,
): { program: string; args: string[] } {
  if (command.length === 0) {
    throw new AwsSsoError("UrlExecCommand is empty, so the URL cannot be opened with exec", {
      hints: ["set UrlExecCommand in config.yaml, or use another UrlAction"],
    });
  }
  if (command.length < 2) {
    throw new AwsSsoError("invalid UrlExecCommand has fewer than 2 arguments", {
      hints: ['for example UrlExecCommand: ["firefox", "%s"]'],
    });
  }
  if (!command.some((a) => a.includes("%s"))) {
    throw new AwsSsoError("invalid UrlExecCommand has no `%s` for URL", {
      hints: ['put "%s" where the URL goes, for example UrlExecCommand: ["firefox", "%s"]'],
    });
  }
  const [program, ...rest] = command;
  return {
    program: expandHome(program!.replaceAll("%s", url), home),
    args: rest.map((a) => a.replaceAll("%s", url)),
  };
}

/**
 * The OSC 52 escape that asks the terminal to put `url` on the clipboard.
 *
 * @example
 * ```ts
 * osc52("hi"); // "\x1b]52;c;aGk=\x07"
 * ```
 */
export function osc52(url: string): string {
  let bin = "";
  for (const b of new TextEncoder().encode(url)) bin += String.fromCharCode(b);
  return `\x1b]52;c;${btoa(bin)}\x07`;
}
