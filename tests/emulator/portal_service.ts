/**
 * The SSO portal API (REST-JSON, bearer token in `x-amz-sso_bearer_token`): ListAccounts,
 * ListAccountRoles, GetRoleCredentials, Logout.
 *
 * @module
 */

import { type EmulatorState, SSO_USER_NAME, ssoIamRoleName } from "./_state.ts";
import { base64, fromBase64 } from "./_random.ts";
import { jsonResponse, portalError } from "./_wire.ts";

type FaultCheck = (service: "portal", operation: string) => Response | undefined;

// AWS answers max_result outside 1..100 with this InvalidRequestException (aws-sso-cli #1342).
const MAX_PAGE = 100;
const DEFAULT_PAGE = 20;
// Every page token starts with these bytes, whose base64 is "+/+/", and is padded to end in
// "==": a client that does not URL-encode next_token sends "+" as a space and fails.
const TOKEN_MAGIC = [0xfb, 0xff, 0xbf];

/** Encodes a page position as an opaque, standard-base64 page token. */
export function encodePageToken(scope: string, offset: number): string {
  const payload = new TextEncoder().encode(`${scope}|${offset}|`);
  const bytes = [...TOKEN_MAGIC, ...payload];
  while (bytes.length % 3 !== 1) bytes.push(0x20);
  return base64(new Uint8Array(bytes));
}

/** Decodes a page token for `scope`; undefined when it is not one of ours. */
export function decodePageToken(token: string, scope: string): number | undefined {
  const bytes = fromBase64(token);
  if (!bytes || bytes.length < 4 || TOKEN_MAGIC.some((b, i) => bytes[i] !== b)) return undefined;
  const [tokenScope, offset] = new TextDecoder().decode(bytes.subarray(3)).split("|");
  if (tokenScope !== scope || offset === undefined || !/^\d+$/.test(offset)) return undefined;
  return Number(offset);
}

/** The emulated SSO portal. */
export class PortalService {
  constructor(private readonly state: EmulatorState, private readonly fault: FaultCheck) {}

  /** Handles a request for this service, or returns undefined when the route is not ours. */
  handle(req: Request, url: URL): Response | undefined {
    const route = `${req.method} ${url.pathname}`;
    switch (route) {
      case "GET /assignment/accounts":
        return this.#guard(req, "ListAccounts", () => this.#listAccounts(url));
      case "GET /assignment/roles":
        return this.#guard(req, "ListAccountRoles", () => this.#listAccountRoles(url));
      case "GET /federation/credentials":
        // Also counted per role, so a test can prove a role was never asked for.
        this.state.count(
          `GetRoleCredentials:${url.searchParams.get("account_id")}/${
            url.searchParams.get("role_name")
          }`,
        );
        return this.#guard(req, "GetRoleCredentials", () => this.#getRoleCredentials(url));
      case "POST /logout":
        return this.#guard(req, "Logout", (token) => {
          const record = this.state.accessTokens.get(token);
          if (record) this.state.revokedSessions.add(record.sessionId);
          return new Response(null, { status: 200 });
        });
    }
    return undefined;
  }

  #guard(req: Request, operation: string, run: (token: string) => Response): Response {
    this.state.count(operation);
    const faulted = this.fault("portal", operation);
    if (faulted) return faulted;
    const token = req.headers.get("x-amz-sso_bearer_token") ?? "";
    if (!this.state.tokenUsable(this.state.accessTokens.get(token))) {
      return portalError(401, "UnauthorizedException", "Session token not found or invalid");
    }
    return run(token);
  }

  #page(
    url: URL,
    scope: string,
    total: number,
  ): { start: number; end: number; next: string | null } | Response {
    const maxText = url.searchParams.get("max_result");
    let size = DEFAULT_PAGE;
    if (maxText !== null) {
      size = /^-?\d+$/.test(maxText) ? Number(maxText) : NaN;
      if (!(size >= 1 && size <= MAX_PAGE)) {
        return portalError(
          400,
          "InvalidRequestException",
          `ResultSize parameter must be within the valid limits of: 1-${MAX_PAGE}`,
        );
      }
    }
    const tokenText = url.searchParams.get("next_token");
    let start = 0;
    if (tokenText !== null) {
      const offset = decodePageToken(tokenText, scope);
      if (offset === undefined || offset > total) {
        return portalError(400, "InvalidRequestException", "Invalid pagination token");
      }
      start = offset;
    }
    const end = Math.min(total, start + size);
    return { start, end, next: end < total ? encodePageToken(scope, end) : null };
  }

  #listAccounts(url: URL): Response {
    const page = this.#page(url, "accounts", this.state.directory.length);
    if (page instanceof Response) return page;
    const accountList = this.state.directory.slice(page.start, page.end).map((a) => ({
      accountId: a.accountId,
      accountName: a.accountName,
      emailAddress: a.emailAddress,
    }));
    return jsonResponse({ nextToken: page.next, accountList });
  }

  #listAccountRoles(url: URL): Response {
    const accountId = url.searchParams.get("account_id") ?? "";
    if (accountId === "") {
      return portalError(400, "InvalidRequestException", "account_id is required");
    }
    const account = this.state.accountsById.get(accountId);
    if (!account) return portalError(403, "ForbiddenException", "No access");
    const page = this.#page(url, `roles:${accountId}`, account.roles.length);
    if (page instanceof Response) return page;
    const roleList = account.roles.slice(page.start, page.end).map((roleName) => ({
      roleName,
      accountId,
    }));
    return jsonResponse({ nextToken: page.next, roleList });
  }

  #getRoleCredentials(url: URL): Response {
    const accountId = url.searchParams.get("account_id") ?? "";
    const roleName = url.searchParams.get("role_name") ?? "";
    if (accountId === "" || roleName === "") {
      return portalError(400, "InvalidRequestException", "account_id and role_name are required");
    }
    // Real AWS answers an unassigned account/role with 403 ForbiddenException "No access"
    // (not a modelled exception: SDKs surface it as a generic service error).
    if (!this.state.rolesByAccount.get(accountId)?.has(roleName)) {
      return portalError(403, "ForbiddenException", "No access");
    }
    const creds = this.state.issueCredentials(
      accountId,
      ssoIamRoleName(accountId, roleName),
      SSO_USER_NAME,
      this.state.credentialLifetimeSec,
      false,
    );
    return jsonResponse({
      roleCredentials: {
        accessKeyId: creds.accessKeyId,
        secretAccessKey: creds.secretAccessKey,
        sessionToken: creds.sessionToken,
        expiration: creds.expiresAtMs,
      },
    });
  }
}
