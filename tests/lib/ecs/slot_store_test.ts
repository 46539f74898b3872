import assert from "node:assert/strict";
import { AwsSsoError, NotLoggedInError } from "../../../lib/errors.ts";
import { EcsSlots } from "../../../lib/ecs/slot_store.ts";
import { ARN, creds, fakeClock, fakeSource, MIN, recordingLogger, settle } from "./_fakes.ts";

function setup(options: { source?: boolean } = {}) {
  const clock = fakeClock();
  const logger = recordingLogger();
  const source = fakeSource(clock);
  const slots = new EcsSlots({
    clock,
    logger,
    source: options.source === false ? undefined : source,
  });
  return { clock, logger, source, slots };
}

Deno.test("EcsSlots serves what was loaded into the default and named slots", async () => {
  const { clock, slots } = setup();
  const a = creds(clock, 60 * MIN);
  const b = creds(clock, 60 * MIN, "arn:aws:iam::111111111111:role/Dev");
  assert.equal(slots.put(undefined, "prod:Admin", a), "ok");
  assert.equal(slots.put("dev:Dev", "dev:Dev", b), "ok");
  assert.deepEqual(await slots.get(undefined), {
    status: "ok",
    slot: { name: undefined, profileName: "prod:Admin", creds: a },
  });
  assert.deepEqual(await slots.get("dev:Dev"), {
    status: "ok",
    slot: { name: "dev:Dev", profileName: "dev:Dev", creds: b },
  });
  assert.deepEqual(await slots.get("other"), { status: "missing" });
});

Deno.test("EcsSlots refuses expired credentials and counts 60 s or less as expired", async () => {
  const { clock, slots } = setup({ source: false });
  assert.equal(slots.put(undefined, "p", creds(clock, MIN)), "expired");
  assert.deepEqual(await slots.get(undefined), { status: "missing" });
  slots.put(undefined, "p", creds(clock, 2 * MIN));
  assert.equal((await slots.get(undefined)).status, "ok");
  clock.advance(MIN);
  assert.equal((await slots.get(undefined)).status, "expired");
});

Deno.test("EcsSlots registers every secret it holds with the logger", async () => {
  const { clock, logger, source, slots } = setup();
  const loaded = creds(clock, 10 * MIN);
  slots.put(undefined, "p", loaded);
  await slots.refreshDue();
  await settle();
  const fresh = (await slots.get(undefined)) as { slot: { creds: typeof loaded } };
  assert.equal(source.calls.length, 1);
  for (const s of [loaded.secretAccessKey, loaded.sessionToken]) assert.ok(logger.secrets.has(s));
  for (const s of [fresh.slot.creds.secretAccessKey, fresh.slot.creds.sessionToken]) {
    assert.ok(logger.secrets.has(s));
  }
});

Deno.test("EcsSlots refreshes a slot by itself once fewer than 20 minutes remain", async () => {
  const { clock, source, slots, logger } = setup();
  const loaded = creds(clock, 60 * MIN);
  slots.put("s", "dev:Admin", loaded);
  await slots.refreshDue();
  assert.equal(source.calls.length, 0, "nothing is due with 60 minutes left");
  assert.equal(slots.nextRefreshAt(), loaded.expiration - 20 * MIN);
  clock.advance(40 * MIN);
  await slots.refreshDue();
  assert.deepEqual(source.calls, [{ arn: ARN, profileName: "dev:Admin" }]);
  const now = await slots.get("s");
  assert.equal(now.status, "ok");
  if (now.status !== "ok") return;
  assert.notEqual(now.slot.creds.accessKeyId, loaded.accessKeyId);
  assert.equal(now.slot.creds.expiration, clock.now() + 60 * MIN);
  assert.ok(
    logger.lines.some((l) =>
      l.startsWith("INFO Refreshed the credentials of a named slot slot=s ")
    ),
  );
});

