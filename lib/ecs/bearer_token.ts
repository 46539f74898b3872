/**
 * The ECS server's bearer token (SPEC §2: auth on by default): generating a random one,
 * validating one the user chooses, and checking a request's `Authorization` header in constant
 * time.
 *
 * ```ts
 * const token = newBearerToken();                        // 43 URL-safe characters, 256 bits
 * bearerTokenProblem("Bearer abc");                      // "token should not start with 'Bearer '"
 * await authorizationMatches(req.headers.get("authorization"), token);
 * ```
 *
 * @module
 */

const encoder = new TextEncoder();

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
export async function authorizationMatches(
  header: string | null | undefined,
  token: string,
): Promise<boolean> {
  const [given, expected] = await Promise.all([sha256(header ?? ""), sha256(`Bearer ${token}`)]);
  let diff = header === null || header === undefined ? 1 : 0;
  for (let i = 0; i < expected.length; i++) diff |= (given[i] ?? 0) ^ (expected[i] ?? 0);
  return diff === 0;
}
