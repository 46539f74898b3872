/**
 * The role cache, `<ConfigDir>/cache.json` (docs/design.md §2.2): the accounts and roles discovered
 * per SSO instance, merged with config.yaml, plus each role's credential expiry and the usage
 * History. Compatible both ways with the reference's file: `Version` 4, the same keys, account keys
 * written as 12-digit strings, unpadded numeric keys accepted on read.
 *
 * Unlike the reference, every write happens under `<ConfigDir>/locks/cache.lock` and re-reads
 * the file first, so concurrent processes (an `exec` recording History while a `cache` runs, two
 * instances refreshed at once) never lose each other's changes; the file is replaced atomically.
 *
 * @module
 */
import { normalizeAccountId } from "../account_id.ts";
import { readTextFileIfExists, writeTextFileAtomic } from "../atomic_file.ts";
import type { Clock } from "../clock.ts";
import { withLock } from "../file_lock.ts";
import type { Logger } from "../logger.ts";
import type { SsoInstance } from "../settings/settings.ts";
import { errorMessage } from "../errors.ts";

/** The cache format version this build reads and writes. */
export const CACHE_VERSION = 4;

/** One role of an account, as cached. */
export interface CachedRole {
  /** `arn:aws:iam::<12 digits>:role/<name>`. */
  arn: string;
  /** Role-level default region from config.yaml. */
  defaultRegion?: string;
  /** When the role's cached STS credentials expire, unix seconds (0 / absent: none). */
  expires?: number;
  /** Explicit profile name from config.yaml. */
  profile?: string;
  /**
   * The profile name the last refresh computed (our addition, `ProfileName` in the file; the
   * reference ignores it). Valid only while the section's ConfigHash matches the config.
   */
  profileName?: string;
  /** Tags (automatic, config and History). */
  tags: Record<string, string>;
  /** ARN of the role this one is assumed through (config `Via`). */
  via?: string;
}

/** One account, as cached. */
export interface CachedAccount {
  /** The account's name in AWS (the reference calls it the alias). */
  alias?: string;
  /** The configured account name (config `Name`). */
  name?: string;
  /** Root email address. */
  emailAddress?: string;
  /** Account tags from config.yaml. */
  tags: Record<string, string>;
  /** Roles by name. */
  roles: Record<string, CachedRole>;
  /** Account-level default region from config.yaml. */
  defaultRegion?: string;
}

/** The cached state of one SSO instance. */
export interface CachedInstance {
  /** When the roles were last discovered, unix seconds. */
  lastUpdate: number;
  /** Hash of the config that shaped this section (see {@link configHash}). */
  configHash: string;
  /** Recently used role ARNs, most recent first. */
  history: string[];
  /** Accounts by 12-digit id. */
  accounts: Record<string, CachedAccount>;
  /** Identity Center region. */
  ssoRegion: string;
  /** Start URL. */
  startUrl: string;
  /** Instance-level default region. */
  defaultRegion: string;
}

/** The whole cache file. */
export interface RoleCacheData {
  /** Format version; below {@link CACHE_VERSION} means expired. */
  version: number;
  /** config.yaml's mtime (unix seconds) at the last refresh. */
  configCreatedAt: number;
  /** Sections by SSO instance name. */
  sso: Record<string, CachedInstance>;
}

/** The result of reading cache.json. */
export interface ParsedRoleCache {
  /** The cache (empty, version 0, when missing or unreadable). */
  cache: RoleCacheData;
  /** Why the file could not be used, when it exists but is corrupt. */
  problem?: string;
}

/** Creates an empty cache; version 0 so that it counts as expired. */
export function emptyRoleCache(): RoleCacheData {
  return { version: 0, configCreatedAt: 0, sso: {} };
}

/** Creates an empty instance section for `instance`. */
export function emptyInstanceCache(instance: SsoInstance): CachedInstance {
  return {
    lastUpdate: 0,
    configHash: "",
    history: [],
    accounts: {},
    ssoRegion: instance.ssoRegion,
    startUrl: instance.startUrl,
    defaultRegion: instance.defaultRegion ?? "",
  };
}

function sameStartUrl(a: string, b: string): boolean {
  const norm = (u: string) => u.trim().replace(/\/+$/, "");
  return norm(a) === norm(b);
}

