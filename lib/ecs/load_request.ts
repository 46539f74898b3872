/**
 * The body of `PUT /` and `PUT /slot/<name>` on the ECS server, which
 * `ecs load` sends: the profile name and the role credentials in the secure store's JSON shape.
 *
 * ```json
 * {"ProfileName":"dev:Admin","Creds":{"roleName":"Admin","accountId":12345678901,
 *  "accessKeyId":"ASIA...","secretAccessKey":"...","sessionToken":"...",
 *  "expiration":1717462571000,"roleChaining":false}}
 * ```
 *
 * @module
 */
import { isAccountId, normalizeAccountId } from "../account_id.ts";
import { parseRoleArn, roleArn } from "../arn.ts";
import type { RoleCredentials } from "../creds/role_credentials.ts";
import { errorMessage } from "../errors.ts";

/** A parsed load request: which profile, and its credentials (with the role ARN). */
export interface LoadRequest {
  /** Profile name the slot is known by. */
  profileName: string;
  /** The credentials; `arn` is derived from `accountId` and `roleName`. */
  creds: RoleCredentials;
}

/** The outcome of {@link parseLoadRequest}: the request, or the reference's error message. */
export type ParsedLoadRequest = { request: LoadRequest } | { error: string };

const STRING_FIELDS = ["accessKeyId", "secretAccessKey", "sessionToken"] as const;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * Parses and validates a load request body. Errors use the reference's texts: `parsing json:
 * ...`, `missing ProfileName`, `missing Creds block`, `missing <field>`
 * (and `invalid roleName` for a name that cannot be part of a role ARN).
 *
 * @example
 * ```ts
 * parseLoadRequest('{"Creds":{}}'); // { error: "missing ProfileName" }
 * ```
 */
export function parseLoadRequest(text: string): ParsedLoadRequest {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (e) {
    return { error: `parsing json: ${errorMessage(e)}` };
  }
  if (!isObject(body)) return { error: "parsing json: expected an object" };
  const profileName = body.ProfileName;
  if (typeof profileName !== "string" || profileName === "") {
    return { error: "missing ProfileName" };
  }
  const c = body.Creds;
  if (!isObject(c)) return { error: "missing Creds block" };
  if (typeof c.roleName !== "string" || c.roleName === "") return { error: "missing roleName" };
  const account = c.accountId;
  if (
    (typeof account !== "number" && typeof account !== "string") || account === "" ||
    !isAccountId(account)
  ) {
    return { error: "missing accountId" };
  }
  for (const field of STRING_FIELDS) {
    if (typeof c[field] !== "string" || c[field] === "") return { error: `missing ${field}` };
  }
  const expiration = c.expiration;
  if (typeof expiration !== "number" || !Number.isFinite(expiration) || expiration <= 0) {
    return { error: "missing expiration" };
  }
  const accountId = normalizeAccountId(account);
  const arn = roleArn(accountId, c.roleName);
  try {
    parseRoleArn(arn);
  } catch {
    return { error: "invalid roleName" };
  }
  return {
    request: {
      profileName,
      creds: {
        accessKeyId: c.accessKeyId as string,
        secretAccessKey: c.secretAccessKey as string,
        sessionToken: c.sessionToken as string,
        expiration,
        roleChaining: c.roleChaining === true,
        accountId,
        roleName: c.roleName,
        arn,
      },
    },
  };
}

/**
 * The JSON body that loads `creds` under `profileName` (accountId as a number, as the reference
 * sends it, so its server accepts ours too).
 *
 * @example
 * ```ts
 * import type { RoleCredentials } from "../creds/role_credentials.ts";
 * declare const creds: RoleCredentials;
 * encodeLoadRequest("dev:Admin", creds); // '{"ProfileName":"dev:Admin","Creds":{...}}'
 * ```
 */
export function encodeLoadRequest(profileName: string, creds: RoleCredentials): string {
  return JSON.stringify({
    ProfileName: profileName,
    Creds: {
      roleName: creds.roleName,
      accountId: Number(creds.accountId),
      accessKeyId: creds.accessKeyId,
      secretAccessKey: creds.secretAccessKey,
      sessionToken: creds.sessionToken,
      expiration: creds.expiration,
      roleChaining: creds.roleChaining,
    },
  });
}
