/**
 * The emulator's mutable world: options, clock, directory, everything it issued (clients,
 * device grants, codes, sessions, tokens, credentials, sign-in tokens), counters and faults.
 * The services read and write it; nothing here speaks HTTP.
 *
 * @module
 */

import { createHash } from "node:crypto";
import { type DirectoryAccount, generateDirectory } from "./directory.ts";
import {
  base64,
  base64Url,
  KEY_ID_ALPHABET,
  randomBytes,
  randomString,
  SeededRandom,
} from "./_random.ts";

/** The emulated services, as named in `faultServices`. */
export type ServiceName = "oidc" | "portal" | "sts" | "signin";

/** What a browser visit to /authorize or /device does. */
export type BrowserDecision = "approve" | "deny" | "ignore";

/** Fault settings that can change while the emulator runs. */
export interface FaultSettings {
  throttleRate?: number;
  serverErrorRate?: number;
  latencyMs?: number;
  clockSkewMs?: number;
}

/** Everything `startEmulator` accepts. */
export interface EmulatorOptions {
  /** Port to listen on (default 0: a free one). */
  port?: number;
  /** Generated directory size (default 3). */
  accounts?: number;
  /** Roles in each generated account (default 3). */
  rolesPerAccount?: number;
  /** An explicit directory instead of a generated one. */
  directory?: DirectoryAccount[];
  /** Added to every response except the control API's. */
  latencyMs?: number;
  /** 0..1: fraction of API requests answered with the service's throttling error. */
  throttleRate?: number;
  /** 0..1: fraction of API requests answered 500/503. */
  serverErrorRate?: number;
  /** Services the fault rates apply to (default all). */
  faultServices?: ServiceName[];
  /** Seed of the fault sequence (default 1). */
  seed?: number;
  /** Access token lifetime (default 3600 s). */
  tokenLifetimeSec?: number;
  /** Refresh token lifetime (default 8 h, Identity Center's default session). */
  refreshTokenLifetimeSec?: number;
  /** Role credential lifetime from GetRoleCredentials (default 3600 s). */
  credentialLifetimeSec?: number;
  /** Device code lifetime (default 600 s). */
  deviceCodeLifetimeSec?: number;
  /** Device flow polling interval (default 1 s). */
  deviceCodeIntervalSec?: number;
  /** Client registration lifetime (default 90 days). */
  clientSecretLifetimeSec?: number;
  /** Shifts the emulator's clock (its Date header, expiries and the SigV4 time window). */
  clockSkewMs?: number;
  /** CreateToken(refresh_token) returns a new refresh token and invalidates the old one. */
  rotateRefreshTokens?: boolean;
  /** Receives one line per request (method, path, operation, status; never a secret). */
  log?: (line: string) => void;
}

/** An OIDC client registration. */
export interface ClientRecord {
  clientId: string;
  clientSecret: string;
  clientName: string;
  grantTypes: Set<string>;
  scopes: string[];
  redirectUris: string[];
  issuedAtMs: number;
  secretExpiresAtMs: number;
}

/** A device authorization in progress. */
export interface DeviceGrant {
  deviceCode: string;
  userCode: string;
  clientId: string;
  expiresAtMs: number;
  intervalMs: number;
  status: "pending" | "approved" | "denied" | "consumed";
  lastPollMs?: number;
  /** Polls in a row that came sooner than the interval after the previous one. */
  fastPolls?: number;
}

/** An authorization code handed out by /authorize. */
export interface AuthCodeRecord {
  clientId: string;
  redirectUri: string;
  codeChallenge: string;
  scopes: string[];
  expiresAtMs: number;
  used: boolean;
}

/** A token issued by CreateToken. */
export interface TokenRecord {
  sessionId: number;
  clientId: string;
  expiresAtMs: number;
  revoked: boolean;
}

/** Credentials the emulator issued (GetRoleCredentials or AssumeRole). */
export interface IssuedCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiresAtMs: number;
  accountId: string;
  /** The IAM role name (AWSReservedSSO_<PermissionSet>_<hash> for SSO credentials). */
  iamRoleName: string;
  roleId: string;
  sessionName: string;
  /** True for AssumeRole results (role chaining). */
  chained: boolean;
  sourceIdentity?: string;
}

/** A console sign-in token. */
export interface SigninTokenRecord {
  accessKeyId: string;
  expiresAtMs: number;
}

