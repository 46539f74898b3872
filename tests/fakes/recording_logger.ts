/**
 * A Logger for tests: keeps every line as `LEVEL message k=v ...` and every registered secret.
 *
 * @module
 */
import type { LogFields, Logger, LogLevel } from "../../lib/logger.ts";

/** Records lines and secrets instead of printing. */
export class RecordingLogger implements Logger {
  readonly level: LogLevel = "trace";
  readonly lines: string[] = [];
  readonly secrets = new Set<string>();

  #log(level: LogLevel, message: string, fields?: LogFields): void {
    let line = `${level.toUpperCase()} ${message}`;
    for (const [k, v] of Object.entries(fields ?? {})) if (v !== undefined) line += ` ${k}=${v}`;
    this.lines.push(line);
  }
  error(m: string, f?: LogFields): void {
    this.#log("error", m, f);
  }
  warn(m: string, f?: LogFields): void {
    this.#log("warn", m, f);
  }
  info(m: string, f?: LogFields): void {
    this.#log("info", m, f);
  }
  debug(m: string, f?: LogFields): void {
    this.#log("debug", m, f);
  }
  trace(m: string, f?: LogFields): void {
    this.#log("trace", m, f);
  }
  secret(value: string | undefined): void {
    if (value !== undefined) this.secrets.add(value);
  }
  enabled(): boolean {
    return true;
  }
}

/** A new {@link RecordingLogger}. */
export function recordingLogger(): RecordingLogger {
  return new RecordingLogger();
}
