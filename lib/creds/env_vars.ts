/**
 * The environment variables `eval` prints and `exec` gives its child (docs/design.md §2.3): the
 * credentials, what role they belong to, the region when aws-sso manages it, `AWS_SSO_TAG_<KEY>`
 * for the configured `EnvVarTags`, and — beyond the reference — `AWS_CREDENTIAL_EXPIRATION`
 * (RFC 3339 UTC, read by the AWS SDKs' environment provider) and `AWS_ACCOUNT_ID` (read by the
 * SDKs for account-based endpoints).
 *
 * A variable whose value is `undefined` is one to unset. Pure: the caller passes the
 * environment snapshot and the time-zone offset.
 *
 * @module
 */
import { formatRfc3339, formatRfc3339Utc } from "../time_format.ts";

/** A variable to set (a string) or to unset (`undefined`). */
export type EnvVar = [name: string, value: string | undefined];

/** Variables that make `exec` refuse to run unless `--overwrite-env`. */
export const CONFLICTING_ENV_VARS = [
  "AWS_ACCESS_KEY_ID",
  "AWS_SECRET_ACCESS_KEY",
  "AWS_PROFILE",
] as const;

/** The variables describing the role, always set by `eval` / `exec` and unset by `--clear`. */
const ROLE_VARS = [
  "AWS_ACCESS_KEY_ID",
  "AWS_SECRET_ACCESS_KEY",
  "AWS_SESSION_TOKEN",
  "AWS_CREDENTIAL_EXPIRATION",
  "AWS_ACCOUNT_ID",
  "AWS_SSO_ACCOUNT_ID",
  "AWS_SSO_ROLE_NAME",
  "AWS_SSO_ROLE_ARN",
  "AWS_SSO_SESSION_EXPIRATION",
  "AWS_SSO_PROFILE",
  "AWS_SSO",
] as const;

/** Prefix of the `EnvVarTags` variables. */
export const TAG_VAR_PREFIX = "AWS_SSO_TAG_";

/** The region variables of the environment that decide whether aws-sso manages the region. */
export interface RegionEnv {
  /** `$AWS_DEFAULT_REGION`. */
  AWS_DEFAULT_REGION?: string;
  /** `$AWS_REGION`. */
  AWS_REGION?: string;
  /** `$AWS_SSO_DEFAULT_REGION`: set by aws-sso, so equal means "aws-sso set the region". */
  AWS_SSO_DEFAULT_REGION?: string;
}

/** Inputs of {@link defaultRegion}. */
export interface RegionInputs {
  /** Role, account, instance and top-level `DefaultRegion`, most specific first. */
  candidates: (string | undefined)[];
  /** The current environment. */
  env: RegionEnv;
  /** `--no-region`: set no region variable. */
  noRegion: boolean;
  /** `--overwrite-region` (eval) / `--overwrite-env` (exec): replace the user's region. */
  overwrite: boolean;
}

/**
 * The reference's GetDefaultRegion: "" when `--no-region`, or when the user set a region that
 * aws-sso did not (unless overwriting); else the most specific configured `DefaultRegion`.
 *
 * @example
 * ```ts
 * defaultRegion({ candidates: [undefined, "eu-west-1", "us-east-1"], env: {},
 *   noRegion: false, overwrite: false }); // { region: "eu-west-1", reason: "configured" }
 * defaultRegion({ candidates: ["eu-west-1"], env: { AWS_DEFAULT_REGION: "us-west-2" },
 *   noRegion: false, overwrite: false }).region; // ""
 * ```
 */
export function defaultRegion(inputs: RegionInputs): { region: string; reason: string } {
  if (inputs.noRegion) return { region: "", reason: "--no-region" };
  if (!inputs.overwrite) {
    const env = inputs.env;
    const current = (env.AWS_DEFAULT_REGION ?? "") !== ""
      ? env.AWS_DEFAULT_REGION!
      : env.AWS_REGION ?? "";
    if (current !== "" && current !== (env.AWS_SSO_DEFAULT_REGION ?? "")) {
      return { region: "", reason: `the region ${current} was set outside aws-sso` };
    }
  }
  const region = inputs.candidates.find((c) => c !== undefined && c !== "") ?? "";
  return { region, reason: region === "" ? "no DefaultRegion configured" : "configured" };
}

/**
 * The variable name of an `EnvVarTags` tag: `AWS_SSO_TAG_` + the key in upper case, with any
 * character that cannot appear in a variable name replaced by `_` (the reference does not
 * sanitise; a key like `cost center` would otherwise produce a name no shell accepts).
 *
 * @example
 * ```ts
 * tagVarName("cost-center"); // "AWS_SSO_TAG_COST_CENTER"
 * ```
 */
export function tagVarName(tag: string): string {
  return TAG_VAR_PREFIX + tag.toUpperCase().replace(/[^A-Z0-9_]/g, "_");
}

