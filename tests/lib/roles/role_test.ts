import assert from "node:assert/strict";
import { buildRoleSet, roleFromConfig, RoleSet } from "../../../lib/roles/role.ts";
import { FRIENDLY_PROFILE_FORMAT } from "../../../lib/settings/settings.ts";
import { NOW, NOW_S, plainInstance, sampleCache } from "./_fixtures.ts";

function sample(): RoleSet {
  const cache = sampleCache();
  cache.sso.Default!.history = [
    "arn:aws:iam::123456789012:role/ReadOnlyAccess",
    "arn:aws:iam::999999999999:role/Gone",
  ];
  return buildRoleSet(cache, {
    instance: plainInstance(),
    profileFormat: FRIENDLY_PROFILE_FORMAT,
    nowMs: NOW,
  });
}

Deno.test("buildRoleSet() flattens the cache sorted by account id then role name", () => {
  const set = sample();
  assert.deepEqual(set.roles.map((r) => `${r.Id} ${r.AccountIdPad} ${r.RoleName}`), [
    "0 000001111111 AdministratorAccess",
    "1 000001111111 Developer",
    "2 012345678901 AdministratorAccess",
    "3 012345678901 ReadOnlyAccess",
    "4 123456789012 ReadOnlyAccess",
  ]);
});

Deno.test("buildRoleSet() fills the reference's flat fields", () => {
  const r = sample().byArn("arn:aws:iam::012345678901:role/AdministratorAccess")!;
  assert.equal(r.AccountId, 12345678901);
  assert.equal(r.AccountIdPad, "012345678901");
  assert.equal(r.AccountName, "Prod");
  assert.equal(r.AccountAlias, "production");
  assert.equal(r.EmailAddress, "production@example.com");
  assert.equal(r.ExpiresEpoch, NOW_S + 2 * 3600 + 5 * 60);
  assert.equal(r.Expires, new Date((NOW_S + 2 * 3600 + 5 * 60) * 1000).toISOString());
  assert.equal(r.DefaultRegion, "us-west-2", "account region beats the instance's");
  assert.equal(r.SSO, "Default");
  assert.equal(r.SSORegion, "us-east-1");
  assert.equal(r.StartUrl, "https://d-1234567890.awsapps.com/start");
  assert.equal(r.Profile, "");
  assert.equal(r.ProfileName, "Prod:AdministratorAccess");
  assert.equal(r.Via, "");
});

Deno.test("buildRoleSet() treats expired credentials as none and resolves regions role-first", () => {
  const set = sample();
  const ro = set.byArn("arn:aws:iam::012345678901:role/ReadOnlyAccess")!;
  assert.equal(ro.ExpiresEpoch, 0);
  assert.equal(ro.Expires, "");
  assert.equal(
    set.byArn("arn:aws:iam::000001111111:role/Developer")!.DefaultRegion,
    "ap-southeast-2",
  );
  assert.equal(
    set.byArn("arn:aws:iam::123456789012:role/ReadOnlyAccess")!.DefaultRegion,
    "eu-west-1",
  );
});

Deno.test("RoleSet.byProfile() finds generated and explicit profile names", () => {
  const set = sample();
  assert.equal(
    set.byProfile("staging:ReadOnlyAccess")?.Arn,
    "arn:aws:iam::123456789012:role/ReadOnlyAccess",
  );
  assert.equal(
    set.byProfile("dev-admin")?.Arn,
    "arn:aws:iam::000001111111:role/AdministratorAccess",
  );
  assert.equal(
    set.byProfile("development:AdministratorAccess"),
    undefined,
    "explicit Profile replaces it",
  );
  assert.equal(set.byProfile("nope"), undefined);
});

Deno.test("RoleSet.byArn() accepts other partitions, the short form and unpadded ids", () => {
  const set = sample();
  const want = "arn:aws:iam::000001111111:role/Developer";
  assert.equal(set.byArn(want)?.Arn, want);
  assert.equal(set.byArn("arn:aws-us-gov:iam::000001111111:role/Developer")?.Arn, want);
  assert.equal(set.byArn("1111111:Developer")?.Arn, want);
  assert.equal(set.byArn("not an arn"), undefined);
  assert.equal(set.byArn("arn:aws:iam::000001111111:role/Nope"), undefined);
});

Deno.test("RoleSet.byAccountRole() takes the account id as text or number", () => {
  const set = sample();
  assert.equal(set.byAccountRole("012345678901", "ReadOnlyAccess")?.AccountAlias, "production");
  assert.equal(set.byAccountRole(12345678901, "ReadOnlyAccess")?.AccountAlias, "production");
  assert.equal(set.byAccountRole("12345678901", "Nope"), undefined);
  assert.equal(set.byAccountRole("x", "ReadOnlyAccess"), undefined);
});

Deno.test("RoleSet.history keeps only roles that still exist, most recent first", () => {
  assert.deepEqual(sample().history, ["arn:aws:iam::123456789012:role/ReadOnlyAccess"]);
});

Deno.test("buildRoleSet() gives an empty set for an instance the cache does not know", () => {
  const set = buildRoleSet(sampleCache(), {
    instance: plainInstance("Other"),
    profileFormat: "",
    nowMs: NOW,
  });
  assert.equal(set.instance, "Other");
  assert.equal(set.roles.length, 0);
});