/**
 * The cached section of `instance`, only when it was discovered for the same start URL and
 * SSO region (both are in every section the reference writes, as `Roles.StartUrl` and
 * `Roles.SSORegion`). Another setup that reuses the instance name, or a section that lacks
 * either value, gives undefined: the cache is treated as absent for it, so its roles are never
 * shown, selected or written into profiles, and the next refresh replaces the section.
 *
 * @example
 * ```ts
 * declare const cache: RoleCacheData;
 * instanceSection(cache, { name: "Default", startUrl: "https://b.awsapps.com/start", ssoRegion: "us-east-1" });
 * // undefined when the cached Default came from https://a.awsapps.com/start
 * ```
 */
export function instanceSection(
  cache: RoleCacheData,
  instance: Pick<SsoInstance, "name" | "startUrl" | "ssoRegion">,
): CachedInstance | undefined {
  const section = cache.sso[instance.name];
  if (section === undefined) return undefined;
  if (section.startUrl === "" || section.ssoRegion === "") return undefined;
  if (!sameStartUrl(section.startUrl, instance.startUrl)) return undefined;
  if (section.ssoRegion !== instance.ssoRegion) return undefined;
  return section;
}

/** A problem in the file; `path` is where, built on the way out (never on the happy path). */
class CacheFormatError extends Error {
  constructor(readonly path: string, readonly problem: string) {
    super(`${path} ${problem}`);
  }

  /** The same problem, one level further out. */
  within(parent: string): CacheFormatError {
    return new CacheFormatError(this.path === "" ? parent : `${parent}.${this.path}`, this.problem);
  }
}

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

function str(raw: Json, key: string): string | undefined {
  const v = raw[key];
  if (v === undefined || v === null || v === "") return undefined;
  if (typeof v !== "string") throw new CacheFormatError(key, "is not a string");
  return v;
}

function num(raw: Json, key: string): number {
  const v = raw[key];
  if (v === undefined || v === null) return 0;
  if (typeof v !== "number" || !Number.isFinite(v)) {
    throw new CacheFormatError(key, "is not a number");
  }
  return v;
}

function obj(parent: Json, key: string): Json {
  const v = parent[key];
  if (v === undefined || v === null) return {};
  if (!isObject(v)) throw new CacheFormatError(key, "is not an object");
  return v;
}

function tags(parent: Json): Record<string, string> {
  // The parsed object is ours: check it and keep it (no copy; 10,000 roles make this hot).
  const raw = obj(parent, "Tags");
  for (const k in raw) {
    if (typeof raw[k] !== "string") throw new CacheFormatError(`Tags.${k}`, "is not a string");
  }
  return raw as Record<string, string>;
}

function parseRole(raw: unknown): CachedRole {
  if (!isObject(raw)) throw new CacheFormatError("", "is not an object");
  const arn = str(raw, "Arn");
  if (arn === undefined) throw new CacheFormatError("Arn", "is missing");
  const role: CachedRole = { arn, tags: tags(raw) };
  const region = str(raw, "DefaultRegion");
  if (region !== undefined) role.defaultRegion = region;
  const expires = num(raw, "Expires");
  if (expires > 0) role.expires = expires;
  const profile = str(raw, "Profile");
  if (profile !== undefined) role.profile = profile;
  const profileName = str(raw, "ProfileName");
  if (profileName !== undefined) role.profileName = profileName;
  const via = str(raw, "Via");
  if (via !== undefined) role.via = via;
  return role;
}

function parseAccount(raw: unknown): CachedAccount {
  if (!isObject(raw)) throw new CacheFormatError("", "is not an object");
  const account: CachedAccount = { tags: tags(raw), roles: {} };
  const alias = str(raw, "Alias");
  if (alias !== undefined) account.alias = alias;
  const name = str(raw, "Name");
  if (name !== undefined) account.name = name;
  const email = str(raw, "EmailAddress");
  if (email !== undefined) account.emailAddress = email;
  const region = str(raw, "DefaultRegion");
  if (region !== undefined) account.defaultRegion = region;
  const roles = obj(raw, "Roles");
  for (const roleName in roles) {
    try {
      account.roles[roleName] = parseRole(roles[roleName]);
    } catch (e) {
      throw e instanceof CacheFormatError ? e.within(`Roles.${roleName}`) : e;
    }
  }
  return account;
}

const TWELVE_DIGITS = /^\d{12}$/;

function isStringMap(v: unknown): v is Record<string, string> {
  if (v === null || typeof v !== "object" || Array.isArray(v)) return false;
  for (const k in v as Json) if (typeof (v as Json)[k] !== "string") return false;
  return true;
}

