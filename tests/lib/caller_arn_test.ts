import assert from "node:assert/strict";
import { NotARoleSessionError, parseCallerArn } from "../../lib/caller_arn.ts";

Deno.test("parseCallerArn() finds the permission set of an Identity Center role session", () => {
  assert.deepEqual(
    parseCallerArn(
      "arn:aws:sts::012345678901:assumed-role/AWSReservedSSO_AdministratorAccess_0123456789abcdef/me@example.com",
    ),
    {
      accountId: "012345678901",
      iamRoleName: "AWSReservedSSO_AdministratorAccess_0123456789abcdef",
      sessionName: "me@example.com",
      permissionSet: "AdministratorAccess",
    },
  );
});

Deno.test("parseCallerArn() keeps underscores inside a permission set name", () => {
  const r = parseCallerArn(
    "arn:aws-us-gov:sts::123456789012:assumed-role/AWSReservedSSO_Read_Only_Dev_fedcba9876543210/u",
  );
  assert.equal(r.permissionSet, "Read_Only_Dev");
});

Deno.test("parseCallerArn() reads a plain assumed role without a permission set", () => {
  const r = parseCallerArn(
    "arn:aws:sts::123456789012:assumed-role/Deployer/AdministratorAccess@012345678901",
  );
  assert.deepEqual(r, {
    accountId: "123456789012",
    iamRoleName: "Deployer",
    sessionName: "AdministratorAccess@012345678901",
    permissionSet: undefined,
  });
  // Not the SSO pattern: the suffix must be 16 lowercase hex digits.
  assert.equal(
    parseCallerArn("arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_X_123/s").permissionSet,
    undefined,
  );
});

Deno.test("parseCallerArn() refuses callers that are not role sessions", () => {
  for (
    const arn of [
      "arn:aws:iam::123456789012:user/alice",
      "arn:aws:sts::123456789012:federated-user/bob",
      "arn:aws:iam::123456789012:root",
      "arn:aws:sts::123456789012:assumed-role/OnlyRole",
      "not an arn",
    ]
  ) {
    assert.throws(() => parseCallerArn(arn), NotARoleSessionError, arn);
  }
});
