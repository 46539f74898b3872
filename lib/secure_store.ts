/**
 * The typed secure store (docs/design.md §3: the keys and JSON are the reference's): client
 * registrations, SSO tokens, role credentials and the ECS server's secrets as JSON values in an
 * opaque {@link SecretBackend}.
 *
 * Every write (put, delete, update) runs under the cross-process exclusive lock
 * `<ConfigDir>/storage.lock` and re-reads the key it changes, so parallel processes never lose each
 * other's updates (docs/design.md §4). Reads take no lock: backends replace values atomically.
 * Every secret read or written is registered with the logger so that no log line can show it. Times
 * are written as the reference writes them (`expiresAt`, `clientSecretExpiresAt`: Unix seconds as
 * JSON integers), so a `json` store.json is readable by both tools; RFC3339 text written by earlier
 * versions is still read.
 *
 * @module
 */
export {
  parseRoleCredentials,
  type StoredRoleCredentials,
} from "./creds/stored_role_credentials.ts";
import type { SecretBackend } from "../stores/backend.ts";
import type { Clock } from "./clock.ts";
import {
  encodeRoleCredentials,
  parseRoleCredentials,
  ROLE_CREDENTIALS_PREFIX,
  roleCredentialsKey,
  type StoredRoleCredentials,
} from "./creds/stored_role_credentials.ts";
import { withLock } from "./file_lock.ts";
import { jsonObject, numberField, stringField } from "./json_fields.ts";
import type { Logger } from "./logger.ts";
import type { SsoInstance } from "./settings/settings.ts";

/**
 * Whose SSO token or client registration an entry is: the instance name keys it (as the
 * reference does), and the Identity Center it was obtained from (start URL and region) is
 * stored with it. Two configs may give the same name to different Identity Centers; an entry
 * of the other one is never returned, so its token is never presented to this one's portal
 * (issue 16). A bare name reads and writes entries without an owner, as the AWS SSO CLI
 * writes them (it ignores the extra fields, and drops them when it rewrites an entry).
 */
export type SsoOwner = string | Pick<SsoInstance, "name" | "startUrl" | "ssoRegion">;

/** An OIDC client registration, stored under `client-data:<Instance>`. */
export interface ClientRegistration {
  /** OIDC client id. */
  clientId: string;
  /** OIDC client secret. */
  clientSecret: string;
  /** When the client id was issued, epoch seconds. */
  clientIdIssuedAt: number;
  /** When the client secret expires, epoch seconds. */
  clientSecretExpiresAt: number;
  /** Authorization endpoint AWS returned, when it did. */
  authorizationEndpoint?: string;
  /** Token endpoint AWS returned, when it did. */
  tokenEndpoint?: string;
  /** Grant types this client was registered with (added locally: AWS does not echo them). */
  grantTypes?: string[];
}

/**
 * An SSO access token, stored under `token-response:<Instance>`. In memory
 * `expiresAt` is RFC3339 text; stored, it is Unix seconds as the reference writes it (see
 * {@link SecureStore}).
 */
export interface SsoToken {
  /** The bearer token for the portal API. */
  accessToken: string;
  /** Lifetime in seconds as AWS returned it. */
  expiresIn: number;
  /** Expiry as UTC RFC3339 (`2025-01-02T03:04:05Z`), computed at receipt. */
  expiresAt: string;
  /** OIDC id token, when AWS returned one. */
  IdToken?: string;
  /** Refresh token, when the client has the refresh_token grant. */
  RefreshToken?: string;
  /** Token type, normally `Bearer`. */
  tokenType?: string;
}

/** The JSON fields naming the Identity Center an entry was obtained from. */
const OWNER_FIELDS = { startUrl: "ssoStartUrl", ssoRegion: "ssoRegion" } as const;

function ownerName(owner: SsoOwner): string {
  return typeof owner === "string" ? owner : owner.name;
}

/** Start URLs compare without trailing slashes and case-insensitively (a URL's host is). */
function sameStartUrl(a: string, b: string): boolean {
  const norm = (u: string) => u.trim().replace(/\/+$/, "").toLowerCase();
  return norm(a) === norm(b);
}

