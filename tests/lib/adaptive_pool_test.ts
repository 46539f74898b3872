import assert from "node:assert/strict";
import { AdaptivePool } from "../../lib/adaptive_pool.ts";

const tick = () => new Promise<void>((r) => setTimeout(r, 1));

Deno.test("AdaptivePool.run() returns results in item order", async () => {
  const pool = new AdaptivePool({ initial: 3, max: 3 });
  const out = await pool.run([5, 1, 4, 2, 3], async (n) => {
    await new Promise((r) => setTimeout(r, n));
    return n * 10;
  });
  assert.deepEqual(out, [50, 10, 40, 20, 30]);
});

Deno.test("AdaptivePool never runs more tasks at once than an explicit maximum", async () => {
  const pool = new AdaptivePool({ initial: 4, max: 4 });
  let running = 0;
  let most = 0;
  await pool.run(Array.from({ length: 50 }, (_, i) => i), async () => {
    running++;
    most = Math.max(most, running);
    await tick();
    running--;
  });
  assert.equal(most, 4);
  assert.equal(pool.peak, 4);
});

Deno.test("AdaptivePool grows from its initial size when nothing is throttled", async () => {
  const pool = new AdaptivePool({ initial: 2, max: 32 });
  await pool.run(Array.from({ length: 300 }, (_, i) => i), async () => await tick());
  assert.equal(pool.limit, 32);
  assert.ok(pool.peak > 2);
});

Deno.test("AdaptivePool halves under sustained throttling and recovers afterwards", async () => {
  const pool = new AdaptivePool({ initial: 16, max: 16 });
  for (let i = 0; i < 8; i++) pool.throttled();
  assert.equal(pool.limit, 8);
  assert.equal(pool.shrinks, 1);
  // The next window is half the new limit: 4 more throttled responses.
  for (let i = 0; i < 3; i++) pool.throttled();
  assert.equal(pool.limit, 8);
  pool.throttled();
  assert.equal(pool.limit, 4);
  await pool.run(Array.from({ length: 200 }, (_, i) => i), async () => await tick());
  assert.ok(pool.limit > 4, `grew back to ${pool.limit}`);
});

Deno.test("AdaptivePool shrugs off scattered throttles (5 %)", async () => {
  const pool = new AdaptivePool({ initial: 16, max: 16 });
  await pool.run(Array.from({ length: 400 }, (_, i) => i), async (i) => {
    if (i % 20 === 7) pool.throttled();
    await tick();
  });
  assert.equal(pool.shrinks, 0);
  assert.equal(pool.limit, 16);
});

Deno.test("AdaptivePool never goes below its minimum", () => {
  const pool = new AdaptivePool({ initial: 2, max: 8 });
  for (let i = 0; i < 100; i++) pool.throttled();
  assert.equal(pool.limit, 1);
});

Deno.test("AdaptivePool.run() stops starting tasks after a failure and rejects once the rest settle", async () => {
  const pool = new AdaptivePool({ initial: 2, max: 2 });
  const started: number[] = [];
  let settled = 0;
  await assert.rejects(
    pool.run([0, 1, 2, 3, 4, 5], async (i) => {
      started.push(i);
      await tick();
      settled++;
      if (i === 1) throw new Error("boom");
    }),
    /boom/,
  );
  assert.ok(started.length < 6, `started ${started}`);
  assert.equal(settled, started.length, "no task left running");
});

Deno.test("AdaptivePool.run() on no items resolves to an empty list", async () => {
  assert.deepEqual(
    await new AdaptivePool({ initial: 1, max: 1 }).run([], () => Promise.resolve(1)),
    [],
  );
});

Deno.test("AdaptivePool.run() pulls items from an async iterable as capacity frees up", async () => {
  const pool = new AdaptivePool({ initial: 2, max: 2 });
  const log: string[] = [];
  async function* items() {
    for (let i = 0; i < 5; i++) {
      log.push(`pull ${i}`);
      yield i;
    }
  }
  const out = await pool.run(items(), async (i) => {
    log.push(`start ${i}`);
    await tick();
    return i * 2;
  });
  assert.deepEqual(out, [0, 2, 4, 6, 8]);
  assert.ok(log.indexOf("start 0") < log.indexOf("pull 2"), log.join(", "));
});

Deno.test("AdaptivePool.run() rejects with the item source's error after running tasks settle", async () => {
  const pool = new AdaptivePool({ initial: 4, max: 4 });
  let settled = 0;
  async function* items() {
    yield 1;
    yield 2;
    throw new Error("listing failed");
  }
  await assert.rejects(
    pool.run(items(), async () => {
      await tick();
      settled++;
    }),
    /listing failed/,
  );
  assert.equal(settled, 2);
});
