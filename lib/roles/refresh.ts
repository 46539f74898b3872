/**
 * Role discovery and the cache refresh (docs/design.md §2.2): list the accounts, list each
 * account's roles through an adaptive worker pool, then merge the result with config.yaml into
 * a new cache section — automatic tags, config tags, explicit profiles, `Via` roles kept as
 * manual roles, credential expiries and History carried over — and report what was added and
 * deleted. Names from the portal (account names, emails, role names) are stored with their
 * control characters escaped ({@link safeText}): the cache, the profile names rendered from it
 * and everything that shows them stay free of terminal escapes and line breaks. Throttling
 * never fails a refresh: besides the per-request retries, a call that still
 * ends throttled (or with a 5xx) is retried after a pause, up to `extraAttempts` times.
 *
 * @module
 */
import type { AdaptivePool } from "../adaptive_pool.ts";
import { roleArn } from "../arn.ts";
import type { Clock } from "../clock.ts";
import { AwsApiError, AwsSsoError } from "../errors.ts";
import type { Logger } from "../logger.ts";
import { safeText } from "../safe_text.ts";
import type { SsoInstance } from "../settings/settings.ts";
import type { PortalAccount } from "../sso/portal_client.ts";
import type { CachedAccount, CachedInstance, CachedRole } from "./cache_file.ts";
import { HISTORY_TAG } from "./history.ts";
import {
  assertUniqueProfileNames,
  compileProfileFormatOrError,
  ProfileFormatError,
} from "./profile_name.ts";
import { flattenInstance } from "./role.ts";

/** The two portal calls discovery needs (lib/sso/portal_client.ts PortalClient has them). */
export interface RoleDirectory {
  /** One page of the accounts the token can see. */
  listAccountsPage(
    accessToken: string,
    nextToken?: string,
  ): Promise<{ accounts: PortalAccount[]; nextToken?: string }>;
  /** All role names in one account. */
  listAccountRoles(accessToken: string, accountId: string): Promise<string[]>;
}

/** An account with its roles, as discovered. */
export interface DiscoveredAccount extends PortalAccount {
  /** Role names. */
  roles: string[];
}

/** Progress counts, reported after the account list and after each account's roles. */
export interface DiscoveryProgress {
  /** Accounts whose roles are known. */
  accountsDone: number;
  /** Accounts listed so far (grows while ListAccounts pages arrive). */
  accountsTotal: number;
  /** Roles found so far. */
  roles: number;
}

/** Inputs of {@link discoverRoles}. */
export interface DiscoverOptions {
  /** The portal client. */
  directory: RoleDirectory;
  /** A valid SSO access token (never logged). */
  accessToken: string;
  /** Runs the ListAccountRoles calls; its `throttled()` must be wired to the HTTP layer. */
  pool: AdaptivePool;
  /** For the pauses between extra attempts. */
  clock: Clock;
  /** Logger. */
  logger: Logger;
  /** Called with counts as discovery advances. */
  onProgress?: (progress: DiscoveryProgress) => void;
  /** Extra attempts for a call that still failed with throttling or a 5xx (default 10). */
  extraAttempts?: number;
  /** Pause before each extra attempt, ms (default 5000, the reference's). */
  extraDelayMs?: number;
}

function retryable(e: unknown): boolean {
  if (!(e instanceof AwsApiError)) return false;
  const status = e.status ?? 0;
  return status === 429 || status >= 500 ||
    /^(TooManyRequestsException|ThrottlingException|Throttling|RequestLimitExceeded)$/.test(
      e.code ?? "",
    );
}

async function persist<T>(
  options: DiscoverOptions,
  what: string,
  call: () => Promise<T>,
): Promise<T> {
  const attempts = options.extraAttempts ?? 10;
  for (let attempt = 0;; attempt++) {
    try {
      return await call();
    } catch (e) {
      if (!retryable(e) || attempt >= attempts) throw e;
      options.logger.warn(
        `${what}: still throttled or failing after retries, trying again (MaxRetry / MaxBackoff may need tuning)`,
      );
      await options.clock.sleep(options.extraDelayMs ?? 5000);
    }
  }
}

/**
 * Lists every account and every role in it. Account pages are fetched one ahead while the roles
 * of the accounts already known are being listed. Throws AwsApiError (e.g.
 * `UnauthorizedException` when the token is not accepted) or AwsSsoError when the user has no
 * accounts.
 */
