/**
 * The console logger: `LEVEL message key=value ...` on stderr, secrets masked, control
 * characters in the message and values escaped (lib/safe_text.ts).
 *
 * @module
 */
import { LOG_LEVELS, type LogFields, type Logger, type LogLevel } from "../lib/logger.ts";
import { safeText } from "../lib/safe_text.ts";
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

/**
 * A field value as the log shows it (already escaped by safeText): bare when it is one plain word,
 * else in double quotes with its quotes escaped (not JSON: that would double the backslashes of
 * safeText's escapes).
 */
function formatValue(s: string): string {
  return /^[^\s"=]*$/.test(s) && s !== "" ? s : `"${s.replaceAll('"', '\\"')}"`;
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
    // Messages and values often carry text from AWS or from requests: one line, no terminal
    // escapes. Secrets are masked before escaping, which would change how they are spelt.
    const safe = (text: string) => safeText(this.#secrets.mask(text));
    let line = `${this.#output.style(style, label)} ${safe(message)}`;
    for (const [k, v] of Object.entries(fields ?? {})) {
      if (v !== undefined) line += ` ${safe(k)}=${formatValue(safe(String(v)))}`;
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
