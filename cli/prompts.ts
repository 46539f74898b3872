/**
 * Questions on the terminal (@inquirer/prompts) for the setup commands: drawn on stderr so
 * stdout stays clean, Ctrl-C becomes CancelledError (exit 130), and asking without a terminal
 * fails at once instead of hanging.
 *
 * ```ts
 * import type { Context } from "./context.ts";
 * declare const ctx: Context;
 * declare const regions: string[];
 * const p = await prompts(ctx);                       // UsageError without a terminal
 * const write = await p.confirm("Modify ~/.aws/config?", false);
 * const region = await p.search("SSO region", regions, "us-east-1");
 * ```
 *
 * @module
 */
import { CancelledError, UsageError } from "../lib/errors.ts";
import type { Context } from "./context.ts";
import { nodeStderr } from "./output.ts";

/** A choice of {@link Prompts.select}. */
export interface Choice<T> {
  /** What is returned. */
  value: T;
  /** What the list shows. */
  name: string;
  /** A line shown under the list for the highlighted choice. */
  description?: string;
}

/** The questions the setup commands ask. */
export interface Prompts {
  /** Yes / no. */
  confirm(message: string, defaultValue: boolean): Promise<boolean>;
  /** Free text; `validate` returns an error message or true. */
  input(
    message: string,
    options?: {
      default?: string;
      validate?: (value: string) => string | true | Promise<string | true>;
    },
  ): Promise<string>;
  /** One of a short list. */
  select<T>(message: string, choices: Choice<T>[], defaultValue?: T): Promise<T>;
  /** One of a long list, filtered as the user types. */
  search(message: string, items: readonly string[], defaultValue?: string): Promise<string>;
}

function isExitPrompt(e: unknown): boolean {
  return e instanceof Error && (e.name === "ExitPromptError" || e.name === "AbortPromptError");
}

async function guard<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    if (isExitPrompt(e)) throw new CancelledError();
    throw e;
  }
}

/** True when questions can be asked (stdin and stderr are terminals). */
export function canPrompt(ctx: Context): boolean {
  return ctx.output.stdinIsTerminal && ctx.output.stderrIsTerminal;
}

/**
 * The prompts for this run: the context's own when it was given some, else the terminal's.
 * Throws UsageError when stdin or stderr is not a terminal; `what` says what needed the answers
 * ("the setup wizard").
 */
export async function prompts(ctx: Context, what = "this command"): Promise<Prompts> {
  if (!canPrompt(ctx)) {
    throw new UsageError(`${what} needs to ask questions, but stdin or stderr is not a terminal`, {
      hints: ["run it in a terminal"],
    });
  }
  return await (ctx.askWith ?? terminalPrompts)();
}

/** Questions on the terminal with @inquirer/prompts, drawn on stderr. */
export async function terminalPrompts(): Promise<Prompts> {
  const [inquirer, output] = await Promise.all([import("@inquirer/prompts"), nodeStderr()]);
  const context = { output };
  return {
    confirm: (message, defaultValue) =>
      guard(() => inquirer.confirm({ message, default: defaultValue }, context)),
    input: (message, options = {}) =>
      guard(() =>
        inquirer.input({ message, default: options.default, validate: options.validate }, context)
      ),
    select: <T>(message: string, choices: Choice<T>[], defaultValue?: T) =>
      guard(() =>
        inquirer.select<T>({
          message,
          choices: choices.map((c) => ({
            value: c.value,
            name: c.name,
            description: c.description,
          })),
          default: defaultValue,
          pageSize: 12,
        }, context)
      ),
    search: (message, items, defaultValue) =>
      guard(() =>
        inquirer.search<string>({
          message,
          pageSize: 12,
          source: (term) => {
            const t = (term ?? "").toLowerCase();
            const matches = items.filter((i) => i.toLowerCase().includes(t));
            // The default first, so Enter on an empty search picks it.
            if (t === "" && defaultValue !== undefined && items.includes(defaultValue)) {
              return [defaultValue, ...matches.filter((m) => m !== defaultValue)];
            }
            return matches;
          },
        }, context)
      ),
  };
}
