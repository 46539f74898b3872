// The one module that writes to stdout and stderr (lint: no-console everywhere else).
/**
 * Terminal output. stdout is an API for `process`, `eval`, `list --csv` and `credentials`:
 * only their payload goes there; logs, warnings, spinners and prompts go to stderr.
 *
 * @module
 */

/** Text styles used in messages. */
export type Style = "red" | "yellow" | "green" | "cyan" | "dim" | "bold" | "magenta";

const CODES: Record<Style, [number, number]> = {
  red: [31, 39],
  yellow: [33, 39],
  green: [32, 39],
  cyan: [36, 39],
  magenta: [35, 39],
  dim: [2, 22],
  bold: [1, 22],
};

/** Where command output goes. */
export interface Output {
  /** Writes to stdout (payload). */
  out(text: string): void;
  /** Writes to stderr (everything else). */
  err(text: string): void;
  /** Styles text for stderr when colours are on (TTY, no NO_COLOR) or FORCE_COLOR is set. */
  style(style: Style, text: string): string;
  /** True when stdout is a terminal. */
  readonly stdoutIsTerminal: boolean;
  /** True when stderr is a terminal. */
  readonly stderrIsTerminal: boolean;
  /** True when stdin is a terminal (prompts are possible). */
  readonly stdinIsTerminal: boolean;
  /** Terminal width for stderr, or 80. */
  columns(): number;
}

function writeAll(file: { writeSync(p: Uint8Array): number }, text: string): void {
  const data = new TextEncoder().encode(text);
  let offset = 0;
  try {
    while (offset < data.length) offset += file.writeSync(data.subarray(offset));
  } catch (e) {
    // The reader went away (`aws-sso list | head`): nothing more to say to it.
    if (!(e instanceof Deno.errors.BrokenPipe)) throw e;
  }
}

/** Decides whether to colour, from NO_COLOR / FORCE_COLOR and whether stderr is a terminal. */
export function colorEnabled(
  env: Record<string, string | undefined>,
  isTerminal: boolean,
): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined && force !== "" && force !== "0" && force !== "false") return true;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  if (env.TERM === "dumb") return false;
  return isTerminal;
}

/** Applies an ANSI style. */
export function applyStyle(style: Style, text: string): string {
  const [open, close] = CODES[style];
  return `\x1b[${open}m${text}\x1b[${close}m`;
}

/** The real terminal. */
export function terminalOutput(env: Record<string, string | undefined>): Output {
  const stderrIsTerminal = Deno.stderr.isTerminal();
  const colors = colorEnabled(env, stderrIsTerminal);
  return {
    out: (text) => writeAll(Deno.stdout, text),
    err: (text) => writeAll(Deno.stderr, text),
    style: (style, text) => (colors ? applyStyle(style, text) : text),
    stdoutIsTerminal: Deno.stdout.isTerminal(),
    stderrIsTerminal,
    stdinIsTerminal: Deno.stdin.isTerminal(),
    columns() {
      try {
        return Deno.consoleSize().columns || 80;
      } catch {
        return 80;
      }
    },
  };
}

/**
 * Node's stderr stream, for the libraries that draw on a terminal themselves (the picker, the
 * spinner). Loaded on demand: the Node compatibility layer costs ~25 ms at start-up.
 */
export async function nodeStderr(): Promise<import("node:stream").Writable> {
  const { default: process } = await import("node:process");
  return process.stderr;
}

/** An Output that records everything, for tests. */
export interface RecordingOutput extends Output {
  /** Everything written to stdout. */
  stdout: string;
  /** Everything written to stderr. */
  stderr: string;
}

/** Creates an in-memory Output. */
export function recordingOutput(options: { terminal?: boolean } = {}): RecordingOutput {
  const rec: RecordingOutput = {
    stdout: "",
    stderr: "",
    out(text) {
      rec.stdout += text;
    },
    err(text) {
      rec.stderr += text;
    },
    style: (_style, text) => text,
    stdoutIsTerminal: options.terminal ?? false,
    stderrIsTerminal: options.terminal ?? false,
    stdinIsTerminal: options.terminal ?? false,
    columns: () => 80,
  };
  return rec;
}
