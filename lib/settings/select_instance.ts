/**
 * Which SSO instance a command uses: `--sso` / `AWS_SSO`, else `DefaultSSO`,
 * else the only configured one.
 *
 * @module
 */
import type { Settings } from "./settings.ts";

/** Thrown-free lookup of the instance to use: `--sso`/AWS_SSO, else DefaultSSO, else the only one. */
export function selectInstanceName(
  settings: Settings,
  requested: string | undefined,
): { name: string } | { error: string; hint: string } {
  const names = Object.keys(settings.ssoConfig).sort();
  const valid = `valid instances: ${names.join(", ")}`;
  if (requested !== undefined && requested.trim() !== "") {
    const r = requested.trim();
    if (settings.ssoConfig[r] !== undefined) return { name: r };
    return { error: `'${r}' is not a valid AWS SSO instance`, hint: valid };
  }
  if (settings.ssoConfig[settings.defaultSso] !== undefined) return { name: settings.defaultSso };
  if (names.length === 1 && names[0] !== undefined) return { name: names[0] };
  return {
    error: `DefaultSSO '${settings.defaultSso}' is not a configured AWS SSO instance`,
    hint: `use --sso <name> or set DefaultSSO; ${valid}`,
  };
}
