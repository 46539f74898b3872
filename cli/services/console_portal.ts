/**
 * `console --portal` (issue 17): the AWS access portal's shortcut link to the console instead of
 * a federation sign-in URL. The browser's portal session signs in, so aws-sso fetches no role
 * credentials and no sign-in token, and the link it hands to the URL action holds no secret.
 * Works with the console's multi-session sign-in, since each link is its own portal sign-in.
 *
 * ```ts
 * import type { Settings, SsoInstance } from "../../lib/settings/settings.ts";
 * declare const settings: Settings, instance: SsoInstance, portalFlag: boolean | undefined;
 * declare const role: IdentityCenterRole | undefined, page: PortalPage;
 * if (consolePortalEnabled(portalFlag, settings, instance)) {
 *   const url = consolePortalUrl(instance, role, "123456789012:Admin", page);
 * }
 * ```
 *
 * @module
 */
import { portalDestination, portalShortcutUrl } from "../../lib/console_url.ts";
import { UsageError } from "../../lib/errors.ts";
import type { Settings, SsoInstance } from "../../lib/settings/settings.ts";

/** The account and Identity Center role (permission set) the portal signs in as. */
export interface IdentityCenterRole {
  /** 12-digit account id. */
  accountId: string;
  /** The permission set's name (the portal's role name). */
  roleName: string;
}

/** Which console page to open, as `console`'s flags say. */
export interface PortalPage {
  /** `--region`, when given (or `AWS_DEFAULT_REGION`). */
  region?: string;
  /** Region for `--service` without `--region`. */
  defaultRegion: string;
  /** `--destination`. */
  destination?: string;
  /** `--service`. */
  service?: string;
}

/**
 * Whether `console` goes through the portal: `--portal` / `--no-portal`, else the instance's
 * `ConsolePortal`, else the top-level `ConsolePortal` (default false).
 */
export function consolePortalEnabled(
  flag: boolean | undefined,
  settings: Pick<Settings, "consolePortal">,
  instance: Pick<SsoInstance, "consolePortal">,
): boolean {
  return flag ?? instance.consolePortal ?? settings.consolePortal === true;
}

/**
 * The shortcut link for `role` on `instance`'s access portal. A role the portal cannot open
 * (reached through `Via`, or credentials from outside Identity Center) is a UsageError that
 * says to drop `--portal`.
 */
export function consolePortalUrl(
  instance: Pick<SsoInstance, "startUrl" | "ssoRegion">,
  role: IdentityCenterRole | undefined,
  name: string,
  page: PortalPage,
): string {
  if (role === undefined) {
    throw new UsageError(
      `--portal cannot open ${name}: the access portal only signs in to IAM Identity Center ` +
        "roles (permission sets), not to roles reached through Via or assumed outside it",
      { hints: ["use --no-portal to sign in with the role's credentials instead"] },
    );
  }
  return portalShortcutUrl({
    startUrl: instance.startUrl,
    accountId: role.accountId,
    roleName: role.roleName,
    destination: portalDestination({ ssoRegion: instance.ssoRegion, ...page }),
  });
}