/** The user name Identity Center uses as the role session name. */
export const SSO_USER_NAME = "emulator.user@example.com";

const DAY_SEC = 86_400;

/** Shared state of one emulator instance. */
export class EmulatorState {
  baseUrl = "";
  readonly directory: DirectoryAccount[];
  readonly accountsById = new Map<string, DirectoryAccount>();
  readonly rolesByAccount = new Map<string, Set<string>>();
  readonly faultServices: Set<ServiceName>;
  readonly tokenLifetimeSec: number;
  readonly refreshTokenLifetimeSec: number;
  readonly credentialLifetimeSec: number;
  readonly deviceCodeLifetimeSec: number;
  readonly deviceCodeIntervalSec: number;
  readonly clientSecretLifetimeSec: number;
  readonly rotateRefreshTokens: boolean;
  readonly log?: (line: string) => void;

  throttleRate: number;
  serverErrorRate: number;
  latencyMs: number;
  clockSkewMs: number;
  browserDecision: BrowserDecision = "approve";

  counters: Record<string, number> = {};
  readonly secrets = new Set<string>();
  readonly clients = new Map<string, ClientRecord>();
  readonly devices = new Map<string, DeviceGrant>();
  readonly userCodes = new Map<string, string>();
  readonly authCodes = new Map<string, AuthCodeRecord>();
  readonly accessTokens = new Map<string, TokenRecord>();
  readonly refreshTokens = new Map<string, TokenRecord>();
  readonly revokedSessions = new Set<number>();
  readonly credentials = new Map<string, IssuedCredentials>();
  readonly signinTokens = new Map<string, SigninTokenRecord>();
  #nextSessionId = 1;
  #faultRandom: SeededRandom;

  constructor(options: EmulatorOptions) {
    this.directory = options.directory
      ? options.directory.map((a) => ({ ...a, roles: [...a.roles] }))
      : generateDirectory(options.accounts ?? 3, options.rolesPerAccount ?? 3);
    for (const account of this.directory) {
      this.accountsById.set(account.accountId, account);
      this.rolesByAccount.set(account.accountId, new Set(account.roles));
    }
    this.faultServices = new Set(options.faultServices ?? ["oidc", "portal", "sts", "signin"]);
    this.tokenLifetimeSec = options.tokenLifetimeSec ?? 3600;
    this.refreshTokenLifetimeSec = options.refreshTokenLifetimeSec ?? 8 * 3600;
    this.credentialLifetimeSec = options.credentialLifetimeSec ?? 3600;
    this.deviceCodeLifetimeSec = options.deviceCodeLifetimeSec ?? 600;
    this.deviceCodeIntervalSec = options.deviceCodeIntervalSec ?? 1;
    this.clientSecretLifetimeSec = options.clientSecretLifetimeSec ?? 90 * DAY_SEC;
    this.rotateRefreshTokens = options.rotateRefreshTokens ?? false;
    this.log = options.log;
    this.throttleRate = options.throttleRate ?? 0;
    this.serverErrorRate = options.serverErrorRate ?? 0;
    this.latencyMs = options.latencyMs ?? 0;
    this.clockSkewMs = options.clockSkewMs ?? 0;
    this.#faultRandom = new SeededRandom(options.seed ?? 1);
  }

  /** The emulator's clock (real time shifted by `clockSkewMs`). */
  now(): number {
    return Date.now() + this.clockSkewMs;
  }

  /** Counts one call of `operation`. */
  count(operation: string): void {
    this.counters[operation] = (this.counters[operation] ?? 0) + 1;
  }

  /** Remembers a secret for leak tests and returns it. */
  secret<T extends string>(value: T): T {
    this.secrets.add(value);
    return value;
  }

  /** Draws the next fault for a request to `service`, if any. */
  drawFault(service: ServiceName): "throttle" | "server500" | "server503" | undefined {
    if (!this.faultServices.has(service)) return undefined;
    if (this.throttleRate <= 0 && this.serverErrorRate <= 0) return undefined;
    const r = this.#faultRandom.next();
    if (r < this.throttleRate) return "throttle";
    if (r < this.throttleRate + this.serverErrorRate) {
      return this.#faultRandom.next() < 0.5 ? "server500" : "server503";
    }
    return undefined;
  }

