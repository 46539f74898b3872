/**
 * Role credentials (docs/design.md §2.3): served from the secure store while at
 * least 20 minutes remain, otherwise fetched again — sso:GetRoleCredentials for a role of the
 * SSO portal, sts:AssumeRole from the `Via` role's credentials for a chained one — under a
 * per-role cross-process lock, so that parallel `credential_process` runs for one role make
 * one AWS call and all get the same credentials — or, in an outage, all get the same error
 * within one retry cycle (lib/shared_failure.ts).
 *
 * Why 20 and 15 minutes: botocore re-runs a `credential_process` on every credential read once
 * fewer than 15 minutes remain, so handing out credentials that close to expiry would make every
 * AWS call spawn aws-sso. Cached credentials are therefore replaced at 20 minutes, and cached
 * ones are never returned with less. Fresh ones from AWS are returned even when AWS itself issued
 * them for less than 15 minutes (nothing better exists), with a warning.
 *
 * ```ts
 * declare const deps: RoleCredentialDeps; // store, accessToken, getRoleCredentials, assumeRole,
 * //                                          chainOf, clock, logger, lockDir
 * const provider = new RoleCredentialProvider(deps);
 * const creds = await provider.get("arn:aws:iam::012345678901:role/Admin");
 * ```
 *
 * @module
 */
import type { SigningCredentials } from "../aws/sigv4.ts";
import type { AssumeRoleRequest, StsCredentials } from "../aws/sts_client.ts";
import { parseRoleArn, roleArn } from "../arn.ts";
import type { Clock } from "../clock.ts";
import { isTransient } from "../aws/retry.ts";
import { AwsApiError, AwsSsoError, errorMessage } from "../errors.ts";
import { withLock } from "../file_lock.ts";
import type { Logger } from "../logger.ts";
import type { StoredRoleCredentials } from "../secure_store.ts";
import { SharedFailure } from "../shared_failure.ts";
import type { PortalRoleCredentials } from "../sso/portal_client.ts";
import { REFRESH_BEFORE_MS, reusableFromStore } from "./stored_role_credentials.ts";

/** Credentials for one role, with the role they belong to. */
export interface RoleCredentials {
  /** Access key id. */
  accessKeyId: string;
  /** Secret access key. */
  secretAccessKey: string;
  /** Session token. */
  sessionToken: string;
  /** Expiry, epoch ms. */
  expiration: number;
  /** True when obtained with sts:AssumeRole from other role credentials (`Via`). */
  roleChaining: boolean;
  /** 12-digit account id. */
  accountId: string;
  /** Role name. */
  roleName: string;
  /** Canonical role ARN `arn:aws:iam::<12 digits>:role/<RoleName>`. */
  arn: string;
}

/** How a chained role is obtained (config.yaml `Via`, `ExternalId`, `SourceIdentity`). */
export interface ChainLink {
  /** ARN of the role whose credentials assume this one. */
  via: string;
  /** Passed to sts:AssumeRole. */
  externalId?: string;
  /** Passed to sts:AssumeRole. */
  sourceIdentity?: string;
}

/** Where cached credentials live (a subset of lib/secure_store.ts SecureStore). */
export interface RoleCredentialStore {
  /** Cached credentials of `arn`, if any. */
  getRoleCredentials(arn: string): Promise<StoredRoleCredentials | undefined>;
  /** Stores credentials of `arn`. */
  putRoleCredentials(arn: string, value: StoredRoleCredentials): Promise<void>;
}

/** Everything the provider needs, injected. */
export interface RoleCredentialDeps {
  /** The secure store. */
  store: RoleCredentialStore;
  /** A usable SSO access token; called only when a role must be fetched from the portal. */
  accessToken(arn: string): Promise<string>;
  /** sso:GetRoleCredentials. */
  getRoleCredentials(
    accessToken: string,
    accountId: string,
    roleName: string,
  ): Promise<PortalRoleCredentials>;
  /** sts:AssumeRole with `source` as the caller. */
  assumeRole(source: SigningCredentials, request: AssumeRoleRequest): Promise<StsCredentials>;
  /** The `Via` link of a role (canonical ARN), undefined for a role served by the portal. */
  chainOf(arn: string): ChainLink | undefined;
  /** Time source. */
  clock: Clock;
  /** Logger (never given a secret in clear). */
  logger: Logger;
  /** Directory of the per-role lock files. */
  lockDir: string;
  /** Give up waiting for another process's fetch after this many ms (default 5 minutes). */
  lockTimeoutMs?: number;
  /** How long a fetch's transient failure is shared with waiting processes (default 30 s). */
  sharedFailureTtlMs?: number;
  /** Called once when a wait for another process has lasted 2 s, with the holder. */
  onLockWait?: (holder: string) => void;
  /** Called after credentials were fetched from AWS and stored (e.g. to record the expiry). */
  onFetched?: (creds: RoleCredentials) => void | Promise<void>;
}

