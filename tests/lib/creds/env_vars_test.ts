import assert from "node:assert/strict";
import {
  clearEnvVars,
  type CredentialEnvInputs,
  credentialEnvVars,
  defaultRegion,
  tagVarName,
} from "../../../lib/creds/env_vars.ts";

const EXPIRATION = Date.UTC(2024, 5, 4, 0, 56, 11);

function inputs(over: Partial<CredentialEnvInputs> = {}): CredentialEnvInputs {
  return {
    creds: {
      accessKeyId: "ASIAEXAMPLE",
      secretAccessKey: "secret",
      sessionToken: "token",
      expiration: EXPIRATION,
      accountId: "012345678901",
      roleName: "Admin",
      arn: "arn:aws:iam::012345678901:role/Admin",
    },
    instance: "Default",
    profile: "prod:Admin",
    region: "eu-west-1",
    tags: { Team: "blue", Other: "x" },
    envVarTags: ["Team", "cost-center"],
    tzOffsetMinutes: -420,
    ...over,
  };
}

Deno.test("credentialEnvVars() sets the reference's variables plus AWS_CREDENTIAL_EXPIRATION and AWS_ACCOUNT_ID, sorted", () => {
  assert.deepEqual(credentialEnvVars(inputs()), [
    ["AWS_ACCESS_KEY_ID", "ASIAEXAMPLE"],
    ["AWS_ACCOUNT_ID", "012345678901"],
    ["AWS_CREDENTIAL_EXPIRATION", "2024-06-04T00:56:11Z"],
    ["AWS_DEFAULT_REGION", "eu-west-1"],
    ["AWS_REGION", "eu-west-1"],
    ["AWS_SECRET_ACCESS_KEY", "secret"],
    ["AWS_SESSION_TOKEN", "token"],
    ["AWS_SSO", "Default"],
    ["AWS_SSO_ACCOUNT_ID", "012345678901"],
    ["AWS_SSO_DEFAULT_REGION", "eu-west-1"],
    ["AWS_SSO_PROFILE", "prod:Admin"],
    ["AWS_SSO_ROLE_ARN", "arn:aws:iam::012345678901:role/Admin"],
    ["AWS_SSO_ROLE_NAME", "Admin"],
    ["AWS_SSO_SESSION_EXPIRATION", "2024-06-03T17:56:11-07:00"],
    ["AWS_SSO_TAG_COST_CENTER", undefined],
    ["AWS_SSO_TAG_TEAM", "blue"],
  ]);
});

Deno.test("credentialEnvVars() without a region sets no region and unsets AWS_SSO_DEFAULT_REGION", () => {
  const vars = new Map(credentialEnvVars(inputs({ region: "" })));
  assert.ok(!vars.has("AWS_DEFAULT_REGION"));
  assert.ok(!vars.has("AWS_REGION"));
  assert.ok(vars.has("AWS_SSO_DEFAULT_REGION"));
  assert.equal(vars.get("AWS_SSO_DEFAULT_REGION"), undefined);
});

Deno.test("credentialEnvVars() unsets AWS_SSO_PROFILE for a role outside the cache", () => {
  const vars = new Map(credentialEnvVars(inputs({ profile: undefined })));
  assert.ok(vars.has("AWS_SSO_PROFILE"));
  assert.equal(vars.get("AWS_SSO_PROFILE"), undefined);
});

Deno.test("tagVarName() upper-cases the key and replaces what a variable name cannot hold", () => {
  assert.equal(tagVarName("Team"), "AWS_SSO_TAG_TEAM");
  assert.equal(tagVarName("cost center/$(x)"), "AWS_SSO_TAG_COST_CENTER___X_");
});

