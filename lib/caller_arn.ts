/**
 * Reading the ARN `sts:GetCallerIdentity` returns for temporary credentials, to find which role
 * they belong to (`console` with environment credentials; the reference cannot parse these).
 *
 * @module
 */
import { normalizeAccountId } from "./account_id.ts";
import { AwsSsoError } from "./errors.ts";

/** What an `assumed-role` caller ARN says. */
export interface CallerRole {
  /** 12-digit account id. */
  accountId: string;
  /** The IAM role name (`AWSReservedSSO_<PermissionSet>_<hex>` for SSO credentials). */
  iamRoleName: string;
  /** The role session name (the user for SSO credentials). */
  sessionName: string;
  /**
   * The Identity Center permission set when the role is one Identity Center provisioned
   * (credentials straight from GetRoleCredentials, never chained); undefined otherwise.
   */
  permissionSet?: string;
}

/** The caller is not a role session (an IAM user, a federated user, root ...). */
export class NotARoleSessionError extends AwsSsoError {}

// Identity Center names the IAM role after the permission set plus a 16-hex-digit suffix; the
// permission set name itself may contain `_`, so the suffix is matched from the end.
const SSO_ROLE = /^AWSReservedSSO_([\w+=,.@-]+)_[0-9a-f]{16}$/;

/**
 * Parses `arn:<partition>:sts::<account>:assumed-role/<role>/<session>`; the role's path is not
 * part of this ARN. Throws NotARoleSessionError for any other caller.
 *
 * @example
 * ```ts
 * parseCallerArn("arn:aws:sts::012345678901:assumed-role/AWSReservedSSO_Admin_0123456789abcdef/me");
 * // { accountId: "012345678901", iamRoleName: "AWSReservedSSO_Admin_0123456789abcdef",
 * //   sessionName: "me", permissionSet: "Admin" }
 * ```
 */
export function parseCallerArn(arn: string): CallerRole {
  const m = /^arn:[\w-]+:sts::(\d{12}):assumed-role\/([\w+=,.@-]{1,64})\/(.+)$/
    .exec(arn);
  if (m === null) {
    throw new NotARoleSessionError(
      `the credentials in the environment belong to ${arn}, not to a role session`,
      { hints: ["only role credentials (from aws-sso or sts:AssumeRole) can open the console"] },
    );
  }
  const [, account, iamRoleName, sessionName] = m as unknown as [string, string, string, string];
  const sso = SSO_ROLE.exec(iamRoleName);
  return {
    accountId: normalizeAccountId(account),
    iamRoleName,
    sessionName,
    permissionSet: sso?.[1],
  };
}