/** Options of {@link RoleCredentialProvider.get}. */
export interface GetRoleCredentialsOptions {
  /** `--sts-refresh`: fetch new credentials whatever the store holds (the whole Via chain). */
  forceRefresh?: boolean;
}

export { REFRESH_BEFORE_MS };
/** Credentials with fewer ms left than this are never handed out from the cache. */
export const MIN_VALIDITY_MS = 15 * 60_000;
/** Session length asked of AssumeRole; AWS caps role chaining at one hour. */
export const CHAINED_DURATION_SEC = 3600;

const DEFAULT_LOCK_TIMEOUT_MS = 5 * 60_000;

/** A role chain that leads back to itself. */
export class RoleChainLoopError extends AwsSsoError {}

/**
 * The canonical ARN of a role ARN written in any accepted form.
 *
 * @example
 * ```ts
 * canonicalRoleArn("12345:Admin"); // "arn:aws:iam::000000012345:role/Admin"
 * ```
 */
export function canonicalRoleArn(arn: string): string {
  const ref = parseRoleArn(arn);
  return roleArn(ref.accountId, ref.roleName);
}

/**
 * The chain of roles behind `arn`: `[arn, via, via's via, ...]`, ending with a portal role.
 * Throws {@link RoleChainLoopError} naming the chain when it loops, AwsSsoError for a bad Via.
 *
 * @example
 * ```ts
 * const links: Record<string, ChainLink> = {
 *   "arn:aws:iam::111111111111:role/A": { via: "arn:aws:iam::222222222222:role/B" },
 * };
 * roleChain("arn:aws:iam::111111111111:role/A", (a) => links[a]);
 * // ["arn:aws:iam::111111111111:role/A", "arn:aws:iam::222222222222:role/B"]
 * ```
 */
export function roleChain(arn: string, chainOf: (arn: string) => ChainLink | undefined): string[] {
  const chain = [canonicalRoleArn(arn)];
  for (;;) {
    const current = chain[chain.length - 1]!;
    const link = chainOf(current);
    if (link === undefined) return chain;
    let via: string;
    try {
      via = canonicalRoleArn(link.via);
    } catch (e) {
      throw new AwsSsoError(`invalid Via '${link.via}' for ${current}: ${errorMessage(e)}`, {
        hints: ["set Via in config.yaml to the ARN of the role to assume this one from"],
      });
    }
    if (chain.includes(via)) {
      throw new RoleChainLoopError(
        `role chain loop: ${[...chain, via].join(" -> ")}`,
        { hints: ["fix the Via settings in config.yaml so the chain ends at an SSO role"] },
      );
    }
    chain.push(via);
  }
}

/** The lock file that serialises fetches of `arn` across processes. */
export async function roleLockPath(lockDir: string, arn: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(arn));
  const hex = Array.from(
    new Uint8Array(digest).slice(0, 12),
    (b) => b.toString(16).padStart(2, "0"),
  )
    .join("");
  return `${lockDir}/role-${hex}.lock`;
}

/** Serves role credentials from the store, fetching them once across processes when needed. */
export class RoleCredentialProvider {
  readonly #deps: RoleCredentialDeps;
  readonly #inflight = new Map<string, Promise<RoleCredentials>>();

  /** Creates the provider. */
  constructor(deps: RoleCredentialDeps) {
    this.#deps = deps;
  }

