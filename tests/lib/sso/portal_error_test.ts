import assert from "node:assert/strict";
import { AwsApiError, NotLoggedInError } from "../../../lib/errors.ts";
import { portalError, type PortalErrorSubject } from "../../../lib/sso/portal_error.ts";

const ROLE: PortalErrorSubject = {
  what: "arn:aws:iam::012345678901:role/Admin",
  role: "this role",
  loginCommand: "aws-sso login",
  oneLine: false,
  noAccessHint: 'run "aws-sso cache" to refresh the roles you can use',
};
const PROFILE: PortalErrorSubject = {
  what: "AWS profile dev",
  role: "role Admin in account 012345678901",
  loginCommand: "aws sso login --profile dev",
  oneLine: true,
  noAccessHint: "check sso_account_id and sso_role_name of the profile",
};

const unauthorized = () =>
  new AwsApiError("expired", { code: "UnauthorizedException", status: 401 });
const forbidden = () => new AwsApiError("no", { code: "ForbiddenException", status: 403 });

Deno.test("portalError() turns the portal's 401 into NotLoggedInError with the login command as the hint", () => {
  const cause = unauthorized();
  const e = portalError(cause, ROLE);
  assert.ok(e instanceof NotLoggedInError);
  assert.equal(
    e.message,
    "Cannot get credentials for arn:aws:iam::012345678901:role/Admin: AWS SSO rejected the session (it was ended or expired)",
  );
  assert.deepEqual(e.hints, ['run "aws-sso login"']);
  assert.equal(e.cause, cause);
});

Deno.test("portalError() puts the login command into the one line of an --aws-profile error", () => {
  const e = portalError(unauthorized(), PROFILE);
  assert.ok(e instanceof NotLoggedInError);
  assert.equal(
    e.message,
    'Cannot get credentials for AWS profile dev: AWS SSO rejected the session (it was ended or expired); run "aws sso login --profile dev"',
  );
  assert.deepEqual(e.hints, []);
});

Deno.test("portalError() says which role was refused on the portal's 403 and keeps code and status", () => {
  for (
    const [subject, text] of [[ROLE, "this role"], [PROFILE, "role Admin in account"]] as const
  ) {
    const e = portalError(forbidden(), subject);
    assert.ok(e instanceof AwsApiError && !(e instanceof NotLoggedInError));
    assert.match(
      e.message,
      new RegExp(`^Cannot get credentials for ${subject.what}: you have no access to ${text}`),
    );
    assert.equal(e.code, "ForbiddenException");
    assert.equal(e.status, 403);
    assert.deepEqual(e.hints, [subject.noAccessHint]);
  }
});

Deno.test("portalError() passes other errors through unchanged", () => {
  const throttled = new AwsApiError("slow down", { code: "TooManyRequestsException", status: 429 });
  const plain = new Error("connection reset");
  assert.equal(portalError(throttled, ROLE), throttled);
  assert.equal(portalError(plain, PROFILE), plain);
});
