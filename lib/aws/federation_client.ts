/**
 * The console federation endpoint's `getSigninToken` call (console sign-in). The request URL
 * carries the credentials, so neither it nor a fetch error that might quote it ever reaches a
 * message or a log line.
 *
 * @module
 */
import { type SessionCredentials, signinTokenUrl } from "../console_url.ts";
import { AwsApiError } from "../errors.ts";
import { safeText } from "../safe_text.ts";
import { type HttpDeps, sendOnce } from "./json_client.ts";
import { withRetries } from "./retry.ts";

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
 * Exchanges role credentials for a console sign-in token (retried by the policy of
 * lib/aws/retry.ts); throws AwsApiError `unable to login to AWS: <status>` on failure.
 *
 * @example
 * ```ts
 * import type { HttpDeps } from "./json_client.ts";
 * import type { SessionCredentials } from "../console_url.ts";
 * declare const http: HttpDeps;
 * declare const credentials: SessionCredentials;
 * const federation = "https://signin.aws.amazon.com/federation";
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
  return await withRetries(deps, "getSigninToken", async (attempt) => {
    const { response, text } = await sendOnce(deps, {
      operation: "getSigninToken",
      failure: "unable to login to AWS",
      url,
      init: { method: "GET", headers: { accept: "application/json" } },
      hints: ["check your network connection and AWS_ENDPOINT_URL_SIGNIN if set"],
      // Fetch errors quote the request URL (and so the credentials): keep only the error type.
      redactErrors: true,
    });
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
    // The body is AWS's short explanation (never the request): useful at debug level.
    deps.logger.debug("getSigninToken failed", {
      status: response.status,
      body: text.trim().slice(0, 300),
    });
    const status = `${response.status}${
      response.statusText === "" ? "" : ` ${safeText(response.statusText)}`
    }`;
    throw new AwsApiError(`unable to login to AWS: ${status}`, { status: response.status }, {
      hints: hintsFor(response.status, request),
    });
  });
}