  /** Applies new fault settings (unset fields keep their value). */
  setFaults(f: FaultSettings): void {
    if (f.throttleRate !== undefined) this.throttleRate = f.throttleRate;
    if (f.serverErrorRate !== undefined) this.serverErrorRate = f.serverErrorRate;
    if (f.latencyMs !== undefined) this.latencyMs = f.latencyMs;
    if (f.clockSkewMs !== undefined) this.clockSkewMs = f.clockSkewMs;
  }

  /** Current fault settings. */
  faults(): Required<FaultSettings> {
    return {
      throttleRate: this.throttleRate,
      serverErrorRate: this.serverErrorRate,
      latencyMs: this.latencyMs,
      clockSkewMs: this.clockSkewMs,
    };
  }

  /** Starts a sign-in session (one per approved login). */
  newSession(): number {
    return this.#nextSessionId++;
  }

  /** Issues an access token (and a refresh token when asked) in `sessionId`. */
  issueTokens(
    sessionId: number,
    clientId: string,
    withRefresh: boolean,
  ): { accessToken: string; refreshToken?: string } {
    const now = this.now();
    const accessToken = this.secret("aoa" + base64Url(randomBytes(96)));
    this.accessTokens.set(accessToken, {
      sessionId,
      clientId,
      expiresAtMs: now + this.tokenLifetimeSec * 1000,
      revoked: false,
    });
    if (!withRefresh) return { accessToken };
    const refreshToken = this.secret("aor" + base64Url(randomBytes(120)));
    this.refreshTokens.set(refreshToken, {
      sessionId,
      clientId,
      expiresAtMs: now + this.refreshTokenLifetimeSec * 1000,
      revoked: false,
    });
    return { accessToken, refreshToken };
  }

  /** True when a token record is still usable. */
  tokenUsable(record: TokenRecord | undefined): record is TokenRecord {
    return record !== undefined && !record.revoked && !this.revokedSessions.has(record.sessionId) &&
      record.expiresAtMs > this.now();
  }

  /** Ends every session issued so far: all access and refresh tokens stop working. */
  revokeAll(): void {
    for (const r of this.accessTokens.values()) this.revokedSessions.add(r.sessionId);
    for (const r of this.refreshTokens.values()) this.revokedSessions.add(r.sessionId);
  }

  /** Makes every access token issued so far expired (refresh tokens keep working). */
  expireAccessTokens(): void {
    const past = this.now() - 1;
    for (const r of this.accessTokens.values()) r.expiresAtMs = Math.min(r.expiresAtMs, past);
  }

  /** Issues credentials for `iamRoleName` in `accountId`. */
  issueCredentials(
    accountId: string,
    iamRoleName: string,
    sessionName: string,
    lifetimeSec: number,
    chained: boolean,
    sourceIdentity?: string,
  ): IssuedCredentials {
    const accessKeyId = "ASIA" + randomString(16, KEY_ID_ALPHABET);
    // Real secrets and session tokens are base64 text with `+`, `/` and `=`: make sure every
    // issued one has them so a client that forgets to URL-encode fails in tests.
    const secretChars = base64(randomBytes(30)).split("");
    secretChars[7] = "+";
    secretChars[23] = "/";
    const secretAccessKey = this.secret(secretChars.join(""));
    const sessionToken = this.secret(
      "IQoJb3JpZ2luX2Vj" + base64(randomBytes(301)).replace(/^(.{10})./, "$1+").replace(
        /^(.{30})./,
        "$1/",
      ),
    );
    const creds: IssuedCredentials = {
      accessKeyId,
      secretAccessKey,
      sessionToken,
      expiresAtMs: this.now() + lifetimeSec * 1000,
      accountId,
      iamRoleName,
      roleId: roleIdFor(accountId, iamRoleName),
      sessionName,
      chained,
      sourceIdentity,
    };
    this.credentials.set(accessKeyId, creds);
    return creds;
  }
}

/** The IAM role name Identity Center provisions for a permission set. */
export function ssoIamRoleName(accountId: string, permissionSet: string): string {
  const hash = createHash("sha256").update(`${accountId}/${permissionSet}`).digest("hex");
  return `AWSReservedSSO_${permissionSet}_${hash.slice(0, 16)}`;
}

/** A stable `AROA...` role id for a role. */
export function roleIdFor(accountId: string, iamRoleName: string): string {
  const hash = createHash("sha256").update(`role:${accountId}/${iamRoleName}`).digest();
  let id = "AROA";
  for (let i = 0; i < 17; i++) id += KEY_ID_ALPHABET[(hash[i] ?? 0) % KEY_ID_ALPHABET.length];
  return id;
}