// The reference's GetDefaultRegion cases, expressed as candidates role > account > instance > top
// level.
Deno.test("defaultRegion() takes the most specific configured region", () => {
  const base = { env: {}, noRegion: false, overwrite: false };
  assert.equal(
    defaultRegion({ ...base, candidates: ["ca-central-1", "eu-west-1", "us-east-1", "us-west-2"] })
      .region,
    "ca-central-1",
  );
  assert.equal(
    defaultRegion({ ...base, candidates: [undefined, "eu-west-1", "us-east-1", "us-west-2"] })
      .region,
    "eu-west-1",
  );
  assert.equal(
    defaultRegion({ ...base, candidates: [undefined, "", undefined, "us-west-2"] }).region,
    "us-west-2",
  );
});

Deno.test("defaultRegion() leaves a region the user set alone unless told to overwrite it", () => {
  const candidates = ["ca-central-1"];
  const userSet = { AWS_DEFAULT_REGION: "us-east-1" };
  assert.equal(
    defaultRegion({ candidates, env: userSet, noRegion: false, overwrite: false }).region,
    "",
  );
  assert.equal(
    defaultRegion({
      candidates,
      env: { AWS_REGION: "us-east-1" },
      noRegion: false,
      overwrite: false,
    })
      .region,
    "",
  );
  assert.equal(
    defaultRegion({ candidates, env: userSet, noRegion: false, overwrite: true }).region,
    "ca-central-1",
  );
});

Deno.test("defaultRegion() replaces a region aws-sso set (AWS_SSO_DEFAULT_REGION sentinel)", () => {
  const env = { AWS_DEFAULT_REGION: "us-east-1", AWS_SSO_DEFAULT_REGION: "us-east-1" };
  assert.equal(
    defaultRegion({ candidates: ["ca-central-1"], env, noRegion: false, overwrite: false }).region,
    "ca-central-1",
  );
});

Deno.test("defaultRegion() sets nothing with --no-region", () => {
  assert.equal(
    defaultRegion({ candidates: ["ca-central-1"], env: {}, noRegion: true, overwrite: true })
      .region,
    "",
  );
});

Deno.test("clearEnvVars() unsets the role variables, managed regions and every tag variable", () => {
  const env = {
    AWS_DEFAULT_REGION: "eu-west-1",
    AWS_REGION: "eu-west-1",
    AWS_SSO_DEFAULT_REGION: "eu-west-1",
    AWS_SSO_TAG_LEFTOVER: "x",
    PATH: "/bin",
  };
  const names = clearEnvVars(env, { noRegion: false, envVarTags: ["Team"] }).map(([n, v]) => {
    assert.equal(v, undefined);
    return n;
  });
  assert.deepEqual(names, [
    "AWS_ACCESS_KEY_ID",
    "AWS_ACCOUNT_ID",
    "AWS_CREDENTIAL_EXPIRATION",
    "AWS_DEFAULT_REGION",
    "AWS_REGION",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_SSO",
    "AWS_SSO_ACCOUNT_ID",
    "AWS_SSO_DEFAULT_REGION",
    "AWS_SSO_PROFILE",
    "AWS_SSO_ROLE_ARN",
    "AWS_SSO_ROLE_NAME",
    "AWS_SSO_SESSION_EXPIRATION",
    "AWS_SSO_TAG_LEFTOVER",
    "AWS_SSO_TAG_TEAM",
  ]);
});

Deno.test("clearEnvVars() keeps a region the user set, and all regions with --no-region", () => {
  const env = {
    AWS_DEFAULT_REGION: "us-west-2",
    AWS_REGION: "eu-west-1",
    AWS_SSO_DEFAULT_REGION: "eu-west-1",
  };
  const names = (noRegion: boolean) =>
    clearEnvVars(env, { noRegion, envVarTags: [] }).map(([n]) => n);
  assert.ok(!names(false).includes("AWS_DEFAULT_REGION"));
  assert.ok(names(false).includes("AWS_REGION"));
  assert.ok(!names(true).includes("AWS_REGION"));
  assert.ok(names(true).includes("AWS_SSO_DEFAULT_REGION"));
});