/**
 * `codec` for the entries of `owner`: writes its start URL and region into the JSON, and owns
 * only entries that carry the same ones or none (the AWS SSO CLI's and older versions').
 */
function owned<T>(codec: Codec<T>, owner: SsoOwner): Codec<T> {
  if (typeof owner === "string") return codec;
  return {
    ...codec,
    encode: (value) => {
      const o = jsonObject(codec.encode(value)) ?? {};
      o[OWNER_FIELDS.startUrl] = owner.startUrl;
      o[OWNER_FIELDS.ssoRegion] = owner.ssoRegion;
      return encoder.encode(JSON.stringify(o));
    },
    owns: (bytes) => {
      const o = jsonObject(bytes);
      if (o === undefined) return true;
      const url = o[OWNER_FIELDS.startUrl];
      const region = o[OWNER_FIELDS.ssoRegion];
      if (url === undefined && region === undefined) return true;
      return typeof url === "string" && sameStartUrl(url, owner.startUrl) &&
        typeof region === "string" && region.trim() === owner.ssoRegion.trim();
    },
  };
}

/** Store key names (the reference's, so a json store stays readable by both tools). */
export const STORE_KEYS = {
  /** Client registration of an SSO instance. */
  clientData: (instance: string): string => `client-data:${instance}`,
  /** SSO token of an SSO instance. */
  token: (instance: string): string => `token-response:${instance}`,
  /** Role credentials of a role ARN. */
  roleCredentials: roleCredentialsKey,
  /** The note that the AWS SSO CLI session of an instance was imported (see {@link SecureStore.importSession}). */
  referenceImport: (instance: string): string => `imported-from-aws-sso-cli:${instance}`,
  /** The ECS server's bearer token. */
  ecsBearerToken: "ecs-bearer-token",
  /** The ECS server's admin credential (loading and unloading; never given to containers). */
  ecsAdminToken: "ecs-admin-token",
  /** The ECS server's TLS private key (PEM). */
  ecsPrivateKey: "ecs-private-key",
  /** The ECS server's TLS certificate chain (PEM). */
  ecsCertChain: "ecs-cert-chain",
} as const;

const ROLE_PREFIX = ROLE_CREDENTIALS_PREFIX;

/** Options for {@link SecureStore}. */
export interface SecureStoreOptions {
  /** Where the bytes live. */
  backend: SecretBackend;
  /** `<ConfigDir>/storage.lock`. */
  lockPath: string;
  /** Time source for lock waits. */
  clock: Clock;
  /** Receives every secret (masked from then on) and warnings about damaged entries. */
  logger: Logger;
  /** Give up waiting for the store lock after this many ms (default 30 s). */
  lockTimeoutMs?: number;
  /** Called once when a write has waited 2 s for the lock, with the holder's description. */
  onLockWait?: (holder: string) => void;
}

