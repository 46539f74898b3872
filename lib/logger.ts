/**
 * The logging contract used by lib/: a levelled logger whose sink is provided by cli/.
 *
 * @module
 */

/** Log levels, most severe first (the order matters: a level shows everything before it). */
export const LOG_LEVELS = ["error", "warn", "info", "debug", "trace"] as const;

/** One of {@link LOG_LEVELS}. */
export type LogLevel = typeof LOG_LEVELS[number];

/** Structured fields appended to a log line as `key=value`. */
export type LogFields = Record<string, string | number | boolean | undefined>;

/**
 * A levelled logger. Implementations must never print a value registered with {@link Logger.secret}.
 */
export interface Logger {
  /** The current threshold. */
  readonly level: LogLevel;
  /** Logs at error level. */
  error(message: string, fields?: LogFields): void;
  /** Logs at warn level. */
  warn(message: string, fields?: LogFields): void;
  /** Logs at info level. */
  info(message: string, fields?: LogFields): void;
  /** Logs at debug level. */
  debug(message: string, fields?: LogFields): void;
  /** Logs at trace level. */
  trace(message: string, fields?: LogFields): void;
  /** Registers a secret: any later log text containing it shows `***` instead. */
  secret(value: string | undefined): void;
  /** True when `level` would be printed. */
  enabled(level: LogLevel): boolean;
}

/** Returns true when `value` names a log level. */
export function isLogLevel(value: string): value is LogLevel {
  return (LOG_LEVELS as readonly string[]).includes(value);
}

/** A logger that drops everything (for code paths that must stay silent, and for tests). */
export const silentLogger: Logger = {
  level: "error",
  error() {},
  warn() {},
  info() {},
  debug() {},
  trace() {},
  secret() {},
  enabled: () => false,
};
