/**
 * SSO OIDC (REST-JSON: RegisterClient, StartDeviceAuthorization, CreateToken) and its browser
 * side (`GET /authorize` for PKCE, `GET /device` for the device flow), behaving like a browser
 * whose user is already signed in.
 *
 * @module
 */

import { createHash, timingSafeEqual } from "node:crypto";
import type { ClientRecord, EmulatorState } from "./_state.ts";
import { base64Url, randomBytes, randomString } from "./_random.ts";
import { htmlPage, jsonResponse, oidcError, redirect } from "./_wire.ts";

/** The device-code grant type URN. */
export const DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";

const KNOWN_GRANTS = new Set([
  "authorization_code",
  "refresh_token",
  DEVICE_GRANT,
  "urn:ietf:params:oauth:grant-type:jwt-bearer",
  "urn:ietf:params:oauth:grant-type:token-exchange",
]);

const USER_CODE_ALPHABET = "BCDFGHJKLMNPQRSTVWXZ";
const AUTH_CODE_LIFETIME_MS = 10 * 60_000;

type Body = Record<string, unknown>;
type FaultCheck = (service: "oidc", operation: string) => Response | undefined;

function str(body: Body, key: string): string | undefined {
  const v = body[key];
  return typeof v === "string" && v !== "" ? v : undefined;
}

function strList(body: Body, key: string): string[] | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || !v.every((x) => typeof x === "string")) return undefined;
  return v as string[];
}

async function readJson(req: Request): Promise<Body | undefined> {
  try {
    const text = await req.text();
    const parsed = JSON.parse(text === "" ? "{}" : text);
    return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)
      ? parsed as Body
      : undefined;
  } catch {
    return undefined;
  }
}

