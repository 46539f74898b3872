/**
 * The flat role record every command works with (the reference's "AWSRoleFlat"), built from the
 * role cache, and {@link RoleSet}: the roles of one SSO instance with lookups by ARN, by profile
 * name and by account + role name.
 *
 * ```ts
 * import type { RoleCacheData } from "./cache_file.ts";
 * declare const cache: RoleCacheData;
 * declare const options: BuildRoleSetOptions; // instance, profileFormat, nowMs
 * const roles = buildRoleSet(cache, options);
 * roles.byProfile("prod:AdministratorAccess"); // RoleFlat | undefined
 * roles.byArn("arn:aws:iam::012345678901:role/AdministratorAccess");
 * roles.byAccountRole("12345678901", "ReadOnly"); // leading zeros optional
 * ```
 *
 * @module
 */
import { normalizeAccountId } from "../account_id.ts";
import { parseRoleArn, roleArn, type RoleRef } from "../arn.ts";
import type { SsoInstance } from "../settings/settings.ts";
import {
  type CachedInstance,
  type CachedRole,
  instanceSection,
  type RoleCacheData,
} from "./cache_file.ts";
import { compileProfileFormatOrError, ProfileFormatError } from "./profile_name.ts";

/**
 * One role, flattened with its account and instance. The capitalised fields are exactly the
 * reference's template data, so `ProfileFormat` templates can use them (`{{ .AccountIdPad }}`).
 */
export interface RoleFlat {
  /** Position in the set (0-based; `list` renumbers its rows). */
  Id: number;
  /** Account id as a number (no leading zeros). */
  AccountId: number;
  /** Account id as 12 digits. */
  AccountIdPad: string;
  /** Configured account name (config `Name`), or "". */
  AccountName: string;
  /** The account's name in AWS (ListAccounts `accountName`), or "". */
  AccountAlias: string;
  /** Root email address of the account, or "". */
  EmailAddress: string;
  /** When cached STS credentials expire, unix seconds; 0 when none are valid. */
  ExpiresEpoch: number;
  /** The same expiry as ISO-8601 UTC, or "" when none. */
  Expires: string;
  /** `arn:aws:iam::<12 digits>:role/<RoleName>`. */
  Arn: string;
  /** Role (permission set) name. */
  RoleName: string;
  /** The explicit profile name from config.yaml, or "" (see {@link RoleFlat.ProfileName}). */
  Profile: string;
  /** Default region: role > account > instance setting, or "". */
  DefaultRegion: string;
  /** SSO instance name. */
  SSO: string;
  /** Identity Center region. */
  SSORegion: string;
  /** Start URL. */
  StartUrl: string;
  /** Tags (automatic, config, History). */
  Tags: Record<string, string>;
  /** ARN this role is assumed through, or "". */
  Via: string;
  /**
   * The effective profile name: the explicit `Profile`, else `ProfileFormat` rendered over this
   * record. Use this one for `--profile` matching, `AWS_SSO_PROFILE` and ~/.aws/config.
   */
  ProfileName: string;
}

/** The template data the reference passes to `ProfileFormat` (RoleFlat without ProfileName). */
export type RoleTemplateData = Omit<RoleFlat, "ProfileName">;

function key(accountId: string, roleName: string): string {
  return `${accountId}:${roleName}`;
}

/** The roles of one SSO instance with the lookups commands need. */
export class RoleSet {
  /** The SSO instance name. */
  readonly instance: string;
  /** Every role, sorted by account id then role name; `Id` is the index. */
  readonly roles: readonly RoleFlat[];
  /** Why ProfileFormat gave no name for some roles (their ProfileName is empty). */
  readonly profileError?: ProfileFormatError;
  readonly #history: readonly string[];
  // Indexes are built on first use: `list` never needs them.
  #byKey?: Map<string, RoleFlat>;
  #byProfile?: Map<string, RoleFlat>;

