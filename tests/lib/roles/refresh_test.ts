import assert from "node:assert/strict";
import { AdaptivePool } from "../../../lib/adaptive_pool.ts";
import type { HttpDeps } from "../../../lib/aws/json_client.ts";
import { AwsApiError, AwsSsoError } from "../../../lib/errors.ts";
import { DuplicateProfileError } from "../../../lib/roles/profile_name.ts";
import {
  type DiscoveredAccount,
  discoverRoles,
  type DiscoveryProgress,
  mergeInstanceCache,
} from "../../../lib/roles/refresh.ts";
import type { AccountConfig, SsoInstance } from "../../../lib/settings/settings.ts";
import { PortalClient } from "../../../lib/sso/portal_client.ts";
import { startEmulator } from "../../emulator/emulator.ts";
import { NOW, NOW_S, plainInstance, recordingLogger, sampleSection } from "./_fixtures.ts";
import { silentLogger } from "../../../lib/logger.ts";

const instantClock = { now: () => Date.now(), sleep: () => Promise.resolve() };
const realClock = {
  now: () => Date.now(),
  sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, ms)),
};

function discovered(): DiscoveredAccount[] {
  return [
    {
      accountId: "012345678901",
      accountName: "production",
      emailAddress: "production@example.com",
      roles: ["AdministratorAccess", "ReadOnlyAccess"],
    },
    {
      accountId: "000001111111",
      accountName: "development",
      emailAddress: "development@example.com",
      roles: ["Developer", "AdministratorAccess"],
    },
    {
      accountId: "123456789012",
      accountName: "staging",
      emailAddress: "staging@example.com",
      roles: ["ReadOnlyAccess", "PowerUserAccess"],
    },
  ];
}

function account(id: string, extra: Partial<AccountConfig>): AccountConfig {
  return { id, tags: {}, roles: {}, ...extra };
}

function configured(): SsoInstance {
  const inst = plainInstance();
  inst.accounts = {
    "012345678901": account("012345678901", {
      name: "Prod",
      defaultRegion: "us-west-2",
      tags: { env: "prod", team: "platform" },
      roles: {
        AdministratorAccess: {
          name: "AdministratorAccess",
          arn: "arn:aws:iam::012345678901:role/AdministratorAccess",
          profile: "prod-admin",
          defaultRegion: "ca-central-1",
          tags: { team: "sre", Color: "red" },
        },
      },
    }),
    "555555555555": account("555555555555", {
      name: "Chained",
      tags: { env: "chained" },
      roles: {
        Deploy: {
          name: "Deploy",
          arn: "arn:aws:iam::555555555555:role/Deploy",
          via: "arn:aws:iam::012345678901:role/AdministratorAccess",
          tags: {},
        },
      },
    }),
    "999999999999": account("999999999999", { name: "No access" }),
  };
  return inst;
}

function merge(previous = sampleSection(), instance = configured(), format = "") {
  return mergeInstanceCache({
    instance,
    discovered: discovered(),
    previous,
    profileFormat: format,
    configHash: "hash",
    nowMs: NOW,
    logger: silentLogger,
  });
}

Deno.test("mergeInstanceCache() sets the automatic tags on every discovered role", () => {
  const { section } = merge();
  assert.deepEqual(section.accounts["123456789012"]!.roles.PowerUserAccess!.tags, {
    AccountID: "123456789012",
    AccountAlias: "staging",
    Email: "staging@example.com",
    Role: "PowerUserAccess",
  });
  assert.equal(section.accounts["123456789012"]!.alias, "staging");
  assert.equal(section.accounts["123456789012"]!.emailAddress, "staging@example.com");
});

