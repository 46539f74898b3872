import assert from "node:assert/strict";
import { loadSharedConfigFiles, loadSsoSessionData } from "@smithy/core/config";
import {
  type AwsConfigSections,
  resolveSsoProfile,
  shellWord,
} from "../../../lib/aws_config/sso_profile.ts";
import { AwsSsoError, ProfileNotFoundError, UsageError } from "../../../lib/errors.ts";

const FILE = "~/.aws/config";
const START = "https://corp.awsapps.com/start";
const LEGACY_START = "https://legacy.awsapps.com/start";

const config: AwsConfigSections = {
  profiles: {
    dev: {
      sso_session: "corp",
      sso_account_id: "012345678901",
      sso_role_name: "Developer",
      region: "eu-west-1",
    },
    old: {
      sso_start_url: LEGACY_START,
      sso_region: "us-west-2",
      sso_account_id: "111111111111",
      sso_role_name: "ReadOnly",
    },
    keys: { aws_access_key_id: "AKIA" },
    lonely: { sso_session: "missing", sso_account_id: "1", sso_role_name: "R" },
    norole: { sso_session: "corp", sso_account_id: "012345678901" },
    clash: {
      sso_session: "corp",
      sso_start_url: "https://other.awsapps.com/start",
      sso_account_id: "012345678901",
      sso_role_name: "Developer",
    },
    eager: {
      sso_session: "corp",
      sso_account_id: "012345678901",
      sso_role_name: "Developer",
      sso_interactive_auth: "true",
    },
  },
  ssoSessions: {
    corp: { sso_start_url: START, sso_region: "eu-central-1" },
  },
};

Deno.test("resolveSsoProfile() reads an sso-session profile and keys its token by the session name", () => {
  const p = resolveSsoProfile("dev", config, {}, {}, FILE);
  assert.equal(p.sessionName, "corp");
  assert.equal(p.startUrl, START);
  assert.equal(p.ssoRegion, "eu-central-1");
  assert.equal(p.accountId, "012345678901");
  assert.equal(p.roleName, "Developer");
  assert.equal(p.region, "eu-west-1");
  assert.equal(p.tokenCacheKey, "corp");
  assert.deepEqual(p.registrationScopes, ["sso:account:access"]);
  assert.equal(p.interactive, false);
  assert.equal(p.loginCommand, "aws sso login --profile dev");
  assert.deepEqual(p.sources, {
    accountId: "profile",
    roleName: "profile",
    startUrl: "sso-session",
    ssoRegion: "sso-session",
    interactive: "default",
  });
});

Deno.test("resolveSsoProfile() reads a legacy profile and keys its token by the start URL", () => {
  const p = resolveSsoProfile("old", config, {}, {}, FILE);
  assert.equal(p.sessionName, undefined);
  assert.equal(p.startUrl, LEGACY_START);
  assert.equal(p.ssoRegion, "us-west-2");
  assert.equal(p.tokenCacheKey, LEGACY_START);
  assert.deepEqual(p.registrationScopes, []);
});

Deno.test("resolveSsoProfile() takes each setting from the flag, then the environment, then the profile", () => {
  const env = {
    AWS_SSO_ACCOUNT_ID: "222222222222",
    AWS_SSO_ROLE_NAME: "EnvRole",
    AWS_SSO_START_URL: "https://env.awsapps.com/start",
    AWS_SSO_REGION: "ap-south-1",
    AWS_SSO_INTERACTIVE_AUTH: "true",
  };
  const fromEnv = resolveSsoProfile("old", config, {}, env, FILE);
  assert.equal(fromEnv.accountId, "222222222222");
  assert.equal(fromEnv.roleName, "EnvRole");
  assert.equal(fromEnv.startUrl, "https://env.awsapps.com/start");
  assert.equal(fromEnv.ssoRegion, "ap-south-1");
  assert.equal(fromEnv.interactive, true);
  // A legacy profile's token is keyed by the start URL in use.
  assert.equal(fromEnv.tokenCacheKey, "https://env.awsapps.com/start");

  const fromFlags = resolveSsoProfile(
    "old",
    config,
    {
      accountId: "333333333333",
      roleName: "FlagRole",
      startUrl: "https://flag.awsapps.com/start",
      ssoRegion: "sa-east-1",
      interactive: false,
    },
    env,
    FILE,
  );
  assert.equal(fromFlags.accountId, "333333333333");
  assert.equal(fromFlags.roleName, "FlagRole");
  assert.equal(fromFlags.startUrl, "https://flag.awsapps.com/start");
  assert.equal(fromFlags.ssoRegion, "sa-east-1");
  assert.equal(fromFlags.interactive, false);
  assert.deepEqual(Object.values(fromFlags.sources), ["flag", "flag", "flag", "flag", "flag"]);
});

Deno.test("resolveSsoProfile() treats empty flags and variables as not given", () => {
  const p = resolveSsoProfile("dev", config, { roleName: "" }, { AWS_SSO_ROLE_NAME: " " }, FILE);
  assert.equal(p.roleName, "Developer");
  assert.equal(p.sources.roleName, "profile");
});