Deno.test("buildRoleSet() uses the profile names stored by the last refresh while the config is unchanged", () => {
  const cache = sampleCache();
  cache.sso.Default!.configHash = "h1";
  cache.sso.Default!.accounts["123456789012"]!.roles.ReadOnlyAccess!.profileName = "stored-name";
  const build = (configHash: string | undefined, profileFormat = FRIENDLY_PROFILE_FORMAT) =>
    buildRoleSet(cache, { instance: plainInstance(), profileFormat, nowMs: NOW, configHash })
      .byArn("arn:aws:iam::123456789012:role/ReadOnlyAccess")!.ProfileName;
  assert.equal(build("h1"), "stored-name");
  assert.equal(build("h2"), "staging:ReadOnlyAccess", "another config: rendered afresh");
  assert.equal(build(undefined), "staging:ReadOnlyAccess");
  assert.equal(
    build("h1", "{{ .RoleName }}-{{ .ExpiresEpoch }}"),
    "ReadOnlyAccess-1700002400",
    "a template reading volatile fields is always rendered",
  );
});

Deno.test("buildRoleSet() treats a section of another StartUrl or SSORegion as no cache", () => {
  const build = (instance: ReturnType<typeof plainInstance>, cache = sampleCache()) =>
    buildRoleSet(cache, { instance, profileFormat: FRIENDLY_PROFILE_FORMAT, nowMs: NOW });
  const same = plainInstance();
  assert.equal(build(same).roles.length, 5);
  assert.equal(build({ ...same, startUrl: same.startUrl + "/" }).roles.length, 5);
  assert.equal(build({ ...same, startUrl: "https://other.awsapps.com/start" }).roles.length, 0);
  assert.equal(build({ ...same, ssoRegion: "eu-west-1" }).roles.length, 0);
  // A section without StartUrl (not one the reference writes) is not trusted either.
  const bare = sampleCache();
  bare.sso.Default!.startUrl = "";
  assert.equal(build(same, bare).roles.length, 0);
});

Deno.test("buildRoleSet() leaves profile names empty when ProfileFormat fails, and says why", () => {
  for (const profileFormat of ["{{ .AccountName ", "{{ .NoSuchField }}"]) {
    const set = buildRoleSet(sampleCache(), {
      instance: plainInstance(),
      profileFormat,
      nowMs: NOW,
    });
    assert.equal(set.roles.length, 5);
    // Explicit Profile values still count; the others are empty.
    assert.ok(set.roles.some((r) => r.ProfileName === ""), profileFormat);
    assert.ok(set.profileError !== undefined);
    assert.match(set.profileError.message, /^unable to generate ProfileName/);
    assert.ok(!set.profileError.message.includes("\n"));
    assert.equal(set.byProfile(""), undefined);
  }
});

Deno.test("buildRoleSet() gives Profile and Via tags to roles whose cache entry lacks them", () => {
  const cache = sampleCache();
  const account = cache.sso.Default!.accounts["000001111111"]!;
  const via = "arn:aws:iam::000001111111:role/AdministratorAccess";
  account.roles.Chained = {
    arn: "arn:aws:iam::000001111111:role/Chained",
    tags: { Role: "Chained" },
    via,
    profile: "chained",
  };
  const set = buildRoleSet(cache, {
    instance: plainInstance(),
    profileFormat: FRIENDLY_PROFILE_FORMAT,
    nowMs: NOW,
  });
  const chained = set.roles.find((r) => r.RoleName === "Chained")!;
  assert.deepEqual(chained.Tags, { Role: "Chained", Profile: "chained", Via: via });
  const admin = set.roles.find((r) => r.Arn === via)!;
  assert.equal(admin.Tags.Profile, "dev-admin");
  assert.equal(admin.Tags.Via, undefined);
  // The cache itself is not changed by reading it.
  assert.deepEqual(account.roles.Chained.tags, { Role: "Chained" });
});

Deno.test("roleFromConfig() builds a role that is not in the cache from config.yaml's overlays", () => {
  const instance = plainInstance();
  instance.accounts["012345678901"] = {
    id: "012345678901",
    name: "Prod",
    defaultRegion: "us-west-2",
    tags: { Team: "core", Env: "prod" },
    roles: {
      Admin: {
        name: "Admin",
        arn: "arn:aws:iam::012345678901:role/Admin",
        profile: "prod-admin",
        defaultRegion: "ap-south-1",
        tags: { Env: "production" },
        via: "arn:aws:iam::012345678901:role/Base",
      },
    },
  };
  const r = roleFromConfig({ accountId: "012345678901", roleName: "Admin" }, instance);
  assert.equal(r.Id, -1);
  assert.equal(r.Arn, "arn:aws:iam::012345678901:role/Admin");
  assert.equal(r.AccountId, 12345678901);
  assert.equal(r.AccountIdPad, "012345678901");
  assert.equal(r.AccountName, "Prod");
  assert.equal(r.DefaultRegion, "ap-south-1", "the role's region beats the account's");
  assert.deepEqual(r.Tags, { Team: "core", Env: "production" }, "role tags override account tags");
  assert.equal(r.Via, "arn:aws:iam::012345678901:role/Base");
  assert.equal(r.ProfileName, "prod-admin");
  assert.equal(r.SSO, "Default");
  assert.equal(r.StartUrl, instance.startUrl);

  const other = roleFromConfig({ accountId: "012345678901", roleName: "ReadOnly" }, instance);
  assert.equal(other.DefaultRegion, "us-west-2", "the account's region when the role has none");
  assert.deepEqual(other.Tags, { Team: "core", Env: "prod" });
  assert.equal(other.ProfileName, "", "no generated name outside the cache");
  assert.equal(other.Via, "");

  const unknown = roleFromConfig({ accountId: "111111111111", roleName: "X" }, instance);
  assert.equal(unknown.DefaultRegion, "eu-west-1", "the instance's region last");
  assert.equal(unknown.AccountName, "");
  assert.deepEqual(unknown.Tags, {});
});
