import assert from "node:assert/strict";
import type { AssumeRoleRequest } from "../../../lib/aws/sts_client.ts";
import type { Clock } from "../../../lib/clock.ts";
import {
  type ChainLink,
  roleChain,
  RoleChainLoopError,
  type RoleCredentialDeps,
  RoleCredentialProvider,
  type RoleCredentials,
  roleLockPath,
} from "../../../lib/creds/role_credentials.ts";
import { AwsApiError, AwsSsoError, NotLoggedInError } from "../../../lib/errors.ts";
import { failureRecordPath, SHARED_FAILURE_TTL_MS } from "../../../lib/shared_failure.ts";
import type { Logger } from "../../../lib/logger.ts";
import type { StoredRoleCredentials } from "../../../lib/secure_store.ts";

const MIN = 60_000;
const A = "arn:aws:iam::111111111111:role/Target";
const B = "arn:aws:iam::222222222222:role/Middle";
const C = "arn:aws:iam::012345678901:role/Source";

function fakeClock(start = Date.UTC(2025, 0, 1)): Clock & { advance(ms: number): void } {
  let now = start;
  return {
    now: () => now,
    sleep: () => new Promise((resolve) => setTimeout(resolve, 1)),
    advance(ms) {
      now += ms;
    },
  };
}

function recordingLogger(): Logger & { warnings: string[]; secrets: string[] } {
  const warnings: string[] = [];
  const secrets: string[] = [];
  return {
    level: "trace",
    warnings,
    secrets,
    error() {},
    warn(message) {
      warnings.push(message);
    },
    info() {},
    debug() {},
    trace() {},
    secret(v) {
      if (v !== undefined) secrets.push(v);
    },
    enabled: () => true,
  };
}

class MemoryStore {
  readonly values = new Map<string, StoredRoleCredentials>();
  failPuts = false;
  getRoleCredentials(arn: string): Promise<StoredRoleCredentials | undefined> {
    const v = this.values.get(arn);
    return Promise.resolve(v === undefined ? undefined : { ...v });
  }
  putRoleCredentials(arn: string, value: StoredRoleCredentials): Promise<void> {
    if (this.failPuts) return Promise.reject(new Error("keyring locked"));
    this.values.set(arn, { ...value });
    return Promise.resolve();
  }
}

interface Harness {
  deps: RoleCredentialDeps;
  store: MemoryStore;
  clock: ReturnType<typeof fakeClock>;
  logger: ReturnType<typeof recordingLogger>;
  portalCalls: string[];
  assumeCalls: (AssumeRoleRequest & { caller: string })[];
  fetched: string[];
  lockDir: string;
}

async function harness(options: {
  links?: Record<string, ChainLink>;
  lifetimeMs?: number;
  portalDelayMs?: number;
  loggedIn?: boolean;
  lockDir?: string;
  store?: MemoryStore;
  clock?: ReturnType<typeof fakeClock>;
  /** Makes GetRoleCredentials fail with this error (after counting the call). */
  portalError?: () => Error;
} = {}): Promise<Harness> {
  const store = options.store ?? new MemoryStore();
  const clock = options.clock ?? fakeClock();
  const logger = recordingLogger();
  const portalCalls: string[] = [];
  const assumeCalls: (AssumeRoleRequest & { caller: string })[] = [];
  const fetched: string[] = [];
  const lockDir = options.lockDir ?? await Deno.makeTempDir({ prefix: "aws-sso-locks-" });
  let serial = 0;
  const deps: RoleCredentialDeps = {
    store,
    accessToken: (arn) =>
      options.loggedIn === false
        ? Promise.reject(new NotLoggedInError(`Cannot get credentials for ${arn}`))
        : Promise.resolve("sso-token"),
    async getRoleCredentials(token, accountId, roleName) {
      assert.equal(token, "sso-token");
      portalCalls.push(`${accountId}:${roleName}`);
      if (options.portalDelayMs) await new Promise((r) => setTimeout(r, options.portalDelayMs));
      if (options.portalError) throw options.portalError();
      serial++;
      return {
        accessKeyId: `ASIAPORTAL${serial}`,
        secretAccessKey: `portal-secret-${serial}`,
        sessionToken: `portal-token-${serial}`,
        expiration: clock.now() + (options.lifetimeMs ?? 60 * MIN),
      };
    },
    assumeRole(source, request) {
      assumeCalls.push({ ...request, caller: source.accessKeyId });
      serial++;
      return Promise.resolve({
        accessKeyId: `ASIACHAINED${serial}`,
        secretAccessKey: `chained-secret-${serial}`,
        sessionToken: `chained-token-${serial}`,
        expiration: clock.now() + (request.durationSeconds ?? 3600) * 1000,
      });
    },
    chainOf: (arn) => options.links?.[arn],
    clock,
    logger,
    lockDir,
    onFetched(creds: RoleCredentials) {
      fetched.push(creds.arn);
    },
  };
  return { deps, store, clock, logger, portalCalls, assumeCalls, fetched, lockDir };
}

