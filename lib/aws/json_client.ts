/**
 * A small client for AWS REST-JSON APIs (SSO OIDC, SSO portal) over an injected `fetch`, with
 * the retry policy of lib/aws/retry.ts and bounded response bodies (lib/http_body.ts).
 *
 * @module
 */
import { AwsApiError, errorMessage, NetworkError } from "../errors.ts";
import { readResponseText } from "../http_body.ts";
import { safeText } from "../safe_text.ts";
import { isThrottleAnswer, type RetryDeps, withRetries } from "./retry.ts";

export type { RetryPolicy } from "./retry.ts";

/** What a client needs to talk HTTP. */
export interface HttpDeps extends RetryDeps {
  /** The fetch to use (tests and the emulator use the real one over loopback). */
  fetch: typeof fetch;
  /** Per-attempt timeout in ms, response body included (default 30 s). */
  timeoutMs?: number;
  /** Longest wait for the next chunk of a response body in ms (default 30 s). */
  readTimeoutMs?: number;
  /** Largest response body in bytes (default 16 MiB). */
  maxResponseBytes?: number;
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
  // Both are quoted in error messages: one escaped line each (lib/safe_text.ts), so an answer
  // cannot add a line that reads like one of ours ("hint: ...") or drive the terminal.
  const code = safeText(raw.split(":")[0]!.split("#").pop()!);
  const message = safeText(String(
    body.message ?? body.Message ?? body.error_description ?? body.errorDescription ?? "",
  ));
  return { code, message };
}

/** One HTTP exchange for {@link sendOnce}. */
export interface SendRequest {
  /** Operation name; failures read `<operation> failed: ...` unless `failure` is given. */
  operation: string;
  /** The start of failure messages (default `<operation> failed`). */
  failure?: string;
  /** The URL to fetch. */
  url: string;
  /** Method, headers and body. */
  init: RequestInit;
  /** Hints for "cannot reach". */
  hints?: string[];
  /** The URL holds secrets: never quote a fetch error (it may quote the URL) or keep it. */
  redactErrors?: boolean;
}

/**
 * Sends a request once and returns the response with its body read within the limits of
 * `deps`. No complete answer is a {@link NetworkError} naming only the URL's origin.
 */
export async function sendOnce(
  deps: HttpDeps,
  req: SendRequest,
): Promise<{ response: Response; text: string }> {
  const prefix = req.failure ?? `${req.operation} failed`;
  const origin = new URL(req.url).origin;
  let response: Response;
  try {
    response = await deps.fetch(req.url, {
      ...req.init,
      signal: AbortSignal.timeout(deps.timeoutMs ?? 30_000),
    });
  } catch (e) {
    const timedOut = e instanceof DOMException && e.name === "TimeoutError";
    if (req.redactErrors === true) {
      const kind = timedOut ? "timed out" : e instanceof Error ? e.name : "error";
      throw new NetworkError(`${prefix}: cannot reach ${origin} (${kind})`, {}, {
        hints: req.hints,
      });
    }
    const reason = timedOut ? "the request timed out" : safeText(errorMessage(e));
    throw new NetworkError(`${prefix}: cannot reach ${origin}: ${reason}`, {}, {
      cause: e,
      hints: req.hints,
    });
  }
  try {
    const text = await readResponseText(response, {
      maxBytes: deps.maxResponseBytes,
      readTimeoutMs: deps.readTimeoutMs,
    });
    return { response, text };
  } catch (e) {
    throw new NetworkError(
      `${prefix}: ${safeText(errorMessage(e))} (from ${origin})`,
      { status: response.status },
      req.redactErrors === true ? {} : { cause: e },
    );
  }
}

/** Performs the request with retries and returns the parsed JSON body (or `{}` when empty). */
export function awsJsonCall<T>(deps: HttpDeps, req: JsonRequest): Promise<T> {
  return withRetries(deps, req.operation, async (attempt) => {
    const started = deps.clock.now();
    const { response, text } = await sendOnce(deps, {
      operation: req.operation,
      url: req.url,
      init: {
        method: req.method,
        headers: {
          "accept": "application/json",
          ...(req.body === undefined ? {} : { "content-type": "application/json" }),
          ...req.headers,
        },
        body: req.body === undefined ? undefined : JSON.stringify(req.body),
      },
      hints: ["check your network connection and the SSORegion in config.yaml"],
    });
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
    throw new AwsApiError(
      `${req.operation} failed: ${code}${message === "" ? "" : `: ${message}`}`,
      { code, status: response.status },
      isThrottleAnswer(response.status, code)
        ? { hints: ["AWS is throttling requests; raise MaxRetry / MaxBackoff or lower Threads"] }
        : {},
    );
  });
}
