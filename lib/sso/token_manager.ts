/**
 * The SSO token lifecycle of one instance (docs/design.md §2.1).
 *
 * - A stored token is used while more than 60 s remain, and refreshed with its refresh token
 *   once fewer than 15 minutes remain (before it expires, not after).
 * - Registrations, refreshes and browser logins run under a per-instance cross-process lock;
 *   whoever gets the lock re-reads the token first, so when many processes need a token at once
 *   exactly one of them talks to AWS and the others reuse its result.
 * - A refresh that fails leaves the user "not logged in" unless the caller may log in
 *   interactively (the `login` command, `AutoLogin`, `--auto-login`).
 * - A refresh that fails for a transient reason (an outage) is shared with the processes that
 *   waited for the lock (lib/shared_failure.ts): they end with the same error (or keep using
 *   the current token while it lasts) instead of each retrying the outage again.
 *
 * @module
 */
import type { EndpointOptions } from "../aws/endpoints.ts";
import type { Clock } from "../clock.ts";
import { isTransient } from "../aws/retry.ts";
import { AwsApiError, errorMessage, NotLoggedInError } from "../errors.ts";
import { withLock } from "../file_lock.ts";
import type { Logger } from "../logger.ts";
import type { ClientRegistration, SecureStore, SsoToken } from "../secure_store.ts";
import { SharedFailure } from "../shared_failure.ts";
import type { AuthWorkflow } from "../settings/settings.ts";
import { deviceLogin, type LoginInterface, pkceLogin } from "./login_flow.ts";
import {
  AUTHORIZATION_CODE_GRANT,
  DEVICE_CODE_GRANT,
  LOOPBACK_REDIRECT_URI,
  type OidcClient,
  type OidcToken,
  REFRESH_TOKEN_GRANT,
  SSO_SCOPE,
} from "./oidc_client.ts";

/** A token is usable while more than this remains. */
export const VALID_MARGIN_MS = 60_000;
/** A token is refreshed once fewer than this remain. */
export const REFRESH_BEFORE_MS = 15 * 60_000;
/** A registration is replaced once its secret expires within this. */
export const REGISTRATION_MARGIN_MS = 60 * 60_000;
/** How long a login waits for another process's login (the browser wait is 5 minutes). */
export const LOGIN_LOCK_TIMEOUT_MS = 6 * 60_000;
/** How long a caller that may not log in waits for another process's refresh or login. */
export const REFRESH_LOCK_TIMEOUT_MS = 90_000;

/** Where a returned token came from. */
export type TokenSource = "cached" | "refreshed" | "login";

/** A usable token and where it came from. */
export interface TokenResult {
  /** The token (more than 60 s left). */
  token: SsoToken;
  /** `cached`: no call to AWS was needed (or another process made it). */
  source: TokenSource;
}

/** Options for {@link TokenManager}. */
export interface TokenManagerOptions {
  /** The SSO instance. */
  instance: { name: string; startUrl: string; ssoRegion: string };
  /** `AuthWorkflow`. */
  workflow: AuthWorkflow;
  /** The secure store. */
  store: SecureStore;
  /** OIDC client for the instance's region. */
  oidc: OidcClient;
  /** Endpoint overrides (for the authorize URL). */
  endpoints: EndpointOptions;
  /** Time source. */
  clock: Clock;
  /** Logger. */
  logger: Logger;
  /** The per-instance lock file, see {@link loginLockPath}. */
  lockPath: string;
  /** Called once after a 2 s wait for the lock, with the holder's description. */
  onLockWait?: (holder: string) => void;
  /** The user interface for interactive logins; without it no login can start. */
  login?: LoginInterface;
  /** Ends the portal session of a token (sso:Logout). */
  portalLogout?: (accessToken: string) => Promise<void>;
  /**
   * Called when the store has no token for the instance, before anything else: may put one
   * there (the AWS SSO CLI session import, lib/reference_session). Must not throw.
   */
  importSession?: () => Promise<void>;
  /** The hint given with "not logged in" (default `run "aws-sso login"`). */
  loginHint?: string;
  /** Lock wait when logging in (default {@link LOGIN_LOCK_TIMEOUT_MS}). */
  loginLockTimeoutMs?: number;
  /** Lock wait when only a refresh is allowed (default {@link REFRESH_LOCK_TIMEOUT_MS}). */
  refreshLockTimeoutMs?: number;
  /** How long a refresh's transient failure is shared with waiting processes (default 30 s). */
  sharedFailureTtlMs?: number;
}