  /**
   * Credentials for `arn` (any accepted ARN form) with at least 20 minutes left when they come
   * from the store. Concurrent calls for one role in this process share one result.
   */
  get(arn: string, options: GetRoleCredentialsOptions = {}): Promise<RoleCredentials> {
    let canonical: string;
    try {
      canonical = canonicalRoleArn(arn);
      // Validate the whole chain before touching the store or the network.
      roleChain(canonical, this.#deps.chainOf);
    } catch (e) {
      return Promise.reject(e);
    }
    const force = options.forceRefresh === true;
    const key = `${force ? "force" : "cached"}:${canonical}`;
    let pending = this.#inflight.get(key);
    if (pending === undefined) {
      pending = this.#get(canonical, force).finally(() => this.#inflight.delete(key));
      this.#inflight.set(key, pending);
    }
    return pending;
  }

  #usable(creds: StoredRoleCredentials | undefined): creds is StoredRoleCredentials {
    return creds !== undefined && reusableFromStore(creds.expiration, this.#deps.clock.now());
  }

  async #get(arn: string, force: boolean): Promise<RoleCredentials> {
    const d = this.#deps;
    const before = await d.store.getRoleCredentials(arn);
    if (!force && this.#usable(before)) return withArn(arn, before);
    const link = d.chainOf(arn);
    // Get the SSO token before the role lock: a login or token refresh has its own lock.
    const token = link === undefined ? await d.accessToken(arn) : undefined;
    const lockPath = await roleLockPath(d.lockDir, arn);
    return await withLock(lockPath, {
      purpose: `getting credentials for ${arn}`,
      clock: d.clock,
      timeoutMs: d.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS,
      onWait: d.onLockWait,
    }, async () => {
      // Another process may have fetched while this one waited for the lock.
      const current = await d.store.getRoleCredentials(arn);
      if (
        this.#usable(current) && (!force || current.accessKeyId !== before?.accessKeyId)
      ) {
        d.logger.debug("Using role credentials another process fetched", { arn });
        return withArn(arn, current);
      }
      // In an outage, the holder before this one has just spent a retry cycle failing.
      const failures = new SharedFailure(lockPath, {
        clock: d.clock,
        ttlMs: d.sharedFailureTtlMs,
      });
      const failed = await failures.recent();
      if (failed !== undefined) {
        d.logger.debug("Another process failed to get these credentials moments ago", { arn });
        throw failed;
      }
      let fetched: RoleCredentials;
      try {
        fetched = link === undefined
          ? await this.#fromPortal(arn, token!)
          : await this.#assume(arn, link, force);
      } catch (e) {
        if (e instanceof AwsApiError && isTransient(e)) await failures.record(e);
        throw e;
      }
      await failures.clear();
      d.logger.secret(fetched.secretAccessKey);
      d.logger.secret(fetched.sessionToken);
      const left = fetched.expiration - d.clock.now();
      if (left < MIN_VALIDITY_MS) {
        d.logger.warn(
          `AWS issued credentials for ${arn} that expire in ${
            Math.max(0, Math.floor(left / 60_000))
          } minutes; AWS tools will ask for new ones on every call`,
        );
      }
      try {
        const { arn: _arn, ...stored } = fetched;
        await d.store.putRoleCredentials(arn, stored);
      } catch (e) {
        d.logger.warn(
          `Unable to cache the role credentials in the secure store: ${errorMessage(e)}`,
          { arn },
        );
      }
      try {
        await d.onFetched?.(fetched);
      } catch (e) {
        d.logger.warn(`Unable to record the credential expiry: ${errorMessage(e)}`, { arn });
      }
      return fetched;
    });
  }

  async #fromPortal(arn: string, token: string): Promise<RoleCredentials> {
    const ref = parseRoleArn(arn);
    this.#deps.logger.debug("Fetching role credentials from AWS SSO", { arn });
    const c = await this.#deps.getRoleCredentials(token, ref.accountId, ref.roleName);
    return {
      accessKeyId: c.accessKeyId,
      secretAccessKey: c.secretAccessKey,
      sessionToken: c.sessionToken,
      expiration: c.expiration,
      roleChaining: false,
      accountId: ref.accountId,
      roleName: ref.roleName,
      arn,
    };
  }

  async #assume(arn: string, link: ChainLink, force: boolean): Promise<RoleCredentials> {
    const source = await this.get(link.via, { forceRefresh: force });
    const ref = parseRoleArn(arn);
    const via = parseRoleArn(source.arn);
    this.#deps.logger.debug("Assuming role through Via", { arn, via: source.arn });
    const c = await this.#deps.assumeRole(source, {
      roleArn: arn,
      // The reference's session name: <viaRoleName>@<viaAccount>, within STS's 64 characters.
      roleSessionName: `${via.roleName}@${via.accountId}`.slice(0, 64),
      durationSeconds: CHAINED_DURATION_SEC,
      externalId: link.externalId,
      sourceIdentity: link.sourceIdentity,
    });
    return {
      accessKeyId: c.accessKeyId,
      secretAccessKey: c.secretAccessKey,
      sessionToken: c.sessionToken,
      expiration: c.expiration,
      roleChaining: true,
      accountId: ref.accountId,
      roleName: ref.roleName,
      arn,
    };
  }
}

function withArn(arn: string, stored: StoredRoleCredentials): RoleCredentials {
  const ref = parseRoleArn(arn);
  return {
    accessKeyId: stored.accessKeyId,
    secretAccessKey: stored.secretAccessKey,
    sessionToken: stored.sessionToken,
    expiration: stored.expiration,
    roleChaining: stored.roleChaining,
    accountId: ref.accountId,
    roleName: ref.roleName,
    arn,
  };
}