export async function discoverRoles(options: DiscoverOptions): Promise<DiscoveredAccount[]> {
  const { directory, accessToken } = options;
  let listed = 0;
  let done = 0;
  let roles = 0;
  const fetchPage = (next?: string) => {
    const page = persist(
      options,
      "ListAccounts",
      () => directory.listAccountsPage(accessToken, next),
    );
    // Awaited below; this only keeps an early stop from leaving a rejection unhandled.
    page.catch(() => {});
    return page;
  };
  async function* accounts(): AsyncGenerator<PortalAccount> {
    let pending: ReturnType<typeof fetchPage> | undefined = fetchPage();
    while (pending !== undefined) {
      const page: Awaited<ReturnType<typeof fetchPage>> = await pending;
      pending = page.nextToken ? fetchPage(page.nextToken) : undefined;
      listed += page.accounts.length;
      options.onProgress?.({ accountsDone: done, accountsTotal: listed, roles });
      yield* page.accounts;
    }
  }
  const found = await options.pool.run(accounts(), async (account) => {
    const names = await persist(
      options,
      `ListAccountRoles ${account.accountId}`,
      () => directory.listAccountRoles(accessToken, account.accountId),
    );
    done++;
    roles += names.length;
    options.onProgress?.({ accountsDone: done, accountsTotal: listed, roles });
    return { ...account, roles: names };
  });
  if (found.length === 0) {
    throw new AwsSsoError("no AWS accounts found in AWS SSO", {
      hints: ["ask your administrator to assign you to an account in IAM Identity Center"],
    });
  }
  return found;
}

/** Inputs of {@link mergeInstanceCache}. */
export interface MergeOptions {
  /** The instance's settings (account and role overlays). */
  instance: SsoInstance;
  /** What discovery found. */
  discovered: DiscoveredAccount[];
  /** The instance's section before the refresh (freshest on-disk state), if any. */
  previous?: CachedInstance;
  /** Config `ProfileFormat`. */
  profileFormat: string;
  /** {@link configHash} of the current config. */
  configHash: string;
  /** Current time, epoch ms. */
  nowMs: number;
  /** Logger (debug lines about config entries without access). */
  logger: Logger;
}

/** A refreshed section and its difference from the previous one. */
export interface MergeResult {
  /** The new section. */
  section: CachedInstance;
  /** ARNs that were not in the previous section, sorted. */
  added: string[];
  /** ARNs that are gone (config `Via` roles never count), sorted. */
  deleted: string[];
}

function allArns(section: CachedInstance | undefined): Set<string> {
  const out = new Set<string>();
  for (const account of Object.values(section?.accounts ?? {})) {
    for (const role of Object.values(account.roles)) out.add(role.arn);
  }
  return out;
}

function autoTags(id: string, account: CachedAccount, roleName: string): Record<string, string> {
  const tags: Record<string, string> = {
    AccountID: id,
    AccountAlias: account.alias ?? "",
    Email: account.emailAddress ?? "",
    Role: roleName,
  };
  if (account.name !== undefined) tags.AccountName = account.name;
  return tags;
}

/**
 * Builds the instance's new cache section from discovery and config and checks
 * that profile names are unique (throws DuplicateProfileError; a failing ProfileFormat only warns).
 */