Deno.test("mergeInstanceCache() overlays config: name, regions, tags, explicit profile", () => {
  const { section } = merge();
  const prod = section.accounts["012345678901"]!;
  assert.equal(prod.name, "Prod");
  assert.equal(prod.defaultRegion, "us-west-2");
  assert.deepEqual(prod.tags, { env: "prod", team: "platform" });
  const admin = prod.roles.AdministratorAccess!;
  assert.equal(admin.profile, "prod-admin");
  assert.equal(admin.defaultRegion, "ca-central-1");
  assert.deepEqual(admin.tags, {
    AccountID: "012345678901",
    AccountAlias: "production",
    AccountName: "Prod",
    Email: "production@example.com",
    Role: "AdministratorAccess",
    env: "prod",
    team: "sre", // role tags override account tags
    Color: "red",
    DefaultRegion: "ca-central-1",
    Profile: "prod-admin",
  });
  assert.deepEqual(prod.roles.ReadOnlyAccess!.tags, {
    AccountID: "012345678901",
    AccountAlias: "production",
    AccountName: "Prod",
    Email: "production@example.com",
    Role: "ReadOnlyAccess",
    env: "prod",
    team: "platform",
  });
});

Deno.test("mergeInstanceCache() stores each role's profile name for later reads", () => {
  const { section } = merge();
  const prod = section.accounts["012345678901"]!;
  assert.equal(prod.roles.AdministratorAccess!.profileName, "prod-admin");
  assert.equal(prod.roles.ReadOnlyAccess!.profileName, "012345678901:ReadOnlyAccess");
  assert.equal(section.accounts["555555555555"]!.roles.Deploy!.profileName, "555555555555:Deploy");
});

Deno.test("mergeInstanceCache() keeps Via roles as manual roles, outside the diff", () => {
  const { section, added, deleted } = merge();
  const deploy = section.accounts["555555555555"]!.roles.Deploy!;
  assert.equal(deploy.via, "arn:aws:iam::012345678901:role/AdministratorAccess");
  assert.equal(deploy.arn, "arn:aws:iam::555555555555:role/Deploy");
  assert.equal(deploy.tags.Via, deploy.via);
  assert.equal(deploy.tags.AccountName, "Chained");
  assert.equal(deploy.tags.env, "chained");
  assert.equal(section.accounts["555555555555"]!.name, "Chained");
  assert.ok(!added.includes(deploy.arn));
  assert.ok(!deleted.includes(deploy.arn));
  assert.equal(section.accounts["999999999999"], undefined, "config without access is ignored");
});

Deno.test("mergeInstanceCache() reports added and deleted ARNs, sorted", () => {
  const previous = sampleSection();
  previous.accounts["444444444444"] = {
    tags: {},
    roles: { Old: { arn: "arn:aws:iam::444444444444:role/Old", tags: {} } },
  };
  const { added, deleted } = merge(previous);
  assert.deepEqual(added, ["arn:aws:iam::123456789012:role/PowerUserAccess"]);
  assert.deepEqual(deleted, ["arn:aws:iam::444444444444:role/Old"]);
});

Deno.test("mergeInstanceCache() carries over live credential expiries and History", () => {
  const previous = sampleSection();
  const adminArn = "arn:aws:iam::012345678901:role/AdministratorAccess";
  previous.history = [adminArn, "arn:aws:iam::444444444444:role/Gone"];
  previous.accounts["012345678901"]!.roles.AdministratorAccess!.tags.History =
    `production:AdministratorAccess,${NOW_S - 5}`;
  const { section } = merge(previous);
  const admin = section.accounts["012345678901"]!.roles.AdministratorAccess!;
  assert.equal(admin.expires, NOW_S + 2 * 3600 + 5 * 60);
  assert.equal(admin.tags.History, `production:AdministratorAccess,${NOW_S - 5}`);
  assert.deepEqual(section.history, [adminArn]);
  // An expired one is not carried over.
  assert.equal(section.accounts["012345678901"]!.roles.ReadOnlyAccess!.expires, undefined);
  assert.equal(section.lastUpdate, NOW_S);
  assert.equal(section.configHash, "hash");
  assert.equal(section.defaultRegion, "eu-west-1");
});

Deno.test("mergeInstanceCache() with no previous section adds everything", () => {
  const { added, deleted } = mergeInstanceCache({
    instance: configured(),
    discovered: discovered(),
    profileFormat: "",
    configHash: "hash",
    nowMs: NOW,
    logger: silentLogger,
  });
  assert.equal(added.length, 6);
  assert.deepEqual(deleted, []);
});

