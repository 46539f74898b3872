import assert from "node:assert/strict";
import { storeSignedInSession } from "../../fakes/signed_in_session.ts";
import { AwsApiError, LockTimeoutError, NotLoggedInError } from "../../../lib/errors.ts";
import { acquireLock } from "../../../lib/file_lock.ts";
import type { SecureStore } from "../../../lib/secure_store.ts";
import type { LoginInterface } from "../../../lib/sso/login_flow.ts";
import { OidcClient } from "../../../lib/sso/oidc_client.ts";
import { PortalClient } from "../../../lib/sso/portal_client.ts";
import {
  grantTypesFor,
  loginLockPath,
  registrationUsable,
  TokenManager,
  type TokenManagerOptions,
} from "../../../lib/sso/token_manager.ts";
import { MemoryBackend } from "../../../stores/memory.ts";
import { type Emulator, startEmulator } from "../../emulator/emulator.ts";
import { httpDeps, memoryStore, realClock, RecordingLogger } from "./_fixtures.ts";

const MIN = 60_000;
const endpoints = (emu: Emulator) => ({ overrides: { oidc: emu.url, portal: emu.url } });

/** A "browser" whose user is signed in: follows the login URL to the loopback listener. */
const browser: LoginInterface = {
  opener: {
    open(url) {
      fetch(url).then((r) => r.body?.cancel());
      return Promise.resolve();
    },
  },
  notify: () => {},
};

interface Setup {
  dir: string;
  store: SecureStore;
  logger: RecordingLogger;
  manager(extra?: Partial<TokenManagerOptions>): TokenManager;
  [Symbol.asyncDispose](): Promise<void>;
}

async function setup(emu: Emulator, backend = new MemoryBackend()): Promise<Setup> {
  const dir = await Deno.makeTempDir({ prefix: "token-manager-test-" });
  const logger = new RecordingLogger();
  const store = memoryStore(dir, logger, backend);
  return {
    dir,
    store,
    logger,
    manager: (extra = {}) =>
      new TokenManager({
        instance: { name: "Default", startUrl: emu.startUrl, ssoRegion: emu.region },
        workflow: "pkce",
        store,
        oidc: new OidcClient(httpDeps(logger), emu.region, endpoints(emu)),
        endpoints: endpoints(emu),
        clock: realClock,
        logger,
        lockPath: loginLockPath(`${dir}/locks`, "Default"),
        portalLogout: (t) =>
          new PortalClient(httpDeps(logger), emu.region, endpoints(emu)).logout(t),
        ...extra,
      }),
    [Symbol.asyncDispose]: () => Deno.remove(dir, { recursive: true }),
  };
}

/** Stores a signed-in session whose access token expires `leftMs` from now. */
async function signedIn(emu: Emulator, store: SecureStore, leftMs: number) {
  const t = await storeSignedInSession(emu, store, leftMs);
  emu.resetCounters();
  return t;
}

async function portalAccepts(emu: Emulator, accessToken: string): Promise<boolean> {
  try {
    await new PortalClient(httpDeps(new RecordingLogger()), emu.region, endpoints(emu))
      .listAccounts(accessToken);
    return true;
  } catch (e) {
    if (e instanceof AwsApiError) return false;
    throw e;
  }
}

Deno.test("ensureToken() uses a token with more than 15 minutes left and calls nothing", async () => {
  await using emu = await startEmulator();
  await using s = await setup(emu);
  const t = await signedIn(emu, s.store, 30 * MIN);
  const result = await s.manager().ensureToken();
  assert.equal(result.source, "cached");
  assert.equal(result.token.accessToken, t.accessToken);
  assert.deepEqual(emu.counters, {});
});

