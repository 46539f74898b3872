/**
 * The role cache as commands use it: load it (once per run), refresh it from AWS when asked or
 * when it is out of date, and record what other commands learn (History, credential expiry).
 *
 * ```ts
 * import type { Context } from "../context.ts";
 * declare const ctx: Context;
 * declare const creds: { expiration: number };
 * const { roles } = await roleCache(ctx, { refreshIfExpired: true }); // picker, tags, default
 * const role = roles.byProfile("prod:Admin")!; // see lib/roles/role.ts
 * await recordRoleUse(ctx, role.Arn); // exec, console, ecs load
 * await setRoleExpiry(ctx, role.Arn, creds.expiration / 1000); // credentials code
 * ```
 *
 * @module
 */
import { AdaptivePool } from "../../lib/adaptive_pool.ts";
import { AwsApiError, NotLoggedInError } from "../../lib/errors.ts";
import {
  type CachedInstance,
  configHash,
  expiredReason,
  instanceSection,
  readRoleCache,
  type RoleCacheData,
  type RoleCacheFile,
  updateRoleCache,
} from "../../lib/roles/cache_file.ts";
import { pruneHistory, recordHistory } from "../../lib/roles/history.ts";
import type { DiscoveredAccount } from "../../lib/roles/refresh.ts";
import { buildRoleSet, type RoleSet } from "../../lib/roles/role.ts";
import type { Settings, SsoInstance } from "../../lib/settings/settings.ts";
import { type Context, ServiceSlot } from "../context.ts";

/** Discovery concurrency ceiling when neither `Threads` nor `--threads` is set. */
export const DEFAULT_MAX_THREADS = 32;

/** The roles of the selected instance, with the facts around them. */
export interface LoadedRoles {
  /** config.yaml. */
  settings: Settings;
  /** The selected instance. */
  instance: SsoInstance;
  /** The whole cache file as read (or as written by a refresh). */
  cache: RoleCacheData;
  /** The instance's roles with lookups by ARN, profile name and account + role. */
  roles: RoleSet;
  /** Why the cache is out of date; undefined when it is fresh. */
  expired?: string;
}

/** What a refresh changed. */
export interface RefreshResult {
  /** ARNs that appeared, sorted. */
  added: string[];
  /** ARNs that disappeared, sorted. */
  deleted: string[];
  /** The refreshed roles. */
  loaded: LoadedRoles;
}

/** Options of {@link refreshRoles}. */
export interface RefreshOptions {
  /** `--threads` when given on the command line (caps concurrency; wins over `Threads`). */
  threads?: number;
  /** Drop cache sections of instances no longer in config.yaml (`cache` does). */
  pruneUnknownInstances?: boolean;
  /** Show the progress spinner on a terminal (default true). */
  progress?: boolean;
}

const LOADED_ROLES = new ServiceSlot<RoleMemo>("loaded roles");

/** The cache file location and lock for this run. */
export function roleCacheFile(ctx: Context): RoleCacheFile {
  return {
    path: ctx.paths.cacheFile,
    lockPath: `${ctx.paths.lockDir}/cache.lock`,
    clock: ctx.clock,
    logger: ctx.logger,
    displayPath: ctx.display(ctx.paths.cacheFile),
  };
}

async function configMtimeMs(ctx: Context): Promise<number | undefined> {
  try {
    return (await Deno.stat(ctx.paths.configFile)).mtime?.getTime();
  } catch {
    return undefined;
  }
}

async function assemble(
  ctx: Context,
  settings: Settings,
  instance: SsoInstance,
  cache: RoleCacheData,
): Promise<LoadedRoles> {
  const now = ctx.clock.now();
  const section = instanceSection(cache, instance);
  if (section !== undefined) pruneHistory(section, settings.historyMinutes, now);
  const [mtime, hash] = await Promise.all([
    configMtimeMs(ctx),
    configHash(settings.profileFormat, instance),
  ]);
  const expired = expiredReason(cache, {
    instance: instance.name,
    identity: instance,
    cacheRefreshHours: settings.cacheRefresh,
    nowMs: now,
    configMtimeMs: mtime,
    configHash: hash,
  });
  const roles = buildRoleSet(cache, {
    instance,
    profileFormat: settings.profileFormat,
    nowMs: now,
    configHash: hash,
  });
  return { settings, instance, cache, roles, expired };
}

async function load(ctx: Context): Promise<LoadedRoles> {
  const [settings, instance] = await Promise.all([ctx.settings(), ctx.instance()]);
  const cache = await readRoleCache(roleCacheFile(ctx));
  return await assemble(ctx, settings, instance, cache);
}

