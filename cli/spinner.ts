/**
 * A progress spinner on stderr for slow operations (role discovery): shown only when stderr is a
 * terminal and only once the operation has lasted `delayMs`, so quick runs and pipes see nothing.
 *
 * @module
 */
import type { Context } from "./context.ts";
import { nodeStderr } from "./output.ts";

/** A running progress indicator. */
export interface Progress {
  /** Replaces the text next to the spinner. */
  update(text: string): void;
  /** Removes the spinner (idempotent). */
  stop(): void;
}

const NONE: Progress = { update() {}, stop() {} };

/** Starts a spinner with `text` that appears after `delayMs` (default 1 s) if still running. */
export function startSpinner(
  ctx: Context,
  text: string,
  options: { delayMs?: number } = {},
): Progress {
  if (!ctx.output.stderrIsTerminal || ctx.env.CI !== undefined) return NONE;
  let current = text;
  let stopped = false;
  let spinner: { text: string; stop(): unknown } | undefined;
  const timer = setTimeout(async () => {
    const [{ default: createSpinner }, stream] = await Promise.all([
      import("yocto-spinner"),
      nodeStderr(),
    ]);
    if (stopped) return;
    spinner = createSpinner({ text: current, stream }).start();
  }, options.delayMs ?? 1000);
  return {
    update(next) {
      current = next;
      if (spinner !== undefined) spinner.text = next;
    },
    stop() {
      if (stopped) return;
      stopped = true;
      clearTimeout(timer);
      spinner?.stop();
    },
  };
}
