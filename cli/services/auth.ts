/**
 * The SSO session as commands use it: `accessToken(ctx)` for every command that calls the portal
 * API, and `tokenManager(ctx, ui)` for `login` / `logout`.
 *
 * ```ts
 * import type { Context } from "../context.ts";
 * declare const ctx: Context;
 * declare const autoLogin: boolean;
 * const token = await accessToken(ctx); // never opens a browser
 * const orLogin = await accessToken(ctx, { interactive: autoLogin }); // --auto-login
 * ```
 *
 * With `AutoLogin: true` in config.yaml every call may start a browser login.
 *
 * @module
 */
import {
  assertSettingsUsable,
  type Settings,
  type SsoInstance,
} from "../../lib/settings/settings.ts";
import type { UrlAction } from "../../lib/settings/url_action.ts";
import type { LoginInterface } from "../../lib/sso/login_flow.ts";
import { loginLockPath, rfc3339Utc, TokenManager } from "../../lib/sso/token_manager.ts";
import { type Context, ServiceSlot } from "../context.ts";
import { promptTerminal } from "../tty.ts";
import { urlOpenerFor } from "../url_opener.ts";
import { secureStore } from "./store.ts";
import { errorMessage } from "../../lib/errors.ts";

/** Options of {@link accessToken}. */
export interface AccessTokenOptions {
  /**
   * May this call start a browser login when there is no usable session? Pass true for the
   * `--auto-login` flag or a command the user runs to log in; `AutoLogin: true` in config.yaml
   * allows it for every call.
   */
  interactive?: boolean;
  /** What the token is for, for the "not logged in" message: `get credentials for <arn>`. */
  purpose?: string;
}

/** How an interactive login talks to the user. */
export interface LoginUiOptions {
  /** `--url-action` of the command (else the global flag, `AuthUrlAction`, `UrlAction`). */
  urlAction?: UrlAction;
  /** `--redirect-port`: a fixed loopback port for SSH port forwarding. */
  redirectPort?: number;
  /** Accept a redirect URL pasted into the terminal (the `login` command). */
  paste?: boolean;
}

/** The access token of each instance, for this run (so one run asks the store once). */
const ACCESS_TOKENS = new ServiceSlot<Map<string, Promise<string>>>("access tokens");

function tokens(ctx: Context): Map<string, Promise<string>> {
  return ctx.service(ACCESS_TOKENS, () => new Map());
}

/**
 * A usable SSO access token for the selected instance: the stored one, refreshed when it nears
 * expiry, or (when allowed, see {@link AccessTokenOptions.interactive}) a new login. Throws
 * NotLoggedInError otherwise. Memoised per instance for the run.
 */
export async function accessToken(ctx: Context, options: AccessTokenOptions = {}): Promise<string> {
  const [settings, instance] = await Promise.all([ctx.settings(), ctx.instance()]);
  const memo = tokens(ctx);
  let pending = memo.get(instance.name);
  if (pending === undefined) {
    const interactive = options.interactive === true || settings.autoLogin;
    pending = (async () => {
      const manager = await tokenManager(ctx, interactive ? {} : false);
      const result = await manager.ensureToken({ interactive, purpose: options.purpose });
      if (result.source === "login") ctx.logger.info("Logged in to AWS SSO");
      return result.token.accessToken;
    })();
    memo.set(instance.name, pending);
    pending.catch(() => memo.delete(instance.name));
  }
  return await pending;
}

/**
 * Forgets the memoised token of the selected instance, so that the next {@link accessToken}
 * reads the store again: a long-running `ecs server` picks up logins and refreshes made since.
 */
export async function forgetAccessToken(ctx: Context): Promise<void> {
  const instance = await ctx.instance();
  tokens(ctx).delete(instance.name);
}

/**
 * AWS SSO refused `token` (UnauthorizedException: the session was ended or revoked in AWS).
 * Marks the stored copy expired, so the next run refreshes it or, when the session is gone,
 * `aws-sso login` signs in again instead of answering "already logged in". Best effort.
 */
export async function tokenRejected(ctx: Context, token: string): Promise<void> {
  try {
    const [instance, store] = await Promise.all([ctx.instance(), secureStore(ctx)]);
    await store.updateToken(
      instance,
      (t) => t !== undefined && t.accessToken === token ? { ...t, expiresAt: rfc3339Utc(0) } : t,
    );
    tokens(ctx).delete(instance.name);
  } catch (e) {
    ctx.logger.debug("could not mark the refused SSO token expired", {
      reason: errorMessage(e),
    });
  }
}

/**
 * The token manager of the selected instance. `ui` configures interactive logins; `false`
 * builds one that never starts a login (logout, status checks).
 */
export async function tokenManager(
  ctx: Context,
  ui: LoginUiOptions | false,
): Promise<TokenManager> {
  const [settings, instance, store, http] = await Promise.all([
    ctx.settings(),
    ctx.instance(),
    secureStore(ctx),
    ctx.http(),
  ]);
  const [{ OidcClient }, { PortalClient }] = await Promise.all([
    import("../../lib/sso/oidc_client.ts"),
    import("../../lib/sso/portal_client.ts"),
  ]);
  const endpoints = ctx.endpointOptions();
  const portal = new PortalClient(http, instance.ssoRegion, endpoints);
  return new TokenManager({
    instance,
    workflow: settings.authWorkflow,
    store,
    oidc: new OidcClient(http, instance.ssoRegion, endpoints),
    endpoints,
    clock: ctx.clock,
    logger: ctx.logger,
    lockPath: loginLockPath(ctx.paths.lockDir, instance.name),
    onLockWait: (holder) =>
      ctx.output.err(`Waiting for another aws-sso process to finish: ${holder}\n`),
    login: ui === false ? undefined : loginInterface(ctx, settings, instance, ui),
    portalLogout: (token) => portal.logout(token),
    importSession: async () =>
      await (await import("./reference_session.ts")).importReferenceSessionFor(
        ctx,
        instance,
        store,
      ),
    loginHint: loginHint(settings, instance),
  });
}

/** `run "aws-sso login"`, with `--sso <name>` when several instances are configured. */
export function loginHint(settings: Settings, instance: SsoInstance): string {
  return Object.keys(settings.ssoConfig).length > 1
    ? `run "aws-sso login --sso ${instance.name}"`
    : 'run "aws-sso login"';
}

function loginInterface(
  ctx: Context,
  settings: Settings,
  instance: SsoInstance,
  ui: LoginUiOptions,
): LoginInterface {
  const terminal = promptTerminal(ctx);
  const flagAction = ui.urlAction ?? ctx.globals.urlAction;
  if (flagAction === undefined) {
    assertSettingsUsable(settings, `SSOConfig.${instance.name}.AuthUrlAction`);
  }
  const opener = urlOpenerFor(ctx, {
    action: flagAction ?? instance.authUrlAction,
    browser: settings.browser,
    execCommand: settings.urlExecCommand,
    container: { name: instance.name, color: "blue", icon: "fingerprint" },
    notice: (text) => terminal.notice(text),
  });
  return {
    opener,
    notify: (text) => terminal.notice(text),
    redirectPort: ui.redirectPort,
    pasteReader: ui.paste === true ? terminal.lineReader() : undefined,
  };
}
