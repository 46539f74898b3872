/**
 * Shell completion over a command tree: given the words before the cursor, decides what the word
 * under the cursor can be — a sub-command, a flag, or a flag's value (a choice list, or a named
 * dynamic source such as `profiles` that cli/ fills from the role cache) — and filters the
 * candidates by what was typed.
 *
 * ```ts
 * import { parseCompLine } from "./comp_line.ts";
 * declare const tree: CompletionCommand;
 * declare function lookup(name: string): Promise<string[]>; // cli/: profiles from the role cache
 * const target = completionTarget(tree, parseCompLine("aws-sso exec --profile pr"));
 * const values = target.source.kind === "dynamic" ? await lookup(target.source.name) : [];
 * matchCandidates(target, values); // ["prod:Admin", ...]
 * ```
 *
 * @module
 */
import type { CompLine } from "./comp_line.ts";

/** Where the candidates for a word come from. */
export type ValueSource =
  | { kind: "choices"; choices: readonly string[] }
  | { kind: "dynamic"; name: string }
  | { kind: "none" };

/** A flag of a command. */
export interface CompletionOption {
  /** `["-p", "--profile"]`. */
  flags: string[];
  /** True when the flag takes a value (`--profile <name>`). */
  takesValue: boolean;
  /** Candidates for the value (default none). */
  values?: ValueSource;
  /** Accepted but not offered (global flags repeated on every command). */
  hidden?: boolean;
}

/** A command and what may follow it. */
export interface CompletionCommand {
  /** Name as typed. */
  name: string;
  /** Other names that select it. */
  aliases?: string[];
  /** Accepted but not offered. */
  hidden?: boolean;
  /** Its flags. */
  options: CompletionOption[];
  /** Its sub-commands. */
  subcommands: CompletionCommand[];
  /** Candidates for its positional arguments (default none). */
  positional?: ValueSource;
}

/** What the word under the cursor should be completed with. */
export interface CompletionTarget {
  /** The candidates' source. */
  source: ValueSource;
  /** Text of the current word before the value (`--profile=`), kept on every candidate. */
  prefix: string;
  /** The value typed so far; candidates must start with it. */
  partial: string;
  /** Names of the commands selected so far (`["setup", "profiles"]`). */
  path: string[];
  /** The last value given to each flag so far, by long name without dashes (`sso`, `account`). */
  optionValues: Record<string, string>;
}

const NONE: ValueSource = { kind: "none" };

function longName(option: CompletionOption): string {
  const long = option.flags.find((f) => f.startsWith("--")) ?? option.flags[0] ?? "";
  return long.replace(/^-+/, "");
}

function findOption(chain: CompletionCommand[], flag: string): CompletionOption | undefined {
  for (let i = chain.length - 1; i >= 0; i--) {
    const found = chain[i]!.options.find((o) => o.flags.includes(flag));
    if (found !== undefined) return found;
  }
  return undefined;
}

function findSubcommand(cmd: CompletionCommand, word: string): CompletionCommand | undefined {
  return cmd.subcommands.find((s) => s.name === word || (s.aliases ?? []).includes(word));
}

/**
 * Works out what the word under the cursor is, walking `root` with the words before it.
 *
 * @example
 * ```ts
 * declare const tree: CompletionCommand; // the command tree cli/ builds from commander
 * completionTarget(tree, { words: ["aws-sso", "exec", "-p"], current: "pr" });
 * // { source: { kind: "dynamic", name: "profiles" }, prefix: "", partial: "pr", ... }
 * ```
 */
export function completionTarget(root: CompletionCommand, line: CompLine): CompletionTarget {
  const chain: CompletionCommand[] = [root];
  const path: string[] = [];
  const optionValues: Record<string, string> = {};
  let positionals = 0;
  let passThrough = false;
  const words = line.words;
  const target = (source: ValueSource, prefix = "", partial = line.current): CompletionTarget => ({
    source,
    prefix,
    partial,
    path,
    optionValues,
  });

  for (let i = 1; i < words.length; i++) {
    const word = words[i]!;
    const cmd = chain[chain.length - 1]!;
    if (passThrough) {
      positionals++;
      continue;
    }
    if (word === "--") {
      passThrough = true;
      continue;
    }
    if (word.startsWith("-") && word !== "-") {
      let flag = word;
      let attached: string | undefined;
      if (word.startsWith("--")) {
        const eq = word.indexOf("=");
        if (eq > 0) [flag, attached] = [word.slice(0, eq), word.slice(eq + 1)];
      } else if (word.length > 2) {
        [flag, attached] = [word.slice(0, 2), word.slice(2)];
      }
      const option = findOption(chain, flag);
      if (option?.takesValue) {
        if (attached !== undefined) {
          optionValues[longName(option)] = attached;
        } else if (i + 1 < words.length) {
          optionValues[longName(option)] = words[++i]!;
        } else {
          // The flag is the last word: the current word is its value.
          return target(option.values ?? NONE);
        }
      }
      continue;
    }
    const sub = positionals === 0 ? findSubcommand(cmd, word) : undefined;
    if (sub !== undefined) {
      chain.push(sub);
      path.push(sub.name);
      continue;
    }
    positionals++;
  }

  const cmd = chain[chain.length - 1]!;
  const current = line.current;
  if (passThrough) return target(NONE);
  if (current.startsWith("--") && current.includes("=")) {
    const eq = current.indexOf("=");
    const option = findOption(chain, current.slice(0, eq));
    if (option?.takesValue !== true) return target(NONE);
    return target(option.values ?? NONE, current.slice(0, eq + 1), current.slice(eq + 1));
  }
  if (current.startsWith("-")) {
    const flags = cmd.options.filter((o) => !o.hidden)
      .flatMap((o) => o.flags.filter((f) => f.startsWith("--")));
    if (!flags.includes("--help")) flags.push("--help");
    return target({ kind: "choices", choices: flags });
  }
  const visible = cmd.subcommands.filter((s) => !s.hidden);
  if (visible.length > 0 && positionals === 0) {
    return target({ kind: "choices", choices: visible.map((s) => s.name) });
  }
  return target(cmd.positional ?? NONE);
}

/**
 * The candidates among `values` that start with what was typed, with the word's prefix put back,
 * without duplicates.
 *
 * @example
 * ```ts
 * const target: CompletionTarget = {
 *   source: { kind: "dynamic", name: "sso" },
 *   prefix: "--sso=",
 *   partial: "W",
 *   path: [],
 *   optionValues: {},
 * };
 * matchCandidates(target, ["Work", "Default"]); // ["--sso=Work"]
 * ```
 */
export function matchCandidates(target: CompletionTarget, values: readonly string[]): string[] {
  const out = new Set<string>();
  for (const v of values) {
    if (v.startsWith(target.partial)) out.add(target.prefix + v);
  }
  return [...out];
}
