import assert from "node:assert/strict";
import { recordingLogger } from "../../fakes/recording_logger.ts";
import {
  CACHE_VERSION,
  configHash,
  emptyInstanceCache,
  emptyRoleCache,
  expiredReason,
  parseRoleCache,
  readRoleCache,
  type RoleCacheData,
  type RoleCacheFile,
  serializeRoleCache,
  updateRoleCache,
} from "../../../lib/roles/cache_file.ts";
import type { SsoInstance } from "../../../lib/settings/settings.ts";
import { sampleCache } from "./_fixtures.ts";

const fixture = new URL("../../testdata/cache/reference_v4.json", import.meta.url);

const realClock = {
  now: () => Date.now(),
  sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, ms)),
};

function instance(name = "Default"): SsoInstance {
  return {
    name,
    startUrl: "https://d-1234567890.awsapps.com/start",
    ssoRegion: "us-east-1",
    defaultRegion: "us-east-1",
    authUrlAction: "open",
    accounts: {},
  };
}

async function tempFile(logger = recordingLogger()): Promise<RoleCacheFile & { dir: string }> {
  const dir = await Deno.makeTempDir({ prefix: "aws-sso-cache-test-" });
  return {
    dir,
    path: `${dir}/cache.json`,
    lockPath: `${dir}/locks/cache.lock`,
    clock: realClock,
    logger,
  };
}

Deno.test("parseRoleCache() reads the reference's file with unpadded numeric account keys", async () => {
  const { cache, problem } = parseRoleCache(await Deno.readTextFile(fixture));
  assert.equal(problem, undefined);
  assert.equal(cache.version, 4);
  assert.equal(cache.configCreatedAt, 1700000000);
  const section = cache.sso.Default!;
  assert.deepEqual(Object.keys(section.accounts).sort(), ["025823461518", "707513610766"]);
  const main = section.accounts["025823461518"]!;
  assert.equal(main.alias, "Test Account");
  assert.equal(main.name, "Main");
  assert.equal(main.defaultRegion, "us-west-2");
  assert.deepEqual(main.tags, { Team: "platform" });
  const admin = main.roles.AWSAdministratorAccess!;
  assert.equal(admin.expires, 1700003700);
  assert.equal(admin.profile, "main-admin");
  assert.equal(admin.defaultRegion, "ca-central-1");
  assert.equal(section.accounts["707513610766"]!.roles.Chained!.via, admin.arn);
  assert.deepEqual(section.history, [admin.arn]);
  assert.equal(section.ssoRegion, "us-east-1");
  assert.equal(cache.sso.Other!.startUrl, "https://other.awsapps.com/start");
});

Deno.test("parseRoleCache() accepts padded account keys too", () => {
  const text = JSON.stringify({
    Version: 4,
    ConfigCreatedAt: 1,
    SSO: {
      X: {
        LastUpdate: 2,
        Roles: {
          Accounts: {
            "000001111111": { Roles: { R: { Arn: "arn:aws:iam::000001111111:role/R" } } },
          },
        },
      },
    },
  });
  const { cache, problem } = parseRoleCache(text);
  assert.equal(problem, undefined);
  assert.deepEqual(Object.keys(cache.sso.X!.accounts), ["000001111111"]);
});

Deno.test("serializeRoleCache() writes 12-digit account keys and round-trips", async () => {
  const { cache } = parseRoleCache(await Deno.readTextFile(fixture));
  const text = serializeRoleCache(cache);
  const raw = JSON.parse(text);
  assert.deepEqual(Object.keys(raw.SSO.Default.Roles.Accounts), ["025823461518", "707513610766"]);
  assert.deepEqual(Object.keys(raw), ["Version", "ConfigCreatedAt", "SSO"]);
  assert.deepEqual(Object.keys(raw.SSO.Default.Roles), [
    "Accounts",
    "SSORegion",
    "StartUrl",
    "DefaultRegion",
  ]);
  assert.deepEqual(
    Object.keys(raw.SSO.Default.Roles.Accounts["025823461518"]),
    ["Alias", "Name", "EmailAddress", "Tags", "Roles", "DefaultRegion"],
  );
  // Empty fields are left out, Arn always stays.
  assert.deepEqual(
    raw.SSO.Default.Roles.Accounts["025823461518"].Roles.ReadOnly.Arn,
    "arn:aws:iam::025823461518:role/ReadOnly",
  );
  assert.equal("Expires" in raw.SSO.Default.Roles.Accounts["025823461518"].Roles.ReadOnly, false);
  assert.deepEqual(parseRoleCache(text).cache, cache);
});

