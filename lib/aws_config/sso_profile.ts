/**
 * The SSO settings of an AWS CLI profile (`aws configure sso`), for `--aws-profile`: the
 * `sso_session` form (`[sso-session name]` holds `sso_start_url` / `sso_region`) and the legacy
 * form (`sso_start_url` / `sso_region` in the profile), with `sso_account_id` / `sso_role_name`.
 *
 * Each setting is taken as the AWS tools do: command-line flag, then environment variable
 * (`AWS_SSO_ACCOUNT_ID`, `AWS_SSO_ROLE_NAME`, `AWS_SSO_START_URL`, `AWS_SSO_REGION`,
 * `AWS_SSO_INTERACTIVE_AUTH`), then the profile. One exception: inside a shell made by
 * `aws-sso exec` (or `eval`), `AWS_SSO_ACCOUNT_ID` / `AWS_SSO_ROLE_NAME` describe the credentials
 * already in that shell (`AWS_SSO_ROLE_ARN` names the same role); they are not a request to
 * switch every `--aws-profile` to that role, so they are ignored there.
 *
 * Pure: the caller parses `~/.aws/config` (with the AWS SDK's parser) and passes the sections.
 *
 * @module
 */
import { normalizeAccountId } from "../account_id.ts";
import { roleArn } from "../arn.ts";
import { AwsSsoError, ProfileNotFoundError, UsageError } from "../errors.ts";

/** Key/value pairs of one `~/.aws/config` section. */
export type IniSection = Record<string, string | undefined>;

/** A parsed `~/.aws/config`: `[profile x]` / `[default]` by name, `[sso-session y]` by name. */
export interface AwsConfigSections {
  /** Profiles by name (`default` for `[default]`). */
  profiles: Record<string, IniSection>;
  /** `[sso-session <name>]` sections by name. */
  ssoSessions: Record<string, IniSection>;
}

/** Settings given on the command line (undefined = not given). */
export interface SsoProfileFlags {
  /** `--account`. */
  accountId?: string;
  /** `--role`. */
  roleName?: string;
  /** `--sso-start-url`. */
  startUrl?: string;
  /** `--sso-region`. */
  ssoRegion?: string;
  /** `--interactive` (true) / `--no-interactive` (false). */
  interactive?: boolean;
}

/** The environment variables that can override a profile. */
export interface SsoProfileEnv {
  /** Account id. */
  AWS_SSO_ACCOUNT_ID?: string;
  /** Role name. */
  AWS_SSO_ROLE_NAME?: string;
  /** Start URL. */
  AWS_SSO_START_URL?: string;
  /** SSO region. */
  AWS_SSO_REGION?: string;
  /** `true` / `false`. */
  AWS_SSO_INTERACTIVE_AUTH?: string;
  /** Set by `aws-sso exec` / `eval` next to the two role variables. */
  AWS_SSO_ROLE_ARN?: string;
}

/** Where a setting came from. */
export type SettingSource = "flag" | "env" | "profile" | "sso-session" | "default";

/** Everything `--aws-profile` needs, resolved. */
export interface SsoProfile {
  /** The profile name. */
  name: string;
  /** `sso_session`, for the sso-session form; undefined for a legacy profile. */
  sessionName?: string;
  /** SSO start URL. */
  startUrl: string;
  /** Region of IAM Identity Center. */
  ssoRegion: string;
  /** 12-digit account id. */
  accountId: string;
  /** Role (permission set) name. */
  roleName: string;
  /** The profile's `region`, when set. */
  region?: string;
  /** `sso_registration_scopes` (a login registers with them; default `sso:account:access`). */
  registrationScopes: string[];
  /** May a missing or expired token start a browser login. */
  interactive: boolean;
  /** What the AWS CLI hashes to name the token cache file: the session name, else the start URL. */
  tokenCacheKey: string;
  /** The command that logs this profile in with the AWS CLI. */
  loginCommand: string;
  /** Where each overridable setting came from (for `--level debug`). */
  sources: Record<
    "accountId" | "roleName" | "startUrl" | "ssoRegion" | "interactive",
    SettingSource
  >;
}

/** The default registration scope of an sso-session (what `aws configure sso` writes). */
export const DEFAULT_REGISTRATION_SCOPES = ["sso:account:access"];

