/**
 * The one rule for the environment of the helper programs aws-sso starts (browsers,
 * `UrlExecCommand`, clipboard tools, secret-tool, pass, gpg, security, keyctl, docker): they get
 * our environment minus our secret variables. Only `exec` hands the user's environment on as it
 * is (its child is the user's own command).
 *
 * @module
 */

/**
 * Variables that hold a secret aws-sso reads and no helper needs: the `file` store's password,
 * the credentials `console` may sign in with (the key id travels with its secret, so a helper
 * never sees half a credential set), and the ECS server's bearer token.
 */
export const SECRET_ENV_VARS: readonly string[] = [
  "AWS_SSO_FILE_PASSWORD",
  "AWS_ACCESS_KEY_ID",
  "AWS_SECRET_ACCESS_KEY",
  "AWS_SESSION_TOKEN",
  "AWS_SECURITY_TOKEN",
  "AWS_CONTAINER_AUTHORIZATION_TOKEN",
];

const SECRET = new Set(SECRET_ENV_VARS.map((name) => name.toUpperCase()));

/**
 * The complete environment for a helper program: `base` (our environment) without the
 * {@link SECRET_ENV_VARS} (matched case-insensitively, as Windows does), plus `extra`. Start
 * the child with `clearEnv: true`, or Deno adds the rest of our environment back.
 *
 * @example
 * ```ts
 * childEnv({ PATH: "/bin", AWS_SSO_FILE_PASSWORD: "pw" }, { HOME: "/h" });
 * // { PATH: "/bin", HOME: "/h" }
 * ```
 */
export function childEnv(
  base: Readonly<Record<string, string | undefined>>,
  extra: Readonly<Record<string, string>> = {},
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(base)) {
    if (value !== undefined && !SECRET.has(name.toUpperCase())) env[name] = value;
  }
  for (const [name, value] of Object.entries(extra)) {
    if (!SECRET.has(name.toUpperCase())) env[name] = value;
  }
  return env;
}