Deno.test("parseRoleCache() reports a corrupt file instead of throwing", () => {
  for (
    const [text, expected] of [
      ["{not json", /not valid JSON/],
      ["[]", /top level is not an object/],
      ['{"Version":"4"}', /^Version is not a number/],
      [
        '{"Version":4,"SSO":{"D":{"Roles":{"SSORegion":1}}}}',
        /^SSO.D.Roles.SSORegion is not a string/,
      ],
      [
        '{"Version":4,"SSO":{"D":{"Roles":{"Accounts":{"1":{"Roles":{"R":{}}}}}}}}',
        /^SSO.D.Roles.Accounts.1.Roles.R.Arn is missing/,
      ],
      [
        '{"Version":4,"SSO":{"D":{"Roles":{"Accounts":{"1":{"Tags":{"a":1}}}}}}}',
        /^SSO.D.Roles.Accounts.1.Tags.a is not a string/,
      ],
      [
        '{"Version":4,"SSO":{"D":{"Roles":{"Accounts":{"abc":{}}}}}}',
        /^SSO.D.Roles.Accounts has an invalid account id 'abc'/,
      ],
      [
        '{"Version":4,"SSO":{"D":{"Roles":{"Accounts":{"1":{"Roles":{"R":{"Arn":"a","Expires":"soon"}}}}}}}}',
        /^SSO.D.Roles.Accounts.1.Roles.R.Expires is not a number/,
      ],
    ] as const
  ) {
    const { cache, problem } = parseRoleCache(text);
    assert.match(problem ?? "", expected, text);
    assert.deepEqual(cache, emptyRoleCache());
  }
});

Deno.test("readRoleCache() warns about a corrupt cache.json and returns an expired empty cache", async () => {
  const logger = recordingLogger();
  const file = await tempFile(logger);
  await Deno.writeTextFile(file.path, '{"Version": 4, "SSO": ');
  const cache = await readRoleCache(file);
  assert.equal(cache.version, 0);
  assert.match(logger.lines.join("\n"), /WARN ignoring the corrupt role cache .*not valid JSON/);
  assert.match(
    expiredReason(cache, { instance: "Default", cacheRefreshHours: 168, nowMs: 0 }) ?? "",
    /current cache version 0 is less than 4/,
  );
  await Deno.remove(file.dir, { recursive: true });
});

function freshCache(lastUpdate: number, configCreatedAt: number, hash = "h"): RoleCacheData {
  return {
    version: CACHE_VERSION,
    configCreatedAt,
    sso: { Default: { ...emptyInstanceCache(instance()), lastUpdate, configHash: hash } },
  };
}

Deno.test("expiredReason() follows the reference's order: version, TTL, config.yaml mtime", () => {
  const now = 1_700_100_000_000;
  const lastUpdate = now / 1000 - 3600;
  const base = { instance: "Default", cacheRefreshHours: 168, nowMs: now };
  assert.equal(expiredReason(freshCache(lastUpdate, lastUpdate), base), undefined);
  assert.equal(
    expiredReason({ ...freshCache(lastUpdate, lastUpdate), version: 3 }, base),
    "local cache is out of date; current cache version 3 is less than 4",
  );
  assert.equal(
    expiredReason(freshCache(lastUpdate, lastUpdate), { ...base, cacheRefreshHours: 0.5 }),
    "local cache is out of date; TTL has been exceeded",
  );
  assert.equal(
    expiredReason(freshCache(lastUpdate, lastUpdate), { ...base, cacheRefreshHours: 0 }),
    undefined,
    "CacheRefresh 0 disables expiry",
  );
  assert.equal(
    expiredReason(freshCache(lastUpdate, lastUpdate), {
      ...base,
      configMtimeMs: (lastUpdate + 1) * 1000,
    }),
    "local cache is out of date; config.yaml modified",
  );
  assert.equal(
    expiredReason(freshCache(lastUpdate, lastUpdate), {
      ...base,
      configMtimeMs: lastUpdate * 1000 + 999,
    }),
    undefined,
    "an mtime in the same second is not newer",
  );
  assert.equal(
    expiredReason(freshCache(lastUpdate, lastUpdate), { ...base, instance: "Other" }),
    "local cache has no roles for SSO instance 'Other'",
  );
});

