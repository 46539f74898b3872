/**
 * What to do with a URL (login page, console sign-in): the `UrlAction` values of docs/config.md.
 *
 * @module
 */

/** Every URL action the reference accepts. */
export const URL_ACTIONS = [
  "clip",
  "exec",
  "open",
  "print",
  "printurl",
  "granted-containers",
  "open-url-in-container",
  "ansi-osc52",
] as const;

/** One of {@link URL_ACTIONS}. */
export type UrlAction = typeof URL_ACTIONS[number];

/** Actions allowed for `ConfigProfilesUrlAction` (no print/printurl). */
export const CONFIG_PROFILES_URL_ACTIONS = [
  "clip",
  "exec",
  "open",
  "granted-containers",
  "open-url-in-container",
  "ansi-osc52",
] as const satisfies readonly UrlAction[];

/** Returns true for a valid URL action. */
export function isUrlAction(value: string): value is UrlAction {
  return (URL_ACTIONS as readonly string[]).includes(value);
}

/** Returns true for the Firefox/Granted container actions. */
export function isContainerAction(action: UrlAction | undefined): boolean {
  return action === "granted-containers" || action === "open-url-in-container";
}