const ENV_NAMES = {
  accountId: "AWS_SSO_ACCOUNT_ID",
  roleName: "AWS_SSO_ROLE_NAME",
  startUrl: "AWS_SSO_START_URL",
  ssoRegion: "AWS_SSO_REGION",
  interactive: "AWS_SSO_INTERACTIVE_AUTH",
} as const;

const FLAG_NAMES = {
  accountId: "--account",
  roleName: "--role",
  startUrl: "--sso-start-url",
  ssoRegion: "--sso-region",
  interactive: "--interactive",
} as const;

function given(v: string | undefined): string | undefined {
  const t = v?.trim();
  return t === undefined || t === "" ? undefined : t;
}

function parseBool(value: string, where: string, error: (m: string) => Error): boolean {
  const v = value.trim().toLowerCase();
  if (v === "true" || v === "1" || v === "yes" || v === "on") return true;
  if (v === "false" || v === "0" || v === "no" || v === "off") return false;
  throw error(`invalid ${where} '${value}': expected true or false`);
}

/**
 * The shell-quoted form of a profile name for a command line, when it needs quoting.
 *
 * @example
 * ```ts
 * shellWord("dev"); // "dev"
 * shellWord("my profile"); // "'my profile'"
 * ```
 */
export function shellWord(word: string): string {
  return /^[A-Za-z0-9_.:@%+\/=-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

/**
 * Resolves profile `name` of `config` with the flags and environment overrides. Throws
 * {@link ProfileNotFoundError} when there is no such profile, UsageError for a bad flag value,
 * and AwsSsoError naming `configFile` (or the variable) for incomplete or invalid settings.
 *
 * @example
 * ```ts
 * resolveSsoProfile("dev", {
 *   profiles: { dev: { sso_session: "corp", sso_account_id: "012345678901", sso_role_name: "Dev" } },
 *   ssoSessions: { corp: { sso_start_url: "https://x.awsapps.com/start", sso_region: "eu-west-1" } },
 * }, {}, {}, "~/.aws/config").tokenCacheKey; // "corp"
 * ```
 */
export function resolveSsoProfile(
  name: string,
  config: AwsConfigSections,
  flags: SsoProfileFlags,
  env: SsoProfileEnv,
  configFile: string,
): SsoProfile {
  const profile = Object.hasOwn(config.profiles, name) ? config.profiles[name] : undefined;
  const loginCommand = `aws sso login --profile ${shellWord(name)}`;
  if (profile === undefined) {
    throw new ProfileNotFoundError(`AWS profile ${name} is not in ${configFile}`, {
      hints: [`create it with "aws configure sso --profile ${shellWord(name)}"`],
    });
  }
  const configError = (problem: string, hint?: string) =>
    new AwsSsoError(`${configFile}: profile ${name}: ${problem}`, {
      hints: [hint ?? `run "aws configure sso --profile ${shellWord(name)}" to set it up`],
    });

  const sessionName = given(profile.sso_session);
  let sessionStartUrl: string | undefined;
  let sessionRegion: string | undefined;
  let scopesText: string | undefined;
  if (sessionName !== undefined) {
    const session = Object.hasOwn(config.ssoSessions, sessionName)
      ? config.ssoSessions[sessionName]
      : undefined;
    if (session === undefined) {
      throw configError(`sso_session ${sessionName} has no [sso-session ${sessionName}] section`);
    }
    sessionStartUrl = given(session.sso_start_url);
    sessionRegion = given(session.sso_region);
    scopesText = given(session.sso_registration_scopes);
    // As the AWS CLI: a profile may repeat the session's values, but not contradict them.
    for (
      const [key, value] of [
        ["sso_start_url", sessionStartUrl],
        ["sso_region", sessionRegion],
      ] as const
    ) {
      const own = given(profile[key]);
      if (own !== undefined && value !== undefined && own !== value) {
        throw configError(
          `${key} ${own} differs from ${value} in [sso-session ${sessionName}]`,
          `remove ${key} from the profile, or make it match the sso-session`,
        );
      }
    }
  } else if (given(profile.sso_start_url) === undefined) {
    throw configError(
      "it has no AWS SSO settings (sso_session, or sso_start_url and sso_region)",
    );
  }

  // Exported by aws-sso exec/eval for the role of the current shell: not an override.
  let envAccount = given(env.AWS_SSO_ACCOUNT_ID);
  let envRole = given(env.AWS_SSO_ROLE_NAME);
  const shellArn = given(env.AWS_SSO_ROLE_ARN);
  if (shellArn !== undefined && envAccount !== undefined && envRole !== undefined) {
    try {
      if (roleArn(normalizeAccountId(envAccount), envRole) === shellArn) {
        envAccount = undefined;
        envRole = undefined;
      }
    } catch {
      // Not a valid account id: reported below as an invalid AWS_SSO_ACCOUNT_ID.
    }
  }

  const pick = (
    key: "accountId" | "roleName" | "startUrl" | "ssoRegion",
    envValue: string | undefined,
    profileValue: string | undefined,
    profileSource: SettingSource = "profile",
  ): { value: string | undefined; source: SettingSource } => {
    const flag = given(flags[key]);
    if (flag !== undefined) return { value: flag, source: "flag" };
    if (envValue !== undefined) return { value: envValue, source: "env" };
    return { value: profileValue, source: profileSource };
  };
  const account = pick("accountId", envAccount, given(profile.sso_account_id));
  const role = pick("roleName", envRole, given(profile.sso_role_name));
  const startUrl = sessionName === undefined
    ? pick("startUrl", given(env.AWS_SSO_START_URL), given(profile.sso_start_url))
    : pick("startUrl", given(env.AWS_SSO_START_URL), sessionStartUrl, "sso-session");
  const ssoRegion = sessionName === undefined
    ? pick("ssoRegion", given(env.AWS_SSO_REGION), given(profile.sso_region))
    : pick("ssoRegion", given(env.AWS_SSO_REGION), sessionRegion, "sso-session");

  const missing = (key: keyof typeof ENV_NAMES, setting: string) =>
    configError(
      `${setting} is not set`,
      `set ${setting} in the profile, ${ENV_NAMES[key]}, or ${FLAG_NAMES[key]}`,
    );
  if (startUrl.value === undefined) {
    throw missing(
      "startUrl",
      sessionName === undefined ? "sso_start_url" : "sso_start_url of the sso-session",
    );
  }
  if (ssoRegion.value === undefined) {
    throw missing(
      "ssoRegion",
      sessionName === undefined ? "sso_region" : "sso_region of the sso-session",
    );
  }
  if (account.value === undefined) throw missing("accountId", "sso_account_id");
  if (role.value === undefined) throw missing("roleName", "sso_role_name");

  let accountId: string;
  try {
    accountId = normalizeAccountId(account.value);
  } catch {
    const message = `invalid account id '${account.value}': it must be 12 digits`;
    if (account.source === "flag") throw new UsageError(`${FLAG_NAMES.accountId}: ${message}`);
    if (account.source === "env") {
      throw new AwsSsoError(`${ENV_NAMES.accountId}: ${message}`, {
        hints: [`fix or unset ${ENV_NAMES.accountId}`],
      });
    }
    throw configError(`sso_account_id: ${message}`, "fix sso_account_id in the profile");
  }

  let interactive = false;
  let interactiveSource: SettingSource = "default";
  const envInteractive = given(env.AWS_SSO_INTERACTIVE_AUTH);
  const profileInteractive = given(profile.sso_interactive_auth);
  if (flags.interactive !== undefined) {
    interactive = flags.interactive;
    interactiveSource = "flag";
  } else if (envInteractive !== undefined) {
    interactive = parseBool(
      envInteractive,
      ENV_NAMES.interactive,
      (m) => new AwsSsoError(m, { hints: [`set ${ENV_NAMES.interactive} to true or false`] }),
    );
    interactiveSource = "env";
  } else if (profileInteractive !== undefined) {
    interactive = parseBool(
      profileInteractive,
      "sso_interactive_auth",
      (m) => configError(m, "set sso_interactive_auth = true or false in the profile"),
    );
    interactiveSource = "profile";
  }

  const scopes = scopesText === undefined
    ? (sessionName === undefined ? [] : [...DEFAULT_REGISTRATION_SCOPES])
    : scopesText.split(",").map((s) => s.trim()).filter((s) => s !== "");

  return {
    name,
    sessionName,
    startUrl: startUrl.value,
    ssoRegion: ssoRegion.value,
    accountId,
    roleName: role.value,
    region: given(profile.region),
    registrationScopes: scopes,
    interactive,
    tokenCacheKey: sessionName ?? startUrl.value,
    loginCommand,
    sources: {
      accountId: account.source,
      roleName: role.source,
      startUrl: startUrl.source,
      ssoRegion: ssoRegion.source,
      interactive: interactiveSource,
    },
  };
}