const optionalString = (v: unknown) => v === undefined || v === null || typeof v === "string";

/**
 * The accounts of a well-formed file, converted in one lean pass (a cache of 10,000 roles is
 * read on every `list`). Returns false at the first anomaly; the caller then reruns the detailed
 * parser, which says exactly what is wrong.
 */
function fastAccounts(raw: Json, out: Record<string, CachedAccount>): boolean {
  for (const key in raw) {
    const a = raw[key] as Json;
    if (a === null || typeof a !== "object" || Array.isArray(a)) return false;
    const id = TWELVE_DIGITS.test(key) ? key : undefined;
    if (id === undefined) return false;
    const rawTags = a.Tags ?? {};
    const rawRoles = a.Roles ?? {};
    if (!isStringMap(rawTags) || rawRoles === null || typeof rawRoles !== "object") return false;
    if (
      !optionalString(a.Alias) || !optionalString(a.Name) || !optionalString(a.EmailAddress) ||
      !optionalString(a.DefaultRegion)
    ) return false;
    const account: CachedAccount = { tags: rawTags, roles: {} };
    if (a.Alias) account.alias = a.Alias as string;
    if (a.Name) account.name = a.Name as string;
    if (a.EmailAddress) account.emailAddress = a.EmailAddress as string;
    if (a.DefaultRegion) account.defaultRegion = a.DefaultRegion as string;
    for (const name in rawRoles as Json) {
      const r = (rawRoles as Json)[name] as Json;
      if (r === null || typeof r !== "object" || typeof r.Arn !== "string" || r.Arn === "") {
        return false;
      }
      const tags = r.Tags ?? {};
      const e = r.Expires;
      if (
        !isStringMap(tags) || !(e === undefined || e === null || Number.isFinite(e)) ||
        !optionalString(r.DefaultRegion) || !optionalString(r.Profile) ||
        !optionalString(r.ProfileName) || !optionalString(r.Via)
      ) return false;
      const role: CachedRole = { arn: r.Arn, tags };
      if (r.DefaultRegion) role.defaultRegion = r.DefaultRegion as string;
      if ((e as number) > 0) role.expires = e as number;
      if (r.Profile) role.profile = r.Profile as string;
      if (r.ProfileName) role.profileName = r.ProfileName as string;
      if (r.Via) role.via = r.Via as string;
      account.roles[name] = role;
    }
    out[id] = account;
  }
  return true;
}

function parseInstance(raw: unknown): CachedInstance {
  if (!isObject(raw)) throw new CacheFormatError("", "is not an object");
  const roles = obj(raw, "Roles");
  const historyRaw = raw.History ?? [];
  if (!Array.isArray(historyRaw) || historyRaw.some((h) => typeof h !== "string")) {
    throw new CacheFormatError("History", "is not a list of ARNs");
  }
  const instance: CachedInstance = {
    lastUpdate: num(raw, "LastUpdate"),
    configHash: str(raw, "ConfigHash") ?? "",
    history: historyRaw as string[],
    accounts: {},
    ssoRegion: "",
    startUrl: "",
    defaultRegion: "",
  };
  try {
    instance.ssoRegion = str(roles, "SSORegion") ?? "";
    instance.startUrl = str(roles, "StartUrl") ?? "";
    instance.defaultRegion = str(roles, "DefaultRegion") ?? "";
  } catch (e) {
    throw e instanceof CacheFormatError ? e.within("Roles") : e;
  }
  const accounts = obj(roles, "Accounts");
  if (fastAccounts(accounts, instance.accounts)) return instance;
  instance.accounts = {};
  for (const key in accounts) {
    let id: string;
    try {
      // The reference writes unpadded numbers ("25823461518"); we write 12 digits.
      id = normalizeAccountId(key);
    } catch {
      throw new CacheFormatError("Roles.Accounts", `has an invalid account id '${key}'`);
    }
    try {
      instance.accounts[id] = parseAccount(accounts[key]);
    } catch (e) {
      throw e instanceof CacheFormatError ? e.within(`Roles.Accounts.${key}`) : e;
    }
  }
  return instance;
}

/**
 * Parses cache.json text. A corrupt file is not an error: it yields an empty (expired) cache and
 * a `problem` describing what is wrong, so the caller can warn and refresh.
 *
 * @example
 * ```ts
 * const { cache, problem } = parseRoleCache('{"Version":4,"ConfigCreatedAt":0,"SSO":{}}');
 * ```
 */