/** A value codec: parse returns undefined for data of the wrong shape. */
interface Codec<T> {
  parse(bytes: Uint8Array): T | undefined;
  encode(value: T): Uint8Array;
  secrets(value: T): (string | undefined)[];
  /** False when the stored bytes belong to someone else (see {@link owned}). */
  owns?(bytes: Uint8Array): boolean;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** An expiry as RFC3339 text; epoch seconds or milliseconds (older writers) are converted. */
function expiryText(v: unknown): string | undefined {
  if (typeof v === "number" && Number.isFinite(v) && v > 0) {
    return new Date(v < 1e12 ? v * 1000 : v).toISOString().replace(/\.\d{3}Z$/, "Z");
  }
  return typeof v === "string" && !Number.isNaN(Date.parse(v)) ? v : undefined;
}

/** Epoch seconds from a number, a numeric string or RFC3339 text (other writers' forms). */
function epochSeconds(o: Record<string, unknown>, key: string): number | undefined {
  const n = numberField(o, key);
  if (n !== undefined) return n;
  const v = o[key];
  const at = typeof v === "string" ? Date.parse(v) : NaN;
  return Number.isNaN(at) ? undefined : Math.floor(at / 1000);
}

/** Drops undefined fields so stored JSON and returned values stay compact. */
function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

const registrationCodec: Codec<ClientRegistration> = {
  parse(bytes) {
    const o = jsonObject(bytes);
    if (o === undefined) return undefined;
    const clientId = stringField(o, "clientId");
    const clientSecret = stringField(o, "clientSecret");
    if (clientId === undefined || clientSecret === undefined) return undefined;
    const grants = Array.isArray(o.grantTypes)
      ? o.grantTypes.filter((g): g is string => typeof g === "string")
      : undefined;
    return compact({
      clientId,
      clientSecret,
      clientIdIssuedAt: numberField(o, "clientIdIssuedAt") ?? 0,
      clientSecretExpiresAt: epochSeconds(o, "clientSecretExpiresAt") ?? 0,
      authorizationEndpoint: stringField(o, "authorizationEndpoint"),
      tokenEndpoint: stringField(o, "tokenEndpoint"),
      grantTypes: grants,
    });
  },
  encode: (v) =>
    encoder.encode(JSON.stringify(compact({
      ...v,
      clientIdIssuedAt: unixSeconds(v.clientIdIssuedAt),
      clientSecretExpiresAt: unixSeconds(v.clientSecretExpiresAt),
    }))),
  secrets: (v) => [v.clientSecret],
};

/** Epoch seconds as a JSON integer: the reference's Go structs declare these fields `int64`. */
function unixSeconds(value: number): number {
  return Math.trunc(value);
}

const tokenCodec: Codec<SsoToken> = {
  parse(bytes) {
    const o = jsonObject(bytes);
    if (o === undefined) return undefined;
    const accessToken = stringField(o, "accessToken");
    const expiresAt = expiryText(o.expiresAt);
    if (accessToken === undefined || expiresAt === undefined) return undefined;
    return compact({
      accessToken,
      expiresIn: numberField(o, "expiresIn") ?? 0,
      expiresAt,
      IdToken: stringField(o, "IdToken"),
      RefreshToken: stringField(o, "RefreshToken"),
      tokenType: stringField(o, "tokenType"),
    });
  },
  encode(v) {
    const at = Date.parse(v.expiresAt);
    // Unparsable text is kept as is: parse() reads it back the same (and treats it as expired).
    const expiresAt = Number.isNaN(at) ? v.expiresAt : unixSeconds(at / 1000);
    return encoder.encode(JSON.stringify(compact({ ...v, expiresAt })));
  },
  secrets: (v) => [v.accessToken, v.RefreshToken, v.IdToken],
};

const roleCodec: Codec<StoredRoleCredentials> = {
  parse: parseRoleCredentials,
  encode: encodeRoleCredentials,
  secrets: (v) => [v.secretAccessKey, v.sessionToken],
};

/** Parses a stored client registration (the reference's JSON shape); undefined when damaged. */
export function parseRegistration(bytes: Uint8Array): ClientRegistration | undefined {
  return registrationCodec.parse(bytes);
}

/** Parses a stored SSO token (the reference's JSON shape); undefined when damaged. */
export function parseToken(bytes: Uint8Array): SsoToken | undefined {
  return tokenCodec.parse(bytes);
}

/** What {@link SecureStore.importSession} writes: a session taken over from another tool. */
export interface ImportedSession {
  /** The client registration the token was issued to (replaces ours: we have no token). */
  registration?: ClientRegistration;
  /** The SSO token. */
  token: SsoToken;
  /** Role credentials still valid, by role ARN; written only where we have none. */
  roleCredentials: [string, StoredRoleCredentials][];
  /** Where it came from, kept in the import note (`file`, `secret-service`...). */
  from: string;
  /** When, epoch ms (the import note records it). */
  nowMs: number;
}

/** The note kept after an import, so that the same session is never imported twice. */
export interface ReferenceImportNote {
  /** When the import happened (RFC3339 UTC). */
  importedAt: string;
  /** The store kind it came from. */
  from: string;
}

const textCodec: Codec<string> = {
  parse: (bytes) => {
    const text = decoder.decode(bytes);
    return text === "" ? undefined : text;
  },
  encode: (v) => encoder.encode(v),
  secrets: (v) => [v],
};

/** The typed, locked view of the secret backend every command uses. */
export class SecureStore {
  readonly #backend: SecretBackend;
  readonly #options: SecureStoreOptions;
  /** Serialises this process's writers before they compete for the file lock. */
  #queue: Promise<unknown> = Promise.resolve();