Deno.test("expiredReason() notices a config change the mtime misses, through ConfigHash", async () => {
  const inst = instance();
  const before = await configHash("{{ .RoleName }}", inst);
  const afterFormat = await configHash("{{ .AccountIdPad }}:{{ .RoleName }}", inst);
  const withAccount = await configHash("{{ .RoleName }}", {
    ...inst,
    accounts: { "000000000001": { id: "000000000001", name: "x", tags: {}, roles: {} } },
  });
  assert.match(before, /^[0-9a-f]{64}$/);
  assert.notEqual(before, afterFormat);
  assert.notEqual(before, withAccount);
  assert.equal(before, await configHash("{{ .RoleName }}", instance()), "stable");
  const now = 1_700_100_000_000;
  const cache = freshCache(now / 1000 - 60, now / 1000, before);
  const inputs = { instance: "Default", cacheRefreshHours: 168, nowMs: now };
  assert.equal(expiredReason(cache, { ...inputs, configHash: before }), undefined);
  assert.equal(
    expiredReason(cache, { ...inputs, configHash: afterFormat }),
    "local cache is out of date; config.yaml modified",
  );
});

Deno.test("updateRoleCache() writes atomically with mode 0600 and the current version", async () => {
  const file = await tempFile();
  await updateRoleCache(file, (cache) => {
    cache.sso.Default = { ...emptyInstanceCache(instance()), lastUpdate: 5 };
  });
  const text = await Deno.readTextFile(file.path);
  assert.equal(JSON.parse(text).Version, 4);
  assert.equal((await Deno.stat(file.path)).mode! & 0o777, 0o600);
  const leftovers = [...Deno.readDirSync(file.dir)].map((e) => e.name).filter((n) =>
    n.endsWith(".tmp")
  );
  assert.deepEqual(leftovers, []);
  await Deno.remove(file.dir, { recursive: true });
});

Deno.test("concurrent saves of two instances both survive", async () => {
  const file = await tempFile();
  const slow = (name: string, delay: number) =>
    updateRoleCache(file, async (cache) => {
      await new Promise((r) => setTimeout(r, delay));
      cache.sso[name] = { ...emptyInstanceCache(instance(name)), lastUpdate: delay };
    });
  await Promise.all([slow("A", 60), slow("B", 10), slow("C", 30)]);
  const cache = await readRoleCache(file);
  assert.deepEqual(Object.keys(cache.sso).sort(), ["A", "B", "C"]);
  await Deno.remove(file.dir, { recursive: true });
});

Deno.test("concurrent saves from separate processes both survive", async () => {
  const file = await tempFile();
  const module = new URL("../../../lib/roles/cache_file.ts", import.meta.url).href;
  const script = (name: string) => `
    import { updateRoleCache, emptyInstanceCache } from "${module}";
    const clock = { now: () => Date.now(), sleep: (ms) => new Promise((r) => setTimeout(r, ms)) };
    const logger = { level: "error", error() {}, warn() {}, info() {}, debug() {}, trace() {}, secret() {}, enabled: () => false };
    for (let i = 0; i < 10; i++) {
      await updateRoleCache({ path: ${JSON.stringify(file.path)}, lockPath: ${
    JSON.stringify(file.lockPath)
  }, clock, logger }, (c) => {
        c.sso["${name}" + i] = { ...emptyInstanceCache({ name: "x", ssoRegion: "us-east-1", startUrl: "https://x/start" }), lastUpdate: 1 };
      });
    }`;
  const run = (name: string) =>
    new Deno.Command(Deno.execPath(), {
      args: ["eval", "--quiet", script(name)],
      stdout: "null",
      stderr: "piped",
    }).output();
  const results = await Promise.all([run("p"), run("q")]);
  for (const r of results) assert.equal(r.code, 0, new TextDecoder().decode(r.stderr));
  const cache = await readRoleCache(file);
  assert.equal(Object.keys(cache.sso).length, 20);
  await Deno.remove(file.dir, { recursive: true });
});

Deno.test("expiredReason() counts a section of another StartUrl as missing", () => {
  const cache = sampleCache();
  cache.version = 4;
  cache.sso.Default!.lastUpdate = 1;
  const inputs = { instance: "Default", cacheRefreshHours: 0, nowMs: 0 };
  const section = cache.sso.Default!;
  const identity = { startUrl: section.startUrl, ssoRegion: section.ssoRegion };
  assert.equal(expiredReason(cache, { ...inputs, identity }), undefined);
  assert.equal(
    expiredReason(cache, {
      ...inputs,
      identity: { ...identity, startUrl: "https://b.awsapps.com/start" },
    }),
    "local cache has roles of another StartUrl or SSORegion for SSO instance 'Default'",
  );
});
