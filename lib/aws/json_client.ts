/**
 * A small client for AWS REST-JSON APIs (SSO OIDC, SSO portal) over an injected `fetch`, with
 * the retry policy SPEC §4 asks for: 429 and 5xx (and dropped connections) are retried with
 * full-jitter exponential backoff bounded by `MaxRetry` attempts and `MaxBackoff` seconds.
 *
 * @module
 */
import type { Clock } from "../clock.ts";
import { AwsApiError } from "../errors.ts";
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

/** What a client needs to talk HTTP. */
export interface HttpDeps {
  /** The fetch to use (tests and the emulator use the real one over loopback). */
  fetch: typeof fetch;
  /** Time source for backoff sleeps. */
  clock: Clock;
  /** Logger (trace: one line per attempt, never headers or bodies). */
  logger: Logger;
  /** Retry policy. */
  retry: RetryPolicy;
  /** Random source in [0, 1) for jitter (default Math.random). */
  random?: () => number;
  /** Called whenever a request was throttled (429), e.g. to adapt concurrency. */
  onThrottle?: () => void;
  /** Per-attempt timeout in ms (default 30 s). */
  timeoutMs?: number;
}

/** One API call. */
export interface JsonRequest {
  /** Operation name for messages and logs, e.g. `ListAccounts`. */
  operation: string;
  /** HTTP method. */
  method: "GET" | "POST";
  /** Full URL including the query string. */
  url: string;
  /** Extra headers (e.g. the bearer token); never logged. */
  headers?: Record<string, string>;
  /** JSON body for POST. */
  body?: unknown;
}

const RETRYABLE_STATUS = new Set([429, 500, 502, 503, 504]);
const THROTTLE_CODES = new Set([
  "TooManyRequestsException",
  "ThrottlingException",
  "Throttling",
  "RequestLimitExceeded",
]);
/** Dropped connections are retried at most this many times: a dead endpoint must fail fast. */
const MAX_NETWORK_ATTEMPTS = 3;

/** Extracts the AWS error code and message from a failed response. */
export function parseAwsError(
  status: number,
  headers: Headers,
  bodyText: string,
): { code: string; message: string } {
  let body: Record<string, unknown> = {};
  try {
    const parsed = JSON.parse(bodyText);
    if (parsed !== null && typeof parsed === "object") body = parsed as Record<string, unknown>;
  } catch {
    // not JSON (a proxy error page, say)
  }
  const header = headers.get("x-amzn-errortype") ?? "";
  const raw = header !== ""
    ? header
    : String(body.__type ?? body.code ?? body.Code ?? body.error ?? `HTTP${status}`);
  // `Name:http://internal.amazon.com/...` and `namespace#Name` both name the exception last.
  const code = raw.split(":")[0]!.split("#").pop()!;
  const message = String(
    body.message ?? body.Message ?? body.error_description ?? body.errorDescription ?? "",
  );
  return { code, message };
}

/** Performs the request with retries and returns the parsed JSON body (or `{}` when empty). */
export async function awsJsonCall<T>(deps: HttpDeps, req: JsonRequest): Promise<T> {
  const random = deps.random ?? Math.random;
  const base = deps.retry.baseDelayMs ?? 100;
  const maxAttempts = Math.max(1, deps.retry.maxAttempts);
  let networkFailures = 0;
  for (let attempt = 1;; attempt++) {
    const started = deps.clock.now();
    let response: Response;
    try {
      response = await deps.fetch(req.url, {
        method: req.method,
        headers: {
          "accept": "application/json",
          ...(req.body === undefined ? {} : { "content-type": "application/json" }),
          ...req.headers,
        },
        body: req.body === undefined ? undefined : JSON.stringify(req.body),
        signal: AbortSignal.timeout(deps.timeoutMs ?? 30_000),
      });
    } catch (e) {
      networkFailures++;
      const reason = e instanceof Error ? e.message : String(e);
      deps.logger.debug(`${req.operation}: request failed`, { attempt, reason });
      if (networkFailures >= MAX_NETWORK_ATTEMPTS || attempt >= maxAttempts) {
        throw new AwsApiError(
          `${req.operation} failed: cannot reach ${new URL(req.url).origin}: ${reason}`,
          {},
          { cause: e, hints: ["check your network connection and the SSORegion in config.yaml"] },
        );
      }
      await deps.clock.sleep(backoff(attempt, base, deps.retry.maxBackoffMs, random));
      continue;
    }
    const text = await response.text();
    deps.logger.trace(`${req.operation}`, {
      status: response.status,
      attempt,
      ms: deps.clock.now() - started,
    });
    if (response.ok) {
      if (text.trim() === "") return {} as T;
      try {
        return JSON.parse(text) as T;
      } catch (e) {
        throw new AwsApiError(`${req.operation} returned a response that is not JSON`, {
          status: response.status,
        }, { cause: e });
      }
    }
    const { code, message } = parseAwsError(response.status, response.headers, text);
    const throttled = response.status === 429 || THROTTLE_CODES.has(code);
    if (throttled) deps.onThrottle?.();
    if ((throttled || RETRYABLE_STATUS.has(response.status)) && attempt < maxAttempts) {
      deps.logger.debug(`${req.operation}: retrying`, { attempt, status: response.status, code });
      await deps.clock.sleep(backoff(attempt, base, deps.retry.maxBackoffMs, random));
      continue;
    }
    throw new AwsApiError(
      `${req.operation} failed: ${code}${message === "" ? "" : `: ${message}`}`,
      { code, status: response.status },
      throttled
        ? { hints: ["AWS is throttling requests; raise MaxRetry / MaxBackoff or lower Threads"] }
        : {},
    );
  }
}

/** Full-jitter exponential backoff: a random delay in [0, min(max, base·2^(attempt-1))]. */
export function backoff(
  attempt: number,
  baseMs: number,
  maxMs: number,
  random: () => number,
): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(attempt - 1, 20));
  return Math.floor(random() * ceiling);
}