Deno.test("EcsSlots refreshes at once when loaded credentials are already inside 20 minutes", async () => {
  const { clock, source, slots } = setup();
  const loaded = creds(clock, 19 * MIN);
  slots.put(undefined, "p", loaded);
  await settle();
  assert.equal(source.calls.length, 1);
  const now = slots.peek(undefined);
  assert.equal(now.status, "ok");
  if (now.status === "ok") assert.notEqual(now.slot.creds.accessKeyId, loaded.accessKeyId);
});

Deno.test("EcsSlots does not refresh short-lived credentials in a loop", async () => {
  const { clock, source, slots } = setup();
  source.lifetimeMs = 20 * MIN; // AWS issues 20-minute credentials
  slots.put(undefined, "p", creds(clock, 19 * MIN));
  await settle();
  assert.equal(source.calls.length, 1);
  for (let i = 0; i < 5; i++) {
    clock.advance(30_000);
    await slots.refreshDue();
    await slots.get(undefined);
  }
  assert.equal(source.calls.length, 1, "no refresh within 5 minutes of the last one");
  clock.advance(3 * MIN);
  await slots.refreshDue();
  assert.equal(source.calls.length, 2);
  const now = slots.peek(undefined);
  assert.ok(now.status === "ok" && now.slot.creds.expiration - clock.now() === 20 * MIN);
});

Deno.test("EcsSlots makes a request wait for a due refresh instead of serving credentials with under 15 minutes", async () => {
  const { clock, source, slots } = setup();
  const loaded = creds(clock, 21 * MIN);
  slots.put(undefined, "p", loaded);
  clock.advance(7 * MIN); // 14 minutes left, and the periodic refresh has not run
  source.hold = true;
  let answered = false;
  const pending = slots.get(undefined).then((r) => {
    answered = true;
    return r;
  });
  await settle();
  assert.equal(answered, false, "the request waits for the refresh");
  source.release();
  const result = await pending;
  assert.equal(result.status, "ok");
  if (result.status === "ok") assert.notEqual(result.slot.creds.accessKeyId, loaded.accessKeyId);
});

Deno.test("EcsSlots serves still-valid credentials when the refresh takes too long", async () => {
  const { clock, source, slots } = setup();
  const loaded = creds(clock, 21 * MIN);
  slots.put(undefined, "p", loaded);
  clock.advance(7 * MIN);
  source.hold = true;
  const pending = slots.get(undefined);
  await settle();
  clock.advance(800);
  const result = await pending;
  assert.ok(result.status === "ok" && result.slot.creds.accessKeyId === loaded.accessKeyId);
  source.release();
  await slots.close();
});

Deno.test("EcsSlots keeps serving after a failed refresh, warns with the hint and backs off", async () => {
  const { clock, source, slots, logger } = setup();
  source.failWith = new NotLoggedInError("the SSO session expired", {
    hints: ['run "aws-sso login"'],
  });
  const loaded = creds(clock, 30 * MIN);
  slots.put(undefined, "dev:Admin", loaded);
  clock.advance(11 * MIN);
  await slots.refreshDue();
  assert.equal(source.calls.length, 1);
  const warning = logger.lines.find((l) => l.startsWith("WARN"));
  assert.ok(warning !== undefined);
  assert.match(warning, /Cannot refresh the credentials of the default slot/);
  assert.match(warning, /the SSO session expired \(run "aws-sso login"\)/);
  assert.match(warning, /serving the current ones until they expire in 19 min/);
  const still = await slots.get(undefined);
  assert.ok(still.status === "ok" && still.slot.creds.accessKeyId === loaded.accessKeyId);

  await slots.refreshDue();
  assert.equal(source.calls.length, 1, "no retry before 30 s");
  clock.advance(30_000);
  await slots.refreshDue();
  assert.equal(source.calls.length, 2);
  clock.advance(30_000);
  await slots.refreshDue();
  assert.equal(source.calls.length, 2, "the second retry waits 60 s");

  // Logging in again is enough: the next retry succeeds.
  source.failWith = undefined;
  clock.advance(30_000);
  await slots.refreshDue();
  assert.equal(source.calls.length, 3);
  const after = slots.peek(undefined);
  assert.ok(after.status === "ok" && after.slot.creds.accessKeyId !== loaded.accessKeyId);
});

