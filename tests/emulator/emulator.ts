/**
 * A local emulator of the AWS services aws-sso talks to — SSO OIDC (with the browser side of
 * PKCE and the device flow), the SSO portal, STS and the console federation endpoint — on one
 * 127.0.0.1 listener, speaking the real wire formats so the AWS SDKs and CLI work against it.
 *
 * @example
 * ```ts
 * const emu = await startEmulator({ accounts: 5 });
 * const env = { ...emu.env, AWS_REGION: "us-east-1" }; // AWS_ENDPOINT_URL_* for every service
 * // ... run the code under test ...
 * await emu.close();
 * ```
 *
 * @module
 */

import {
  type BrowserDecision,
  type EmulatorOptions,
  EmulatorState,
  type FaultSettings,
  type ServiceName,
} from "./_state.ts";
import type { DirectoryAccount } from "./directory.ts";
import { OidcService } from "./oidc_service.ts";
import { PortalService } from "./portal_service.ts";
import { StsService } from "./sts_service.ts";
import { SigninService } from "./signin_service.ts";
import { handleControl } from "./control_api.ts";
import { portalError, restJsonError, stsError } from "./_wire.ts";

export type { BrowserDecision, EmulatorOptions, FaultSettings, ServiceName } from "./_state.ts";
export type { DirectoryAccount } from "./directory.ts";

/** A token set as if the user had just signed in (see {@link Emulator.issueToken}). */
export interface IssuedToken {
  accessToken: string;
  refreshToken: string;
  /** Seconds. */
  expiresIn: number;
  clientId: string;
  clientSecret: string;
  /** Epoch seconds. */
  clientSecretExpiresAt: number;
}

/** A running emulator. */
export interface Emulator {
  /** Base URL, `http://127.0.0.1:<port>` (every service lives under it). */
  readonly url: string;
  /** An SSO start URL to put in a config (`<url>/start`). */
  readonly startUrl: string;
  /** The region to configure (any region works; this is the conventional one). */
  readonly region: string;
  /** `AWS_ENDPOINT_URL_SSO`, `_SSO_OIDC`, `_STS` and `_SIGNIN`, all pointing here. */
  readonly env: Record<string, string>;
  /**
   * A snapshot of the per-operation request counters, plus
   * `GetRoleCredentials:<account id>/<role name>` per role asked for.
   */
  readonly counters: Record<string, number>;
  /** Sets every counter back to zero. */
  resetCounters(): void;
  /** The user approves a pending device authorization (throws when none has this code). */
  approveDevice(userCode: string): void;
  /** The user denies a pending device authorization (throws when none has this code). */
  denyDevice(userCode: string): void;
  /** User codes of device authorizations waiting for the user. */
  pendingUserCodes(): string[];
  /** What a browser visit to /authorize or /device?user_code does (default "approve"). */
  setBrowserDecision(decision: BrowserDecision): void;
  /** Ends every sign-in session so far: all issued access and refresh tokens stop working. */
  revokeTokens(): void;
  /** Every access token issued so far expires now (refresh tokens keep working). */
  expireAccessTokens(): void;
  /** Changes fault settings while running. */
  setFaults(f: FaultSettings): void;
  /** Registers a PKCE-style client and signs the user in without a browser. */
  issueToken(): IssuedToken;
  /** Every secret handed out so far, for leak tests. */
  issuedSecrets(): string[];
  /** The directory (accounts with the user's roles). */
  accounts(): DirectoryAccount[];
  /** Stops the listener. */
  close(): Promise<void>;
  /** Same as close(), for `await using emu = await startEmulator()`. */
  [Symbol.asyncDispose](): Promise<void>;
}

function faultResponse(service: ServiceName, kind: "throttle" | "server500" | "server503") {
  const status = kind === "throttle" ? 429 : kind === "server500" ? 500 : 503;
  switch (service) {
    case "sts":
      // STS throttles with HTTP 400 "Throttling", as the query-protocol services do.
      return kind === "throttle" ? stsError(400, "Throttling", "Rate exceeded") : stsError(
        status,
        status === 500 ? "InternalFailure" : "ServiceUnavailable",
        "Service unavailable",
      );
    case "signin":
      return new Response(status === 429 ? "Too Many Requests\n" : "Service Unavailable\n", {
        status,
        headers: { "content-type": "text/plain" },
      });
    case "oidc":
      if (kind === "throttle") {
        return restJsonError(429, "TooManyRequestsException", {
          error: "too_many_requests",
          error_description: "Rate exceeded",
        });
      }
      return restJsonError(
        status,
        status === 500 ? "InternalServerException" : "ServiceUnavailableException",
        { error: "server_error", error_description: "Service unavailable" },
      );
    case "portal":
      if (kind === "throttle") return portalError(429, "TooManyRequestsException", "Rate exceeded");
      return portalError(
        status,
        status === 500 ? "InternalServerException" : "ServiceUnavailableException",
        "Service unavailable",
      );
  }
}

