/**
 * The AWS SSO portal API (docs/design.md §2.2, §2.3): ListAccounts, ListAccountRoles,
 * GetRoleCredentials and Logout, authenticated with the `x-amz-sso_bearer_token` header.
 *
 * @module
 */
import { endpointFor, type EndpointOptions } from "../aws/endpoints.ts";
import { awsJsonCall, type HttpDeps } from "../aws/json_client.ts";
import { AwsApiError } from "../errors.ts";

/** An account the user can access. */
export interface PortalAccount {
  /** 12-digit account id. */
  accountId: string;
  /** The account's name in AWS Organizations (the reference's "AccountAlias"). */
  accountName: string;
  /** Root email of the account. */
  emailAddress: string;
}

/** Role credentials as the portal returns them (expiration in epoch milliseconds). */
export interface PortalRoleCredentials {
  /** Access key id. */
  accessKeyId: string;
  /** Secret access key. */
  secretAccessKey: string;
  /** Session token. */
  sessionToken: string;
  /** Expiry, epoch ms. */
  expiration: number;
}

/** The largest page the portal API serves (a larger MaxResults is clamped to 100). */
export const PORTAL_PAGE_SIZE = 100;

/** A client for one Identity Center region. */
export class PortalClient {
  readonly #deps: HttpDeps;
  readonly #base: string;

  /** Creates a client for `region`, honouring endpoint overrides. */
  constructor(deps: HttpDeps, region: string, endpoints: EndpointOptions = {}) {
    this.#deps = deps;
    this.#base = endpointFor("portal", region, endpoints);
  }

  #url(path: string, query: Record<string, string | undefined>): string {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined) params.set(k, v);
    const qs = params.toString();
    return `${this.#base}${path}${qs === "" ? "" : `?${qs}`}`;
  }

  /** One page of ListAccounts. */
  async listAccountsPage(
    accessToken: string,
    nextToken?: string,
  ): Promise<{ accounts: PortalAccount[]; nextToken?: string }> {
    const body = await awsJsonCall<{
      accountList?: { accountId?: string; accountName?: string; emailAddress?: string }[];
      nextToken?: string | null;
    }>(this.#deps, {
      operation: "ListAccounts",
      method: "GET",
      url: this.#url("/assignment/accounts", {
        max_result: String(PORTAL_PAGE_SIZE),
        next_token: nextToken,
      }),
      headers: { "x-amz-sso_bearer_token": accessToken },
    });
    return {
      accounts: (body.accountList ?? []).map((a) => ({
        accountId: a.accountId ?? "",
        accountName: a.accountName ?? "",
        emailAddress: a.emailAddress ?? "",
      })),
      nextToken: body.nextToken ?? undefined,
    };
  }

  /** All accounts, following `nextToken`. */
  async listAccounts(accessToken: string): Promise<PortalAccount[]> {
    const all: PortalAccount[] = [];
    let next: string | undefined;
    do {
      const page = await this.listAccountsPage(accessToken, next);
      all.push(...page.accounts);
      next = page.nextToken;
    } while (next !== undefined && next !== "");
    return all;
  }

  /** All role names of one account, following `nextToken`. */
  async listAccountRoles(accessToken: string, accountId: string): Promise<string[]> {
    const roles: string[] = [];
    let next: string | undefined;
    do {
      const body = await awsJsonCall<{
        roleList?: { roleName?: string; accountId?: string }[];
        nextToken?: string | null;
      }>(this.#deps, {
        operation: "ListAccountRoles",
        method: "GET",
        url: this.#url("/assignment/roles", {
          account_id: accountId,
          max_result: String(PORTAL_PAGE_SIZE),
          next_token: next,
        }),
        headers: { "x-amz-sso_bearer_token": accessToken },
      });
      for (const r of body.roleList ?? []) if (r.roleName) roles.push(r.roleName);
      next = body.nextToken ?? undefined;
    } while (next !== undefined && next !== "");
    return roles;
  }

  /** Short-term credentials for a role. */
  async getRoleCredentials(
    accessToken: string,
    accountId: string,
    roleName: string,
  ): Promise<PortalRoleCredentials> {
    const body = await awsJsonCall<{
      roleCredentials?: Partial<PortalRoleCredentials>;
    }>(this.#deps, {
      operation: "GetRoleCredentials",
      method: "GET",
      url: this.#url("/federation/credentials", { account_id: accountId, role_name: roleName }),
      headers: { "x-amz-sso_bearer_token": accessToken },
    });
    const c = body.roleCredentials ?? {};
    if (!c.accessKeyId || !c.secretAccessKey || !c.sessionToken || !c.expiration) {
      throw new AwsApiError("GetRoleCredentials returned incomplete credentials");
    }
    return {
      accessKeyId: c.accessKeyId,
      secretAccessKey: c.secretAccessKey,
      sessionToken: c.sessionToken,
      expiration: Number(c.expiration),
    };
  }

  /** Ends the portal session of this token (also signs the browser out). */
  async logout(accessToken: string): Promise<void> {
    await awsJsonCall(this.#deps, {
      operation: "Logout",
      method: "POST",
      url: `${this.#base}/logout`,
      headers: { "x-amz-sso_bearer_token": accessToken },
    });
  }
}
