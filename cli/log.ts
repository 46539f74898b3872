/**
 * The console logger: `LEVEL message key=value ...` on stderr, secrets masked.
 *
 * @module
 */
import { LOG_LEVELS, type LogFields, type Logger, type LogLevel } from "../lib/logger.ts";
import type { Output, Style } from "./output.ts";

const LABELS: Record<LogLevel, [string, Style]> = {
  error: ["ERROR", "red"],
  warn: ["WARN", "yellow"],
  info: ["INFO", "green"],
  debug: ["DEBUG", "cyan"],
  trace: ["TRACE", "magenta"],
};

/** Values that must never be printed; shared by the logger and the error reporter. */
export class SecretRegistry {
  #secrets = new Set<string>();

  /** Remembers a secret (ignores short values that would mask ordinary words). */
  add(value: string | undefined): void {
    if (value !== undefined && value.length >= 8) this.#secrets.add(value);
  }

  /** Replaces every registered secret in `text` with `***`. */
  mask(text: string): string {
    let out = text;
    for (const s of this.#secrets) if (out.includes(s)) out = out.replaceAll(s, "***");
    return out;
  }
}

// C0 controls, DEL and C1 controls (U+009B is a CSI to many terminals).
// deno-lint-ignore no-control-regex
const CONTROL = /[\x00-\x1f\x7f-\x9f]/;

/**
 * A field value as the log shows it: bare when it is one plain word, else JSON-quoted with every
 * control character escaped, so a value taken from a request or from AWS (a slot name, a path)
 * can neither move the cursor, recolour the terminal nor forge a second log line.
 */
export function formatValue(value: string | number | boolean): string {
  const s = String(value);
  if (s !== "" && /^[^\s"=]*$/.test(s) && !CONTROL.test(s)) return s;
  return JSON.stringify(s).replace(
    new RegExp(CONTROL.source, "g"),
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

function callerLocation(): string {
  const stack = new Error().stack?.split("\n") ?? [];
  // 0 "Error", 1 callerLocation, 2 emit, 3 the level method, 4 the caller.
  const frame = stack[4] ?? "";
  const m = frame.match(/([^/\\()\s]+:\d+):\d+\)?$/);
  return m?.[1] ?? "?";
}

/** A Logger writing to `output.err`, masking registered secrets. */
export class ConsoleLogger implements Logger {
  level: LogLevel;
  lines: boolean;
  readonly #output: Output;
  readonly #secrets: SecretRegistry;

  /** Creates the logger. */
  constructor(output: Output, secrets: SecretRegistry, level: LogLevel = "info", lines = false) {
    this.#output = output;
    this.#secrets = secrets;
    this.level = level;
    this.lines = lines;
  }

  enabled(level: LogLevel): boolean {
    return LOG_LEVELS.indexOf(level) <= LOG_LEVELS.indexOf(this.level);
  }

  secret(value: string | undefined): void {
    this.#secrets.add(value);
  }

  #emit(level: LogLevel, message: string, fields?: LogFields): void {
    if (!this.enabled(level)) return;
    const [label, style] = LABELS[level];
    let line = `${this.#output.style(style, label)} ${message}`;
    for (const [k, v] of Object.entries(fields ?? {})) {
      if (v !== undefined) line += ` ${k}=${formatValue(v)}`;
    }
    if (this.lines) line += this.#output.style("dim", ` (${callerLocation()})`);
    this.#output.err(this.#secrets.mask(line) + "\n");
  }

  error(message: string, fields?: LogFields): void {
    this.#emit("error", message, fields);
  }
  warn(message: string, fields?: LogFields): void {
    this.#emit("warn", message, fields);
  }
  info(message: string, fields?: LogFields): void {
    this.#emit("info", message, fields);
  }
  debug(message: string, fields?: LogFields): void {
    this.#emit("debug", message, fields);
  }
  trace(message: string, fields?: LogFields): void {
    this.#emit("trace", message, fields);
  }
}
