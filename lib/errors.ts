/**
 * The error model: one base error carrying hints (what the user should do) and a cause.
 * Subclasses exist only for conditions a caller catches with `instanceof`. Store errors
 * (`StoreError` in stores/backend.ts) are the other root, because stores/ cannot import lib/;
 * both implement `HintedError`.
 * cli/report.ts is the one place that turns these into messages and exit codes.
 *
 * @module
 */

import type { HintedError, HintedErrorOptions } from "../stores/backend.ts";

/** Options accepted by every aws-sso error: `hints` and `cause`. */
export type AwsSsoErrorOptions = HintedErrorOptions;

/**
 * Base of every error aws-sso raises on purpose; its message is shown to the user as is.
 *
 * @example
 * ```ts
 * throw new AwsSsoError("Cannot read cache.json: not JSON", { hints: ["run \"aws-sso cache\""] });
 * ```
 */
export class AwsSsoError extends Error implements HintedError {
  /** What the user can do about it. */
  readonly hints: string[];

  /** Creates the error; `hints` default to none. */
  constructor(message: string, options: AwsSsoErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.hints = options.hints ?? [];
  }
}

/** A bad flag, argument or combination on the command line (exit code 2). */
export class UsageError extends AwsSsoError {}

/** config.yaml (or another user file) is not valid; carries the position when known. */
export class ConfigError extends AwsSsoError {
  /** The file the problem is in. */
  readonly file: string;
  /** 1-based line, when known. */
  readonly line?: number;
  /** 1-based column, when known. */
  readonly column?: number;

  /** Creates the error; the message is prefixed with `file:line:column: `. */
  constructor(
    file: string,
    position: { line?: number; column?: number },
    problem: string,
    options: AwsSsoErrorOptions = {},
  ) {
    const where = position.line === undefined
      ? file
      : `${file}:${position.line}${position.column === undefined ? "" : `:${position.column}`}`;
    super(`${where}: ${problem}`, options);
    this.file = file;
    this.line = position.line;
    this.column = position.column;
  }
}

/** There is no usable SSO session for the instance. */
export class NotLoggedInError extends AwsSsoError {}

/** A profile name, ARN or account/role pair does not match any known role. */
export class ProfileNotFoundError extends AwsSsoError {}

/** An AWS API call failed after retries; `code` is the AWS exception name when known. */
export class AwsApiError extends AwsSsoError {
  /** AWS exception name, e.g. `UnauthorizedException`. */
  readonly code?: string;
  /** HTTP status, when there was a response. */
  readonly status?: number;

  /** Creates the error. */
  constructor(
    message: string,
    details: { code?: string; status?: number } = {},
    options: AwsSsoErrorOptions = {},
  ) {
    super(message, options);
    this.code = details.code;
    this.status = details.status;
  }
}

/**
 * A request got no complete answer: the connection failed or timed out, or the response body
 * was too large or stalled. Always transient (lib/aws/retry.ts retries it a few times).
 */
export class NetworkError extends AwsApiError {}

/** A cross-process lock could not be taken in time. */
export class LockTimeoutError extends AwsSsoError {}

/** The user cancelled an interactive prompt (Ctrl-C): exit 130. */
export class CancelledError extends AwsSsoError {
  /** Creates the error with the standard message. */
  constructor(message = "Cancelled") {
    super(message);
  }
}

/**
 * The message of anything thrown, for one-line reports and logs.
 *
 * @example
 * ```ts
 * errorMessage(new Error("boom")); // "boom"
 * errorMessage("plain"); // "plain"
 * ```
 */
export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