  /** Wraps `options.backend`; nothing is read until first use. */
  constructor(options: SecureStoreOptions) {
    this.#backend = options.backend;
    this.#options = options;
  }

  /** The backend kind (`file`, `json`, `secret-service`, ...). */
  get kind(): string {
    return this.#backend.kind;
  }

  /**
   * Drops the store's unlock key cached outside this process (the `file` store's key in the
   * kernel keyring), so the next process needs the password again.
   */
  async forgetCachedKey(): Promise<void> {
    await this.#backend.forgetCachedKey?.();
  }

  /**
   * The client registration of `instance`, if stored and obtained from its Identity Center
   * (see {@link SsoOwner}).
   */
  getRegistration(instance: SsoOwner): Promise<ClientRegistration | undefined> {
    return this.#get(
      STORE_KEYS.clientData(ownerName(instance)),
      owned(registrationCodec, instance),
    );
  }

  /** Stores the client registration of `instance` (replacing another Identity Center's). */
  putRegistration(instance: SsoOwner, value: ClientRegistration): Promise<void> {
    return this.#put(
      STORE_KEYS.clientData(ownerName(instance)),
      owned(registrationCodec, instance),
      value,
    );
  }

  /**
   * Deletes the client registration of `instance`; false when there was none (another
   * Identity Center's is left alone).
   */
  deleteRegistration(instance: SsoOwner): Promise<boolean> {
    return this.#delete(
      STORE_KEYS.clientData(ownerName(instance)),
      owned(registrationCodec, instance),
    );
  }

  /**
   * The SSO token of `instance`, if stored and obtained from its Identity Center (see
   * {@link SsoOwner}): another one's token means "not logged in" here.
   */
  getToken(instance: SsoOwner): Promise<SsoToken | undefined> {
    return this.#get(STORE_KEYS.token(ownerName(instance)), owned(tokenCodec, instance));
  }

  /** Stores the SSO token of `instance` (a login replaces another Identity Center's token). */
  putToken(instance: SsoOwner, value: SsoToken): Promise<void> {
    return this.#put(STORE_KEYS.token(ownerName(instance)), owned(tokenCodec, instance), value);
  }

  /**
   * Deletes the SSO token of `instance`; false when there was none (another Identity
   * Center's token is left alone).
   */
  deleteToken(instance: SsoOwner): Promise<boolean> {
    return this.#delete(STORE_KEYS.token(ownerName(instance)), owned(tokenCodec, instance));
  }

  /**
   * Read-modify-write of the token under the store lock; `fn` returning undefined deletes it.
   * Another Identity Center's token reaches `fn` as undefined and is only ever replaced.
   */
  updateToken(
    instance: SsoOwner,
    fn: (current: SsoToken | undefined) => SsoToken | undefined | Promise<SsoToken | undefined>,
  ): Promise<SsoToken | undefined> {
    return this.#update(STORE_KEYS.token(ownerName(instance)), owned(tokenCodec, instance), fn);
  }

  /** Cached credentials of `arn`, if stored. */
  getRoleCredentials(arn: string): Promise<StoredRoleCredentials | undefined> {
    return this.#get(STORE_KEYS.roleCredentials(arn), roleCodec);
  }

  /** Stores credentials of `arn`. */
  putRoleCredentials(arn: string, value: StoredRoleCredentials): Promise<void> {
    return this.#put(STORE_KEYS.roleCredentials(arn), roleCodec, value);
  }

  /** Deletes the credentials of `arn`; false when there were none. */
  deleteRoleCredentials(arn: string): Promise<boolean> {
    return this.#delete(STORE_KEYS.roleCredentials(arn));
  }

  /** Deletes the credentials of every ARN in `arns` under one lock; returns how many existed. */
  deleteRoleCredentialsMany(arns: Iterable<string>): Promise<number> {
    return this.#locked(async () => {
      let n = 0;
      for (const arn of arns) {
        if (await this.#backend.delete(STORE_KEYS.roleCredentials(arn))) n++;
      }
      return n;
    });
  }

  /** Read-modify-write of one role's credentials under the store lock. */
  updateRoleCredentials(
    arn: string,
    fn: (
      current: StoredRoleCredentials | undefined,
    ) => StoredRoleCredentials | undefined | Promise<StoredRoleCredentials | undefined>,
  ): Promise<StoredRoleCredentials | undefined> {
    return this.#update(STORE_KEYS.roleCredentials(arn), roleCodec, fn);
  }

  /** ARNs that have cached credentials, sorted. */
  async listRoleCredentialArns(): Promise<string[]> {
    return (await this.#backend.keys())
      .filter((k) => k.startsWith(ROLE_PREFIX))
      .map((k) => k.slice(ROLE_PREFIX.length))
      .sort();
  }

  /** The ECS server's bearer token, if stored. */
  getEcsBearerToken(): Promise<string | undefined> {
    return this.#get(STORE_KEYS.ecsBearerToken, textCodec);
  }

  /** Stores the ECS server's bearer token. */
  putEcsBearerToken(value: string): Promise<void> {
    return this.#put(STORE_KEYS.ecsBearerToken, textCodec, value);
  }

  /** Deletes the ECS server's bearer token. */
  deleteEcsBearerToken(): Promise<boolean> {
    return this.#delete(STORE_KEYS.ecsBearerToken);
  }

  /** Read-modify-write of the ECS bearer token (e.g. create one only if none exists yet). */
  updateEcsBearerToken(
    fn: (current: string | undefined) => string | undefined | Promise<string | undefined>,
  ): Promise<string | undefined> {
    return this.#update(STORE_KEYS.ecsBearerToken, textCodec, fn);
  }

  /** The ECS server's admin credential, if stored. */
  getEcsAdminToken(): Promise<string | undefined> {
    return this.#get(STORE_KEYS.ecsAdminToken, textCodec);
  }

  /** Deletes the ECS server's admin credential. */
  deleteEcsAdminToken(): Promise<boolean> {
    return this.#delete(STORE_KEYS.ecsAdminToken);
  }

  /** Read-modify-write of the ECS admin credential (create one only if none exists yet). */
  updateEcsAdminToken(
    fn: (current: string | undefined) => string | undefined | Promise<string | undefined>,
  ): Promise<string | undefined> {
    return this.#update(STORE_KEYS.ecsAdminToken, textCodec, fn);
  }

  /** The ECS server's TLS private key (PEM), if stored. */
  getEcsPrivateKey(): Promise<string | undefined> {
    return this.#get(STORE_KEYS.ecsPrivateKey, textCodec);
  }

  /** Stores the ECS server's TLS private key (PEM). */
  putEcsPrivateKey(value: string): Promise<void> {
    return this.#put(STORE_KEYS.ecsPrivateKey, textCodec, value);
  }

  /** Deletes the ECS server's TLS private key. */
  deleteEcsPrivateKey(): Promise<boolean> {
    return this.#delete(STORE_KEYS.ecsPrivateKey);
  }

  /** The ECS server's TLS certificate chain (PEM), if stored. */
  getEcsCertChain(): Promise<string | undefined> {
    return this.#get(STORE_KEYS.ecsCertChain, textCodec);
  }

  /** Stores the ECS server's TLS certificate chain (PEM). */
  putEcsCertChain(value: string): Promise<void> {
    return this.#put(STORE_KEYS.ecsCertChain, textCodec, value);
  }

  /** Deletes the ECS server's TLS certificate chain. */
  deleteEcsCertChain(): Promise<boolean> {
    return this.#delete(STORE_KEYS.ecsCertChain);
  }

  /** The note left by an earlier import of the AWS SSO CLI session of `instance`, if any. */
  async getReferenceImport(instance: string): Promise<ReferenceImportNote | undefined> {
    const bytes = await this.#backend.get(STORE_KEYS.referenceImport(instance));
    const o = bytes === undefined ? undefined : jsonObject(bytes);
    if (o === undefined) return undefined;
    return { importedAt: stringField(o, "importedAt") ?? "", from: stringField(o, "from") ?? "" };
  }

  /**
   * Takes over a session imported from the AWS SSO CLI, under the store lock, all or nothing
   * as far as this tool is concerned: it writes only while `instance` still has no token and
   * was never imported before (so a login made meanwhile, or a later logout, wins), then
   * leaves the import note. Returns false when it wrote nothing.
   */
  importSession(instance: string, session: ImportedSession): Promise<boolean> {
    return this.#locked(async () => {
      const b = this.#backend;
      if (await b.get(STORE_KEYS.token(instance)) !== undefined) return false;
      if (await b.get(STORE_KEYS.referenceImport(instance)) !== undefined) return false;
      const log = this.#options.logger;
      if (session.registration !== undefined) {
        for (const s of registrationCodec.secrets(session.registration)) log.secret(s);
        await b.set(
          STORE_KEYS.clientData(instance),
          registrationCodec.encode(session.registration),
        );
      }
      for (const [arn, creds] of session.roleCredentials) {
        const key = STORE_KEYS.roleCredentials(arn);
        if (await b.get(key) !== undefined) continue;
        for (const s of roleCodec.secrets(creds)) log.secret(s);
        await b.set(key, roleCodec.encode(creds));
      }
      for (const s of tokenCodec.secrets(session.token)) log.secret(s);
      await b.set(STORE_KEYS.token(instance), tokenCodec.encode(session.token));
      const note: ReferenceImportNote = {
        importedAt: new Date(session.nowMs).toISOString().replace(/\.\d{3}Z$/, "Z"),
        from: session.from,
      };
      await b.set(STORE_KEYS.referenceImport(instance), encoder.encode(JSON.stringify(note)));
      return true;
    });
  }

  /** Runs `fn` holding the store lock (for multi-key changes made with the methods above). */
  withLock<T>(fn: () => Promise<T>): Promise<T> {
    return this.#locked(fn);
  }

  async #get<T>(key: string, codec: Codec<T>): Promise<T | undefined> {
    const bytes = await this.#backend.get(key);
    if (bytes === undefined) return undefined;
    if (codec.owns !== undefined && !codec.owns(bytes)) {
      this.#options.logger.debug("The secure store entry belongs to another Identity Center", {
        key,
      });
      return undefined;
    }
    const value = codec.parse(bytes);
    if (value === undefined) {
      this.#options.logger.warn(`Ignoring a damaged entry in the secure store`, { key });
      return undefined;
    }
    for (const s of codec.secrets(value)) this.#options.logger.secret(s);
    return value;
  }

  #put<T>(key: string, codec: Codec<T>, value: T): Promise<void> {
    for (const s of codec.secrets(value)) this.#options.logger.secret(s);
    return this.#locked(() => this.#backend.set(key, codec.encode(value)));
  }

  #delete<T>(key: string, codec?: Codec<T>): Promise<boolean> {
    return this.#locked(async () => {
      // An entry the codec refuses (another Identity Center's) is not this caller's to delete;
      // a damaged one is.
      if (codec?.owns !== undefined) {
        const bytes = await this.#backend.get(key);
        if (bytes !== undefined && !codec.owns(bytes)) return false;
      }
      return await this.#backend.delete(key);
    });
  }

  #update<T>(
    key: string,
    codec: Codec<T>,
    fn: (current: T | undefined) => T | undefined | Promise<T | undefined>,
  ): Promise<T | undefined> {
    return this.#locked(async () => {
      const current = await this.#get(key, codec);
      const next = await fn(current);
      if (next === undefined) {
        if (current !== undefined) await this.#backend.delete(key);
        return undefined;
      }
      for (const s of codec.secrets(next)) this.#options.logger.secret(s);
      await this.#backend.set(key, codec.encode(next));
      return next;
    });
  }

  /** Runs `fn` after this process's earlier writers, holding the cross-process lock. */
  #locked<T>(fn: () => Promise<T>): Promise<T> {
    const run = async () =>
      await withLock(this.#options.lockPath, {
        purpose: "writing the secure store",
        clock: this.#options.clock,
        timeoutMs: this.#options.lockTimeoutMs ?? 30_000,
        onWait: this.#options.onLockWait,
      }, fn);
    const result = this.#queue.then(run, run);
    this.#queue = result.catch(() => {});
    return result;
  }
}
