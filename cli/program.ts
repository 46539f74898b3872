/**
 * The command graph (commander): global options, one file per command under cli/commands/,
 * and the plumbing every command shares (usage errors, help, exit codes, global flags that work
 * before or after the command name).
 *
 * @module
 */
import { Command, type CommandUnknownOpts, Option } from "@commander-js/extra-typings";
import { UsageError } from "../lib/errors.ts";
import { isLogLevel, LOG_LEVELS, type LogLevel } from "../lib/logger.ts";
import { isUrlAction, URL_ACTIONS } from "../lib/settings/url_action.ts";
import { Context, type ContextDeps, type GlobalOptions } from "./context.ts";
import type { Output } from "./output.ts";
import { COMMANDS, commandsFor } from "./command_registry.ts";
import {
  GLOBAL_OPTIONS,
  type GlobalOptionKey,
  type GlobalOptionSpec,
  optionFlags,
} from "./global_options.ts";

const LIST_MODULE = "./commands/list.ts";
const VERSION_MODULE = "./commands/version.ts";

/** What commands get from the application: a Context for the invoked command, and the exit code. */
export interface App {
  /** Builds (once) the Context for `command`, resolving global flags given anywhere on the line. */
  context(command: CommandUnknownOpts): Context;
  /** Sets the process exit code (e.g. `exec` passes on its child's status). */
  setExitCode(code: number): void;
}

/** The global options that take one of a list of values, and the list. */
export const GLOBAL_CHOICES: Partial<Record<GlobalOptionKey, readonly string[]>> = {
  level: LOG_LEVELS,
  urlAction: URL_ACTIONS,
};

function globalOptions(withEnv: boolean): Option[] {
  return GLOBAL_OPTIONS.map((spec: GlobalOptionSpec) => {
    const option = new Option(optionFlags(spec), spec.description);
    const choices = GLOBAL_CHOICES[spec.key as GlobalOptionKey];
    if (choices !== undefined) option.choices(choices);
    if (withEnv && spec.env !== undefined) option.env(spec.env);
    return option;
  });
}

function levenshtein(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0] ?? 0;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j] ?? 0;
      row[j] = Math.min(
        (row[j] ?? 0) + 1,
        (row[j - 1] ?? 0) + 1,
        prev + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
      prev = tmp;
    }
  }
  return row[b.length] ?? 0;
}

/** Suggests the closest command name, if any is close. */
function suggest(word: string, names: string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const n of names) {
    const d = levenshtein(word, n);
    if (d < bestDistance) [best, bestDistance] = [n, d];
  }
  return best;
}

/**
 * Applies the shared settings to every command in the tree: errors are thrown (not printed and
 * exited), help goes to stdout, global options are accepted after the command name too.
 */
function finalize(command: CommandUnknownOpts, root: boolean, output: Output): void {
  command.exitOverride();
  command.configureOutput({
    writeOut: (text) => output.out(text),
    writeErr: (text) => output.err(text),
    // Errors are thrown and printed by cli/report.ts, once.
    outputError: () => {},
    getOutHelpWidth: () => (output.stdoutIsTerminal ? output.columns() : 100),
    getErrHelpWidth: () => (output.stderrIsTerminal ? output.columns() : 100),
  });
  command.configureHelp({ showGlobalOptions: true, sortSubcommands: false });
  command.showSuggestionAfterError(true);
  if (!root) {
    const existing = new Set(command.options.map((o) => o.attributeName()));
    for (const opt of globalOptions(false)) {
      if (!existing.has(opt.attributeName())) command.addOption(opt.hideHelp());
    }
  }
  for (const sub of command.commands) finalize(sub, false, output);
}

/** Resolves global options for the invoked command: command line (innermost wins) > env > default. */
export function resolveGlobals(command: CommandUnknownOpts): GlobalOptions {
  const chain: CommandUnknownOpts[] = [];
  for (let c: CommandUnknownOpts | null = command; c !== null; c = c.parent) chain.unshift(c);
  const root = chain[0] ?? command;
  const values: Record<string, unknown> = {};
  for (const { key } of GLOBAL_OPTIONS) {
    let value: unknown;
    for (const c of chain) {
      if (c.getOptionValueSource(key) === "cli") value = c.getOptionValue(key);
    }
    values[key] = value ?? root.getOptionValue(key);
  }
  const level = values.level as string | undefined;
  const urlAction = values.urlAction as string | undefined;
  return {
    config: values.config as string | undefined,
    level: level !== undefined && isLogLevel(level) ? (level as LogLevel) : undefined,
    lines: values.lines === true,
    sso: values.sso as string | undefined,
    browser: values.browser as string | undefined,
    urlAction: urlAction !== undefined && isUrlAction(urlAction) ? urlAction : undefined,
    stsRefresh: values.stsRefresh === true,
  };
}

/** Builds the whole command tree. */
export async function buildProgram(
  deps: ContextDeps,
  state: { exitCode: number; lastContext?: Context },
  argv?: readonly string[],
): Promise<CommandUnknownOpts> {
  const contexts = new Map<CommandUnknownOpts, Context>();
  const app: App = {
    context(command) {
      let ctx = contexts.get(command);
      if (ctx === undefined) {
        ctx = new Context(resolveGlobals(command), deps);
        contexts.set(command, ctx);
      }
      state.lastContext = ctx;
      return ctx;
    },
    setExitCode(code) {
      state.exitCode = code;
    },
  };

  const program = new Command("aws-sso")
    .description(
      "Credentials for AWS IAM Identity Center (AWS SSO): log in once, then use any of your " +
        "accounts and roles from the shell, the AWS CLI, SDKs and the web console.",
    )
    .enablePositionalOptions()
    .helpCommand(true)
    .usage("[global options] [command] [options]")
    .argument("[command]")
    .addHelpText(
      "after",
      '\nRun "aws-sso <command> --help" for a command\'s options. Docs: README.md',
    );
  for (const opt of globalOptions(true)) program.addOption(opt);
  program.option("--version", 'print the version (as "aws-sso version")');

  // Only the invoked command's module graph is loaded (see cli/command_registry.ts).
  const entries = argv === undefined ? COMMANDS : commandsFor(argv);
  const modules = await Promise.all(
    entries.map((e) => import(e.module) as Promise<Record<string, unknown>>),
  );
  entries.forEach((entry, i) => {
    const factory = modules[i]![entry.factory] as (app: App) => CommandUnknownOpts;
    const command = factory(app);
    if (entry.helpGroup !== undefined) command.helpGroup(entry.helpGroup);
    program.addCommand(command, { hidden: entry.hidden === true });
  });

  program.action(async (commandName, opts) => {
    if ((opts as { version?: boolean }).version === true && commandName === undefined) {
      const version: { runVersion(services: Context): void } = await import(VERSION_MODULE);
      version.runVersion(app.context(program as unknown as CommandUnknownOpts));
      return;
    }
    if (commandName !== undefined) {
      const names = COMMANDS.map((c) => c.name);
      const close = suggest(commandName, names);
      throw new UsageError(
        `unknown command '${commandName}'${
          close === undefined ? "" : ` (did you mean '${close}'?)`
        }`,
        { hints: ['run "aws-sso --help" to see the commands'] },
      );
    }
    const list: { runDefaultList(services: Context): Promise<void> } = await import(LIST_MODULE);
    await list.runDefaultList(app.context(program as unknown as CommandUnknownOpts));
  });

  const root = program as unknown as CommandUnknownOpts;
  finalize(root, true, deps.output);
  return root;
}
