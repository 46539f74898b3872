/**
 * The typed view of config.yaml (docs/config.md) with the reference's defaults.
 * Field names are the YAML keys in camelCase; lib/settings/load_settings.ts maps them.
 *
 * @module
 */
import type { SecureStoreName } from "../../stores/backend.ts";
import { ConfigError } from "../errors.ts";
import type { LogLevel } from "../logger.ts";
import type { UrlAction } from "./url_action.ts";

/** OIDC login flow. */
export type AuthWorkflow = "pkce" | "device_code";

/** A role overlay from `SSOConfig.<I>.Accounts.<id>.Roles.<name>`. */
export interface RoleConfig {
  /** Role name (the map key). */
  name: string;
  /** `arn:aws:iam::<account>:role/<name>`, computed. */
  arn: string;
  /** Explicit profile name; wins over ProfileFormat. */
  profile?: string;
  /** Role-level default region. */
  defaultRegion?: string;
  /** Role tags (override account tags). */
  tags: Record<string, string>;
  /** ARN of the role to assume this one from (role chaining). */
  via?: string;
  /** Passed to sts:AssumeRole. */
  sourceIdentity?: string;
  /** Passed to sts:AssumeRole. */
  externalId?: string;
}

/** An account overlay from `SSOConfig.<I>.Accounts.<id>`. */
export interface AccountConfig {
  /** 12-digit account id. */
  id: string;
  /** Configured account name (the `AccountName` field/tag). */
  name?: string;
  /** Account-level default region. */
  defaultRegion?: string;
  /** Tags applied to every role of the account. */
  tags: Record<string, string>;
  /** Role overlays keyed by role name. */
  roles: Record<string, RoleConfig>;
}

/** One Identity Center instance (`SSOConfig.<name>`). */
export interface SsoInstance {
  /** Instance name (the map key), e.g. `Default`. */
  name: string;
  /** Identity Center start URL. */
  startUrl: string;
  /** Region of Identity Center. */
  ssoRegion: string;
  /** Instance-level default region. */
  defaultRegion?: string;
  /** URL action for the login URL (defaults to the global UrlAction). */
  authUrlAction: UrlAction;
  /**
   * `ConsolePortal` of this instance, when it sets one: `console` opens the access portal's
   * shortcut link instead of a federation sign-in URL. Unset: the top-level `ConsolePortal`.
   */
  consolePortal?: boolean;
  /** Account overlays keyed by 12-digit id. */
  accounts: Record<string, AccountConfig>;
}

/** 1Password settings (accepted for compatibility; the store is not supported in this build). */
export interface OnePasswordSettings {
  /** Vault title. */
  vault?: string;
  /** `desktop` or `service-account`. */
  authType?: string;
  /** Account email. */
  account?: string;
}

