/**
 * The two interactive SSO logins (docs/design.md §2.1): PKCE with a loopback
 * listener (and the pasted redirect URL as a second way back, for browsers on another machine),
 * and the device-code flow with polling. Everything that touches the user (opening URLs,
 * messages, reading a pasted line) is injected, so cli/ decides between stderr and /dev/tty.
 *
 * @module
 */
import type { EndpointOptions } from "../aws/endpoints.ts";
import type { Clock } from "../clock.ts";
import { AwsApiError, AwsSsoError, errorMessage } from "../errors.ts";
import type { Logger } from "../logger.ts";
import { safeText } from "../safe_text.ts";
import type { ClientRegistration } from "../secure_store.ts";
import {
  type ListenerOutcome,
  type LoopbackListenerFactory,
  startLoopbackListener,
} from "./loopback_listener.ts";
import type { DeviceAuthorization, OidcClient, OidcToken } from "./oidc_client.ts";
import {
  authorizeEndpoint,
  authorizeUrl,
  checkCallback,
  codeChallenge,
  createCodeVerifier,
  createState,
  type RandomBytes,
} from "./pkce.ts";

/** What became of a URL handed to a {@link UrlOpener}. */
export interface OpenedUrl {
  /**
   * Set when a program (browser, `UrlExecCommand`) was started with a one-time loopback link to
   * the URL instead of the URL itself: resolves when the link is first fetched.
   */
  readonly fetched?: Promise<void>;
  /** Stops serving the one-time link; call it once the URL is no longer needed. */
  close(): Promise<void>;
}

/** Shows a URL to the user according to the URL action (open, print, clip, exec, ...). */
export interface UrlOpener {
  /** Opens or shows `url`; close the returned handle (when there is one) when done. */
  open(url: string): Promise<OpenedUrl | void>;
}

/** Reads lines the user types (or pastes) in the terminal. */
export interface LineReader {
  /** The next line without its newline, or `undefined` at end of input. */
  readLine(): Promise<string | undefined>;
}

/** What the login flows need from the user interface. */
export interface LoginInterface {
  /** Opens the login URL per the URL action. */
  opener: UrlOpener;
  /** Writes a message the user must see (stderr, or the terminal when stderr is captured). */
  notify: (text: string) => void;
  /** Loopback listener factory (default: the real one on 127.0.0.1). */
  listen?: LoopbackListenerFactory;
  /** Fixed listener port for SSH forwarding (`--redirect-port`); default any free port. */
  redirectPort?: number;
  /** When set, a redirect URL pasted in the terminal also completes a PKCE login. */
  pasteReader?: LineReader;
  /** How long a PKCE login waits for the browser (default 5 minutes). */
  timeoutMs?: number;
  /** Random source for the verifier and state (default WebCrypto). */
  random?: RandomBytes;
}

/** Everything a login flow needs. */
export interface LoginFlowDeps extends LoginInterface {
  /** OIDC client of the instance's region. */
  oidc: OidcClient;
  /** The SSO instance being logged in to. */
  instance: { name: string; startUrl: string; ssoRegion: string };
  /** Endpoint overrides (the authorize URL follows `AWS_ENDPOINT_URL_SSO_OIDC`). */
  endpoints: EndpointOptions;
  /** Time source (device-flow polling). */
  clock: Clock;
  /** Logger. */
  logger: Logger;
}

/** The default PKCE wait: 5 minutes. */
export const PKCE_TIMEOUT_MS = 5 * 60_000;

/** A login that did not complete; the message says why, the hints what to do. */
export class LoginFailedError extends AwsSsoError {}

const AGAIN = 'run "aws-sso login" again';

/** The one line the user sees when a request without this login's state reaches the listener. */
export const FOREIGN_REDIRECT_WARNING = "WARNING: another program sent this login a redirect " +
  "that does not belong to it; it was ignored, and the login still waits for your browser.\n";

/** Runs the PKCE authorization-code login and returns the tokens. */
export async function pkceLogin(
  deps: LoginFlowDeps,
  client: ClientRegistration,
): Promise<OidcToken> {
  const verifier = createCodeVerifier(deps.random);
  const state = createState(deps.random);
  const challenge = await codeChallenge(verifier);
  let warned = false;
  // Bound before the browser opens: a browser with a live SSO session redirects at once.
  const listener = (deps.listen ?? startLoopbackListener)({
    port: deps.redirectPort ?? 0,
    expectedState: state,
    onForeign: (request) => {
      deps.logger.debug("Ignored a request to the login listener without this login's state", {
        reason: request.reason,
        error: request.error,
      });
      if (warned) return;
      warned = true;
      deps.notify(FOREIGN_REDIRECT_WARNING);
    },
  });
  const redirectUri = `http://127.0.0.1:${listener.port}`;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let finished = false;
  let opened: OpenedUrl | void = undefined;
  try {
    const url = authorizeUrl({
      endpoint: authorizeEndpoint(
        client.authorizationEndpoint,
        deps.instance.ssoRegion,
        deps.endpoints,
      ),
      clientId: client.clientId,
      codeChallenge: challenge,
      redirectUri,
      state,
    });
    deps.logger.debug("Waiting for the login redirect", { redirectUri });
    opened = await deps.opener.open(url);
    const waits: Promise<ListenerOutcome | "timeout">[] = [listener.outcome];
    if (deps.pasteReader !== undefined) {
      deps.notify(
        `\nAfter you sign in, the browser is sent to ${redirectUri}/ and this login completes.\n` +
          "If the browser runs on another machine, that page will not load: copy its full " +
          "address (it starts with http://127.0.0.1) and paste it here, then press Enter.\n\n",
      );
      waits.push(readPastedRedirect(deps, deps.pasteReader, state, () => finished));
    }
    const timeoutMs = deps.timeoutMs ?? PKCE_TIMEOUT_MS;
    waits.push(new Promise((resolve) => timer = setTimeout(() => resolve("timeout"), timeoutMs)));
    const outcome = await Promise.race(waits);
    finished = true;
    if (outcome === "timeout") {
      throw new LoginFailedError(
        `Login timed out: the browser did not complete the login within ${
          Math.round(timeoutMs / 60_000)
        } minutes`,
        {
          hints: [
            AGAIN,
            "on a remote host, paste the address the browser was sent to, forward the port " +
            "with --redirect-port and ssh -L, or set AuthWorkflow: device_code in config.yaml",
          ],
        },
      );
    }
    if (outcome.kind !== "code") {
      throw new LoginFailedError(`Login failed: ${outcome.message}`, { hints: [AGAIN] });
    }
    return await deps.oidc.createToken(client, {
      grantType: "authorization_code",
      code: outcome.code,
      codeVerifier: verifier,
      redirectUri,
    });
  } finally {
    finished = true;
    if (timer !== undefined) clearTimeout(timer);
    await Promise.all([listener.close(), opened?.close()]);
  }
}

