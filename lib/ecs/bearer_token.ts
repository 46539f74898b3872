/**
 * The ECS server's two credentials (auth is on by default: docs/design.md §2.5), generated,
 * validated and checked in constant time:
 *
 * - the bearer token, which containers send as `AWS_CONTAINER_AUTHORIZATION_TOKEN`: it only
 *   reads what is loaded;
 * - the admin credential, which only the aws-sso CLI holds and sends in the
 *   {@link ECS_ADMIN_HEADER} header: loading, replacing and deleting slots need it, so a
 *   container cannot make the server fetch credentials for a role the user did not load.
 *
 * ```ts
 * declare const req: Request;
 * declare const admin: string;
 * const token = newBearerToken();                        // 43 URL-safe characters, 256 bits
 * bearerTokenProblem("Bearer abc");                      // "token should not start with 'Bearer '"
 * await authorizationMatches(req.headers.get("authorization"), token);
 * await adminCredentialMatches(req.headers.get(ECS_ADMIN_HEADER), admin);
 * ```
 *
 * @module
 */

const encoder = new TextEncoder();

/** The request header that carries the admin credential (loading and unloading slots). */
export const ECS_ADMIN_HEADER = "x-aws-sso-admin";

/**
 * A new random token: 32 random bytes, base64url without padding.
 *
 * @example
 * ```ts
 * newBearerToken(); // e.g. "q3Jk0N3..." (43 characters of [A-Za-z0-9_-])
 * ```
 */
export function newBearerToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/**
 * Why `token` cannot be used as the bearer token, or undefined when it can. The reference's
 * messages for an empty token and a `Bearer ` prefix; whitespace and control characters are
 * refused because SDKs send the header verbatim and reject `\r\n`.
 *
 * @example
 * ```ts
 * bearerTokenProblem(""); // "no bearer token provided"
 * bearerTokenProblem("s3cr3t-t0ken"); // undefined
 * ```
 */
export function bearerTokenProblem(token: string): string | undefined {
  if (token === "") return "no bearer token provided";
  if (token.startsWith("Bearer ")) return "token should not start with 'Bearer '";
  // deno-lint-ignore no-control-regex
  if (/[\s\x00-\x1f\x7f]/.test(token)) {
    return "the token must not contain spaces, newlines or control characters";
  }
  return undefined;
}

async function sha256(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(text)));
}

/** Compares `given` with `expected` by their SHA-256 digests, without an early exit. */
async function digestsEqual(given: string | null | undefined, expected: string): Promise<boolean> {
  const [a, b] = await Promise.all([sha256(given ?? ""), sha256(expected)]);
  let diff = given === null || given === undefined ? 1 : 0;
  for (let i = 0; i < b.length; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}

/**
 * True when the `Authorization` header value is exactly `Bearer <token>`. Both sides are hashed
 * first and the digests compared without an early exit, so the time taken reveals neither the
 * token's length nor how much of it a guess got right.
 *
 * @example
 * ```ts
 * await authorizationMatches("Bearer s3cr3t", "s3cr3t"); // true
 * await authorizationMatches(null, "s3cr3t"); // false
 * ```
 */
export function authorizationMatches(
  header: string | null | undefined,
  token: string,
): Promise<boolean> {
  return digestsEqual(header, `Bearer ${token}`);
}

/**
 * True when the {@link ECS_ADMIN_HEADER} value is exactly the admin credential (compared in
 * constant time, as {@link authorizationMatches} does).
 *
 * @example
 * ```ts
 * await adminCredentialMatches("a-d-m-i-n", "a-d-m-i-n"); // true
 * await adminCredentialMatches(undefined, "a-d-m-i-n"); // false
 * ```
 */
export function adminCredentialMatches(
  header: string | null | undefined,
  admin: string,
): Promise<boolean> {
  return digestsEqual(header, admin);
}