/**
 * The lock file of an instance's logins: `<lockDir>/login-<Instance>.lock` (unusual characters
 * in the instance name become `_`).
 *
 * @example
 * ```ts
 * loginLockPath("/home/me/.config/aws-sso/locks", "Default"); // ".../locks/login-Default.lock"
 * ```
 */
export function loginLockPath(lockDir: string, instance: string): string {
  return `${lockDir}/login-${instance.replace(/[^A-Za-z0-9._-]/g, "_")}.lock`;
}

/**
 * The grant types a workflow registers with; never both code grants (AWS rejects the mix).
 *
 * @example
 * ```ts
 * grantTypesFor("pkce"); // ["authorization_code", "refresh_token"]
 * ```
 */
export function grantTypesFor(workflow: AuthWorkflow): string[] {
  return workflow === "pkce"
    ? [AUTHORIZATION_CODE_GRANT, REFRESH_TOKEN_GRANT]
    : [DEVICE_CODE_GRANT, REFRESH_TOKEN_GRANT];
}

/** The grant types of a stored registration; older ones without the field are device-code only. */
function grantsOf(reg: ClientRegistration): string[] {
  return reg.grantTypes ?? [DEVICE_CODE_GRANT];
}

/**
 * True when a stored registration can start a login with `workflow` at `nowMs`: it has the
 * workflow's grants, is not the broken kind with more than two, and its secret is valid for
 * more than an hour.
 */
export function registrationUsable(
  reg: ClientRegistration,
  workflow: AuthWorkflow,
  nowMs: number,
): boolean {
  const grants = grantsOf(reg);
  if (grants.length > 2) return false;
  if (!grantTypesFor(workflow).every((g) => grants.includes(g))) return false;
  return reg.clientSecretExpiresAt * 1000 > nowMs + REGISTRATION_MARGIN_MS;
}

/**
 * Formats epoch ms as UTC RFC3339 without fractions.
 *
 * @example
 * ```ts
 * rfc3339Utc(0); // "1970-01-01T00:00:00Z"
 * ```
 */
