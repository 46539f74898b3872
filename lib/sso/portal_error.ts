/**
 * What a failed `sso:GetRoleCredentials` means to the user, for both credential sources
 * (config.yaml's roles and `--aws-profile`): the portal's 401 is an ended or expired SSO session,
 * its 403 a role the user has no access to. Other errors pass through unchanged.
 *
 * @module
 */
import { AwsApiError, NotLoggedInError } from "../errors.ts";

/** Whose credentials failed, and what the user can do about it. */
export interface PortalErrorSubject {
  /** What the credentials were for: a role ARN, or `AWS profile <name>`. */
  what: string;
  /** The role in the no-access message: `this role`, `role R in account A`. */
  role: string;
  /** The command that logs in again, e.g. `aws-sso login --sso Work`. */
  loginCommand: string;
  /**
   * True: the login command goes into the message, one line (`--aws-profile` errors, which
   * credential_process shows as is); false: it is the error's hint.
   */
  oneLine: boolean;
  /** What to check when the role is refused. */
  noAccessHint: string;
}

/**
 * The error to show for `e`, thrown by `sso:GetRoleCredentials` for `subject`.
 *
 * @example
 * ```ts
 * const subject = {
 *   what: "arn:aws:iam::012345678901:role/Admin",
 *   role: "this role",
 *   loginCommand: "aws-sso login",
 *   oneLine: false,
 *   noAccessHint: 'run "aws-sso cache" to refresh the roles you can use',
 * };
 * const e = new Error("connection reset");
 * portalError(e, subject) === e; // true: only the portal's 401 and 403 are translated
 * ```
 */
export function portalError(e: unknown, subject: PortalErrorSubject): unknown {
  if (!(e instanceof AwsApiError)) return e;
  const what = `Cannot get credentials for ${subject.what}`;
  if (e.code === "UnauthorizedException") {
    const message = `${what}: AWS SSO rejected the session (it was ended or expired)`;
    const login = `run "${subject.loginCommand}"`;
    return subject.oneLine
      ? new NotLoggedInError(`${message}; ${login}`, { cause: e })
      : new NotLoggedInError(message, { hints: [login], cause: e });
  }
  if (e.code === "ForbiddenException") {
    return new AwsApiError(
      `${what}: you have no access to ${subject.role} in AWS SSO`,
      { code: e.code, status: e.status },
      { hints: [subject.noAccessHint], cause: e },
    );
  }
  return e;
}
