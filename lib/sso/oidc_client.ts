/**
 * The AWS SSO OIDC API (docs/design.md §2.1): RegisterClient, StartDeviceAuthorization
 * and CreateToken over REST-JSON. Every secret in a response is registered with the logger
 * before anything else can see it.
 *
 * @module
 */
import { endpointFor, type EndpointOptions } from "../aws/endpoints.ts";
import { awsJsonCall, type HttpDeps } from "../aws/json_client.ts";
import { AwsApiError } from "../errors.ts";

/** The device-code grant type URN. */
export const DEVICE_CODE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";
/** The PKCE grant type. */
export const AUTHORIZATION_CODE_GRANT = "authorization_code";
/** The refresh grant type. */
export const REFRESH_TOKEN_GRANT = "refresh_token";
/** The scope aws-sso asks for. */
export const SSO_SCOPE = "sso:account:access";
/** The loopback redirect URI registered for PKCE (RFC 8252: any port matches). */
export const LOOPBACK_REDIRECT_URI = "http://127.0.0.1";
/** The client name aws-sso registers with. */
export const CLIENT_NAME = "aws-sso-cli";

/** What RegisterClient returns. */
export interface RegisteredClient {
  /** Client id. */
  clientId: string;
  /** Client secret. */
  clientSecret: string;
  /** Epoch seconds. */
  clientIdIssuedAt: number;
  /** Epoch seconds. */
  clientSecretExpiresAt: number;
  /** Where the browser authorizes a PKCE login, when AWS says. */
  authorizationEndpoint?: string;
  /** Token endpoint, when AWS says. */
  tokenEndpoint?: string;
}

/** What StartDeviceAuthorization returns. */
export interface DeviceAuthorization {
  /** Secret code the client polls with. */
  deviceCode: string;
  /** Code the user confirms in the browser. */
  userCode: string;
  /** Page where the user enters the code. */
  verificationUri: string;
  /** The same page with the code filled in. */
  verificationUriComplete?: string;
  /** Seconds until the codes expire. */
  expiresIn: number;
  /** Seconds between polls. */
  interval: number;
}

/** What CreateToken returns. */
export interface OidcToken {
  /** Bearer token for the portal API. */
  accessToken: string;
  /** Seconds until the access token expires. */
  expiresIn: number;
  /** Refresh token, when the client has the refresh_token grant. */
  refreshToken?: string;
  /** OIDC id token, when returned. */
  idToken?: string;
  /** Normally `Bearer`. */
  tokenType?: string;
}

/** The grant-specific part of a CreateToken request. */
export type TokenGrant =
  | { grantType: "device_code"; deviceCode: string }
  | { grantType: "authorization_code"; code: string; codeVerifier: string; redirectUri: string }
  | { grantType: "refresh_token"; refreshToken: string };

/** A client for the SSO OIDC service of one region. */
export class OidcClient {
  readonly #deps: HttpDeps;
  readonly #base: string;

  /** Creates the client for `region`, honouring `AWS_ENDPOINT_URL_SSO_OIDC` via `endpoints`. */
  constructor(deps: HttpDeps, region: string, endpoints: EndpointOptions = {}) {
    this.#deps = deps;
    this.#base = endpointFor("oidc", region, endpoints);
  }

  /** The service base URL (no trailing slash). */
  get baseUrl(): string {
    return this.#base;
  }

