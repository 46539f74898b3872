/**
 * The one retry policy of every AWS call (docs/design.md §3; config `MaxRetry`, `MaxBackoff`):
 * throttling (429 or a throttling error code), the server errors the AWS SDKs retry (500, 502, 503,
 * 504) and {@link NetworkError}s (no answer, a timeout, a body too large or stalled) are transient
 * and retried with full-jitter exponential backoff; anything else fails at once. Dropped
 * connections are retried at most {@link MAX_NETWORK_ATTEMPTS} times, so a dead endpoint fails
 * fast.
 *
 * @module
 */
import type { Clock } from "../clock.ts";
import { AwsApiError, errorMessage, NetworkError } from "../errors.ts";
import type { Logger } from "../logger.ts";

/** How hard to retry. */
export interface RetryPolicy {
  /** Total attempts including the first (config `MaxRetry`, default 10). */
  maxAttempts: number;
  /** Upper bound of one backoff delay in ms (config `MaxBackoff` seconds × 1000). */
  maxBackoffMs: number;
  /** First backoff ceiling in ms (default 100). */
  baseDelayMs?: number;
}

/** What the retry loop needs. */
export interface RetryDeps {
  /** Time source for backoff sleeps. */
  clock: Clock;
  /** Logger (debug: one line per retry). */
  logger: Logger;
  /** Retry policy. */
  retry: RetryPolicy;
  /** Random source in [0, 1) for jitter (default Math.random). */
  random?: () => number;
  /** Called whenever a request was throttled, e.g. to adapt concurrency. */
  onThrottle?: () => void;
}

/** HTTP statuses worth another attempt: throttling and the 5xx the AWS SDKs retry. */
export const TRANSIENT_STATUS: ReadonlySet<number> = new Set([429, 500, 502, 503, 504]);

/** AWS error codes that mean "slow down", whatever the HTTP status (STS sends 400). */
export const THROTTLE_CODES: ReadonlySet<string> = new Set([
  "TooManyRequestsException",
  "ThrottlingException",
  "Throttling",
  "RequestLimitExceeded",
]);

/** `MaxRetry` when config.yaml does not set it (or sets 0): attempts per call, the first included. */
export const DEFAULT_MAX_RETRY = 10;

/** `MaxBackoff` when config.yaml does not set it (or sets 0): seconds, the cap of one wait. */
export const DEFAULT_MAX_BACKOFF_SECONDS = 5;

/**
 * The policy of config.yaml's `MaxRetry` (attempts per call, the first included, as the AWS
 * SDKs' `MaxAttempts`) and `MaxBackoff` (seconds, the cap of one wait); values of 0 or less
 * mean the defaults, as in the reference.
 *
 * @example
 * ```ts
 * retryPolicy(3, 1); // { maxAttempts: 3, maxBackoffMs: 1000 }
 * retryPolicy(0, 0); // { maxAttempts: 10, maxBackoffMs: 5000 }
 * ```
 */
export function retryPolicy(
  maxRetry: number = DEFAULT_MAX_RETRY,
  maxBackoffSeconds: number = DEFAULT_MAX_BACKOFF_SECONDS,
): RetryPolicy {
  return {
    maxAttempts: maxRetry > 0 ? maxRetry : DEFAULT_MAX_RETRY,
    maxBackoffMs: (maxBackoffSeconds > 0 ? maxBackoffSeconds : DEFAULT_MAX_BACKOFF_SECONDS) * 1000,
  };
}

/** Attempts that got no answer at all are limited to this many. */
export const MAX_NETWORK_ATTEMPTS = 3;

/** Default first backoff ceiling, ms. */
const DEFAULT_BASE_DELAY_MS = 100;

/**
 * True when an answer with `status` and AWS error `code` asks to slow down.
 *
 * @example
 * ```ts
 * isThrottleAnswer(400, "Throttling"); // true
 * isThrottleAnswer(429, undefined); // true
 * ```
 */
export function isThrottleAnswer(status: number | undefined, code: string | undefined): boolean {
  return status === 429 || (code !== undefined && THROTTLE_CODES.has(code));
}

/** True when `e` is an AWS answer asking to slow down. */
export function isThrottle(e: unknown): boolean {
  return e instanceof AwsApiError && isThrottleAnswer(e.status, e.code);
}

/**
 * True when another attempt may succeed: throttling, 500/502/503/504, or a
 * {@link NetworkError}. Other 4xx (a refused grant, a missing role) are final.
 *
 * @example
 * ```ts
 * import { AwsApiError } from "../errors.ts";
 * isTransient(new AwsApiError("x", { status: 503 })); // true
 * isTransient(new AwsApiError("x", { status: 403 })); // false
 * ```
 */
export function isTransient(e: unknown): boolean {
  if (e instanceof NetworkError) return true;
  if (!(e instanceof AwsApiError)) return false;
  return isThrottle(e) || (e.status !== undefined && TRANSIENT_STATUS.has(e.status));
}

/**
 * Full-jitter exponential backoff: a random delay in [0, min(max, base·2^(attempt-1))).
 *
 * @example
 * ```ts
 * backoff(3, 100, 5_000, () => 0.5); // 200
 * ```
 */
export function backoff(
  attempt: number,
  baseMs: number,
  maxMs: number,
  random: () => number,
): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(attempt - 1, 20));
  return Math.floor(random() * ceiling);
}

/**
 * Runs `attempt(1)`, `attempt(2)`, ... until one returns, throws an error that is not
 * {@link isTransient}, or the policy's attempts (or {@link MAX_NETWORK_ATTEMPTS} network
 * failures) are used up; then the last error is thrown as is. `operation` names the call in
 * debug logs (the error's message is logged, so it must hold no secret).
 */
export async function withRetries<T>(
  deps: RetryDeps,
  operation: string,
  attempt: (n: number) => Promise<T>,
): Promise<T> {
  const random = deps.random ?? Math.random;
  const base = deps.retry.baseDelayMs ?? DEFAULT_BASE_DELAY_MS;
  const maxAttempts = Math.max(1, deps.retry.maxAttempts);
  let networkFailures = 0;
  for (let n = 1;; n++) {
    try {
      return await attempt(n);
    } catch (e) {
      if (isThrottle(e)) deps.onThrottle?.();
      if (e instanceof NetworkError) networkFailures++;
      if (
        !isTransient(e) || n >= maxAttempts || networkFailures >= MAX_NETWORK_ATTEMPTS
      ) {
        throw e;
      }
      const status = e instanceof AwsApiError ? e.status : undefined;
      const code = e instanceof AwsApiError ? e.code : undefined;
      deps.logger.debug(`${operation}: retrying`, {
        attempt: n,
        status,
        code,
        error: errorMessage(e),
      });
      await deps.clock.sleep(backoff(n, base, deps.retry.maxBackoffMs, random));
    }
  }
}