/** Everything config.yaml can say, after defaults, deprecation rewrites and validation. */
export interface Settings {
  /** The file these settings came from. */
  file: string;
  /** Instances by name. */
  ssoConfig: Record<string, SsoInstance>;
  /** Instance used without `--sso` (trimmed). */
  defaultSso: string;
  /** Global fallback region. */
  defaultRegion: string;
  /** OIDC flow. */
  authWorkflow: AuthWorkflow;
  /** Start the login flow instead of failing when a command needs a token. */
  autoLogin: boolean;
  /** Cache TTL in hours; ≤ 0 disables expiry. */
  cacheRefresh: number;
  /** Update ~/.aws/config after `cache` finds changes. */
  autoConfigCheck: boolean;
  /** Parallel discovery workers. */
  threads: number;
  /** True when config.yaml sets Threads (then it caps discovery concurrency). */
  threadsConfigured?: boolean;
  /** Max attempts for AWS calls. */
  maxRetry: number;
  /** Max backoff between retries, seconds. */
  maxBackoff: number;
  /** Browser for the `open` action. */
  browser?: string;
  /** What to do with URLs. */
  urlAction: UrlAction;
  /** Historical; used for validation and the AutoConfigCheck gate. */
  configProfilesUrlAction: UrlAction;
  /** Command for `exec` and container URL actions. */
  urlExecCommand: string[];
  /** Console session minutes (15..720). */
  consoleDuration: number;
  /** `console` opens the access portal's shortcut link by default (`--portal`). */
  consolePortal: boolean;
  /** Binary written into credential_process lines. */
  configProfilesBinaryPath?: string;
  /** Go text/template for profile names. */
  profileFormat: string;
  /** Extra `key = value` lines per generated profile (values already formatted like Go %v). */
  configVariables: Record<string, string>;
  /** Log threshold from config. */
  logLevel: LogLevel;
  /** Source locations in logs. */
  logLines: boolean;
  /** Max History entries; 0 disables. */
  historyLimit: number;
  /** History entries older than this are dropped; ≤ 0 = no limit. */
  historyMinutes: number;
  /** Explicit SecureStore name, undefined = auto-detect. */
  secureStore?: string;
  /** Path of the `json` store. */
  jsonStore: string;
  /** `SecretServiceCollection`; unset: the store's default (stores/secret_service.ts). */
  secretServiceCollection?: string;
  /** 1Password settings. */
  onePassword: OnePasswordSettings;
  /** Tag key shown first in the picker. */
  firstTag?: string;
  /** Picker matches substrings (true) or prefixes. */
  fullTextSearch: boolean;
  /** Tags used to describe ARNs in the picker. */
  accountPrimaryTag: string[];
  /** Prompt colours (accepted; our picker uses the terminal's colours). */
  promptColors: Record<string, string>;
  /** Default `list` columns. */
  listFields: string[];
  /** Tags exported as AWS_SSO_TAG_<KEY>. */
  envVarTags: string[];
  /**
   * Invalid values of settings that only some commands use, by setting path (`SecureStore`,
   * `UrlAction`, `SSOConfig.<name>.StartUrl` ...): reported by {@link assertSettingsUsable}
   * where the setting is used, so that they do not stop every other command (the reference
   * validates only `exec` vs container actions and AuthWorkflow at load).
   */
  problems: Record<string, SettingProblem>;
}

/** An invalid setting, reported when a command uses it. */
export interface SettingProblem {
  /** 1-based line in config.yaml. */
  line?: number;
  /** 1-based column. */
  column?: number;
  /** What is wrong, naming the key. */
  problem: string;
  /** How to fix it. */
  hints: string[];
}

/**
 * Throws the {@link ConfigError} of the first of `keys` that has a recorded problem.
 *
 * @example
 * ```ts
 * declare const settings: Settings;
 * assertSettingsUsable(settings, "SecureStore"); // before opening the store
 * ```
 */
export function assertSettingsUsable(
  settings: Pick<Settings, "file" | "problems">,
  ...keys: string[]
): void {
  for (const key of keys) {
    const p = settings.problems?.[key];
    if (p !== undefined) {
      throw new ConfigError(settings.file, { line: p.line, column: p.column }, p.problem, {
        hints: p.hints,
      });
    }
  }
}

/** The problem keys of instance `name` that stop any use of it. */
export function instanceProblemKeys(name: string): string[] {
  return [`SSOConfig.${name}.StartUrl`, `SSOConfig.${name}.SSORegion`];
}

/** The reference's "Friendly" profile template, the default. */
export const FRIENDLY_PROFILE_FORMAT =
  "{{ FirstItem .AccountName (.AccountAlias | nospace) }}:{{ .RoleName }}";

/** Template used when ProfileFormat is the empty string. */
export const EMPTY_PROFILE_FORMAT = "{{ .AccountIdPad }}:{{ .RoleName }}";

/** Default `list` columns. */
export const DEFAULT_LIST_FIELDS = [
  "AccountIdPad",
  "AccountAlias",
  "RoleName",
  "Profile",
  "Expires",
];

/** Default `AccountPrimaryTag`. */
export const DEFAULT_ACCOUNT_PRIMARY_TAG = ["AccountName", "AccountAlias", "Email"];

/**
 * Store names the `SecureStore` key accepts (some only to report them unsupported). The stores
 * own the list (stores/backend.ts `SecureStoreName`); lib/ may import only its type, so the
 * check below fails to compile when a name is missing here.
 */
export const SECURE_STORE_NAMES = [
  "file",
  "json",
  "secret-service",
  "keychain",
  "wincred",
  "pass",
  "kwallet",
  "1password",
] as const satisfies readonly SecureStoreName[];

type UnlistedStoreName = Exclude<SecureStoreName, typeof SECURE_STORE_NAMES[number]>;
// Compile-time proof that SECURE_STORE_NAMES names every store.
const _everyStoreNameListed: [UnlistedStoreName] extends [never] ? true : never = true;