export function parseRoleCache(text: string): ParsedRoleCache {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return { cache: emptyRoleCache(), problem: `not valid JSON (${errorMessage(e)})` };
  }
  try {
    if (!isObject(raw)) throw new CacheFormatError("the top level", "is not an object");
    const cache: RoleCacheData = {
      version: num(raw, "Version"),
      configCreatedAt: num(raw, "ConfigCreatedAt"),
      sso: {},
    };
    const sso = obj(raw, "SSO");
    for (const name in sso) {
      try {
        cache.sso[name] = parseInstance(sso[name]);
      } catch (e) {
        throw e instanceof CacheFormatError ? e.within(`SSO.${name}`) : e;
      }
    }
    return { cache };
  } catch (e) {
    if (e instanceof CacheFormatError) {
      return { cache: emptyRoleCache(), problem: e.message };
    }
    throw e;
  }
}

function sortedRecord<T, U>(rec: Record<string, T>, map: (v: T) => U): Record<string, U> {
  const out: Record<string, U> = {};
  for (const key of Object.keys(rec).sort()) out[key] = map(rec[key] as T);
  return out;
}

function putIf(target: Json, key: string, value: unknown): void {
  if (value === undefined || value === "" || value === 0) return;
  if (isObject(value) && Object.keys(value).length === 0) return;
  if (Array.isArray(value) && value.length === 0) return;
  target[key] = value;
}

/**
 * Serialises the cache in the reference's layout (its key order, map keys sorted, empty fields
 * left out, 2-space indent), with account keys as 12-digit strings.
 */
export function serializeRoleCache(cache: RoleCacheData): string {
  const sso = sortedRecord(cache.sso, (inst) => {
    const section: Json = {};
    putIf(section, "LastUpdate", inst.lastUpdate);
    putIf(section, "ConfigHash", inst.configHash);
    putIf(section, "History", inst.history);
    section.Roles = {
      Accounts: sortedRecord(inst.accounts, (acct) => {
        const a: Json = {};
        putIf(a, "Alias", acct.alias);
        putIf(a, "Name", acct.name);
        putIf(a, "EmailAddress", acct.emailAddress);
        putIf(a, "Tags", sortedRecord(acct.tags, (t) => t));
        putIf(
          a,
          "Roles",
          sortedRecord(acct.roles, (role) => {
            const r: Json = { Arn: role.arn };
            putIf(r, "DefaultRegion", role.defaultRegion);
            putIf(r, "Expires", role.expires);
            putIf(r, "Profile", role.profile);
            putIf(r, "ProfileName", role.profileName);
            putIf(r, "Tags", sortedRecord(role.tags, (t) => t));
            putIf(r, "Via", role.via);
            return r;
          }),
        );
        putIf(a, "DefaultRegion", acct.defaultRegion);
        return a;
      }),
      SSORegion: inst.ssoRegion,
      StartUrl: inst.startUrl,
      DefaultRegion: inst.defaultRegion,
    };
    return section;
  });
  const out = { Version: cache.version, ConfigCreatedAt: cache.configCreatedAt, SSO: sso };
  // Compact: a cache of 10,000 roles is read on every `list`, and indentation is 40 % of it.
  return JSON.stringify(out) + "\n";
}

/**
 * The hash of everything in config.yaml that shapes an instance's cached roles: ProfileFormat,
 * the instance's start URL, regions and account/role overlays. A cache section whose hash
 * differs from the current config's is out of date.
 */
export async function configHash(profileFormat: string, instance: SsoInstance): Promise<string> {
  const canonical = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(canonical);
    if (isObject(v)) return sortedRecord(v, canonical);
    return v;
  };
  const data = JSON.stringify(canonical({
    startUrl: instance.startUrl,
    ssoRegion: instance.ssoRegion,
    defaultRegion: instance.defaultRegion ?? "",
    accounts: instance.accounts,
  }));
  const bytes = new TextEncoder().encode(profileFormat + data);
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** What decides whether the cache of one instance is still good. */
export interface ExpiryInputs {
  /** The selected SSO instance name. */
  instance: string;
  /**
   * The instance's start URL and SSO region: a section built for others counts as missing
   * (see {@link instanceSection}).
   */
  identity?: Pick<SsoInstance, "startUrl" | "ssoRegion">;
  /** Config `CacheRefresh` in hours; ≤ 0 disables the TTL. */
  cacheRefreshHours: number;
  /** The current time, epoch ms. */
  nowMs: number;
  /** config.yaml's modification time, epoch ms, when known. */
  configMtimeMs?: number;
  /** {@link configHash} of the current config for the instance, when known. */
  configHash?: string;
}

