/**
 * The one table of global options (accepted before or after any command). Everything that must
 * know them is derived from it: the commander options (cli/program.ts), the attribute names
 * resolved for a Context, the flags that take a value (cli/command_registry.ts, to find the
 * command name), the `--level` lookup that decides whether errors show a stack (cli/app.ts), and
 * the `-S` / `--sso` forms the credential_process hot path accepts (cli/fast_process.ts).
 *
 * A plain data module with no dependency: the hot path imports it. The allowed values of
 * `--level` and `--url-action` are their own lists' (lib/logger.ts, lib/settings/url_action.ts),
 * attached by cli/program.ts.
 *
 * @module
 */

/** One global option. */
export interface GlobalOptionSpec {
  /** commander attribute name (`urlAction` for `--url-action`). */
  readonly key: string;
  /** Short flag (`-S`), when there is one. */
  readonly short?: string;
  /** Long flag (`--sso`). */
  readonly long: string;
  /** Value placeholder (`<name>`); absent for a boolean flag. */
  readonly value?: string;
  /** Environment variable that sets it. */
  readonly env?: string;
  /** Help text. */
  readonly description: string;
}

/** Every global option, in help order. */
export const GLOBAL_OPTIONS = [
  {
    key: "config",
    long: "--config",
    value: "<file>",
    env: "AWS_SSO_CONFIG",
    description: "config file to use",
  },
  {
    key: "level",
    short: "-L",
    long: "--level",
    value: "<level>",
    description: "log level",
  },
  { key: "lines", long: "--lines", description: "add the source file and line to log messages" },
  {
    key: "sso",
    short: "-S",
    long: "--sso",
    value: "<name>",
    env: "AWS_SSO",
    description: "AWS SSO instance to use (default: DefaultSSO)",
  },
  {
    key: "browser",
    short: "-b",
    long: "--browser",
    value: "<path>",
    env: "AWS_SSO_BROWSER",
    description: "browser to open URLs with",
  },
  {
    key: "urlAction",
    short: "-u",
    long: "--url-action",
    value: "<action>",
    description: "how to handle URLs (login and console)",
  },
  {
    key: "stsRefresh",
    long: "--sts-refresh",
    description: "force a refresh of the role credentials",
  },
] as const satisfies readonly GlobalOptionSpec[];

/** The attribute name of a global option. */
export type GlobalOptionKey = typeof GLOBAL_OPTIONS[number]["key"];

/** commander's flags string for an option (`-S, --sso <name>`). */
export function optionFlags(spec: GlobalOptionSpec): string {
  const names = spec.short === undefined ? spec.long : `${spec.short}, ${spec.long}`;
  return spec.value === undefined ? names : `${names} ${spec.value}`;
}

/** The spec of a global option by attribute name. */
export function globalOption(key: GlobalOptionKey): GlobalOptionSpec {
  return GLOBAL_OPTIONS.find((o) => o.key === key)!;
}

/** The command-line words of an option (`["-S", "--sso"]`). */
export function optionWords(spec: GlobalOptionSpec): string[] {
  return spec.short === undefined ? [spec.long] : [spec.short, spec.long];
}

/** Global option words that take a value (so the word after them is not a command name). */
export const VALUE_OPTION_WORDS: ReadonlySet<string> = new Set(
  GLOBAL_OPTIONS.filter((o: GlobalOptionSpec) => o.value !== undefined).flatMap(optionWords),
);

/**
 * The value a command line gives a global option (`-L debug`, `-Ldebug`, `--level debug`,
 * `--level=debug`), read without commander (for decisions made when parsing failed); the last
 * one before `--` wins.
 *
 * @example
 * ```ts
 * globalOptionValue(["list", "--level=debug"], "level"); // "debug"
 * ```
 */
export function globalOptionValue(
  argv: readonly string[],
  key: GlobalOptionKey,
): string | undefined {
  const spec = globalOption(key);
  let found: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--") break;
    if (a === spec.long || a === spec.short) found = argv[++i];
    else if (a.startsWith(`${spec.long}=`)) found = a.slice(spec.long.length + 1);
    else if (spec.short !== undefined && a.startsWith(spec.short) && a.length > 2) {
      found = a.slice(2);
    }
  }
  return found;
}