function stored(clock: Clock, leftMs: number, key = "ASIASTORED"): StoredRoleCredentials {
  return {
    roleName: "Source",
    accountId: "012345678901",
    accessKeyId: key,
    secretAccessKey: "stored-secret",
    sessionToken: "stored-token",
    expiration: clock.now() + leftMs,
    roleChaining: false,
  };
}

Deno.test("get() serves stored credentials while at least 20 minutes remain, without the network", async () => {
  const h = await harness({ loggedIn: false });
  h.store.values.set(C, stored(h.clock, 20 * MIN));
  const creds = await new RoleCredentialProvider(h.deps).get(C);
  assert.equal(creds.accessKeyId, "ASIASTORED");
  assert.equal(creds.arn, C);
  assert.equal(creds.accountId, "012345678901");
  assert.equal(creds.roleName, "Source");
  assert.deepEqual(h.portalCalls, []);
});

Deno.test("get() fetches new credentials when fewer than 20 minutes remain and stores them", async () => {
  const h = await harness();
  h.store.values.set(C, stored(h.clock, 20 * MIN - 1));
  const creds = await new RoleCredentialProvider(h.deps).get(C);
  assert.equal(creds.accessKeyId, "ASIAPORTAL1");
  assert.equal(creds.roleChaining, false);
  assert.deepEqual(h.portalCalls, ["012345678901:Source"]);
  assert.equal(h.store.values.get(C)?.accessKeyId, "ASIAPORTAL1");
  assert.equal(h.store.values.get(C)?.accountId, "012345678901");
  assert.deepEqual(h.fetched, [C]);
  assert.ok(h.logger.secrets.includes("portal-secret-1"));
});

Deno.test("get() never hands out stored credentials with fewer than 15 minutes left", async () => {
  const h = await harness();
  const provider = new RoleCredentialProvider(h.deps);
  for (const left of [15 * MIN - 1, 5 * MIN, 0, -MIN]) {
    h.store.values.set(C, stored(h.clock, left));
    const creds = await provider.get(C);
    assert.ok(creds.expiration - h.clock.now() >= 15 * MIN, `left ${left}`);
  }
  assert.equal(h.portalCalls.length, 4);
});

Deno.test("get() re-uses what it fetched until 20 minutes before expiry, then fetches again", async () => {
  const h = await harness();
  const provider = new RoleCredentialProvider(h.deps);
  const first = await provider.get(C);
  h.clock.advance(40 * MIN);
  assert.equal((await provider.get(C)).accessKeyId, first.accessKeyId);
  h.clock.advance(MIN);
  assert.notEqual((await provider.get(C)).accessKeyId, first.accessKeyId);
  assert.equal(h.portalCalls.length, 2);
});

Deno.test("get() returns short-lived credentials AWS just issued, with a warning", async () => {
  const h = await harness({ lifetimeMs: 10 * MIN });
  const creds = await new RoleCredentialProvider(h.deps).get(C);
  assert.equal(creds.expiration - h.clock.now(), 10 * MIN);
  assert.equal(h.logger.warnings.length, 1);
  assert.match(h.logger.warnings[0]!, /expire in 10 minutes/);
});

Deno.test("get({ forceRefresh }) fetches even when the stored credentials are fresh", async () => {
  const h = await harness();
  h.store.values.set(C, stored(h.clock, 59 * MIN));
  const creds = await new RoleCredentialProvider(h.deps).get(C, { forceRefresh: true });
  assert.equal(creds.accessKeyId, "ASIAPORTAL1");
  assert.equal(h.portalCalls.length, 1);
});

Deno.test("get() asks for the SSO token only when it must fetch", async () => {
  const h = await harness({ loggedIn: false });
  const provider = new RoleCredentialProvider(h.deps);
  await assert.rejects(provider.get(C), NotLoggedInError);
  h.store.values.set(C, stored(h.clock, 30 * MIN));
  assert.equal((await provider.get(C)).accessKeyId, "ASIASTORED");
});

Deno.test("get() accepts the short ARN form and stores under the canonical ARN", async () => {
  const h = await harness();
  const creds = await new RoleCredentialProvider(h.deps).get("12345678901:Source");
  assert.equal(creds.arn, C);
  assert.ok(h.store.values.has(C));
});

