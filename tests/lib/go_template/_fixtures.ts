/**
 * Shared fixtures of the Go template tests. Expected outputs in these tests' tables were produced
 * by Go's text/template with sprig v3 (camelcase as sprig v3.3.0 maps it, to xstrings v1.5
 * ToPascalCase) over an equivalent Go struct, and are compared byte for byte.
 */
import assert from "node:assert/strict";
import { goStruct, parseTemplate, TemplateError } from "../../../lib/go_template/mod.ts";

/** A flat role record like the one aws-sso renders ProfileFormat over. */
export function role(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return goStruct({
    Id: 7,
    AccountId: 1234567,
    AccountIdPad: "000001234567",
    AccountName: "",
    AccountAlias: "My Account",
    EmailAddress: "root@example.com",
    ExpiresEpoch: 0,
    Expires: "",
    Arn: "arn:aws:iam::000001234567:role/AdminRole",
    RoleName: "AdminRole",
    Profile: "",
    DefaultRegion: "eu-west-1",
    SSO: "Default",
    SSORegion: "us-east-1",
    StartUrl: "https://d-123.awsapps.com/start",
    Tags: { env: "prod", Color: "blue" },
    Via: "",
    ...overrides,
  }, "*sso.AWSRoleFlat");
}

/** Parses `source` with the profile functions and renders it over `data`. */
export function render(source: string, data: unknown = role()): string {
  return parseTemplate(source).execute(data);
}

/** Runs `fn` and returns the TemplateError it throws. */
export function templateError(fn: () => unknown): TemplateError {
  try {
    fn();
  } catch (e) {
    if (e instanceof TemplateError) return e;
    throw e;
  }
  assert.fail("expected a TemplateError");
}
