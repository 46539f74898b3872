/**
 * An SSO access token from the AWS CLI's own token cache (`aws sso login`), for `--aws-profile`.
 *
 * - A cached token with more than 15 minutes left is used as is (no lock, no network).
 * - With fewer left, and a refresh token plus a client registration in the file that has not
 *   expired, it is refreshed with `CreateToken(refresh_token)` — as the AWS CLI does — and the
 *   file is rewritten in the AWS CLI's format (every other field kept, UTC `Z` timestamps, 0600,
 *   atomic replace), so `aws` keeps working with it.
 * - Otherwise the token is used while more than 60 s remain; after that the caller is not
 *   logged in: with `interactive` a browser login runs (PKCE or device code) and its token is
 *   written where the AWS CLI looks; without it, {@link NotLoggedInError} names the command.
 *
 * Refreshes and logins run under a cross-process lock (one per cache file), and whoever gets it
 * re-reads the file first, so parallel `credential_process` runs make one call to AWS.
 *
 * @module
 */
import type { EndpointOptions } from "../aws/endpoints.ts";
import { readTextFileIfExists, writeTextFileAtomic } from "../atomic_file.ts";
import type { Clock } from "../clock.ts";
import { AwsApiError, errorMessage, NotLoggedInError } from "../errors.ts";
import { withLock } from "../file_lock.ts";
import type { Logger } from "../logger.ts";
import type { ClientRegistration } from "../secure_store.ts";
import type { AuthWorkflow } from "../settings/settings.ts";
import {
  awsCliTimestamp,
  type AwsCliToken,
  parseAwsCliToken,
  renderAwsCliToken,
} from "./aws_cli_token_cache.ts";
import { deviceLogin, type LoginInterface, pkceLogin } from "./login_flow.ts";
import { LOOPBACK_REDIRECT_URI, type OidcClient, type OidcToken } from "./oidc_client.ts";
import {
  grantTypesFor,
  LOGIN_LOCK_TIMEOUT_MS,
  REFRESH_BEFORE_MS,
  REFRESH_LOCK_TIMEOUT_MS,
  VALID_MARGIN_MS,
} from "./token_manager.ts";

/** Reads and writes the cache file (tests may pass their own). */
export interface TokenFileIo {
  /** The file's text, or undefined when it does not exist. */
  read(path: string): Promise<string | undefined>;
  /** Replaces the file atomically with mode 0600. */
  write(path: string, text: string): Promise<void>;
}

/** The real file system. */
export const realTokenFileIo: TokenFileIo = {
  read: readTextFileIfExists,
  write: (path, text) => writeTextFileAtomic(path, text),
};

/** Everything {@link AwsCliTokenProvider} needs. */
export interface AwsCliTokenProviderOptions {
  /** The AWS profile (for messages) and its SSO settings. */
  profile: {
    name: string;
    startUrl: string;
    ssoRegion: string;
    registrationScopes: string[];
    loginCommand: string;
  };
  /** The cache file (`~/.aws/sso/cache/<sha1>.json`). */
  cachePath: string;
  /** The lock file serialising refreshes and logins of this cache file. */
  lockPath: string;
  /** OIDC client for the SSO region. */
  oidc: OidcClient;
  /** Endpoint overrides (the PKCE authorize URL follows `AWS_ENDPOINT_URL_SSO_OIDC`). */
  endpoints: EndpointOptions;
  /** Time source. */
  clock: Clock;
  /** Logger (every token is registered as a secret before anything can log it). */
  logger: Logger;
  /** The user interface and flow for interactive logins; without it no login can start. */
  login?: LoginInterface & { workflow: AuthWorkflow };
  /** Called once after a 2 s wait for the lock, with the holder's description. */
  onLockWait?: (holder: string) => void;
  /** File access (default the real file system). */
  io?: TokenFileIo;
}

/** An AWS answer that will not change on retry (the grant or client was refused). */
function isRefusal(e: unknown): boolean {
  return e instanceof AwsApiError && e.status !== undefined && e.status >= 400 &&
    e.status < 500 && e.status !== 429;
}