Deno.test("concurrent get() calls in one process share one fetch", async () => {
  const h = await harness({ portalDelayMs: 20 });
  const provider = new RoleCredentialProvider(h.deps);
  const all = await Promise.all(Array.from({ length: 5 }, () => provider.get(C)));
  assert.equal(h.portalCalls.length, 1);
  assert.equal(new Set(all.map((c) => c.accessKeyId)).size, 1);
});

Deno.test("providers sharing the store and lock dir (separate processes) fetch once", async () => {
  const first = await harness({ portalDelayMs: 50 });
  const others = await Promise.all(
    Array.from({ length: 4 }, () =>
      harness({
        portalDelayMs: 50,
        lockDir: first.lockDir,
        store: first.store,
        clock: first.clock,
      })),
  );
  const all = await Promise.all(
    [first, ...others].map((h) => new RoleCredentialProvider(h.deps).get(C)),
  );
  const calls = [first, ...others].reduce((n, h) => n + h.portalCalls.length, 0);
  assert.equal(calls, 1);
  assert.equal(new Set(all.map((c) => c.accessKeyId)).size, 1);
});

/** `n` harnesses over one store, lock dir and clock, as `n` processes on one machine. */
async function processes(n: number, options: Parameters<typeof harness>[0] = {}) {
  const first = await harness(options);
  const others = await Promise.all(
    Array.from(
      { length: n - 1 },
      () => harness({ ...options, lockDir: first.lockDir, store: first.store, clock: first.clock }),
    ),
  );
  return [first, ...others];
}

const outage = () =>
  new AwsApiError("GetRoleCredentials failed: ServiceUnavailableException: down", {
    code: "ServiceUnavailableException",
    status: 503,
  }, { hints: ["try again later"] });

Deno.test("in an outage, processes waiting for the lock fail with the holder's error without calling AWS", async () => {
  const all = await processes(5, { portalDelayMs: 30, portalError: outage });
  const results = await Promise.allSettled(
    all.map((h) => new RoleCredentialProvider(h.deps).get(C)),
  );
  assert.equal(all.reduce((n, h) => n + h.portalCalls.length, 0), 1, "one call to AWS in all");
  const errors = results.map((r) => {
    assert.equal(r.status, "rejected");
    return (r as PromiseRejectedResult).reason as AwsApiError;
  });
  for (const e of errors) {
    assert.ok(e instanceof AwsApiError);
    assert.equal(e.message, "GetRoleCredentials failed: ServiceUnavailableException: down");
    assert.equal(e.status, 503);
    assert.equal(e.hints[0], "try again later");
  }
  assert.equal(errors.filter((e) => e.hints.length === 2).length, 4, "the waiters say why");
  const record = failureRecordPath(await roleLockPath(all[0]!.lockDir, C));
  assert.equal((await Deno.stat(record)).mode! & 0o777, 0o600);
  assert.doesNotMatch(await Deno.readTextFile(record), /sso-token/);
});

Deno.test("a shared failure older than its TTL is tried again, and a success removes it", async () => {
  let down = true;
  const [h] = await processes(1, {
    portalError: () => down ? outage() : new Error("unused"),
  });
  const provider = new RoleCredentialProvider(h!.deps);
  await assert.rejects(provider.get(C), /ServiceUnavailable/);
  await assert.rejects(provider.get(C), /ServiceUnavailable/);
  assert.equal(h!.portalCalls.length, 1, "within the TTL the record answers");
  h!.clock.advance(SHARED_FAILURE_TTL_MS);
  down = false;
  const ok = new RoleCredentialProvider({
    ...h!.deps,
    getRoleCredentials: (_token, account, role) => {
      h!.portalCalls.push(`${account}:${role}`);
      return Promise.resolve({
        accessKeyId: "ASIAAFTER",
        secretAccessKey: "s",
        sessionToken: "t",
        expiration: h!.clock.now() + 60 * MIN,
      });
    },
  });
  assert.equal((await ok.get(C)).accessKeyId, "ASIAAFTER");
  assert.equal(h!.portalCalls.length, 2);
  const record = failureRecordPath(await roleLockPath(h!.lockDir, C));
  await assert.rejects(Deno.stat(record), Deno.errors.NotFound);
});

Deno.test("a refusal (403) is not shared: each process asks AWS itself", async () => {
  const all = await processes(3, {
    portalDelayMs: 10,
    portalError: () => new AwsApiError("ForbiddenException", { status: 403, code: "Forbidden" }),
  });
  await Promise.allSettled(all.map((h) => new RoleCredentialProvider(h.deps).get(C)));
  assert.equal(all.reduce((n, h) => n + h.portalCalls.length, 0), 3);
});

