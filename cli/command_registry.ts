/**
 * The top-level commands and the module each lives in. cli/program.ts loads only the module of
 * the command being run (all of them for help, completion and unknown commands): under
 * `deno run`, every module reachable from the entry point through static imports or `import()`
 * of a string literal is loaded at start-up, and the whole tree costs ~30 ms (measured) on
 * every run. The modules are loaded through variable specifiers, so `deno compile` does not see
 * them: .github/scripts/compile.ts passes each one with --include (a test holds that).
 *
 * @module
 */
import { VALUE_OPTION_WORDS } from "./global_options.ts";

/** One top-level command. */
export interface CommandEntry {
  /** The command's name on the command line. */
  name: string;
  /** Module path, relative to this file. */
  module: string;
  /** Exported factory `(app: App) => CommandUnknownOpts`. */
  factory: string;
  /** Help heading, when not the default "Commands:". */
  helpGroup?: string;
  /** Left out of help (debugging commands). */
  hidden?: boolean;
}

const OLD_NAMES = "1.x command names (still work):";

/** Every top-level command, in help order. */
export const COMMANDS: readonly CommandEntry[] = [
  { name: "list", module: "./commands/list.ts", factory: "listCommand" },
  { name: "login", module: "./commands/login.ts", factory: "loginCommand" },
  { name: "logout", module: "./commands/logout.ts", factory: "logoutCommand" },
  { name: "flush", module: "./commands/flush.ts", factory: "flushCommand" },
  { name: "cache", module: "./commands/cache.ts", factory: "cacheCommand" },
  { name: "console", module: "./commands/console.ts", factory: "consoleCommand" },
  { name: "credentials", module: "./commands/credentials.ts", factory: "credentialsCommand" },
  { name: "eval", module: "./commands/eval.ts", factory: "evalCommand" },
  { name: "exec", module: "./commands/exec.ts", factory: "execCommand" },
  { name: "process", module: "./commands/process.ts", factory: "processCommand" },
  { name: "tags", module: "./commands/tags.ts", factory: "tagsCommand" },
  { name: "time", module: "./commands/time.ts", factory: "timeCommand" },
  { name: "version", module: "./commands/version.ts", factory: "versionCommand" },
  { name: "setup", module: "./commands/setup.ts", factory: "setupCommand" },
  { name: "doctor", module: "./commands/doctor.ts", factory: "doctorCommand" },
  { name: "ecs", module: "./commands/ecs.ts", factory: "ecsCommand" },
  {
    name: "list-sso-roles",
    module: "./commands/list_sso_roles.ts",
    factory: "listSsoRolesCommand",
    hidden: true,
  },
  {
    name: "config",
    module: "./commands/setup_profiles.ts",
    factory: "configCommand",
    helpGroup: OLD_NAMES,
  },
  {
    name: "install-completions",
    module: "./commands/setup_completions.ts",
    factory: "installCompletionsCommand",
    helpGroup: OLD_NAMES,
  },
];

/**
 * The commands a command line needs: the one it names, `list` for the default command, or all of
 * them (help, `help <cmd>`, an unknown name — whose error suggests a close one).
 *
 * @example
 * ```ts
 * commandsFor(["-S", "Work", "list", "--csv"]).map((c) => c.name); // ["list"]
 * ```
 */
export function commandsFor(argv: readonly string[]): readonly CommandEntry[] {
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i]!;
    if (word === "-h" || word === "--help" || word === "--") return COMMANDS;
    if (VALUE_OPTION_WORDS.has(word)) {
      i++;
      continue;
    }
    if (word.startsWith("-")) continue;
    const entry = COMMANDS.find((c) => c.name === word);
    return entry === undefined ? COMMANDS : [entry];
  }
  // `aws-sso --version` with no command prints what `aws-sso version` prints.
  const fallback = argv.includes("--version") ? "version" : "list";
  return COMMANDS.filter((c) => c.name === fallback);
}