/** Inputs of {@link credentialEnvVars}. */
export interface CredentialEnvInputs {
  /** The credentials and their role. */
  creds: {
    accessKeyId: string;
    secretAccessKey: string;
    sessionToken: string;
    /** Epoch ms. */
    expiration: number;
    /** 12 digits. */
    accountId: string;
    roleName: string;
    arn: string;
  };
  /** SSO instance name (`AWS_SSO`). */
  instance: string;
  /** Profile name (`AWS_SSO_PROFILE`); undefined when the role is not in the cache. */
  profile?: string;
  /** From {@link defaultRegion}; "" sets no region and unsets `AWS_SSO_DEFAULT_REGION`. */
  region: string;
  /** The role's tags. */
  tags: Record<string, string>;
  /** Config `EnvVarTags`; a tag the role lacks is unset. */
  envVarTags: string[];
  /** Local UTC offset at the expiry, for `AWS_SSO_SESSION_EXPIRATION`. */
  tzOffsetMinutes: number;
}

function sortVars(vars: EnvVar[]): EnvVar[] {
  const byName = new Map<string, string | undefined>();
  for (const [name, value] of vars) byName.set(name, value);
  return [...byName.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

/**
 * The variables for a role's credentials, sorted by name.
 *
 * @example
 * ```ts
 * import type { RoleCredentials } from "./role_credentials.ts";
 * declare const creds: RoleCredentials;
 * credentialEnvVars({ creds, instance: "Default", profile: "prod:Admin", region: "eu-west-1",
 *   tags: {}, envVarTags: [], tzOffsetMinutes: 0 });
 * // [["AWS_ACCESS_KEY_ID", "ASIA..."], ["AWS_ACCOUNT_ID", "012345678901"], ...]
 * ```
 */
export function credentialEnvVars(inputs: CredentialEnvInputs): EnvVar[] {
  const c = inputs.creds;
  const vars: EnvVar[] = [
    ["AWS_ACCESS_KEY_ID", c.accessKeyId],
    ["AWS_SECRET_ACCESS_KEY", c.secretAccessKey],
    ["AWS_SESSION_TOKEN", c.sessionToken],
    ["AWS_CREDENTIAL_EXPIRATION", formatRfc3339Utc(c.expiration)],
    ["AWS_ACCOUNT_ID", c.accountId],
    ["AWS_SSO_ACCOUNT_ID", c.accountId],
    ["AWS_SSO_ROLE_NAME", c.roleName],
    ["AWS_SSO_ROLE_ARN", c.arn],
    ["AWS_SSO_SESSION_EXPIRATION", formatRfc3339(c.expiration, inputs.tzOffsetMinutes)],
    ["AWS_SSO", inputs.instance],
    ["AWS_SSO_PROFILE", inputs.profile === "" ? undefined : inputs.profile],
  ];
  if (inputs.region !== "") {
    vars.push(
      ["AWS_DEFAULT_REGION", inputs.region],
      ["AWS_REGION", inputs.region],
      ["AWS_SSO_DEFAULT_REGION", inputs.region],
    );
  } else {
    vars.push(["AWS_SSO_DEFAULT_REGION", undefined]);
  }
  for (const tag of inputs.envVarTags) vars.push([tagVarName(tag), inputs.tags[tag]]);
  return sortVars(vars);
}

/**
 * The variables `eval --clear` unsets, sorted: the role variables, `AWS_SSO_DEFAULT_REGION`,
 * `AWS_DEFAULT_REGION` / `AWS_REGION` when they hold the region aws-sso set (not with
 * `--no-region`), and every `AWS_SSO_TAG_*` variable configured or present.
 *
 * @example
 * ```ts
 * clearEnvVars({ AWS_DEFAULT_REGION: "eu-west-1", AWS_SSO_DEFAULT_REGION: "eu-west-1" },
 *   { noRegion: false, envVarTags: [] }).map(([n]) => n).includes("AWS_DEFAULT_REGION"); // true
 * ```
 */
export function clearEnvVars(
  env: Record<string, string | undefined>,
  options: { noRegion: boolean; envVarTags: string[] },
): EnvVar[] {
  const names: string[] = [...ROLE_VARS, "AWS_SSO_DEFAULT_REGION"];
  const managed = env.AWS_SSO_DEFAULT_REGION ?? "";
  if (!options.noRegion && managed !== "") {
    if (env.AWS_DEFAULT_REGION === managed) names.push("AWS_DEFAULT_REGION");
    if (env.AWS_REGION === managed) names.push("AWS_REGION");
  }
  for (const tag of options.envVarTags) names.push(tagVarName(tag));
  for (const name of Object.keys(env)) {
    if (name.startsWith(TAG_VAR_PREFIX) && /^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) names.push(name);
  }
  return sortVars(names.map((n) => [n, undefined]));
}
