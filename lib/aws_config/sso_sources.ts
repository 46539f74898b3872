/**
 * Finds the IAM Identity Center instances a user already set up for the AWS CLI in
 * `~/.aws/config` — `[sso-session name]` sections and legacy profiles with `sso_start_url` — so
 * the setup wizard can offer them instead of asking for a start URL and region.
 *
 * @module
 */

/** One start URL + region found in `~/.aws/config`. */
export interface SsoSource {
  /** Where it was found: `sso-session my-sso` or `profile dev`. */
  origin: string;
  /** `sso_start_url`. */
  startUrl: string;
  /** `sso_region`. */
  region: string;
}

type Sections = Readonly<Record<string, Readonly<Record<string, string | undefined>>>>;

/**
 * Lists the distinct start URL + region pairs: sso-sessions first (by name), then profiles that
 * carry their own `sso_start_url` (by name). `profiles` and `sessions` are what the AWS SDK's
 * shared-config parser returns (`configFile` and the sso-session data).
 *
 * @example
 * ```ts
 * ssoSources({ dev: { sso_start_url: "https://x.awsapps.com/start", sso_region: "us-east-1" } }, {});
 * // [{ origin: "profile dev", startUrl: "https://x.awsapps.com/start", region: "us-east-1" }]
 * ```
 */
export function ssoSources(profiles: Sections, sessions: Sections): SsoSource[] {
  const out: SsoSource[] = [];
  const seen = new Set<string>();
  const add = (origin: string, section: Readonly<Record<string, string | undefined>>) => {
    const startUrl = section.sso_start_url?.trim() ?? "";
    const region = section.sso_region?.trim() ?? "";
    if (startUrl === "" || region === "") return;
    const key = `${startUrl}\n${region}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ origin, startUrl, region });
  };
  for (const name of Object.keys(sessions).sort()) add(`sso-session ${name}`, sessions[name]!);
  for (const name of Object.keys(profiles).sort()) {
    // The SDK parser lists sso-session sections among the profiles as `sso-session.<name>`.
    if (name.startsWith("sso-session.") || name.startsWith("services.")) continue;
    add(`profile ${name}`, profiles[name]!);
  }
  return out;
}
