/**
 * PKCE pieces of the authorization-code login (RFC 7636): code verifier,
 * S256 challenge, state, the authorize URL and a constant-time state comparison.
 *
 * @module
 */
import { endpointFor, type EndpointOptions } from "../aws/endpoints.ts";
import { SSO_SCOPE } from "./oidc_client.ts";
import { safeText } from "../safe_text.ts";

/** Random bytes source (default: WebCrypto). */
export type RandomBytes = (n: number) => Uint8Array;

const cryptoRandom: RandomBytes = (n) => crypto.getRandomValues(new Uint8Array(n));

/**
 * Base64url without padding (RFC 4648 §5).
 *
 * @example
 * ```ts
 * base64Url(new Uint8Array([251, 255])); // "-_8"
 * ```
 */
export function base64Url(bytes: Uint8Array): string {
  let bin = "";
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/**
 * A code verifier: base64url of 48 random bytes (64 characters).
 *
 * @example
 * ```ts
 * createCodeVerifier().length; // 64
 * ```
 */
export function createCodeVerifier(random: RandomBytes = cryptoRandom): string {
  return base64Url(random(48));
}

/**
 * An OAuth `state`: base64url of 24 random bytes (32 characters).
 *
 * @example
 * ```ts
 * createState().length; // 32
 * ```
 */
export function createState(random: RandomBytes = cryptoRandom): string {
  return base64Url(random(24));
}

/**
 * The S256 code challenge of a verifier: base64url(SHA-256(verifier)).
 *
 * @example
 * ```ts
 * await codeChallenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
 * // "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM" (RFC 7636 appendix B)
 * ```
 */
export async function codeChallenge(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
  return base64Url(new Uint8Array(digest));
}

/**
 * The authorize endpoint: under an `AWS_ENDPOINT_URL_SSO_OIDC` (or global) override when there is
 * one, else the registration's `authorizationEndpoint`, else derived from the region.
 *
 * @example
 * ```ts
 * authorizeEndpoint(undefined, "us-east-1"); // "https://oidc.us-east-1.amazonaws.com/authorize"
 * ```
 */
export function authorizeEndpoint(
  registered: string | undefined,
  region: string,
  endpoints: EndpointOptions = {},
): string {
  const overridden = (endpoints.overrides?.oidc ?? endpoints.global ?? "") !== "";
  const base = !overridden && registered !== undefined && registered.trim() !== ""
    ? registered.trim()
    : endpointFor("oidc", region, endpoints);
  const trimmed = base.replace(/\/+$/, "");
  return trimmed.endsWith("/authorize") ? trimmed : `${trimmed}/authorize`;
}

/** Everything the authorize URL carries. */
export interface AuthorizeRequest {
  /** From {@link authorizeEndpoint}. */
  endpoint: string;
  /** The registered client. */
  clientId: string;
  /** From {@link codeChallenge}. */
  codeChallenge: string;
  /** `http://127.0.0.1:<port>`. */
  redirectUri: string;
  /** From {@link createState}. */
  state: string;
}

/**
 * The URL the browser opens; query keys sorted as the reference writes them.
 *
 * @example
 * ```ts
 * authorizeUrl({ endpoint: "https://oidc.us-east-1.amazonaws.com/authorize", clientId: "c",
 *   codeChallenge: "x", redirectUri: "http://127.0.0.1:4321", state: "s" });
 * // "https://oidc.us-east-1.amazonaws.com/authorize?client_id=c&code_challenge=x&code_challenge_method=S256&redirect_uri=http%3A%2F%2F127.0.0.1%3A4321&response_type=code&scope=sso%3Aaccount%3Aaccess&state=s"
 * ```
 */
export function authorizeUrl(request: AuthorizeRequest): string {
  const query = new URLSearchParams([
    ["client_id", request.clientId],
    ["code_challenge", request.codeChallenge],
    ["code_challenge_method", "S256"],
    ["redirect_uri", request.redirectUri],
    ["response_type", "code"],
    ["scope", SSO_SCOPE],
    ["state", request.state],
  ]);
  return `${request.endpoint}?${query.toString()}`;
}

/**
 * Compares two strings in time that depends only on their lengths (for the OAuth `state`).
 *
 * @example
 * ```ts
 * constantTimeEqual("abc", "abc"); // true
 * ```
 */
export function constantTimeEqual(a: string, b: string): boolean {
  const x = new TextEncoder().encode(a);
  const y = new TextEncoder().encode(b);
  let diff = x.length ^ y.length;
  const n = Math.max(x.length, y.length);
  for (let i = 0; i < n; i++) diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
  return diff === 0;
}

/**
 * What a redirect back to the loopback address said: a code; `refused` when the browser reported
 * an error for this login (access denied); `foreign` when the request does not belong to this
 * login (state missing or wrong: whatever else it says, someone else sent it); `invalid` when it
 * has this login's state but no code; `ignore` when it carries none of the parameters.
 */
export type CallbackResult =
  | { kind: "code"; code: string }
  | { kind: "refused"; message: string }
  | { kind: "foreign"; message: string }
  | { kind: "invalid"; message: string }
  | { kind: "ignore" };

/**
 * Checks the query of a redirect to the loopback listener (or of a pasted URL) against the
 * expected state.
 *
 * @example
 * ```ts
 * checkCallback(new URLSearchParams("code=c&state=s"), "s"); // { kind: "code", code: "c" }
 * ```
 */
export function checkCallback(query: URLSearchParams, expectedState: string): CallbackResult {
  const state = query.get("state");
  const code = query.get("code");
  const error = query.get("error");
  if (state === null && code === null && error === null) return { kind: "ignore" };
  if (state === null || state === "") {
    return { kind: "foreign", message: "returned state is empty" };
  }
  if (!constantTimeEqual(state, expectedState)) {
    return { kind: "foreign", message: "state mismatch" };
  }
  if (error !== null) {
    // Both come from whoever sent the redirect: one escaped line each, so they cannot add a
    // line of their own (a forged "hint: ...") to the error the user reads.
    const description = query.get("error_description");
    const why = safeText(
      description === null || description === "" ? error : `${error}: ${description}`,
    );
    return {
      kind: "refused",
      message: error === "access_denied"
        ? `the login request was denied in the browser (${why})`
        : `the browser returned an error (${why})`,
    };
  }
  if (code === null || code === "") {
    return { kind: "invalid", message: "missing authorization code" };
  }
  return { kind: "code", code };
}