/** Reads pasted lines until one is a redirect URL with this login's state and a code. */
async function readPastedRedirect(
  deps: LoginFlowDeps,
  reader: LineReader,
  state: string,
  finished: () => boolean,
): Promise<ListenerOutcome> {
  while (true) {
    const line = await reader.readLine();
    if (line === undefined) return await new Promise<never>(() => {}); // no input: listener only
    if (finished()) return { kind: "invalid", message: "login already finished" };
    const text = line.trim();
    if (text === "") continue;
    const query = parsePasted(text);
    if (query === undefined) {
      deps.notify("That is not the address the browser was sent to; paste the whole URL.\n");
      continue;
    }
    deps.logger.secret(query.get("code") ?? undefined);
    const result = checkCallback(query, state);
    if (result.kind === "code" || result.kind === "refused") return result;
    deps.notify(
      result.kind === "ignore"
        ? "That URL carries no authorization code; paste the address the browser was sent to.\n"
        : `That URL does not belong to this login (${result.message}); paste the latest one.\n`,
    );
  }
}

function parsePasted(text: string): URLSearchParams | undefined {
  try {
    return new URL(text).searchParams;
  } catch {
    // A bare query string (`code=...&state=...`) copied without the address works too.
    const query = text.startsWith("?") ? text.slice(1) : text;
    return /(^|&)(code|state|error)=/.test(query) ? new URLSearchParams(query) : undefined;
  }
}

/** Runs the device-code login; `reregister` gets a fresh client if the first one is refused. */
export async function deviceLogin(
  deps: LoginFlowDeps,
  client: ClientRegistration,
  reregister: () => Promise<ClientRegistration>,
): Promise<OidcToken> {
  let current = client;
  const start = (c: ClientRegistration) =>
    deps.oidc.startDeviceAuthorization({
      clientId: c.clientId,
      clientSecret: c.clientSecret,
      startUrl: deps.instance.startUrl,
    });
  let auth;
  try {
    auth = await start(current);
  } catch (first) {
    deps.logger.debug("StartDeviceAuthorization failed; registering a new client", {
      error: errorMessage(first),
    });
    try {
      current = await reregister();
      auth = await start(current);
    } catch (e) {
      throw new LoginFailedError(
        `Unable to start device authorization with AWS SSO: ${errorMessage(e)}`,
        { cause: e, hints: ["check StartUrl and SSORegion in config.yaml"] },
      );
    }
  }
  // The code comes from the OIDC answer and goes to the terminal raw otherwise.
  deps.notify(`\n\tVerify this code in your browser: ${safeText(auth.userCode)}\n\n`);
  // A started browser gets a one-time link too: the user code in this URL lets whoever reads it
  // approve or deny the request first.
  const opened = await deps.opener.open(auth.verificationUriComplete ?? auth.verificationUri);
  try {
    return await pollDeviceToken(deps, current, auth);
  } finally {
    await opened?.close();
  }
}

async function pollDeviceToken(
  deps: LoginFlowDeps,
  current: ClientRegistration,
  auth: DeviceAuthorization,
): Promise<OidcToken> {
  deps.logger.info("Waiting for SSO authentication...");
  let intervalMs = Math.max(1, auth.interval) * 1000;
  // AWS ends the wait by answering ExpiredTokenException; this bound only guards against a
  // server that never does.
  const deadline = deps.clock.now() + auth.expiresIn * 1000 + 60_000;
  while (true) {
    await deps.clock.sleep(intervalMs);
    try {
      return await deps.oidc.createToken(current, {
        grantType: "device_code",
        deviceCode: auth.deviceCode,
      });
    } catch (e) {
      const code = e instanceof AwsApiError ? e.code : undefined;
      if (code === "AuthorizationPendingException") {
        if (deps.clock.now() < deadline) continue;
        throw expired();
      }
      if (code === "SlowDownException") {
        intervalMs += 5000;
        deps.logger.debug("AWS asked to poll more slowly", { intervalMs });
        continue;
      }
      if (code === "ExpiredTokenException") throw expired();
      if (code === "AccessDeniedException") {
        throw new LoginFailedError("Login failed: the login request was denied in the browser", {
          hints: [AGAIN],
        });
      }
      throw new LoginFailedError(
        `Unable to create a new AWS SSO token: ${errorMessage(e)}`,
        { cause: e, hints: [AGAIN] },
      );
    }
  }
}

function expired(): LoginFailedError {
  return new LoginFailedError(
    "Login failed: the device code expired before it was approved in the browser",
    { hints: [AGAIN] },
  );
}