/** Starts an emulator on 127.0.0.1 (a free port unless `options.port` is given). */
export function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const state = new EmulatorState(options);
  const fault = (service: ServiceName, _operation: string): Response | undefined => {
    const kind = state.drawFault(service);
    if (kind === undefined) return undefined;
    state.count(kind === "throttle" ? "fault:throttle" : "fault:serverError");
    return faultResponse(service, kind);
  };
  const oidc = new OidcService(state, fault);
  const portal = new PortalService(state, fault);
  const sts = new StsService(state, fault);
  const signin = new SigninService(state, fault);

  const route = async (req: Request, url: URL): Promise<Response> => {
    if (state.latencyMs > 0) await new Promise((r) => setTimeout(r, state.latencyMs));
    const own = oidc.handle(req, url) ?? portal.handle(req, url);
    if (own) return await own;
    if (signin.matches(req, url)) return await signin.handle(req, url);
    if (sts.matches(req, url)) return await sts.handle(req, url);
    if (req.method === "GET" && url.pathname === "/") {
      return new Response("aws-sso emulator: SSO OIDC, SSO portal, STS, console sign-in\n", {
        headers: { "content-type": "text/plain" },
      });
    }
    await req.body?.cancel();
    return restJsonError(404, "UnknownOperationException", { message: "Not Found" });
  };

  // The handler needs the emulator object, which needs the server's port: fill it in below.
  const self: { emulator?: Emulator } = {};
  const handler = async (req: Request): Promise<Response> => {
    const url = new URL(req.url);
    let res: Response;
    try {
      res = url.pathname.startsWith("/_emulator/")
        ? await handleControl(self.emulator!, state, req, url)
        : await route(req, url);
    } catch (error) {
      state.log?.(`internal error: ${error instanceof Error ? error.name : "unknown"}`);
      res = restJsonError(500, "InternalServerException", { message: "emulator error" });
    }
    // The Date header follows the emulator's (possibly skewed) clock, as a real server's would:
    // the JS SDK corrects its signing clock from it.
    res.headers.set("date", new Date(state.now()).toUTCString());
    const errorType = res.headers.get("x-amzn-errortype");
    state.log?.(`${req.method} ${url.pathname} ${res.status}${errorType ? " " + errorType : ""}`);
    return res;
  };

  const server = Deno.serve(
    { hostname: "127.0.0.1", port: options.port ?? 0, onListen: () => {} },
    handler,
  );
  const url = `http://127.0.0.1:${server.addr.port}`;
  state.baseUrl = url;
  const env = {
    AWS_ENDPOINT_URL_SSO: url,
    AWS_ENDPOINT_URL_SSO_OIDC: url,
    AWS_ENDPOINT_URL_STS: url,
    AWS_ENDPOINT_URL_SIGNIN: url,
  };
  let closed: Promise<void> | undefined;

  const emulator: Emulator = {
    url,
    startUrl: `${url}/start`,
    region: "us-east-1",
    env,
    get counters() {
      return { ...state.counters };
    },
    resetCounters() {
      state.counters = {};
    },
    approveDevice(userCode) {
      if (!oidc.decideDevice(userCode, true)) throw new Error(`no pending user code ${userCode}`);
    },
    denyDevice(userCode) {
      if (!oidc.decideDevice(userCode, false)) throw new Error(`no pending user code ${userCode}`);
    },
    pendingUserCodes: () => oidc.pendingUserCodes(),
    setBrowserDecision(decision) {
      state.browserDecision = decision;
    },
    revokeTokens: () => state.revokeAll(),
    expireAccessTokens: () => state.expireAccessTokens(),
    setFaults: (f) => state.setFaults(f),
    issueToken() {
      return oidc.signInWithoutBrowser();
    },
    issuedSecrets: () => [...state.secrets],
    accounts: () => state.directory.map((a) => ({ ...a, roles: [...a.roles] })),
    close() {
      closed ??= server.shutdown();
      return closed;
    },
    [Symbol.asyncDispose]() {
      return emulator.close();
    },
  };
  self.emulator = emulator;
  return Promise.resolve(emulator);
}