Deno.test("a forced refresh waiting on another process's fetch uses that fresh result", async () => {
  const first = await harness({ portalDelayMs: 50 });
  first.store.values.set(C, stored(first.clock, 59 * MIN));
  const second = await harness({
    portalDelayMs: 50,
    lockDir: first.lockDir,
    store: first.store,
    clock: first.clock,
  });
  const [a, b] = await Promise.all([
    new RoleCredentialProvider(first.deps).get(C, { forceRefresh: true }),
    new RoleCredentialProvider(second.deps).get(C, { forceRefresh: true }),
  ]);
  assert.equal(first.portalCalls.length + second.portalCalls.length, 1);
  assert.equal(a.accessKeyId, b.accessKeyId);
  assert.notEqual(a.accessKeyId, "ASIASTORED");
});

Deno.test("a role with Via is assumed from its source, through chains of any length", async () => {
  const links = {
    [A]: { via: B, externalId: "ext-123", sourceIdentity: "alice" },
    [B]: { via: "012345678901:Source" },
  };
  const h = await harness({ links });
  const creds = await new RoleCredentialProvider(h.deps).get(A);
  assert.equal(creds.roleChaining, true);
  assert.equal(creds.accountId, "111111111111");
  assert.equal(creds.roleName, "Target");
  assert.deepEqual(h.portalCalls, ["012345678901:Source"]);
  assert.deepEqual(h.assumeCalls, [
    {
      roleArn: B,
      roleSessionName: "Source@012345678901",
      durationSeconds: 3600,
      externalId: undefined,
      sourceIdentity: undefined,
      caller: "ASIAPORTAL1",
    },
    {
      roleArn: A,
      roleSessionName: "Middle@222222222222",
      durationSeconds: 3600,
      externalId: "ext-123",
      sourceIdentity: "alice",
      caller: "ASIACHAINED2",
    },
  ]);
  assert.equal(h.store.values.get(A)?.roleChaining, true);
  assert.deepEqual(h.fetched.sort(), [A, B, C].sort());
});

Deno.test("a chained role's cached credentials are used without touching its sources", async () => {
  const h = await harness({ links: { [A]: { via: C } }, loggedIn: false });
  h.store.values.set(A, { ...stored(h.clock, 30 * MIN, "ASIACACHEDCHAIN"), roleChaining: true });
  const creds = await new RoleCredentialProvider(h.deps).get(A);
  assert.equal(creds.accessKeyId, "ASIACACHEDCHAIN");
  assert.equal(creds.roleChaining, true);
  assert.deepEqual(h.assumeCalls, []);
});

Deno.test("a Via loop is an error naming the chain, before any AWS call", async () => {
  const h = await harness({ links: { [A]: { via: B }, [B]: { via: A } } });
  await assert.rejects(
    new RoleCredentialProvider(h.deps).get(A),
    (e: Error) => {
      assert.ok(e instanceof RoleChainLoopError);
      assert.equal(e.message, `role chain loop: ${A} -> ${B} -> ${A}`);
      return true;
    },
  );
  assert.deepEqual(h.portalCalls, []);
  assert.deepEqual(h.assumeCalls, []);
});

Deno.test("roleChain() lists the chain and rejects a Via that is not a role ARN", () => {
  const links: Record<string, ChainLink> = { [A]: { via: B }, [B]: { via: C } };
  assert.deepEqual(roleChain(A, (arn) => links[arn]), [A, B, C]);
  assert.throws(
    () => roleChain(A, () => ({ via: "not-an-arn" })),
    (e: Error) => e instanceof AwsSsoError && /invalid Via 'not-an-arn'/.test(e.message),
  );
  assert.throws(
    () => roleChain(A, (arn) => (arn === A ? { via: A } : undefined)),
    RoleChainLoopError,
  );
});

Deno.test("a failure to store the credentials is a warning, and they are still returned", async () => {
  const h = await harness();
  h.store.failPuts = true;
  const creds = await new RoleCredentialProvider(h.deps).get(C);
  assert.equal(creds.accessKeyId, "ASIAPORTAL1");
  assert.equal(h.logger.warnings.length, 1);
  assert.match(h.logger.warnings[0]!, /keyring locked/);
});

Deno.test("roleLockPath() is one file per role inside the lock directory", async () => {
  const a = await roleLockPath("/locks", A);
  assert.match(a, /^\/locks\/role-[0-9a-f]{24}\.lock$/);
  assert.equal(a, await roleLockPath("/locks", A));
  assert.notEqual(a, await roleLockPath("/locks", B));
});