Deno.test("mergeInstanceCache() fails on duplicate profile names, listing both ARNs", () => {
  assert.throws(
    () => merge(sampleSection(), plainInstance(), "{{ .RoleName }}"),
    (e: unknown) =>
      e instanceof DuplicateProfileError &&
      e.message === "duplicate profile name 'AdministratorAccess' for:\n" +
          "- arn:aws:iam::000001111111:role/AdministratorAccess\n" +
          "- arn:aws:iam::012345678901:role/AdministratorAccess",
  );
});

function http(clock = realClock, extra: Partial<HttpDeps> = {}): HttpDeps {
  return {
    fetch,
    clock,
    logger: silentLogger,
    retry: { maxAttempts: 10, maxBackoffMs: 5000 },
    ...extra,
  };
}

Deno.test({
  name: "discoverRoles() gets every role of 2,000 accounts despite 5 % throttling",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    await using emu = await startEmulator({
      accounts: 2000,
      rolesPerAccount: 2,
      throttleRate: 0.05,
      faultServices: ["portal"],
      seed: 7,
    });
    const token = emu.issueToken().accessToken;
    const pool = new AdaptivePool({ initial: 5, max: 32 });
    const client = new PortalClient(
      http(realClock, { onThrottle: () => pool.throttled() }),
      emu.region,
      { overrides: { portal: emu.url } },
    );
    const progress: DiscoveryProgress[] = [];
    const logger = recordingLogger();
    const started = Date.now();
    const found = await discoverRoles({
      directory: client,
      accessToken: token,
      pool,
      clock: realClock,
      logger,
      onProgress: (p) => progress.push(p),
    });
    const ms = Date.now() - started;
    const expected = emu.accounts();
    assert.equal(found.length, 2000);
    assert.deepEqual(
      found.map((a) => `${a.accountId} ${a.accountName} ${a.roles.join(",")}`),
      expected.map((a) => `${a.accountId} ${a.accountName} ${a.roles.join(",")}`),
    );
    assert.ok(emu.counters["fault:throttle"]! > 50, `throttled ${emu.counters["fault:throttle"]}`);
    assert.deepEqual(progress.at(-1), { accountsDone: 2000, accountsTotal: 2000, roles: 4000 });
    assert.ok(pool.peak > 5, `concurrency grew (peak ${pool.peak})`);
    assert.equal(logger.lines.filter((l) => l.startsWith("WARN")).length, 0);
    assert.ok(ms < 30_000, `took ${ms} ms`);
  },
});

Deno.test({
  name: "discoverRoles() survives heavy throttling: the pool shrinks and calls are retried",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    await using emu = await startEmulator({
      accounts: 40,
      rolesPerAccount: 1,
      throttleRate: 0.6,
      faultServices: ["portal"],
      seed: 3,
    });
    const token = emu.issueToken().accessToken;
    const pool = new AdaptivePool({ initial: 16, max: 16 });
    const client = new PortalClient(
      {
        ...http(instantClock),
        retry: { maxAttempts: 2, maxBackoffMs: 1 },
        onThrottle: () => pool.throttled(),
      },
      emu.region,
      { overrides: { portal: emu.url } },
    );
    const logger = recordingLogger();
    const found = await discoverRoles({
      directory: client,
      accessToken: token,
      pool,
      clock: instantClock,
      logger,
      extraAttempts: 30,
    });
    assert.equal(found.length, 40);
    assert.ok(found.every((a) => a.roles.length === 1));
    assert.ok(pool.shrinks > 0, "the pool backed off");
    assert.ok(logger.lines.some((l) => l.startsWith("WARN ") && /MaxRetry/.test(l)));
  },
});