async function loadOrRefresh(ctx: Context): Promise<LoadedRoles> {
  const loaded = await load(ctx);
  if (loaded.expired === undefined) return loaded;
  ctx.logger.debug(loaded.expired);
  ctx.logger.info("Refreshing AWS SSO role cache, please wait...");
  try {
    const result = await refreshRoles(ctx);
    logChanges(ctx, result);
    return result.loaded;
  } catch (e) {
    // Without a session, stale roles beat no roles: say so and carry on.
    if (e instanceof NotLoggedInError && loaded.roles.roles.length > 0) {
      ctx.logger.warn(`Cache has expired.  Results may be out of date. (${e.message})`);
      return loaded;
    }
    throw e;
  }
}

function logChanges(ctx: Context, result: RefreshResult): void {
  if (result.added.length > 0 || result.deleted.length > 0) {
    ctx.logger.info(
      `Updated cache added=${result.added.length} deleted=${result.deleted.length}`,
    );
  }
}

interface RoleMemo {
  plain?: Promise<LoadedRoles>;
  fresh?: Promise<LoadedRoles>;
}

function memo(ctx: Context): RoleMemo {
  return ctx.service(LOADED_ROLES, () => ({}));
}

/**
 * The selected instance's roles from cache.json, loaded once per run. With
 * `refreshIfExpired`, an out-of-date cache is refreshed from AWS first (needs a valid SSO
 * session; without one and with cached roles, a warning is logged and the stale roles returned).
 */
export function roleCache(
  ctx: Context,
  options: { refreshIfExpired: boolean },
): Promise<LoadedRoles> {
  const m = memo(ctx);
  if (options.refreshIfExpired) return (m.fresh ??= loadOrRefresh(ctx));
  return (m.plain ??= load(ctx));
}

/** Makes later roleCache() calls in this run see `loaded` (or re-read the file). */
function remember(ctx: Context, loaded?: LoadedRoles): void {
  const m = memo(ctx);
  const value = loaded === undefined ? undefined : Promise.resolve(loaded);
  m.plain = value;
  m.fresh = value;
}

/** Concurrency bounds: `--threads` or `Threads` cap it; otherwise it adapts up to 32. */
export function discoveryPool(settings: Settings, threads?: number): AdaptivePool {
  if (threads !== undefined) return new AdaptivePool({ initial: threads, max: threads });
  if (settings.threadsConfigured) {
    return new AdaptivePool({ initial: settings.threads, max: settings.threads });
  }
  return new AdaptivePool({ initial: settings.threads, max: DEFAULT_MAX_THREADS });
}

/**
 * Lists every account and role of the selected instance live (ListAccounts, ListAccountRoles)
 * through the adaptive pool, with a spinner; a rejected session becomes NotLoggedInError.
 */
export async function discoverInstanceRoles(
  ctx: Context,
  options: RefreshOptions = {},
): Promise<DiscoveredAccount[]> {
  const [settings, instance] = await Promise.all([ctx.settings(), ctx.instance()]);
  const { accessToken } = await import("./auth.ts");
  const token = await accessToken(ctx);
  const [{ PortalClient }, { discoverRoles }, { startSpinner }] = await Promise.all([
    import("../../lib/sso/portal_client.ts"),
    import("../../lib/roles/refresh.ts"),
    import("../spinner.ts"),
  ]);
  const pool = discoveryPool(settings, options.threads);
  const http = await ctx.http();
  const client = new PortalClient(
    { ...http, onThrottle: () => pool.throttled() },
    instance.ssoRegion,
    ctx.endpointOptions(),
  );
  const spinner = options.progress === false
    ? { update() {}, stop() {} }
    : startSpinner(ctx, "Discovering AWS accounts...");
  const started = ctx.clock.now();
  let discovered;
  try {
    discovered = await discoverRoles({
      directory: client,
      accessToken: token,
      pool,
      clock: ctx.clock,
      logger: ctx.logger,
      extraDelayMs: Math.max(1000, settings.maxBackoff * 1000),
      onProgress: (p) =>
        spinner.update(
          `Discovering roles: accounts ${p.accountsDone}/${p.accountsTotal}, roles ${p.roles}`,
        ),
    });
  } catch (e) {
    if (e instanceof AwsApiError && e.code === "UnauthorizedException") {
      const { tokenRejected } = await import("./auth.ts");
      await tokenRejected(ctx, token);
      throw new NotLoggedInError(
        `AWS SSO rejected the session for instance '${instance.name}' while listing roles`,
        { hints: ['run "aws-sso login"'], cause: e },
      );
    }
    throw e;
  } finally {
    spinner.stop();
  }
  ctx.logger.debug("discovery done", {
    accounts: discovered.length,
    ms: ctx.clock.now() - started,
    peakThreads: pool.peak,
    shrinks: pool.shrinks,
  });
  return discovered;
}