export function rfc3339Utc(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** Milliseconds left before `token` expires (negative once expired). */
export function tokenRemainingMs(token: SsoToken, nowMs: number): number {
  const at = Date.parse(token.expiresAt);
  return Number.isNaN(at) ? -1 : at - nowMs;
}

/** The stored form of a CreateToken answer received at `nowMs`. */
export function storedToken(t: OidcToken, nowMs: number, previousRefresh?: string): SsoToken {
  const token: SsoToken = {
    accessToken: t.accessToken,
    expiresIn: t.expiresIn,
    expiresAt: rfc3339Utc(nowMs + t.expiresIn * 1000),
  };
  if (t.idToken !== undefined) token.IdToken = t.idToken;
  // AWS does not always return a new refresh token: the old one stays valid.
  const refresh = t.refreshToken ?? previousRefresh;
  if (refresh !== undefined) token.RefreshToken = refresh;
  if (t.tokenType !== undefined) token.tokenType = t.tokenType;
  return token;
}

/** An AWS answer that will not change on retry (the grant or client was refused). */
function isRefusal(e: unknown): boolean {
  return e instanceof AwsApiError && e.status !== undefined && e.status >= 400 &&
    e.status < 500 && e.status !== 429;
}

/** Gets, refreshes, logs in and logs out the SSO token of one instance. */
export class TokenManager {
  readonly #o: TokenManagerOptions;

  /** Creates the manager; nothing is read until first use. */
  constructor(options: TokenManagerOptions) {
    this.#o = options;
  }

  /** The stored token if it is usable (more than 60 s left), with no lock and no network. */
  async currentToken(): Promise<SsoToken | undefined> {
    const token = await this.#o.store.getToken(this.#o.instance);
    return token !== undefined && tokenRemainingMs(token, this.#o.clock.now()) > VALID_MARGIN_MS
      ? token
      : undefined;
  }

  /**
   * Returns a usable token: the stored one, refreshed when fewer than 15 minutes remain, or,
   * when `interactive`, a new login. Throws {@link NotLoggedInError} otherwise; `purpose`
   * ("get credentials for arn:...") goes into its message.
   */
  async ensureToken(
    options: { interactive?: boolean; purpose?: string } = {},
  ): Promise<TokenResult> {
    const { store, instance, clock } = this.#o;
    let before = await store.getToken(instance);
    if (before === undefined && this.#o.importSession !== undefined) {
      await this.#o.importSession();
      before = await store.getToken(instance);
    }
    if (before !== undefined && tokenRemainingMs(before, clock.now()) > REFRESH_BEFORE_MS) {
      return { token: before, source: "cached" };
    }
    const interactive = options.interactive === true && this.#o.login !== undefined;
    return await this.#locked(interactive, async () => {
      const now = clock.now();
      const current = await store.getToken(instance);
      if (current !== undefined) {
        const left = tokenRemainingMs(current, now);
        if (left > REFRESH_BEFORE_MS) return { token: current, source: "cached" };
        // Another process refreshed or logged in while this one waited for the lock.
        if (left > VALID_MARGIN_MS && current.accessToken !== before?.accessToken) {
          return { token: current, source: "cached" };
        }
        const refreshed = await this.#refresh(current, left);
        if (refreshed !== undefined) return { token: refreshed, source: "refreshed" };
        if (left > VALID_MARGIN_MS) return { token: current, source: "cached" };
      }
      if (!interactive) throw this.#notLoggedIn(current !== undefined, options.purpose);
      return { token: await this.#login(), source: "login" };
    });
  }

  /**
   * `login --force`: ends the current session (sso:Logout; a failure is only a warning),
   * forgets the token and logs in again.
   */
  async forceLogin(): Promise<TokenResult> {
    if (this.#o.login === undefined) throw this.#notLoggedIn(false);
    return await this.#locked(true, async () => {
      const current = await this.#o.store.getToken(this.#o.instance);
      if (current !== undefined) await this.#endSession(current);
      await this.#o.store.deleteToken(this.#o.instance);
      return { token: await this.#login(), source: "login" };
    });
  }

  /**
   * Deletes the stored token and ends its portal session (the browser's too). The client
   * registration is kept. Throws {@link NotLoggedInError} when there is no token.
   */
  async logout(): Promise<void> {
    await this.#locked(false, async () => {
      const current = await this.#o.store.getToken(this.#o.instance);
      if (current === undefined) {
        throw new NotLoggedInError(
          `You are not logged in to AWS SSO instance ${this.#o.instance.name}`,
        );
      }
      await this.#o.store.deleteToken(this.#o.instance);
      await this.#endSession(current);
    });
  }

  async #endSession(token: SsoToken): Promise<void> {
    const logout = this.#o.portalLogout;
    if (logout === undefined || tokenRemainingMs(token, this.#o.clock.now()) <= 0) return;
    try {
      await logout(token.accessToken);
    } catch (e) {
      this.#o.logger.warn("Unable to end the AWS SSO session", { error: errorMessage(e) });
    }
  }

  #locked<T>(interactive: boolean, fn: () => Promise<T>): Promise<T> {
    const name = this.#o.instance.name;
    return withLock(this.#o.lockPath, {
      purpose: interactive
        ? `logging in to AWS SSO instance ${name}`
        : `refreshing the SSO token of instance ${name}`,
      clock: this.#o.clock,
      timeoutMs: interactive
        ? this.#o.loginLockTimeoutMs ?? LOGIN_LOCK_TIMEOUT_MS
        : this.#o.refreshLockTimeoutMs ?? REFRESH_LOCK_TIMEOUT_MS,
      onWait: this.#o.onLockWait,
    }, fn);
  }

  /** Refreshes with the refresh token; undefined when that is impossible or refused. */
  async #refresh(current: SsoToken, leftMs: number): Promise<SsoToken | undefined> {
    const { store, instance, clock, logger, oidc } = this.#o;
    const refreshToken = current.RefreshToken;
    if (refreshToken === undefined) return undefined;
    const reg = await store.getRegistration(instance);
    if (
      reg === undefined || !grantsOf(reg).includes(REFRESH_TOKEN_GRANT) ||
      reg.clientSecretExpiresAt * 1000 <= clock.now() + VALID_MARGIN_MS
    ) {
      logger.debug("The client registration cannot refresh tokens");
      return undefined;
    }
    // In an outage, the holder before this one has just spent a retry cycle failing.
    const failures = new SharedFailure(this.#o.lockPath, {
      clock,
      ttlMs: this.#o.sharedFailureTtlMs,
    });
    const failed = await failures.recent();
    if (failed !== undefined) {
      logger.debug("Another process failed to refresh the SSO token moments ago", {
        error: failed.message,
      });
      if (leftMs > VALID_MARGIN_MS) return undefined;
      throw failed;
    }
    if (leftMs > 0) {
      logger.debug("Refreshing the SSO token before it expires", {
        minutesLeft: Math.floor(leftMs / 60_000),
      });
    } else {
      logger.info("Cached SSO token has expired. Refreshing it...");
    }
    try {
      const t = await oidc.createToken(reg, { grantType: "refresh_token", refreshToken });
      const token = storedToken(t, clock.now(), refreshToken);
      await store.putToken(instance, token);
      await failures.clear();
      return token;
    } catch (e) {
      if (e instanceof AwsApiError && isTransient(e)) await failures.record(e);
      if (!isRefusal(e)) {
        // A network or server problem: the session may be fine; say what happened.
        if (leftMs > VALID_MARGIN_MS) {
          logger.warn("Could not refresh the SSO token; using the current one", {
            error: errorMessage(e),
          });
          return undefined;
        }
        throw e;
      }
      logger.debug("AWS refused the refresh token", { error: errorMessage(e) });
      // Do not try the dead refresh token again; keep the access token while it lasts.
      await store.updateToken(
        instance.name,
        (t) =>
          t !== undefined && t.accessToken === current.accessToken
            ? { ...t, RefreshToken: undefined }
            : t,
      );
      return undefined;
    }
  }

  async #register(): Promise<ClientRegistration> {
    const { store, instance, oidc, workflow, logger } = this.#o;
    const grantTypes = grantTypesFor(workflow);
    logger.debug("Registering a new OIDC client", { workflow });
    const r = await oidc.registerClient(
      workflow === "pkce"
        ? {
          issuerUrl: instance.startUrl,
          grantTypes,
          scopes: [SSO_SCOPE],
          redirectUris: [LOOPBACK_REDIRECT_URI],
        }
        : { issuerUrl: instance.startUrl, grantTypes },
    );
    const reg: ClientRegistration = { ...r, grantTypes };
    await store.putRegistration(instance, reg);
    return reg;
  }

  async #login(): Promise<SsoToken> {
    const o = this.#o;
    const ui = o.login!;
    let reg = await o.store.getRegistration(o.instance);
    if (reg === undefined || !registrationUsable(reg, o.workflow, o.clock.now())) {
      reg = await this.#register();
    }
    const deps = {
      ...ui,
      oidc: o.oidc,
      instance: o.instance,
      endpoints: o.endpoints,
      clock: o.clock,
      logger: o.logger,
    };
    const t = o.workflow === "pkce"
      ? await pkceLogin(deps, reg)
      : await deviceLogin(deps, reg, () => this.#register());
    const token = storedToken(t, o.clock.now());
    await o.store.putToken(o.instance, token);
    return token;
  }

  #notLoggedIn(hadToken: boolean, purpose?: string): NotLoggedInError {
    const name = this.#o.instance.name;
    const why = hadToken ? "the SSO session expired" : "you are not logged in to AWS SSO";
    const message = purpose !== undefined
      ? `Cannot ${purpose}: ${why}`
      : hadToken
      ? `The SSO session of instance ${name} expired`
      : `You are not logged in to AWS SSO instance ${name}`;
    return new NotLoggedInError(message, {
      hints: [
        this.#o.loginHint ?? 'run "aws-sso login"',
        "or set AutoLogin: true in config.yaml to log in automatically when needed",
      ],
    });
  }
}