Deno.test({
  name: "discoverRoles() follows pagination of accounts and roles",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const roles = Array.from({ length: 150 }, (_, i) => `Role${String(i).padStart(3, "0")}`);
    await using emu = await startEmulator({
      directory: Array.from({ length: 230 }, (_, i) => ({
        accountId: String(100000000000 + i),
        accountName: `acct-${i}`,
        emailAddress: `a${i}@example.com`,
        roles: i === 0 ? roles : ["Only"],
      })),
    });
    const found = await discoverRoles({
      directory: new PortalClient(http(), emu.region, { overrides: { portal: emu.url } }),
      accessToken: emu.issueToken().accessToken,
      pool: new AdaptivePool({ initial: 5, max: 5 }),
      clock: realClock,
      logger: silentLogger,
    });
    assert.equal(found.length, 230);
    assert.deepEqual(found[0]!.roles, roles);
    assert.equal(emu.counters.ListAccounts, 3);
  },
});

Deno.test({
  name: "discoverRoles() fails with UnauthorizedException for a token AWS does not accept",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    await using emu = await startEmulator({ accounts: 2 });
    await assert.rejects(
      discoverRoles({
        directory: new PortalClient(http(), emu.region, { overrides: { portal: emu.url } }),
        accessToken: "not-a-token",
        pool: new AdaptivePool({ initial: 1, max: 1 }),
        clock: realClock,
        logger: silentLogger,
      }),
      (e: unknown) => e instanceof AwsApiError && e.code === "UnauthorizedException",
    );
  },
});

Deno.test("discoverRoles() says so when the user has no accounts", async () => {
  await assert.rejects(
    discoverRoles({
      directory: {
        listAccountsPage: () => Promise.resolve({ accounts: [] }),
        listAccountRoles: () => Promise.resolve([]),
      },
      accessToken: "t",
      pool: new AdaptivePool({ initial: 1, max: 1 }),
      clock: realClock,
      logger: silentLogger,
    }),
    (e: unknown) => e instanceof AwsSsoError && e.message === "no AWS accounts found in AWS SSO",
  );
});

Deno.test("discoverRoles() lists roles of the first accounts while later account pages load", async () => {
  const events: string[] = [];
  const page = (n: number) =>
    Array.from({ length: 3 }, (_, i) => ({
      accountId: String(100000000000 + n * 10 + i),
      accountName: `a${n}${i}`,
      emailAddress: "",
    }));
  const found = await discoverRoles({
    directory: {
      async listAccountsPage(_token, next) {
        const n = next === undefined ? 0 : Number(next);
        events.push(`page ${n} asked`);
        await new Promise((r) => setTimeout(r, 20));
        events.push(`page ${n} done`);
        return { accounts: page(n), nextToken: n < 2 ? String(n + 1) : undefined };
      },
      async listAccountRoles(_token, id) {
        events.push(`roles ${id}`);
        await new Promise((r) => setTimeout(r, 1));
        return ["R"];
      },
    },
    accessToken: "t",
    pool: new AdaptivePool({ initial: 4, max: 4 }),
    clock: realClock,
    logger: silentLogger,
  });
  assert.equal(found.length, 9);
  assert.deepEqual(found.map((a) => a.accountName), [
    "a00",
    "a01",
    "a02",
    "a10",
    "a11",
    "a12",
    "a20",
    "a21",
    "a22",
  ]);
  assert.ok(
    events.indexOf("roles 100000000000") < events.indexOf("page 2 done"),
    events.join(", "),
  );
});

Deno.test("discoverRoles() fails when a later account page fails, after the running calls end", async () => {
  let running = 0;
  await assert.rejects(
    discoverRoles({
      directory: {
        listAccountsPage(_token, next) {
          if (next !== undefined) {
            return Promise.reject(
              new AwsApiError("ListAccounts failed: AccessDenied", { status: 403 }),
            );
          }
          return Promise.resolve({
            accounts: [{ accountId: "100000000000", accountName: "a", emailAddress: "" }],
            nextToken: "1",
          });
        },
        async listAccountRoles() {
          running++;
          await new Promise((r) => setTimeout(r, 5));
          running--;
          return ["R"];
        },
      },
      accessToken: "t",
      pool: new AdaptivePool({ initial: 2, max: 2 }),
      clock: realClock,
      logger: silentLogger,
    }),
    /AccessDenied/,
  );
  assert.equal(running, 0);
});