export function mergeInstanceCache(options: MergeOptions): MergeResult {
  const { instance, previous } = options;
  const nowSec = Math.floor(options.nowMs / 1000);
  const accounts: Record<string, CachedAccount> = {};

  for (const found of options.discovered) {
    const id = found.accountId;
    const config = instance.accounts[id];
    const account: CachedAccount = accounts[id] ?? { tags: {}, roles: {} };
    if (found.accountName !== "") account.alias = safeText(found.accountName);
    if (found.emailAddress !== "") account.emailAddress = safeText(found.emailAddress);
    if (config?.name !== undefined) account.name = config.name;
    if (config?.defaultRegion !== undefined) account.defaultRegion = config.defaultRegion;
    account.tags = { ...config?.tags };
    for (const roleName of found.roles.map(safeText)) {
      const roleConfig = config?.roles[roleName];
      const role: CachedRole = {
        arn: roleArn(id, roleName),
        tags: { ...autoTags(id, account, roleName), ...config?.tags, ...roleConfig?.tags },
      };
      if (roleConfig?.defaultRegion !== undefined) {
        role.defaultRegion = roleConfig.defaultRegion;
        role.tags.DefaultRegion = roleConfig.defaultRegion;
      }
      if (roleConfig?.profile !== undefined) {
        role.profile = roleConfig.profile;
        role.tags.Profile = roleConfig.profile;
      }
      if (roleConfig?.via !== undefined) {
        role.via = roleConfig.via;
        role.tags.Via = roleConfig.via;
      }
      account.roles[roleName] = role;
    }
    accounts[id] = account;
  }

  for (const [id, config] of Object.entries(instance.accounts)) {
    if (accounts[id] === undefined && Object.values(config.roles).every((r) => !r.via)) {
      options.logger.debug("config.yaml lists an account you have no access to", { account: id });
    }
  }

  // The diff ignores manual Via roles: they are config, not discovery.
  const oldArns = allArns(previous);
  const viaArns = new Set<string>();
  for (const config of Object.values(instance.accounts)) {
    for (const role of Object.values(config.roles)) if (role.via) viaArns.add(role.arn);
  }
  const newArns = allArns({ accounts } as CachedInstance);
  const added = [...newArns].filter((a) => !oldArns.has(a)).sort();
  const deleted = [...oldArns].filter((a) => !newArns.has(a) && !viaArns.has(a)).sort();

  // Manual roles: reachable only through `Via`, so ListAccountRoles never returns them.
  for (const [id, config] of Object.entries(instance.accounts)) {
    for (const [roleName, roleConfig] of Object.entries(config.roles)) {
      if (!roleConfig.via || accounts[id]?.roles[roleName] !== undefined) continue;
      options.logger.debug("restoring via role", { arn: roleConfig.arn });
      const account: CachedAccount = accounts[id] ?? { tags: { ...config.tags }, roles: {} };
      if (config.name !== undefined) account.name = config.name;
      if (config.defaultRegion !== undefined) account.defaultRegion = config.defaultRegion;
      const role: CachedRole = {
        arn: roleConfig.arn,
        tags: { ...autoTags(id, account, roleName), ...config.tags, ...roleConfig.tags },
        via: roleConfig.via,
      };
      role.tags.Via = roleConfig.via;
      if (roleConfig.defaultRegion !== undefined) {
        role.defaultRegion = roleConfig.defaultRegion;
        role.tags.DefaultRegion = roleConfig.defaultRegion;
      }
      if (roleConfig.profile !== undefined) {
        role.profile = roleConfig.profile;
        role.tags.Profile = roleConfig.profile;
      }
      account.roles[roleName] = role;
      accounts[id] = account;
    }
  }

  // Carry over what other commands recorded: unexpired credential expiries and History.
  const history: string[] = [];
  for (const [id, account] of Object.entries(previous?.accounts ?? {})) {
    for (const [roleName, old] of Object.entries(account.roles)) {
      const role = accounts[id]?.roles[roleName];
      if (role === undefined) continue;
      if (old.expires !== undefined && old.expires > nowSec) role.expires = old.expires;
      const tag = old.tags[HISTORY_TAG];
      if (tag !== undefined) role.tags[HISTORY_TAG] = tag;
    }
  }
  const present = allArns({ accounts } as CachedInstance);
  for (const arn of previous?.history ?? []) if (present.has(arn)) history.push(arn);

  const section: CachedInstance = {
    lastUpdate: nowSec,
    configHash: options.configHash,
    history,
    accounts,
    ssoRegion: instance.ssoRegion,
    startUrl: instance.startUrl,
    defaultRegion: instance.defaultRegion ?? "",
  };

  // A ProfileFormat that fails does not stop the refresh (list and process work without
  // names); the roles it fails for get no stored name, and setup profiles reports the error.
  const compiled = compileProfileFormatOrError(options.profileFormat);
  const namer = compiled.namer;
  let failure: ProfileFormatError | undefined = compiled.error;
  const named: { Arn: string; ProfileName: string; account: string; role: string }[] = [];
  for (
    const r of namer === undefined ? [] : flattenInstance(instance.name, section, options.nowMs)
  ) {
    try {
      named.push({
        Arn: r.Arn,
        ProfileName: namer!.profileName(r),
        account: r.AccountIdPad,
        role: r.RoleName,
      });
    } catch (e) {
      if (!(e instanceof ProfileFormatError)) throw e;
      failure ??= e;
    }
  }
  if (failure !== undefined) options.logger.warn(`${failure.message}; profile names are empty`);
  assertUniqueProfileNames(named);
  // Stored so that `list` need not render the template for every role (see buildRoleSet).
  for (const n of named) section.accounts[n.account]!.roles[n.role]!.profileName = n.ProfileName;
  return { section, added, deleted };
}