function safeEqual(a: string, b: string): boolean {
  const x = new TextEncoder().encode(a);
  const y = new TextEncoder().encode(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function isLoopbackHost(hostname: string): boolean {
  return hostname === "127.0.0.1" || hostname === "localhost" || hostname === "[::1]";
}

/** RFC 8252 §7.3: a registered loopback URI matches any port; its path, when given, must match. */
function redirectAllowed(client: ClientRecord, redirectUri: string): boolean {
  let wanted: URL;
  try {
    wanted = new URL(redirectUri);
  } catch {
    return false;
  }
  for (const registered of client.redirectUris) {
    let reg: URL;
    try {
      reg = new URL(registered);
    } catch {
      continue;
    }
    if (reg.protocol !== wanted.protocol || reg.hostname !== wanted.hostname) continue;
    if (reg.protocol === "http:" && isLoopbackHost(reg.hostname)) {
      if (reg.pathname === "/" || reg.pathname === wanted.pathname) return true;
    } else if (registered === redirectUri) {
      return true;
    }
  }
  return false;
}

/** The emulated SSO OIDC service. */
export class OidcService {
  constructor(private readonly state: EmulatorState, private readonly fault: FaultCheck) {}

  /** Handles a request for this service, or returns undefined when the route is not ours. */
  handle(req: Request, url: URL): Promise<Response> | Response | undefined {
    const route = `${req.method} ${url.pathname}`;
    switch (route) {
      case "POST /client/register":
        return this.#registerClient(req);
      case "POST /device_authorization":
        return this.#startDeviceAuthorization(req);
      case "POST /token":
        return this.#createToken(req, url);
      case "GET /authorize":
        return this.#authorize(url);
      case "GET /device":
      case "GET /device/":
        return this.#deviceVerification(url);
      case "GET /start":
      case "GET /start/":
        return htmlPage(200, "AWS access portal (emulator)", "You are signed in.");
    }
    return undefined;
  }

  /** Approves a pending device authorization by user code; false when none is pending. */
  decideDevice(userCode: string, approve: boolean): boolean {
    const grant = this.#pendingGrant(userCode);
    if (!grant) return false;
    grant.status = approve ? "approved" : "denied";
    return true;
  }

  /** Registers a PKCE-style client and issues tokens as if its user had just signed in. */
  signInWithoutBrowser(): {
    accessToken: string;
    refreshToken: string;
    expiresIn: number;
    clientId: string;
    clientSecret: string;
    clientSecretExpiresAt: number;
  } {
    const client = this.#newClient("aws-sso-emulator", ["authorization_code", "refresh_token"], [
      "sso:account:access",
    ], ["http://127.0.0.1"]);
    const tokens = this.state.issueTokens(this.state.newSession(), client.clientId, true);
    return {
      accessToken: tokens.accessToken,
      refreshToken: tokens.refreshToken!,
      expiresIn: this.state.tokenLifetimeSec,
      clientId: client.clientId,
      clientSecret: client.clientSecret,
      clientSecretExpiresAt: Math.floor(client.secretExpiresAtMs / 1000),
    };
  }

  #newClient(
    clientName: string,
    grants: Iterable<string>,
    scopes: string[],
    redirectUris: string[],
  ): ClientRecord {
    const now = this.state.now();
    const client: ClientRecord = {
      clientId: randomString(22, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789") +
        "dXMtZWFzdC0x",
      clientSecret: this.state.secret(fakeJwt()),
      clientName,
      grantTypes: new Set(grants),
      scopes,
      redirectUris,
      issuedAtMs: now,
      secretExpiresAtMs: now + this.state.clientSecretLifetimeSec * 1000,
    };
    this.state.clients.set(client.clientId, client);
    return client;
  }

  /** User codes of device authorizations waiting for the user. */
  pendingUserCodes(): string[] {
    const now = this.state.now();
    return [...this.state.devices.values()]
      .filter((g) => g.status === "pending" && g.expiresAtMs > now)
      .map((g) => g.userCode);
  }

  #pendingGrant(userCode: string) {
    const deviceCode = this.state.userCodes.get(userCode.trim().toUpperCase());
    const grant = deviceCode === undefined ? undefined : this.state.devices.get(deviceCode);
    if (!grant || grant.status !== "pending" || grant.expiresAtMs <= this.state.now()) {
      return undefined;
    }
    return grant;
  }

  #authenticate(body: Body): ClientRecord | Response {
    const clientId = str(body, "clientId");
    const clientSecret = str(body, "clientSecret");
    if (!clientId || !clientSecret) {
      return oidcError("InvalidRequestException", "clientId and clientSecret are required");
    }
    const client = this.state.clients.get(clientId);
    if (!client || !safeEqual(client.clientSecret, clientSecret)) {
      return oidcError("InvalidClientException", "Invalid client provided");
    }
    if (client.secretExpiresAtMs <= this.state.now()) {
      return oidcError("InvalidClientException", "Client secret has expired");
    }
    return client;
  }

  async #registerClient(req: Request): Promise<Response> {
    const body = await readJson(req);
    this.state.count("RegisterClient");
    const faulted = this.fault("oidc", "RegisterClient");
    if (faulted) return faulted;
    if (!body) return oidcError("InvalidRequestException", "Request body is not valid JSON");
    const clientName = str(body, "clientName");
    const clientType = str(body, "clientType");
    if (!clientName || !clientType) {
      return oidcError("InvalidRequestException", "clientName and clientType are required");
    }
    if (clientType !== "public") {
      return oidcError("InvalidClientMetadataException", "Invalid client type: " + clientType);
    }
    const requestedGrants = strList(body, "grantTypes");
    const scopes = strList(body, "scopes") ?? [];
    const redirectUris = strList(body, "redirectUris") ?? [];
    if (body["grantTypes"] !== undefined && requestedGrants === undefined) {
      return oidcError("InvalidRequestException", "grantTypes must be a list of strings");
    }
    // A registration without grantTypes is the legacy kind: device code only, no refresh token.
    const grants = new Set(requestedGrants ?? [DEVICE_GRANT]);
    for (const g of grants) {
      if (!KNOWN_GRANTS.has(g)) {
        return oidcError("InvalidClientMetadataException", "Invalid grant type: " + g);
      }
    }
    if (grants.has("authorization_code") && grants.has(DEVICE_GRANT)) {
      // AWS refuses to mix the two flows in one registration (aws-sso-cli #1359).
      return oidcError("InvalidScopeException", "Invalid grant types combination");
    }
    if (grants.has("authorization_code")) {
      if (redirectUris.length === 0) {
        return oidcError("InvalidRedirectUriException", "redirectUris are required");
      }
      for (const uri of redirectUris) {
        let parsed: URL | undefined;
        try {
          parsed = new URL(uri);
        } catch {
          parsed = undefined;
        }
        const ok = parsed !== undefined &&
          (parsed.protocol === "https:" ||
            (parsed.protocol === "http:" && isLoopbackHost(parsed.hostname)));
        if (!ok) return oidcError("InvalidRedirectUriException", "Invalid redirect URI: " + uri);
      }
    }
    for (const scope of scopes) {
      if (!/^[\w.:*\/-]+$/.test(scope)) {
        return oidcError("InvalidScopeException", "Invalid scope: " + scope);
      }
    }
    const client = this.#newClient(clientName, grants, scopes, redirectUris);
    return jsonResponse({
      clientId: client.clientId,
      clientSecret: client.clientSecret,
      clientIdIssuedAt: Math.floor(client.issuedAtMs / 1000),
      clientSecretExpiresAt: Math.floor(client.secretExpiresAtMs / 1000),
      authorizationEndpoint: `${this.state.baseUrl}/authorize`,
      tokenEndpoint: `${this.state.baseUrl}/token`,
    });
  }

  async #startDeviceAuthorization(req: Request): Promise<Response> {
    const body = await readJson(req);
    this.state.count("StartDeviceAuthorization");
    const faulted = this.fault("oidc", "StartDeviceAuthorization");
    if (faulted) return faulted;
    if (!body) return oidcError("InvalidRequestException", "Request body is not valid JSON");
    const client = this.#authenticate(body);
    if (client instanceof Response) return client;
    if (!str(body, "startUrl")) return oidcError("InvalidRequestException", "startUrl is required");
    if (!client.grantTypes.has(DEVICE_GRANT)) {
      return oidcError(
        "UnauthorizedClientException",
        "Client is not registered for the device code grant",
      );
    }
    let userCode: string;
    do {
      userCode = randomString(4, USER_CODE_ALPHABET) + "-" + randomString(4, USER_CODE_ALPHABET);
    } while (this.state.userCodes.has(userCode));
    const deviceCode = this.state.secret(base64Url(randomBytes(64)));
    const now = this.state.now();
    this.state.devices.set(deviceCode, {
      deviceCode,
      userCode,
      clientId: client.clientId,
      expiresAtMs: now + this.state.deviceCodeLifetimeSec * 1000,
      intervalMs: this.state.deviceCodeIntervalSec * 1000,
      status: "pending",
    });
    this.state.userCodes.set(userCode, deviceCode);
    const verificationUri = `${this.state.baseUrl}/device`;
    return jsonResponse({
      deviceCode,
      userCode,
      verificationUri,
      verificationUriComplete: `${verificationUri}?user_code=${userCode}`,
      expiresIn: this.state.deviceCodeLifetimeSec,
      interval: this.state.deviceCodeIntervalSec,
    });
  }

  async #createToken(req: Request, url: URL): Promise<Response> {
    const body = await readJson(req);
    const grantType = body ? str(body, "grantType") : undefined;
    const short = grantType === DEVICE_GRANT ? "device_code" : grantType;
    const operation = url.searchParams.has("aws_iam") ? "CreateTokenWithIAM" : "CreateToken";
    this.state.count(operation);
    if (short) this.state.count(`${operation}:${short}`);
    const faulted = this.fault("oidc", operation);
    if (faulted) return faulted;
    if (operation === "CreateTokenWithIAM") {
      return oidcError("InvalidRequestException", "CreateTokenWithIAM is not emulated");
    }
    if (!body) return oidcError("InvalidRequestException", "Request body is not valid JSON");
    const client = this.#authenticate(body);
    if (client instanceof Response) return client;
    if (!grantType) return oidcError("InvalidRequestException", "grantType is required");
    if (
      grantType !== DEVICE_GRANT && grantType !== "authorization_code" &&
      grantType !== "refresh_token"
    ) {
      return oidcError("UnsupportedGrantTypeException", "Unsupported grant type: " + grantType);
    }
    if (!client.grantTypes.has(grantType)) {
      return oidcError(
        "UnauthorizedClientException",
        `Client is not registered for the ${short} grant`,
      );
    }
    if (grantType === DEVICE_GRANT) return this.#deviceToken(client, body);
    if (grantType === "authorization_code") return this.#codeToken(client, body);
    return this.#refreshToken(client, body);
  }

  #tokenResponse(sessionId: number, client: ClientRecord, withRefresh: boolean): Response {
    const tokens = this.state.issueTokens(
      sessionId,
      client.clientId,
      withRefresh && client.grantTypes.has("refresh_token"),
    );
    return jsonResponse({
      accessToken: tokens.accessToken,
      tokenType: "Bearer",
      expiresIn: this.state.tokenLifetimeSec,
      ...(tokens.refreshToken === undefined ? {} : { refreshToken: tokens.refreshToken }),
    });
  }

  #deviceToken(client: ClientRecord, body: Body): Response {
    const deviceCode = str(body, "deviceCode");
    if (!deviceCode) return oidcError("InvalidRequestException", "deviceCode is required");
    const grant = this.state.devices.get(deviceCode);
    if (!grant || grant.clientId !== client.clientId || grant.status === "consumed") {
      return oidcError("InvalidGrantException", "Invalid device code provided");
    }
    const now = this.state.now();
    if (grant.expiresAtMs <= now) {
      return oidcError("ExpiredTokenException", "Device code has expired");
    }
    if (grant.status === "denied") {
      return oidcError("AccessDeniedException", "The user denied the authorization request");
    }
    const last = grant.lastPollMs;
    grant.lastPollMs = now;
    // A little tolerance: a client sleeping exactly `interval` may arrive a few ms early.
    const fast = last !== undefined && now - last < grant.intervalMs - 250;
    grant.fastPolls = fast ? (grant.fastPolls ?? 0) + 1 : 0;
    if (grant.status === "pending") {
      // One quick repeat is accepted: the AWS CLI itself polls twice back to back (once before
      // showing the code, once entering its loop). Polling fast again earns a slow_down.
      if (grant.fastPolls >= 2) {
        return oidcError("SlowDownException", "Client is polling too fast");
      }
      return oidcError("AuthorizationPendingException", "Authorization is still pending");
    }
    grant.status = "consumed";
    return this.#tokenResponse(this.state.newSession(), client, true);
  }

  #codeToken(client: ClientRecord, body: Body): Response {
    const code = str(body, "code");
    const redirectUri = str(body, "redirectUri");
    const verifier = str(body, "codeVerifier");
    if (!code || !redirectUri || !verifier) {
      return oidcError(
        "InvalidRequestException",
        "code, redirectUri and codeVerifier are required",
      );
    }
    const record = this.state.authCodes.get(code);
    if (!record || record.used || record.clientId !== client.clientId) {
      return oidcError("InvalidGrantException", "Invalid authorization code provided");
    }
    record.used = true;
    if (record.expiresAtMs <= this.state.now()) {
      return oidcError("InvalidGrantException", "Authorization code has expired");
    }
    if (record.redirectUri !== redirectUri) {
      return oidcError("InvalidGrantException", "redirectUri does not match the authorize request");
    }
    const challenge = base64Url(createHash("sha256").update(verifier).digest());
    if (!safeEqual(challenge, record.codeChallenge)) {
      return oidcError("InvalidGrantException", "Code verifier does not match the code challenge");
    }
    return this.#tokenResponse(this.state.newSession(), client, true);
  }

  #refreshToken(client: ClientRecord, body: Body): Response {
    const refreshToken = str(body, "refreshToken");
    if (!refreshToken) return oidcError("InvalidRequestException", "refreshToken is required");
    const record = this.state.refreshTokens.get(refreshToken);
    if (!this.state.tokenUsable(record) || record.clientId !== client.clientId) {
      return oidcError("InvalidGrantException", "Invalid refresh token provided");
    }
    if (this.state.rotateRefreshTokens) {
      record.revoked = true;
      return this.#tokenResponse(record.sessionId, client, true);
    }
    return this.#tokenResponse(record.sessionId, client, false);
  }

  #authorize(url: URL): Response {
    this.state.count("Authorize");
    const q = url.searchParams;
    const clientId = q.get("client_id") ?? "";
    const redirectUri = q.get("redirect_uri") ?? "";
    const client = this.state.clients.get(clientId);
    if (!client) return htmlPage(400, "Invalid request", "Unknown client_id.");
    if (!client.grantTypes.has("authorization_code")) {
      return htmlPage(400, "Invalid request", "The client is not registered for this flow.");
    }
    if (!redirectAllowed(client, redirectUri)) {
      return htmlPage(400, "Invalid request", "The redirect_uri is not registered.");
    }
    const state = q.get("state");
    const back = (params: Record<string, string>): Response => {
      const target = new URL(redirectUri);
      for (const [k, v] of Object.entries(params)) target.searchParams.set(k, v);
      if (state !== null) target.searchParams.set("state", state);
      return redirect(target.toString());
    };
    const fail = (error: string, description: string) =>
      back({ error, error_description: description });
    if (q.get("response_type") !== "code") {
      return fail("unsupported_response_type", "response_type must be code");
    }
    const challenge = q.get("code_challenge") ?? "";
    if (q.get("code_challenge_method") !== "S256" || !/^[A-Za-z0-9_-]{43}$/.test(challenge)) {
      return fail("invalid_request", "a S256 code_challenge is required");
    }
    const scopes = (q.get("scope") ?? "").split(" ").filter((s) => s !== "");
    if (scopes.some((s) => !client.scopes.includes(s))) {
      return fail("invalid_scope", "scope was not registered by the client");
    }
    if (this.state.browserDecision === "ignore") {
      return htmlPage(200, "Sign in", "Waiting for the user to allow access.");
    }
    if (this.state.browserDecision === "deny") {
      return fail("access_denied", "The user denied access");
    }
    const code = this.state.secret(base64Url(randomBytes(48)));
    this.state.authCodes.set(code, {
      clientId,
      redirectUri,
      codeChallenge: challenge,
      scopes,
      expiresAtMs: this.state.now() + AUTH_CODE_LIFETIME_MS,
      used: false,
    });
    return back({ code });
  }

  #deviceVerification(url: URL): Response {
    const userCode = url.searchParams.get("user_code");
    if (userCode === null) {
      return htmlPage(200, "Authorize request", "Enter the code shown in your terminal.");
    }
    this.state.count("DeviceVerification");
    if (!this.#pendingGrant(userCode)) {
      return htmlPage(400, "Invalid code", "This code is unknown, expired or already used.");
    }
    if (this.state.browserDecision === "ignore") {
      return htmlPage(200, "Authorize request", "Waiting for the user to allow access.");
    }
    const approve = this.state.browserDecision === "approve";
    this.decideDevice(userCode, approve);
    return approve
      ? htmlPage(200, "Request approved", "You can close this window.")
      : htmlPage(200, "Request denied", "Access was denied.");
  }
}

/** A JWT-shaped opaque client secret, like the ones AWS returns. */
function fakeJwt(): string {
  const enc = (o: unknown) => base64Url(new TextEncoder().encode(JSON.stringify(o)));
  return `${enc({ kid: "key-emulator", alg: "HS384" })}.${
    enc({ serialized: base64Url(randomBytes(96)) })
  }.${base64Url(randomBytes(48))}`;
}
