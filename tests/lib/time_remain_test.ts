import assert from "node:assert/strict";
import { timeRemain } from "../../lib/time_remain.ts";

const now = 1_700_000_000_000;
const min = 60_000;
const hour = 60 * min;

Deno.test("timeRemain() prints hours and minutes like Go's truncated duration", () => {
  assert.equal(timeRemain(now + 5 * hour + 5 * min, now, false), "5h5m");
  assert.equal(timeRemain(now + 45 * min + 59_999, now, false), "45m");
  assert.equal(timeRemain(now + 2 * hour + 30_000, now, false), "2h0m");
  assert.equal(timeRemain(now + 26 * hour, now, false), "26h0m");
  assert.equal(timeRemain(now + 59_999, now, false), "< 1m");
});

Deno.test("timeRemain() says Expired at or after the expiry", () => {
  assert.equal(timeRemain(now, now, false), "Expired");
  assert.equal(timeRemain(now - hour, now, true), "Expired");
});

Deno.test("timeRemain() pads to 7 columns with a space between hours and minutes", () => {
  assert.equal(timeRemain(now + 5 * min, now, true), "     5m");
  assert.equal(timeRemain(now + 5 * hour + 5 * min, now, true), " 5h  5m");
  assert.equal(timeRemain(now + 2 * hour, now, true), " 2h  0m");
  assert.equal(timeRemain(now + 12 * hour + 30 * min, now, true), "12h 30m");
  assert.equal(timeRemain(now + 1000, now, true), "   < 1m");
});
