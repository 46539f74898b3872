/**
 * Outage (issue 14 item 4): with every GetRoleCredentials (or every token refresh) answering
 * 5xx, 20 parallel `process` calls for one role end together with one clear error, within one
 * retry cycle, instead of each waiter re-running the whole cycle after the lock holder failed.
 */
import assert from "node:assert/strict";
import { rfc3339Utc } from "../../lib/sso/token_manager.ts";
import {
  assertCleanError,
  type CliResult,
  E2E,
  filesUnder,
  openStore,
  putSession,
  world,
} from "./_world.ts";

const ADMIN = "arn:aws:iam::012345678901:role/AdministratorAccess";
const PARALLEL = 20;

/** Runs `process` for ADMIN 20 times at once; returns the results and the wall time. */
async function stampede(w: Awaited<ReturnType<typeof world>>) {
  const started = Date.now();
  const results: CliResult[] = await Promise.all(
    Array.from({ length: PARALLEL }, () => w.run(["process", "--arn", ADMIN])),
  );
  return { results, wallMs: Date.now() - started };
}

/** Every run failed cleanly with one and the same error line; returns it. */
function sameCleanError(results: CliResult[]): string {
  const lines = new Set(results.map((r) => assertCleanError(r, [1])));
  assert.equal(lines.size, 1, `different errors:\n${[...lines].join("\n")}`);
  return [...lines][0]!;
}

Deno.test({
  name:
    "20 parallel process calls while GetRoleCredentials answers 5xx end with one error within 60 s and at most 30 calls",
  ...E2E,
  async fn() {
    await using w = await world({
      emulator: { accounts: 2, rolesPerAccount: 2, faultServices: ["portal"] },
    });
    const session = await putSession(w.emu, openStore(w.home), 50 * 60_000);
    const cached = await w.run(["cache"]);
    assert.equal(cached.code, 0, cached.stderr);
    w.emu.resetCounters();
    w.emu.setFaults({ serverErrorRate: 1 });

    const { results, wallMs } = await stampede(w);
    const line = sameCleanError(results);
    assert.match(line, /GetRoleCredentials failed: /, line);
    const calls = w.emu.counters.GetRoleCredentials ?? 0;
    assert.ok(calls <= 30, `${calls} GetRoleCredentials calls`);
    assert.ok(calls >= 1, "nobody asked AWS");
    assert.ok(wallMs <= 60_000, `took ${wallMs} ms`);
    // The waiters say why they did not ask AWS themselves.
    assert.ok(
      results.some((r) => /hint: another aws-sso process got this error/.test(r.stderr)),
      results.map((r) => r.stderr).join("\n"),
    );

    // The shared record is private and holds no secret.
    const records = (await filesUnder(w.configDir)).filter((f) => f.endsWith(".failure"));
    assert.equal(records.length, 1, records.join("\n"));
    assert.equal((await Deno.stat(records[0]!)).mode! & 0o777, 0o600);
    const text = await Deno.readTextFile(records[0]!);
    assert.ok(!text.includes(session.accessToken) && !text.includes(session.refreshToken!));
  },
});

Deno.test({
  name:
    "20 parallel process calls while the token refresh answers 5xx end with one error within 60 s and at most 30 calls",
  ...E2E,
  async fn() {
    await using w = await world({
      emulator: { accounts: 2, rolesPerAccount: 2, faultServices: ["oidc"] },
    });
    const store = openStore(w.home);
    await putSession(w.emu, store, 50 * 60_000);
    const cached = await w.run(["cache"]);
    assert.equal(cached.code, 0, cached.stderr);
    // The token has expired (here and at AWS), so every call needs the refresh.
    await store.updateToken(
      "Default",
      (t) => t && { ...t, expiresAt: rfc3339Utc(Date.now() - 60_000) },
    );
    w.emu.expireAccessTokens();
    w.emu.resetCounters();
    w.emu.setFaults({ serverErrorRate: 1 });

    const { results, wallMs } = await stampede(w);
    const line = sameCleanError(results);
    assert.match(line, /CreateToken failed: /, line);
    const calls = w.emu.counters["CreateToken:refresh_token"] ?? 0;
    assert.ok(calls <= 30, `${calls} CreateToken calls`);
    assert.ok(calls >= 1, "nobody asked AWS");
    assert.equal(w.emu.counters.GetRoleCredentials ?? 0, 0);
    assert.ok(wallMs <= 60_000, `took ${wallMs} ms`);
  },
});
