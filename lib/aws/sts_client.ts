/**
 * AWS STS over the query protocol (API version 2011-06-15), signed with SigV4: AssumeRole (role
 * chaining through `Via`, docs/design.md §2.3) and GetCallerIdentity, retried by the one policy of
 * lib/aws/retry.ts (each attempt signed anew).
 *
 * @module
 */
import { AwsApiError } from "../errors.ts";
import { safeText } from "../safe_text.ts";
import { endpointFor, type EndpointOptions } from "./endpoints.ts";
import { type HttpDeps, sendOnce } from "./json_client.ts";
import { isThrottleAnswer, withRetries } from "./retry.ts";
import { type SigningCredentials, signRequest } from "./sigv4.ts";

/** Temporary credentials STS issued. */
export interface StsCredentials {
  /** Access key id. */
  accessKeyId: string;
  /** Secret access key. */
  secretAccessKey: string;
  /** Session token. */
  sessionToken: string;
  /** Expiry, epoch ms. */
  expiration: number;
}

/** AssumeRole parameters. */
export interface AssumeRoleRequest {
  /** The role to assume. */
  roleArn: string;
  /** Session name (2–64 of `[\w+=,.@-]`). */
  roleSessionName: string;
  /** Session length; at most 3600 for role chaining. */
  durationSeconds?: number;
  /** The third-party external id the role's trust policy asks for. */
  externalId?: string;
  /** Source identity to set on the session. */
  sourceIdentity?: string;
}

/** Who a set of credentials belongs to. */
export interface CallerIdentity {
  /** 12-digit account id. */
  account: string;
  /** ARN of the caller (`arn:aws:sts::<acct>:assumed-role/<role>/<session>` for roles). */
  arn: string;
  /** Unique id of the caller. */
  userId: string;
}

const VERSION = "2011-06-15";

function unescapeXml(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|amp|lt|gt|quot|apos);/g, (_, e: string) => {
    switch (e) {
      case "amp":
        return "&";
      case "lt":
        return "<";
      case "gt":
        return ">";
      case "quot":
        return '"';
      case "apos":
        return "'";
    }
    const code = e.startsWith("#x") ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
    return String.fromCodePoint(code);
  });
}

/** The text of the first `<name>` element in `xml`, or undefined. */
function element(xml: string, name: string): string | undefined {
  const m = new RegExp(`<${name}(?:\\s[^>]*)?>([\\s\\S]*?)</${name}>`).exec(xml);
  return m === null ? undefined : unescapeXml(m[1]!.trim());
}

/** Turns an STS error into an AwsApiError with a message and hint the user can act on. */
function stsError(operation: string, status: number, code: string, message: string): AwsApiError {
  const details = { code, status };
  if (
    code === "SignatureDoesNotMatch" &&
    /Signature expired|Signature not yet current/i.test(message)
  ) {
    return new AwsApiError(
      `${operation} failed: this computer's clock differs from AWS's by more than 15 minutes (${message})`,
      details,
      { hints: ["synchronise the system clock (e.g. enable NTP) and try again"] },
    );
  }
  if (code === "ExpiredToken") {
    return new AwsApiError(
      `${operation} failed: the credentials used to call STS have expired (${code})`,
      details,
      { hints: ["run the command again with --sts-refresh"] },
    );
  }
  if (code === "AccessDenied") {
    return new AwsApiError(
      `${operation} failed: AccessDenied: ${message}`,
      details,
      {
        hints: [
          "check that the role's trust policy allows the Via role to assume it (and sts:SetSourceIdentity when SourceIdentity is set), and that ExternalId matches",
        ],
      },
    );
  }
  return new AwsApiError(
    `${operation} failed: ${code}${message === "" ? "" : `: ${message}`}`,
    details,
    isThrottleAnswer(status, code)
      ? { hints: ["AWS is throttling requests; raise MaxRetry / MaxBackoff"] }
      : {},
  );
}

/** A client for STS in one region. */
export class StsClient {
  readonly #deps: HttpDeps;
  readonly #region: string;
  readonly #url: string;

  /** Creates a client for `region`, honouring `AWS_ENDPOINT_URL_STS` and friends. */
  constructor(deps: HttpDeps, region: string, endpoints: EndpointOptions = {}) {
    this.#deps = deps;
    this.#region = region;
    this.#url = `${endpointFor("sts", region, endpoints)}/`;
  }

  /** sts:AssumeRole with `creds` as the caller. */
  async assumeRole(creds: SigningCredentials, req: AssumeRoleRequest): Promise<StsCredentials> {
    const params: Record<string, string> = {
      RoleArn: req.roleArn,
      RoleSessionName: req.roleSessionName,
    };
    if (req.durationSeconds !== undefined) params.DurationSeconds = String(req.durationSeconds);
    if (req.externalId !== undefined && req.externalId !== "") params.ExternalId = req.externalId;
    if (req.sourceIdentity !== undefined && req.sourceIdentity !== "") {
      params.SourceIdentity = req.sourceIdentity;
    }
    const xml = await this.#call("AssumeRole", params, creds);
    const block = element(xml, "Credentials") ?? "";
    const accessKeyId = element(block, "AccessKeyId");
    const secretAccessKey = element(block, "SecretAccessKey");
    const sessionToken = element(block, "SessionToken");
    const expiration = Date.parse(element(block, "Expiration") ?? "");
    if (!accessKeyId || !secretAccessKey || !sessionToken || Number.isNaN(expiration)) {
      throw new AwsApiError("AssumeRole returned incomplete credentials");
    }
    this.#deps.logger.secret(secretAccessKey);
    this.#deps.logger.secret(sessionToken);
    return { accessKeyId, secretAccessKey, sessionToken, expiration };
  }

  /** sts:GetCallerIdentity for `creds`. */
  async getCallerIdentity(creds: SigningCredentials): Promise<CallerIdentity> {
    const xml = await this.#call("GetCallerIdentity", {}, creds);
    const account = element(xml, "Account");
    const arn = element(xml, "Arn");
    if (!account || !arn) throw new AwsApiError("GetCallerIdentity returned an incomplete answer");
    return { account, arn, userId: element(xml, "UserId") ?? "" };
  }

  async #call(
    action: string,
    params: Record<string, string>,
    creds: SigningCredentials,
  ): Promise<string> {
    const deps = this.#deps;
    const body = new TextEncoder().encode(
      new URLSearchParams({ Action: action, Version: VERSION, ...params }).toString(),
    );
    return await withRetries(deps, action, async (attempt) => {
      const headers = await signRequest({
        method: "POST",
        url: this.#url,
        headers: { "content-type": "application/x-www-form-urlencoded; charset=utf-8" },
        body,
        service: "sts",
        region: this.#region,
        nowMs: deps.clock.now(),
      }, creds);
      const { response, text } = await sendOnce(deps, {
        operation: action,
        url: this.#url,
        init: { method: "POST", headers, body },
        hints: ["check your network connection"],
      });
      deps.logger.trace(action, { status: response.status, attempt });
      if (response.ok) return text;
      // Quoted in the error: one escaped line each (lib/safe_text.ts).
      const code = safeText(element(text, "Code") ?? `HTTP${response.status}`);
      const message = safeText(element(text, "Message") ?? "");
      throw stsError(action, response.status, code, message);
    });
  }
}
