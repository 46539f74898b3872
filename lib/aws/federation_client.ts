/**
 * The console federation endpoint's `getSigninToken` call (reference §7.1). The request URL
 * carries the credentials, so neither it nor a fetch error that might quote it ever reaches a
 * message or a log line.
 *
 * @module
 */
import { type SessionCredentials, signinTokenUrl } from "../console_url.ts";
import { AwsApiError } from "../errors.ts";
import { backoff, type HttpDeps } from "./json_client.ts";

/** One `getSigninToken` request. */
export interface SigninTokenRequest {
  /** The federation endpoint (`federationUrl(...)`). */
  federation: string;
  /** The role credentials to exchange. */
  credentials: SessionCredentials;
  /** Console session minutes (ignored when chained). */
  durationMinutes: number;
  /** Credentials from role chaining: `SessionDuration` is left out. */
  chained: boolean;
}

const RETRYABLE_STATUS = new Set([429, 500, 502, 503, 504]);
const MAX_NETWORK_ATTEMPTS = 3;

function hintsFor(status: number, request: SigninTokenRequest): string[] {
  if (status === 400 && !request.chained) {
    return [
      "if this role is assumed through another one (Via), AWS allows no session length: " +
      "check the role's Via in config.yaml",
      "otherwise try a shorter --duration",
    ];
  }
  if (status === 401 || status === 403) {
    return ["the credentials were refused or have expired: try again with --sts-refresh"];
  }
  return [];
}

/**
 * Exchanges role credentials for a console sign-in token (retrying throttling and 5xx with
 * jittered backoff); throws AwsApiError `unable to login to AWS: <status>` on failure.
 *
 * @example
 * ```ts
 * const token = await getSigninToken(http, { federation, credentials, durationMinutes: 60,
 *   chained: false });
 * ```
 */
export async function getSigninToken(deps: HttpDeps, request: SigninTokenRequest): Promise<string> {
  const { accessKeyId, secretAccessKey, sessionToken } = request.credentials;
  for (const secret of [accessKeyId, secretAccessKey, sessionToken]) {
    deps.logger.secret(secret);
    deps.logger.secret(encodeURIComponent(secret));
  }
  const url = signinTokenUrl(request.federation, request.credentials, request);
  const random = deps.random ?? Math.random;
  const base = deps.retry.baseDelayMs ?? 100;
  const maxAttempts = Math.max(1, deps.retry.maxAttempts);
  let networkFailures = 0;
  for (let attempt = 1;; attempt++) {
    let response: Response;
    try {
      response = await deps.fetch(url, {
        method: "GET",
        headers: { accept: "application/json" },
        signal: AbortSignal.timeout(deps.timeoutMs ?? 30_000),
      });
    } catch (e) {
      // Fetch errors quote the request URL (and so the credentials): keep only the error type.
      const kind = e instanceof Error ? e.name : "error";
      networkFailures++;
      deps.logger.debug("getSigninToken: request failed", { attempt, error: kind });
      if (networkFailures >= MAX_NETWORK_ATTEMPTS || attempt >= maxAttempts) {
        throw new AwsApiError(
          `unable to login to AWS: cannot reach ${new URL(request.federation).origin} (${kind})`,
          {},
          { hints: ["check your network connection and AWS_ENDPOINT_URL_SIGNIN if set"] },
        );
      }
      await deps.clock.sleep(backoff(attempt, base, deps.retry.maxBackoffMs, random));
      continue;
    }
    const text = await response.text();
    deps.logger.trace("getSigninToken", { status: response.status, attempt });
    if (response.ok) {
      let token: unknown;
      try {
        token = (JSON.parse(text) as { SigninToken?: unknown }).SigninToken;
      } catch {
        token = undefined;
      }
      if (typeof token !== "string" || token === "") {
        throw new AwsApiError("unable to login to AWS: the response has no SigninToken", {
          status: response.status,
        });
      }
      deps.logger.secret(token);
      return token;
    }
    if (RETRYABLE_STATUS.has(response.status) && attempt < maxAttempts) {
      if (response.status === 429) deps.onThrottle?.();
      deps.logger.debug("getSigninToken: retrying", { attempt, status: response.status });
      await deps.clock.sleep(backoff(attempt, base, deps.retry.maxBackoffMs, random));
      continue;
    }
    // The body is AWS's short explanation (never the request): useful at debug level.
    deps.logger.debug("getSigninToken failed", {
      status: response.status,
      body: text.trim().slice(0, 300),
    });
    const status = `${response.status}${
      response.statusText === "" ? "" : ` ${response.statusText}`
    }`;
    throw new AwsApiError(`unable to login to AWS: ${status}`, { status: response.status }, {
      hints: hintsFor(response.status, request),
    });
  }
}