Deno.test("resolveSsoProfile() ignores the account and role an aws-sso exec shell exported for its own role", () => {
  const shell = {
    AWS_SSO_ACCOUNT_ID: "999999999999",
    AWS_SSO_ROLE_NAME: "ShellRole",
    AWS_SSO_ROLE_ARN: "arn:aws:iam::999999999999:role/ShellRole",
  };
  const p = resolveSsoProfile("dev", config, {}, shell, FILE);
  assert.equal(p.accountId, "012345678901");
  assert.equal(p.roleName, "Developer");
  // Set on their own (not describing the shell's role), they are overrides again.
  const own = resolveSsoProfile("dev", config, {}, {
    ...shell,
    AWS_SSO_ROLE_ARN: "arn:aws:iam::999999999999:role/Other",
  }, FILE);
  assert.equal(own.accountId, "999999999999");
  assert.equal(own.roleName, "ShellRole");
});

Deno.test("resolveSsoProfile() takes sso_interactive_auth from the profile, below the variable", () => {
  assert.equal(resolveSsoProfile("eager", config, {}, {}, FILE).interactive, true);
  const off = resolveSsoProfile("eager", config, {}, { AWS_SSO_INTERACTIVE_AUTH: "false" }, FILE);
  assert.equal(off.interactive, false);
  assert.equal(off.sources.interactive, "env");
  assert.throws(
    () => resolveSsoProfile("dev", config, {}, { AWS_SSO_INTERACTIVE_AUTH: "maybe" }, FILE),
    (e) => e instanceof AwsSsoError && /AWS_SSO_INTERACTIVE_AUTH 'maybe'/.test(e.message),
  );
});

Deno.test("resolveSsoProfile() names the file and the fix for a missing or incomplete profile", () => {
  assert.throws(
    () => resolveSsoProfile("nope", config, {}, {}, FILE),
    (e) =>
      e instanceof ProfileNotFoundError &&
      e.message === "AWS profile nope is not in ~/.aws/config" &&
      e.hints[0] === 'create it with "aws configure sso --profile nope"',
  );
  assert.throws(
    () => resolveSsoProfile("keys", config, {}, {}, FILE),
    /profile keys: it has no AWS SSO settings/,
  );
  assert.throws(
    () => resolveSsoProfile("lonely", config, {}, {}, FILE),
    /sso_session missing has no \[sso-session missing\] section/,
  );
  assert.throws(
    () => resolveSsoProfile("norole", config, {}, {}, FILE),
    (e) =>
      e instanceof AwsSsoError && /sso_role_name is not set/.test(e.message) &&
      e.hints[0] === "set sso_role_name in the profile, AWS_SSO_ROLE_NAME, or --role",
  );
  // The environment can complete a profile, as the flags can.
  assert.equal(
    resolveSsoProfile("norole", config, {}, { AWS_SSO_ROLE_NAME: "Dev" }, FILE).roleName,
    "Dev",
  );
  assert.throws(
    () => resolveSsoProfile("clash", config, {}, {}, FILE),
    /sso_start_url https:\/\/other\.awsapps\.com\/start differs from/,
  );
});

Deno.test("resolveSsoProfile() rejects a bad account id as a usage error only when it is a flag", () => {
  assert.throws(
    () => resolveSsoProfile("dev", config, { accountId: "12x" }, {}, FILE),
    (e) => e instanceof UsageError && /--account: invalid account id '12x'/.test(e.message),
  );
  assert.throws(
    () => resolveSsoProfile("dev", config, {}, { AWS_SSO_ACCOUNT_ID: "abc" }, FILE),
    (e) =>
      e instanceof AwsSsoError && !(e instanceof UsageError) &&
      /AWS_SSO_ACCOUNT_ID: invalid account id/.test(e.message),
  );
  assert.equal(
    resolveSsoProfile("dev", config, { accountId: "12345" }, {}, FILE).accountId,
    "000000012345",
  );
});

Deno.test("resolveSsoProfile() reads what the AWS SDK's parser makes of a real config file", async () => {
  const dir = await Deno.makeTempDir({ prefix: "sso-profile-test-" });
  try {
    const file = `${dir}/config`;
    await Deno.writeTextFile(
      file,
      [
        "# made by aws configure sso",
        "[default]",
        "sso_session = corp",
        "sso_account_id = 012345678901",
        "sso_role_name = Default",
        "",
        "[profile dev]",
        "sso_session = corp ; a comment",
        "sso_account_id = 012345678901",
        "sso_role_name = Developer",
        "s3 =",
        "  max_concurrent_requests = 20",
        "",
        "[sso-session corp]",
        `sso_start_url = ${START}`,
        "sso_region = eu-central-1",
        "sso_registration_scopes = sso:account:access, sso:other",
        "",
      ].join("\n"),
    );
    const [files, sessions] = await Promise.all([
      loadSharedConfigFiles({ configFilepath: file, filepath: file, ignoreCache: true }),
      loadSsoSessionData({ configFilepath: file }),
    ]);
    const sections = { profiles: files.configFile, ssoSessions: sessions };
    const dev = resolveSsoProfile("dev", sections, {}, {}, file);
    assert.equal(dev.startUrl, START);
    assert.equal(dev.roleName, "Developer");
    assert.deepEqual(dev.registrationScopes, ["sso:account:access", "sso:other"]);
    assert.equal(resolveSsoProfile("default", sections, {}, {}, file).roleName, "Default");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("shellWord() quotes a profile name only when a shell needs it", () => {
  assert.equal(shellWord("dev-1.prod"), "dev-1.prod");
  assert.equal(shellWord("it's"), `'it'\\''s'`);
});
