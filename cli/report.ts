/**
 * The one place that turns errors into messages and exit codes (docs/design.md §1: 0 ok, 1 runtime
 * error, 2 usage error, 130 Ctrl-C). Stack traces and causes only at `--level debug` or more.
 * Messages often quote AWS (an error text, an account or role name): control characters in them are
 * escaped (lib/safe_text.ts) after secrets are masked, and their continuation lines indented.
 *
 * @module
 */
import { AwsSsoError, CancelledError, errorMessage, UsageError } from "../lib/errors.ts";
import { safeMultilineText } from "../lib/safe_text.ts";
import { type HintedError, StoreError } from "../stores/backend.ts";
import type { SecretRegistry } from "./log.ts";
import type { Output } from "./output.ts";

/** Exit codes. */
export const EXIT = { ok: 0, error: 1, usage: 2, cancelled: 130 } as const;

/**
 * An error raised on purpose (either root: lib's AwsSsoError or stores' StoreError), whose
 * message is shown as is with its hints; anything else is an unexpected error. By class only:
 * an error from elsewhere that happens to have a `hints` field is still unexpected.
 */
export function knownError(e: unknown): HintedError | undefined {
  return e instanceof AwsSsoError || e instanceof StoreError ? e : undefined;
}

function describeCause(e: unknown, depth = 0): string {
  if (depth > 5 || !(e instanceof Error)) return e === undefined ? "" : String(e);
  const own = e.stack ?? `${e.name}: ${e.message}`;
  const cause = e.cause === undefined ? "" : `\ncaused by: ${describeCause(e.cause, depth + 1)}`;
  return own + cause;
}

/** Prints `e` for the user and returns the exit code. */
export function reportError(
  e: unknown,
  output: Output,
  options: { debug: boolean; secrets: SecretRegistry },
): number {
  // Our own messages may span lines (a list under a sentence): their continuation lines are
  // indented, so text quoted from AWS can never print a line that looks like our own
  // ("hint: ..."); nothing else reaches the terminal raw. Styles are added after escaping.
  const text = (s: string) =>
    safeMultilineText(options.secrets.mask(s)).replace(/\n(?!$)/g, "\n  ");
  const hint = (h: string) => output.err(`${output.style("dim", "hint:")} ${text(h)}\n`);
  if (e instanceof CancelledError) {
    output.err(`${text(e.message)}\n`);
    return EXIT.cancelled;
  }
  const prefix = output.style("red", "aws-sso: error:");
  if (e instanceof UsageError) {
    output.err(`${prefix} ${text(e.message)}\n`);
    for (const h of e.hints) hint(h);
    return EXIT.usage;
  }
  const message = errorMessage(e);
  const ours = knownError(e);
  output.err(`${prefix} ${text(ours ? message : `unexpected error: ${message}`)}\n`);
  for (const h of ours?.hints ?? []) hint(h);
  if (options.debug) {
    output.err(output.style("dim", text(describeCause(e))) + "\n");
  } else if (!ours) {
    hint("run again with --level debug to see the stack trace");
  }
  return EXIT.error;
}