  /** Wraps `roles` (kept in the given order) and the instance's History. */
  constructor(
    instance: string,
    roles: RoleFlat[],
    history: readonly string[] = [],
    profileError?: ProfileFormatError,
  ) {
    this.instance = instance;
    this.roles = roles;
    this.#history = history;
    if (profileError !== undefined) this.profileError = profileError;
  }

  /** Recently used role ARNs, most recent first (only those present in the set). */
  get history(): readonly string[] {
    return this.#history.filter((arn) => this.byArn(arn) !== undefined);
  }

  #keyIndex(): Map<string, RoleFlat> {
    if (this.#byKey === undefined) {
      this.#byKey = new Map();
      for (const r of this.roles) this.#byKey.set(key(r.AccountIdPad, r.RoleName), r);
    }
    return this.#byKey;
  }

  /**
   * The role with this ARN; accepts any partition and the short `<account>:<RoleName>` form, and
   * account ids with or without leading zeros. Undefined when unknown or not an ARN.
   */
  byArn(arn: string): RoleFlat | undefined {
    try {
      const ref = parseRoleArn(arn);
      return this.#keyIndex().get(key(ref.accountId, ref.roleName));
    } catch {
      return undefined;
    }
  }

  /** The role whose effective profile name ({@link RoleFlat.ProfileName}) is `profile`. */
  byProfile(profile: string): RoleFlat | undefined {
    if (this.#byProfile === undefined) {
      this.#byProfile = new Map();
      // First one wins; duplicates are rejected when the cache is refreshed.
      for (const r of this.roles) {
        if (r.ProfileName !== "" && !this.#byProfile.has(r.ProfileName)) {
          this.#byProfile.set(r.ProfileName, r);
        }
      }
    }
    return this.#byProfile.get(profile);
  }

  /** The role `roleName` in `accountId` (12 digits, fewer digits or a number). */
  byAccountRole(accountId: string | number, roleName: string): RoleFlat | undefined {
    try {
      return this.#keyIndex().get(key(normalizeAccountId(accountId), roleName));
    } catch {
      return undefined;
    }
  }
}

/** Inputs of {@link buildRoleSet}. */
export interface BuildRoleSetOptions {
  /** The instance whose roles to build (its name selects the cache section). */
  instance: Pick<SsoInstance, "name" | "ssoRegion" | "startUrl" | "defaultRegion">;
  /** Config `ProfileFormat` ("" selects `{{ .AccountIdPad }}:{{ .RoleName }}`). */
  profileFormat: string;
  /** Current time, epoch ms (decides which credential expiries still count). */
  nowMs: number;
  /**
   * {@link configHash} of the current config. When it matches the section's, the profile names
   * stored by the last refresh are used instead of rendering the template 10,000 times.
   */
  configHash?: string;
}

// A template that reads these can give a different name after a refresh (credential expiry,
// row number, History tag): such names are always rendered afresh.
const VOLATILE_TEMPLATE = /Expires|\bId\b|Tags|History|\$/;

/**
 * A cached role's tags with `Profile` and `Via` from its own fields (the reference lists both
 * among a role's tags): a cache.json written by the reference tool, or not refreshed since, may
 * hold the fields without the tags, and the picker and `tags` must show them all the same.
 */
function roleTags(role: CachedRole): Record<string, string> {
  const tags = { ...role.tags };
  if (role.profile && tags.Profile === undefined) tags.Profile = role.profile;
  if (role.via && tags.Via === undefined) tags.Via = role.via;
  return tags;
}

/**
 * Flattens one cached instance section into role records, sorted, Ids assigned. `ProfileName`
 * is the name stored by the last refresh when `storedNames` is true, else empty (see
 * {@link buildRoleSet}).
 */