Deno.test("EcsSlots answers expired after the credentials run out and it cannot refresh", async () => {
  const { clock, source, slots, logger } = setup();
  source.failWith = new AwsSsoError("no session");
  slots.put(undefined, "p", creds(clock, 25 * MIN));
  clock.advance(25 * MIN);
  const pending = slots.get(undefined);
  await settle();
  const result = await pending;
  assert.equal(result.status, "expired");
  assert.ok(logger.lines.some((l) => /they have expired: requests for them get 404/.test(l)));
});

Deno.test("EcsSlots runs one refresh per slot however many requests arrive", async () => {
  const { clock, source, slots } = setup();
  slots.put("a", "a", creds(clock, 25 * MIN));
  clock.advance(11 * MIN);
  source.hold = true;
  const requests = Array.from({ length: 50 }, () => slots.get("a"));
  await settle();
  const periodic = slots.refreshDue();
  source.release();
  const results = await Promise.all(requests);
  await periodic;
  assert.equal(source.calls.length, 1);
  const keys = new Set(results.map((r) => r.status === "ok" ? r.slot.creds.accessKeyId : ""));
  assert.equal(keys.size, 1);
});

Deno.test("EcsSlots discards a refresh whose slot was emptied or loaded again meanwhile", async () => {
  const { clock, source, slots } = setup();
  source.hold = true;
  slots.put("gone", "gone", creds(clock, 10 * MIN));
  slots.put("reloaded", "reloaded", creds(clock, 10 * MIN));
  await settle();
  assert.equal(source.calls.length, 2);
  assert.equal(slots.delete("gone"), true);
  const replacement = creds(clock, 50 * MIN);
  slots.put("reloaded", "reloaded", replacement);
  source.release();
  await slots.close();
  assert.deepEqual(slots.peek("gone"), { status: "missing" });
  const now = slots.peek("reloaded");
  assert.ok(now.status === "ok" && now.slot.creds === replacement);
});

Deno.test("EcsSlots empties every named slot but keeps the default one", () => {
  const { clock, slots } = setup({ source: false });
  slots.put(undefined, "d", creds(clock, 60 * MIN));
  slots.put("b", "b", creds(clock, 60 * MIN));
  slots.put("a", "a", creds(clock, 60 * MIN));
  assert.deepEqual(slots.named().map((n) => n.slot.name), ["a", "b"]);
  assert.equal(slots.deleteAllNamed(), 2);
  assert.deepEqual(slots.named(), []);
  assert.equal(slots.peek(undefined).status, "ok");
  assert.equal(slots.delete(undefined), true);
  assert.equal(slots.delete(undefined), false);
});

Deno.test("EcsSlots without a source serves slots as loaded and never refreshes", async () => {
  const { clock, slots } = setup({ source: false });
  assert.equal(slots.selfRefreshing, false);
  const loaded = creds(clock, 16 * MIN);
  slots.put(undefined, "p", loaded);
  clock.advance(10 * MIN);
  await slots.refreshDue();
  assert.equal(slots.nextRefreshAt(), undefined);
  const now = await slots.get(undefined);
  assert.ok(now.status === "ok" && now.slot.creds === loaded);
});

Deno.test("EcsSlots.close() waits for refreshes in flight and starts no more", async () => {
  const { clock, source, slots } = setup();
  source.hold = true;
  slots.put(undefined, "p", creds(clock, 10 * MIN));
  await settle();
  let closed = false;
  const closing = slots.close().then(() => closed = true);
  await settle();
  assert.equal(closed, false);
  source.release();
  await closing;
  clock.advance(5 * MIN);
  await slots.refreshDue();
  await slots.get(undefined);
  assert.equal(source.calls.length, 1);
});