Deno.test("ensureToken() refreshes a token with fewer than 15 minutes left, before it expires", async () => {
  await using emu = await startEmulator();
  await using s = await setup(emu);
  const t = await signedIn(emu, s.store, 10 * MIN);
  const before = Date.now();
  const result = await s.manager().ensureToken();
  assert.equal(result.source, "refreshed");
  assert.notEqual(result.token.accessToken, t.accessToken);
  assert.equal(emu.counters["CreateToken:refresh_token"], 1);
  // AWS returned no new refresh token: the old one is kept.
  assert.equal(result.token.RefreshToken, t.refreshToken);
  const stored = await s.store.getToken("Default");
  assert.deepEqual(stored, result.token);
  const expiresAt = Date.parse(stored!.expiresAt);
  assert.ok(expiresAt >= before + 3600_000 - 2000 && expiresAt <= Date.now() + 3600_000);
  assert.match(stored!.expiresAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.ok(await portalAccepts(emu, result.token.accessToken));
});

Deno.test("ensureToken() stores a rotated refresh token when AWS returns one", async () => {
  await using emu = await startEmulator({ rotateRefreshTokens: true });
  await using s = await setup(emu);
  const t = await signedIn(emu, s.store, -MIN);
  const result = await s.manager().ensureToken();
  assert.equal(result.source, "refreshed");
  assert.ok(result.token.RefreshToken !== undefined);
  assert.notEqual(result.token.RefreshToken, t.refreshToken);
});

Deno.test("ensureToken() reports 'not logged in' with the login hint when the refresh is refused", async () => {
  await using emu = await startEmulator();
  await using s = await setup(emu);
  await signedIn(emu, s.store, -5 * MIN);
  emu.revokeTokens();
  await assert.rejects(
    s.manager().ensureToken({ purpose: "get credentials for arn:aws:iam::012345678901:role/A" }),
    (e) => {
      assert.ok(e instanceof NotLoggedInError);
      assert.equal(
        e.message,
        "Cannot get credentials for arn:aws:iam::012345678901:role/A: the SSO session expired",
      );
      assert.equal(e.hints[0], 'run "aws-sso login"');
      return true;
    },
  );
  assert.equal(emu.counters["CreateToken:refresh_token"], 1);
  // The refused refresh token is not tried again.
  assert.equal((await s.store.getToken("Default"))?.RefreshToken, undefined);
  await assert.rejects(s.manager().ensureToken(), NotLoggedInError);
  assert.equal(emu.counters["CreateToken:refresh_token"], 1);
});

Deno.test("ensureToken() keeps using a token with minutes left when its refresh is refused", async () => {
  await using emu = await startEmulator();
  await using s = await setup(emu);
  const t = await signedIn(emu, s.store, 5 * MIN);
  emu.revokeTokens();
  const result = await s.manager().ensureToken();
  assert.equal(result.source, "cached");
  assert.equal(result.token.accessToken, t.accessToken);
});

Deno.test("ensureToken() without any stored token says 'not logged in' and calls nothing", async () => {
  await using emu = await startEmulator();
  await using s = await setup(emu);
  await assert.rejects(s.manager().ensureToken(), (e) => {
    assert.ok(e instanceof NotLoggedInError);
    assert.equal(e.message, "You are not logged in to AWS SSO instance Default");
    return true;
  });
  assert.deepEqual(emu.counters, {});
});

Deno.test("ensureToken({ interactive }) registers a PKCE client and logs in through the browser", async () => {
  await using emu = await startEmulator();
  await using s = await setup(emu);
  const result = await s.manager({ login: browser }).ensureToken({ interactive: true });
  assert.equal(result.source, "login");
  assert.equal(emu.counters["RegisterClient"], 1);
  assert.equal(emu.counters["Authorize"], 1);
  assert.equal(emu.counters["CreateToken:authorization_code"], 1);
  const reg = await s.store.getRegistration("Default");
  assert.deepEqual(reg?.grantTypes, ["authorization_code", "refresh_token"]);
  assert.ok(await portalAccepts(emu, result.token.accessToken));
  // Logged in: the next call needs nothing from AWS.
  emu.resetCounters();
  assert.equal(
    (await s.manager({ login: browser }).ensureToken({ interactive: true })).source,
    "cached",
  );
  assert.deepEqual(emu.counters, {});
});

Deno.test("a stored registration without grantTypes is replaced before a PKCE login", async () => {
  await using emu = await startEmulator();
  await using s = await setup(emu);
  const old = emu.issueToken();
  await s.store.putRegistration("Default", {
    clientId: old.clientId,
    clientSecret: old.clientSecret,
    clientIdIssuedAt: 0,
    clientSecretExpiresAt: old.clientSecretExpiresAt,
  });
  emu.resetCounters();
  await s.manager({ login: browser }).ensureToken({ interactive: true });
  assert.equal(emu.counters["RegisterClient"], 1);
  assert.notEqual((await s.store.getRegistration("Default"))?.clientId, old.clientId);
});

Deno.test("registrationUsable() wants the workflow's grants and a secret valid for over an hour", () => {
  const now = 1_700_000_000_000;
  const base = {
    clientId: "c",
    clientSecret: "s",
    clientIdIssuedAt: 0,
    clientSecretExpiresAt: now / 1000 + 7200,
  };
  const pkce = { ...base, grantTypes: grantTypesFor("pkce") };
  assert.equal(registrationUsable(pkce, "pkce", now), true);
  assert.equal(registrationUsable(pkce, "device_code", now), false);
  assert.equal(registrationUsable({ ...base }, "device_code", now), false, "no refresh grant");
  assert.equal(
    registrationUsable({ ...pkce, clientSecretExpiresAt: now / 1000 + 3600 }, "pkce", now),
    false,
  );
  assert.equal(
    registrationUsable({ ...pkce, grantTypes: [...pkce.grantTypes, "x"] }, "pkce", now),
    false,
  );
});

Deno.test("20 callers needing a refresh at once make exactly one CreateToken call", async () => {
  await using emu = await startEmulator({ latencyMs: 20 });
  await using s = await setup(emu);
  await signedIn(emu, s.store, 5 * MIN);
  const results = await Promise.all(Array.from({ length: 20 }, () => s.manager().ensureToken()));
  assert.equal(emu.counters["CreateToken:refresh_token"], 1);
  assert.equal(new Set(results.map((r) => r.token.accessToken)).size, 1);
  assert.equal(results.filter((r) => r.source === "refreshed").length, 1);
});

Deno.test("in an outage, callers waiting for a refresh fail with the holder's error without calling AWS", async () => {
  await using emu = await startEmulator({ faultServices: ["oidc"], latencyMs: 10 });
  await using s = await setup(emu);
  await signedIn(emu, s.store, -MIN);
  emu.setFaults({ serverErrorRate: 1 });
  const results = await Promise.allSettled(
    Array.from({ length: 10 }, () => s.manager().ensureToken()),
  );
  // One caller spends the retry policy's 3 attempts; the 9 others reuse its failure.
  assert.equal(emu.counters["CreateToken:refresh_token"], 3);
  const messages = new Set(results.map((r) => {
    assert.equal(r.status, "rejected");
    const e = (r as PromiseRejectedResult).reason;
    assert.ok(e instanceof AwsApiError, String(e));
    return e.message;
  }));
  assert.equal(messages.size, 1, [...messages].join("\n"));
  assert.match([...messages][0]!, /^CreateToken failed: /);

  // Once AWS is back and the record has aged out, the next caller refreshes.
  emu.setFaults({ serverErrorRate: 0 });
  const later = { now: () => Date.now() + 31_000, sleep: realClock.sleep };
  const result = await s.manager({ clock: later }).ensureToken();
  assert.equal(result.source, "refreshed");
});

Deno.test("a caller with minutes left keeps its token when another caller's refresh just failed", async () => {
  await using emu = await startEmulator({ faultServices: ["oidc"], latencyMs: 10 });
  await using s = await setup(emu);
  const t = await signedIn(emu, s.store, 5 * MIN);
  emu.setFaults({ serverErrorRate: 1 });
  const results = await Promise.all(Array.from({ length: 5 }, () => s.manager().ensureToken()));
  assert.equal(emu.counters["CreateToken:refresh_token"], 3);
  for (const r of results) assert.equal(r.token.accessToken, t.accessToken);
});

Deno.test("20 callers needing a login at once make one registration, one browser flow, one exchange", async () => {
  await using emu = await startEmulator({ latencyMs: 20 });
  await using s = await setup(emu);
  const results = await Promise.all(
    Array.from(
      { length: 20 },
      () => s.manager({ login: browser }).ensureToken({ interactive: true }),
    ),
  );
  assert.equal(emu.counters["RegisterClient"], 1);
  assert.equal(emu.counters["Authorize"], 1);
  assert.equal(emu.counters["CreateToken"], 1);
  assert.equal(new Set(results.map((r) => r.token.accessToken)).size, 1);
});

Deno.test("a caller waiting for the login lock says so naming the holder, and times out naming it", async () => {
  await using emu = await startEmulator();
  await using s = await setup(emu);
  const lockPath = loginLockPath(`${s.dir}/locks`, "Default");
  const held = await acquireLock(lockPath, {
    purpose: "logging in to AWS SSO instance Default",
    clock: realClock,
  });
  const waits: string[] = [];
  try {
    await assert.rejects(
      s.manager({ refreshLockTimeoutMs: 2500, onLockWait: (h) => waits.push(h) }).ensureToken(),
      (e) => {
        assert.ok(e instanceof LockTimeoutError);
        assert.match(e.message, /held by pid \d+ \(logging in to AWS SSO instance Default\)/);
        return true;
      },
    );
  } finally {
    held.release();
  }
  assert.deepEqual(waits, [`pid ${Deno.pid} (logging in to AWS SSO instance Default)`]);
});

Deno.test("forceLogin() ends the current session and logs in again", async () => {
  await using emu = await startEmulator();
  await using s = await setup(emu);
  const t = await signedIn(emu, s.store, 50 * MIN);
  const result = await s.manager({ login: browser }).forceLogin();
  assert.equal(result.source, "login");
  assert.equal(emu.counters["Logout"], 1);
  assert.equal(emu.counters["RegisterClient"] ?? 0, 0, "the registration is reused");
  assert.notEqual(result.token.accessToken, t.accessToken);
  assert.ok(await portalAccepts(emu, result.token.accessToken));
});

Deno.test("logout() deletes the token, keeps the registration and ends the portal session", async () => {
  await using emu = await startEmulator();
  await using s = await setup(emu);
  const t = await signedIn(emu, s.store, 50 * MIN);
  await s.manager().logout();
  assert.equal(await s.store.getToken("Default"), undefined);
  assert.equal((await s.store.getRegistration("Default"))?.clientId, t.clientId);
  assert.equal(emu.counters["Logout"], 1);
  assert.equal(await portalAccepts(emu, t.accessToken), false);
  await assert.rejects(s.manager().logout(), NotLoggedInError);
});