export function flattenInstance(
  name: string,
  section: CachedInstance,
  nowMs: number,
  storedNames = false,
): RoleFlat[] {
  const nowSec = Math.floor(nowMs / 1000);
  const out: RoleFlat[] = [];
  const accountIds = Object.keys(section.accounts).sort();
  for (const id of accountIds) {
    const account = section.accounts[id]!;
    for (const roleName of Object.keys(account.roles).sort()) {
      const role = account.roles[roleName]!;
      const expires = role.expires !== undefined && role.expires > nowSec ? role.expires : 0;
      out.push({
        Id: out.length,
        AccountId: Number(id),
        AccountIdPad: id,
        AccountName: account.name ?? "",
        AccountAlias: account.alias ?? "",
        EmailAddress: account.emailAddress ?? "",
        ExpiresEpoch: expires,
        Expires: expires === 0 ? "" : new Date(expires * 1000).toISOString(),
        Arn: role.arn,
        RoleName: roleName,
        Profile: role.profile ?? "",
        DefaultRegion: role.defaultRegion ?? account.defaultRegion ?? section.defaultRegion ?? "",
        SSO: name,
        SSORegion: section.ssoRegion,
        StartUrl: section.startUrl,
        Tags: roleTags(role),
        Via: role.via ?? "",
        ProfileName: storedNames ? role.profileName ?? "" : "",
      });
    }
  }
  return out;
}

/**
 * The record of a role that is not in the cache (named by ARN, or account and role name), from
 * what config.yaml says about it. `Id` is -1 and `ProfileName` is the configured `Profile` or ""
 * (no generated name: the role is not in the cache).
 *
 * @example
 * ```ts
 * const instance = {
 *   name: "Default",
 *   startUrl: "https://d-1234567890.awsapps.com/start",
 *   ssoRegion: "us-east-1",
 *   authUrlAction: "open" as const,
 *   accounts: {},
 * };
 * const role = roleFromConfig({ accountId: "012345678901", roleName: "Admin" }, instance);
 * role.Arn; // "arn:aws:iam::012345678901:role/Admin"
 * role.ProfileName; // "": not in the cache, no Profile configured
 * ```
 */
export function roleFromConfig(ref: RoleRef, instance: SsoInstance): RoleFlat {
  const account = instance.accounts[ref.accountId];
  const config = account?.roles[ref.roleName];
  return {
    Id: -1,
    AccountId: Number(ref.accountId),
    AccountIdPad: ref.accountId,
    AccountName: account?.name ?? "",
    AccountAlias: "",
    EmailAddress: "",
    ExpiresEpoch: 0,
    Expires: "",
    Arn: roleArn(ref.accountId, ref.roleName),
    RoleName: ref.roleName,
    Profile: config?.profile ?? "",
    DefaultRegion: config?.defaultRegion ?? account?.defaultRegion ?? instance.defaultRegion ??
      "",
    SSO: instance.name,
    SSORegion: instance.ssoRegion,
    StartUrl: instance.startUrl,
    Tags: { ...(account?.tags ?? {}), ...(config?.tags ?? {}) },
    Via: config?.via ?? "",
    ProfileName: config?.profile ?? "",
  };
}

/**
 * Builds the {@link RoleSet} of `options.instance` from the cache (empty when the cache has no
 * section for it). Throws ProfileFormatError when the template cannot be rendered.
 */
export function buildRoleSet(cache: RoleCacheData, options: BuildRoleSetOptions): RoleSet {
  const name = options.instance.name;
  const section = instanceSection(cache, options.instance);
  if (section === undefined) return new RoleSet(name, []);
  // Like the reference, a ProfileFormat that fails leaves the names empty here (so `list`
  // still lists); what needs the names (setup profiles, --profile) reports profileError.
  const compiled = compileProfileFormatOrError(options.profileFormat);
  const namer = compiled.namer;
  let profileError: ProfileFormatError | undefined = compiled.error;
  const stored = options.configHash !== undefined && options.configHash === section.configHash &&
    !VOLATILE_TEMPLATE.test(options.profileFormat);
  const roles = flattenInstance(name, section, options.nowMs, stored);
  for (const role of roles) {
    if (role.ProfileName !== "" || namer === undefined) continue;
    try {
      role.ProfileName = namer.profileName(role);
    } catch (e) {
      if (!(e instanceof ProfileFormatError)) throw e;
      profileError ??= e;
    }
  }
  return new RoleSet(name, roles, section.history, profileError);
}