/** Provides the access token of one AWS CLI SSO session (or legacy profile). */
export class AwsCliTokenProvider {
  readonly #o: AwsCliTokenProviderOptions;
  readonly #io: TokenFileIo;

  /** Creates the provider; nothing is read until first use. */
  constructor(options: AwsCliTokenProviderOptions) {
    this.#o = options;
    this.#io = options.io ?? realTokenFileIo;
  }

  /**
   * A usable access token (see the module comment). Throws {@link NotLoggedInError} whose
   * message ends with the command to run when there is none and `interactive` is not set.
   */
  async accessToken(options: { interactive?: boolean } = {}): Promise<string> {
    const interactive = options.interactive === true && this.#o.login !== undefined;
    const before = await this.#read();
    const now = this.#o.clock.now();
    if (before.token !== undefined && before.token.expiresAtMs - now > REFRESH_BEFORE_MS) {
      return before.token.accessToken;
    }
    // Fail fast: nothing to refresh and no login allowed means no lock and no network.
    if (!interactive && !this.#canRefresh(before.token, now)) {
      if (before.token !== undefined && before.token.expiresAtMs - now > VALID_MARGIN_MS) {
        return before.token.accessToken;
      }
      throw this.#notLoggedIn(before.problem);
    }
    return await withLock(this.#o.lockPath, {
      purpose: interactive
        ? `logging in to AWS SSO for AWS profile ${this.#o.profile.name}`
        : `refreshing the AWS CLI's SSO token for AWS profile ${this.#o.profile.name}`,
      clock: this.#o.clock,
      timeoutMs: interactive ? LOGIN_LOCK_TIMEOUT_MS : REFRESH_LOCK_TIMEOUT_MS,
      onWait: this.#o.onLockWait,
    }, async () => {
      const current = await this.#read();
      const token = current.token;
      const at = this.#o.clock.now();
      if (token !== undefined) {
        const left = token.expiresAtMs - at;
        if (left > REFRESH_BEFORE_MS) return token.accessToken;
        // Another process (aws-sso or the AWS CLI) refreshed while this one waited.
        if (left > VALID_MARGIN_MS && token.accessToken !== before.token?.accessToken) {
          return token.accessToken;
        }
        if (this.#canRefresh(token, at)) {
          const refreshed = await this.#refresh(token, left);
          if (refreshed !== undefined) return refreshed;
        }
        if (left > VALID_MARGIN_MS) return token.accessToken;
      }
      if (!interactive) throw this.#notLoggedIn(current.problem);
      return await this.#login(current.fields);
    });
  }

  /** The file's token (registered as secrets), or why there is none. */
  async #read(): Promise<
    { token?: AwsCliToken; fields?: Record<string, unknown>; problem: string }
  > {
    const { logger, cachePath, profile } = this.#o;
    let text: string | undefined;
    try {
      text = await this.#io.read(cachePath);
    } catch (e) {
      logger.debug("cannot read the AWS CLI token cache", { error: errorMessage(e) });
      return { problem: "its cached token cannot be read" };
    }
    if (text === undefined) return { problem: "you are not logged in to AWS SSO" };
    const token = parseAwsCliToken(text);
    if (token === undefined) return { problem: "its cached token is not valid" };
    for (const s of [token.accessToken, token.refreshToken, token.clientSecret]) logger.secret(s);
    if (token.startUrl !== undefined && token.startUrl !== profile.startUrl) {
      logger.debug("the cached token belongs to another start URL", {
        cached: token.startUrl,
        wanted: profile.startUrl,
      });
      return {
        problem: `its cached token is for another start URL (${token.startUrl})`,
      };
    }
    return { token, fields: token.fields, problem: "the AWS SSO session expired" };
  }

  /** True when the file holds what `CreateToken(refresh_token)` needs, registration unexpired. */
  #canRefresh(token: AwsCliToken | undefined, now: number): boolean {
    return token !== undefined && token.refreshToken !== undefined &&
      token.clientId !== undefined && token.clientSecret !== undefined &&
      token.registrationExpiresAtMs !== undefined &&
      token.registrationExpiresAtMs - now > VALID_MARGIN_MS;
  }

  async #refresh(token: AwsCliToken, leftMs: number): Promise<string | undefined> {
    const { oidc, logger, clock, cachePath } = this.#o;
    logger.debug("Refreshing the AWS CLI's SSO token", {
      minutesLeft: Math.floor(leftMs / 60_000),
    });
    let t: OidcToken;
    try {
      t = await oidc.createToken(
        { clientId: token.clientId!, clientSecret: token.clientSecret! },
        { grantType: "refresh_token", refreshToken: token.refreshToken! },
      );
    } catch (e) {
      if (isRefusal(e)) {
        // The session ended (or the grant was revoked): the AWS CLI would fail the same way.
        logger.debug("AWS refused the refresh token", { error: errorMessage(e) });
        return undefined;
      }
      if (leftMs > VALID_MARGIN_MS) {
        logger.warn("Could not refresh the AWS CLI's SSO token; using the current one", {
          error: errorMessage(e),
        });
        return undefined;
      }
      throw e;
    }
    // Start from the file as re-read under the lock: fields aws-sso does not know are kept.
    const fields: Record<string, unknown> = { ...token.fields };
    fields.accessToken = t.accessToken;
    fields.expiresAt = awsCliTimestamp(clock.now() + t.expiresIn * 1000);
    // AWS does not always issue a new refresh token; the old one then stays valid.
    if (t.refreshToken !== undefined) fields.refreshToken = t.refreshToken;
    await this.#write(fields);
    logger.debug("Rewrote the AWS CLI's SSO token cache", { file: cachePath });
    return t.accessToken;
  }

  async #login(previous: Record<string, unknown> | undefined): Promise<string> {
    const o = this.#o;
    const ui = o.login!;
    const grantTypes = grantTypesFor(ui.workflow);
    const scopes = o.profile.registrationScopes.length > 0
      ? o.profile.registrationScopes
      : ui.workflow === "pkce"
      ? ["sso:account:access"]
      : [];
    const register = async (): Promise<ClientRegistration> => {
      const r = await o.oidc.registerClient({
        issuerUrl: o.profile.startUrl,
        grantTypes,
        ...(scopes.length > 0 ? { scopes } : {}),
        ...(ui.workflow === "pkce" ? { redirectUris: [LOOPBACK_REDIRECT_URI] } : {}),
      });
      return { ...r, grantTypes };
    };
    const registration = await register();
    const deps = {
      ...ui,
      oidc: o.oidc,
      instance: {
        name: o.profile.name,
        startUrl: o.profile.startUrl,
        ssoRegion: o.profile.ssoRegion,
      },
      endpoints: o.endpoints,
      clock: o.clock,
      logger: o.logger,
    };
    let client = registration;
    const t = ui.workflow === "pkce"
      ? await pkceLogin(deps, registration)
      : await deviceLogin(deps, registration, async () => client = await register());
    const fields: Record<string, unknown> = {
      ...(previous ?? {}),
      startUrl: o.profile.startUrl,
      region: o.profile.ssoRegion,
      accessToken: t.accessToken,
      expiresAt: awsCliTimestamp(o.clock.now() + t.expiresIn * 1000),
      clientId: client.clientId,
      clientSecret: client.clientSecret,
      registrationExpiresAt: awsCliTimestamp(client.clientSecretExpiresAt * 1000),
      // A refresh token of the previous session must not outlive it.
      refreshToken: t.refreshToken,
    };
    await this.#write(fields);
    o.logger.info("Logged in to AWS SSO", { profile: o.profile.name });
    return t.accessToken;
  }

  async #write(fields: Record<string, unknown>): Promise<void> {
    await this.#io.write(this.#o.cachePath, renderAwsCliToken(fields));
  }

  #notLoggedIn(problem: string): NotLoggedInError {
    // One line: credential_process callers show stderr as is.
    return new NotLoggedInError(
      `Cannot get credentials for AWS profile ${this.#o.profile.name}: ${problem}; run "${this.#o.profile.loginCommand}"`,
    );
  }
}