/**
 * Returns why the instance's cached roles are out of date, or undefined when they are good
 * (the reference's checks, plus: a section missing for the instance, or built from another
 * config).
 *
 * @example
 * ```ts
 * expiredReason(emptyRoleCache(), { instance: "Default", cacheRefreshHours: 168, nowMs: 0 });
 * // "local cache is out of date; current cache version 0 is less than 4"
 * ```
 */
export function expiredReason(cache: RoleCacheData, inputs: ExpiryInputs): string | undefined {
  if (cache.version < CACHE_VERSION) {
    return `local cache is out of date; current cache version ${cache.version} is less than ${CACHE_VERSION}`;
  }
  const section = inputs.identity === undefined
    ? cache.sso[inputs.instance]
    : instanceSection(cache, { name: inputs.instance, ...inputs.identity });
  if (section === undefined && cache.sso[inputs.instance] !== undefined) {
    return `local cache has roles of another StartUrl or SSORegion for SSO instance '${inputs.instance}'`;
  }
  if (section === undefined || section.lastUpdate <= 0) {
    return `local cache has no roles for SSO instance '${inputs.instance}'`;
  }
  if (inputs.cacheRefreshHours <= 0) return undefined;
  if ((section.lastUpdate + inputs.cacheRefreshHours * 3600) * 1000 < inputs.nowMs) {
    return "local cache is out of date; TTL has been exceeded";
  }
  if (
    inputs.configMtimeMs !== undefined &&
    Math.floor(inputs.configMtimeMs / 1000) > cache.configCreatedAt
  ) {
    return "local cache is out of date; config.yaml modified";
  }
  if (
    inputs.configHash !== undefined && section.configHash !== "" &&
    section.configHash !== inputs.configHash
  ) {
    return "local cache is out of date; config.yaml modified";
  }
  return undefined;
}

/** Where the cache lives and how to lock it. */
export interface RoleCacheFile {
  /** `<ConfigDir>/cache.json`. */
  path: string;
  /** `<ConfigDir>/locks/cache.lock`. */
  lockPath: string;
  /** For lock waits. */
  clock: Clock;
  /** Warnings about a corrupt file go here. */
  logger: Logger;
  /** Shown in messages instead of the full path (e.g. with `~`). */
  displayPath?: string;
}

/**
 * Reads cache.json; a missing file gives an empty cache, a corrupt one an empty cache and a
 * warning (never an error: the next refresh rewrites it).
 */
export async function readRoleCache(file: RoleCacheFile): Promise<RoleCacheData> {
  let text: string | undefined;
  try {
    text = await readTextFileIfExists(file.path);
  } catch (e) {
    file.logger.warn(
      `cannot read the role cache ${file.displayPath ?? file.path}: ${errorMessage(e)}`,
    );
    return emptyRoleCache();
  }
  if (text === undefined) {
    file.logger.debug("no role cache yet", { file: file.displayPath ?? file.path });
    return emptyRoleCache();
  }
  const { cache, problem } = parseRoleCache(text);
  if (problem !== undefined) {
    file.logger.warn(
      `ignoring the corrupt role cache ${file.displayPath ?? file.path}: ${problem}`,
    );
  }
  return cache;
}

/**
 * Read-modify-write of cache.json under its lock: re-reads the file, lets `mutate` change the
 * freshest state (sections of other instances written meanwhile are kept as they are), writes
 * it atomically and returns it.
 */
export async function updateRoleCache(
  file: RoleCacheFile,
  mutate: (cache: RoleCacheData) => void | Promise<void>,
): Promise<RoleCacheData> {
  return await withLock(
    file.lockPath,
    {
      purpose: "updating the role cache",
      clock: file.clock,
      timeoutMs: 30_000,
      onWait: (holder) => file.logger.info(`waiting for ${holder} to finish with the role cache`),
    },
    async () => {
      const cache = await readRoleCache(file);
      await mutate(cache);
      cache.version = CACHE_VERSION;
      await writeTextFileAtomic(file.path, serializeRoleCache(cache));
      return cache;
    },
  );
}
