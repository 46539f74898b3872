/**
 * aws-sso completes itself: when the shell runs it with `COMP_LINE` set (bash
 * `complete -C`, zsh through bashcompinit, the fish wrapper), it prints the candidates for the
 * word under the cursor, one per line, and exits — before any other work. The command tree
 * comes from commander; profile names, ARNs, account ids and role names from the role cache
 * (no AWS call); SSO instance names from config.yaml.
 *
 * bash splits words at the characters of `COMP_WORDBREAKS`, which include `:` and `=`, and
 * replaces only the part after the last of them. It passes that part as the second argument, so
 * for `prod:Adm` we print `AdministratorAccess`-style tails (the full name minus what bash keeps)
 * and TAB ends on `prod:AdministratorAccess`. zsh and fish pass no arguments and get full words.
 *
 * @module
 */
import type { CommandUnknownOpts } from "@commander-js/extra-typings";
import { allRegions } from "../lib/aws/regions.ts";
import { parseCompLine } from "../lib/completion/comp_line.ts";
import {
  type CompletionCommand,
  type CompletionOption,
  type CompletionTarget,
  completionTarget,
  matchCandidates,
  type ValueSource,
} from "../lib/completion/completer.ts";
import { LIST_FIELDS } from "../lib/roles/list_fields.ts";
import { Context, type ContextDeps } from "./context.ts";
import type { Output } from "./output.ts";
import { globalOption, optionWords } from "./global_options.ts";

/** Dynamic sources for option values, by commander attribute name. */
const OPTION_SOURCES: Record<string, string> = {
  profile: "profiles",
  default: "profiles",
  arn: "arns",
  account: "accounts",
  role: "roles",
  sso: "sso",
  region: "regions",
  sort: "fields",
  prefix: "fields",
};

/** Dynamic sources for positional arguments, by argument name. */
const ARGUMENT_SOURCES: Record<string, string> = {
  fields: "fields",
  field: "fields",
};

function optionSource(option: {
  attributeName(): string;
  argChoices?: string[];
}): ValueSource {
  if (option.argChoices !== undefined) return { kind: "choices", choices: option.argChoices };
  const name = OPTION_SOURCES[option.attributeName()];
  return name === undefined ? { kind: "none" } : { kind: "dynamic", name };
}

function isHidden(cmd: CommandUnknownOpts): boolean {
  return (cmd as unknown as { _hidden?: boolean })._hidden === true;
}

/** The completion tree of a commander command (and its sub-commands). */
export function commandTree(cmd: CommandUnknownOpts): CompletionCommand {
  const options: CompletionOption[] = cmd.options.map((o) => ({
    flags: [o.short, o.long].filter((f): f is string => f !== undefined),
    takesValue: o.required || o.optional,
    values: optionSource(o),
    hidden: o.hidden,
  }));
  const subcommands = cmd.commands.map((c) => commandTree(c as CommandUnknownOpts));
  for (const sub of subcommands) {
    const original = cmd.commands.find((c) => c.name() === sub.name);
    if (original !== undefined) sub.hidden = isHidden(original as CommandUnknownOpts);
  }
  const help = cmd.createHelp().visibleCommands(cmd).find((c) => c.name() === "help");
  if (help !== undefined && !subcommands.some((s) => s.name === "help")) {
    subcommands.push({
      name: "help",
      options: [],
      subcommands: [],
      positional: {
        kind: "choices",
        choices: subcommands.filter((s) => !s.hidden).map((s) => s.name),
      },
    });
  }
  const first = cmd.registeredArguments[0];
  let positional: ValueSource | undefined;
  if (first !== undefined && cmd.commands.length === 0) {
    const choices = first.argChoices;
    const name = ARGUMENT_SOURCES[first.name()];
    positional = choices !== undefined
      ? { kind: "choices", choices }
      : name !== undefined
      ? { kind: "dynamic", name }
      : undefined;
  }
  return { name: cmd.name(), aliases: cmd.aliases(), options, subcommands, positional };
}

/** The tree of `aws-sso-profile [-S|--sso <instance>] <profile>` (the shell helper). */
export const PROFILE_HELPER_TREE: CompletionCommand = {
  name: "aws-sso-profile",
  options: [{
    flags: optionWords(globalOption("sso")),
    takesValue: true,
    values: { kind: "dynamic", name: "sso" },
  }],
  subcommands: [],
  positional: { kind: "dynamic", name: "profiles" },
};

const discard: Output = {
  out() {},
  err() {},
  style: (_s, t) => t,
  stdoutIsTerminal: false,
  stderrIsTerminal: false,
  stdinIsTerminal: false,
  columns: () => 80,
};

async function dynamicValues(
  name: string,
  target: CompletionTarget,
  deps: ContextDeps,
): Promise<string[]> {
  if (name === "regions") return allRegions();
  if (name === "fields") return LIST_FIELDS.map((f) => f.name);
  const env = deps.env;
  const ctx = new Context({
    config: target.optionValues.config ?? env.AWS_SSO_CONFIG,
    sso: target.optionValues.sso ?? env.AWS_SSO,
    level: "error",
    lines: false,
    stsRefresh: false,
  }, { ...deps, output: discard });
  if (name === "sso") return Object.keys((await ctx.settings()).ssoConfig).sort();
  const { roleCache } = await import("./services/roles.ts");
  let roles = (await roleCache(ctx, { refreshIfExpired: false })).roles.roles;
  const account = target.optionValues.account;
  const role = target.optionValues.role;
  switch (name) {
    case "profiles":
      return roles.map((r) => r.ProfileName).sort();
    case "arns":
      return roles.map((r) => r.Arn).sort();
    case "accounts":
      if (role !== undefined) roles = roles.filter((r) => r.RoleName === role);
      return [...new Set(roles.map((r) => r.AccountIdPad))].sort();
    case "roles":
      if (account !== undefined) {
        const padded = account.padStart(12, "0");
        roles = roles.filter((r) => r.AccountIdPad === padded);
      }
      return [...new Set(roles.map((r) => r.RoleName))].sort();
  }
  return [];
}

/**
 * Answers a completion request: prints the candidates for `COMP_LINE` / `COMP_POINT` of `deps.env`
 * (argv as bash passes it: command, current word, previous word). Never fails: a problem (no
 * config, no cache) just means no candidates.
 */
export async function runCompletion(
  argv: readonly string[],
  deps: ContextDeps,
  program: CommandUnknownOpts,
): Promise<number> {
  const env = deps.env;
  const point = env.COMP_POINT === undefined ? undefined : Number(env.COMP_POINT);
  const line = parseCompLine(env.COMP_LINE ?? "", point);
  const command = (line.words[0] ?? "").replace(/^.*[/\\]/, "");
  const tree = command === "aws-sso-profile" ? PROFILE_HELPER_TREE : commandTree(program);
  const target = completionTarget(tree, line);
  let values: readonly string[] = [];
  try {
    if (target.source.kind === "choices") values = target.source.choices;
    else if (target.source.kind === "dynamic") {
      values = await dynamicValues(target.source.name, target, deps);
    }
  } catch {
    values = [];
  }
  let candidates = matchCandidates(target, values);
  // bash: only the part after the last COMP_WORDBREAKS character is replaced (see above).
  const cur = argv[1];
  if (cur !== undefined && cur !== line.current && line.current.endsWith(cur)) {
    const keep = line.current.length - cur.length;
    candidates = candidates.map((c) => c.slice(keep));
  }
  if (candidates.length > 0) deps.output.out(candidates.join("\n") + "\n");
  return 0;
}