/**
 * Discovers the selected instance's accounts and roles from AWS and rewrites its cache section
 * (under the cache lock, keeping other instances' sections and this one's History and credential
 * expiries). Throws NotLoggedInError without a usable SSO session, DuplicateProfileError when two
 * roles get the same profile name.
 */
export async function refreshRoles(
  ctx: Context,
  options: RefreshOptions = {},
): Promise<RefreshResult> {
  const [settings, instance] = await Promise.all([ctx.settings(), ctx.instance()]);
  const discovered = await discoverInstanceRoles(ctx, options);
  const { mergeInstanceCache } = await import("../../lib/roles/refresh.ts");

  const [mtime, hash] = await Promise.all([
    configMtimeMs(ctx),
    configHash(settings.profileFormat, instance),
  ]);
  let added: string[] = [];
  let deleted: string[] = [];
  const cache = await updateRoleCache(roleCacheFile(ctx), (current) => {
    const merged = mergeInstanceCache({
      instance,
      discovered,
      // Another setup's section under this name lends nothing (History, expiries).
      previous: instanceSection(current, instance),
      profileFormat: settings.profileFormat,
      configHash: hash,
      nowMs: ctx.clock.now(),
      logger: ctx.logger,
    });
    added = merged.added;
    deleted = merged.deleted;
    current.sso[instance.name] = merged.section;
    current.configCreatedAt = Math.floor((mtime ?? ctx.clock.now()) / 1000);
    if (options.pruneUnknownInstances) {
      for (const name of Object.keys(current.sso)) {
        if (settings.ssoConfig[name] === undefined) delete current.sso[name];
      }
    }
  });
  const loaded = await assemble(ctx, settings, instance, cache);
  remember(ctx, loaded);
  return { added, deleted, loaded };
}

/**
 * For `login`: after a successful login, refresh the role cache if it is out of date, logging
 * `Refreshing AWS SSO role cache, please wait...` and `Updated cache added=N deleted=M`.
 */
export async function refreshRoleCacheAfterLogin(
  ctx: Context,
  options: { threads?: number } = {},
): Promise<void> {
  const loaded = await load(ctx);
  if (loaded.expired === undefined) return;
  ctx.logger.debug(loaded.expired);
  ctx.logger.info("Refreshing AWS SSO role cache, please wait...");
  logChanges(ctx, await refreshRoles(ctx, { threads: options.threads }));
}

/**
 * Changes the selected instance's cache section under the cache lock (re-read, mutate, atomic
 * write). Does nothing when the cache has no section for the instance.
 */
export async function updateInstanceCache(
  ctx: Context,
  mutate: (section: CachedInstance, settings: Settings) => void,
): Promise<void> {
  const [settings, instance] = await Promise.all([ctx.settings(), ctx.instance()]);
  let changed = false;
  await updateRoleCache(roleCacheFile(ctx), (cache) => {
    const section = instanceSection(cache, instance);
    if (section === undefined) return;
    mutate(section, settings);
    changed = true;
  });
  if (changed) remember(ctx);
}

/** Records that `arn` was used (exec, console, ecs load): History list and `History` tag. */
export async function recordRoleUse(ctx: Context, arn: string): Promise<void> {
  await updateInstanceCache(ctx, (section, settings) => {
    pruneHistory(section, settings.historyMinutes, ctx.clock.now());
    recordHistory(section, arn, { limit: settings.historyLimit, nowMs: ctx.clock.now() });
  });
}

/**
 * Records when the cached STS credentials of `arn` expire (unix seconds; 0 = none), so `list`
 * shows it; `logout` passes 0 for every role.
 */
export async function setRoleExpiry(
  ctx: Context,
  arn: string,
  expiresEpochSec: number,
): Promise<void> {
  const { parseRoleArn } = await import("../../lib/arn.ts");
  const ref = parseRoleArn(arn);
  await updateInstanceCache(ctx, (section) => {
    const role = section.accounts[ref.accountId]?.roles[ref.roleName];
    if (role === undefined) return;
    if (expiresEpochSec > 0) role.expires = Math.floor(expiresEpochSec);
    else delete role.expires;
  });
}