  /** Registers a public client for one flow; never mixes device_code and authorization_code. */
  async registerClient(request: {
    issuerUrl: string;
    grantTypes: string[];
    scopes?: string[];
    redirectUris?: string[];
  }): Promise<RegisteredClient> {
    const body = await awsJsonCall<Record<string, unknown>>(this.#deps, {
      operation: "RegisterClient",
      method: "POST",
      url: `${this.#base}/client/register`,
      body: {
        clientName: CLIENT_NAME,
        clientType: "public",
        grantTypes: request.grantTypes,
        issuerUrl: request.issuerUrl,
        ...(request.scopes === undefined ? {} : { scopes: request.scopes }),
        ...(request.redirectUris === undefined ? {} : { redirectUris: request.redirectUris }),
      },
    });
    const clientId = text(body.clientId);
    const clientSecret = text(body.clientSecret);
    this.#deps.logger.secret(clientSecret);
    if (clientId === undefined || clientSecret === undefined) {
      throw new AwsApiError("RegisterClient returned no client id or secret");
    }
    return {
      clientId,
      clientSecret,
      clientIdIssuedAt: number(body.clientIdIssuedAt) ?? 0,
      clientSecretExpiresAt: number(body.clientSecretExpiresAt) ?? 0,
      authorizationEndpoint: text(body.authorizationEndpoint),
      tokenEndpoint: text(body.tokenEndpoint),
    };
  }

  /** Starts a device-code login. */
  async startDeviceAuthorization(request: {
    clientId: string;
    clientSecret: string;
    startUrl: string;
  }): Promise<DeviceAuthorization> {
    const body = await awsJsonCall<Record<string, unknown>>(this.#deps, {
      operation: "StartDeviceAuthorization",
      method: "POST",
      url: `${this.#base}/device_authorization`,
      body: request,
    });
    const deviceCode = text(body.deviceCode);
    this.#deps.logger.secret(deviceCode);
    const userCode = text(body.userCode);
    const verificationUri = text(body.verificationUri);
    if (deviceCode === undefined || userCode === undefined || verificationUri === undefined) {
      throw new AwsApiError("StartDeviceAuthorization returned an incomplete response");
    }
    return {
      deviceCode,
      userCode,
      verificationUri,
      verificationUriComplete: text(body.verificationUriComplete),
      expiresIn: number(body.expiresIn) ?? 600,
      interval: number(body.interval) ?? 5,
    };
  }

  /** Exchanges a device code, an authorization code or a refresh token for tokens. */
  async createToken(
    client: { clientId: string; clientSecret: string },
    grant: TokenGrant,
  ): Promise<OidcToken> {
    const logger = this.#deps.logger;
    let fields: Record<string, string>;
    switch (grant.grantType) {
      case "device_code":
        logger.secret(grant.deviceCode);
        fields = { grantType: DEVICE_CODE_GRANT, deviceCode: grant.deviceCode };
        break;
      case "authorization_code":
        logger.secret(grant.code);
        logger.secret(grant.codeVerifier);
        fields = {
          grantType: AUTHORIZATION_CODE_GRANT,
          code: grant.code,
          codeVerifier: grant.codeVerifier,
          redirectUri: grant.redirectUri,
        };
        break;
      case "refresh_token":
        logger.secret(grant.refreshToken);
        fields = { grantType: REFRESH_TOKEN_GRANT, refreshToken: grant.refreshToken };
        break;
    }
    logger.secret(client.clientSecret);
    const body = await awsJsonCall<Record<string, unknown>>(this.#deps, {
      operation: "CreateToken",
      method: "POST",
      url: `${this.#base}/token`,
      body: { clientId: client.clientId, clientSecret: client.clientSecret, ...fields },
    });
    const accessToken = text(body.accessToken);
    const refreshToken = text(body.refreshToken);
    const idToken = text(body.idToken);
    for (const s of [accessToken, refreshToken, idToken]) logger.secret(s);
    if (accessToken === undefined) throw new AwsApiError("CreateToken returned no access token");
    return {
      accessToken,
      expiresIn: number(body.expiresIn) ?? 0,
      refreshToken,
      idToken,
      tokenType: text(body.tokenType),
    };
  }
}

function text(v: unknown): string | undefined {
  return typeof v === "string" && v !== "" ? v : undefined;
}

function number(v: unknown): number | undefined {
  return typeof v === "number" && Number.isFinite(v) ? v : undefined;
}
