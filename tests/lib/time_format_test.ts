import assert from "node:assert/strict";
import { formatRfc3339, formatRfc3339Utc, parseRfc3339 } from "../../lib/time_format.ts";

const INSTANT = Date.UTC(2024, 5, 4, 0, 56, 11, 999);

Deno.test("formatRfc3339() writes the local time with the offset and whole seconds", () => {
  assert.equal(formatRfc3339(INSTANT, -420), "2024-06-03T17:56:11-07:00");
  assert.equal(formatRfc3339(INSTANT, 330), "2024-06-04T06:26:11+05:30");
  assert.equal(formatRfc3339(INSTANT, -570), "2024-06-03T15:26:11-09:30");
});

Deno.test("formatRfc3339() writes a zero offset as Z, like Go's RFC3339 layout", () => {
  assert.equal(formatRfc3339(INSTANT, 0), "2024-06-04T00:56:11Z");
  assert.equal(formatRfc3339Utc(INSTANT), "2024-06-04T00:56:11Z");
});

Deno.test("parseRfc3339() reads what formatRfc3339() writes, at any offset", () => {
  const whole = Math.floor(INSTANT / 1000) * 1000;
  for (const offset of [-420, 0, 330, 60]) {
    assert.equal(parseRfc3339(formatRfc3339(INSTANT, offset)), whole);
  }
  assert.equal(parseRfc3339("2024-06-04T00:56:11.5Z"), whole + 500);
});

Deno.test("parseRfc3339() refuses text without a time zone or that is not a time", () => {
  assert.equal(parseRfc3339("2024-06-04T00:56:11"), undefined);
  assert.equal(parseRfc3339("tomorrow"), undefined);
  assert.equal(parseRfc3339(""), undefined);
  assert.equal(parseRfc3339("2024-13-40T00:56:11Z"), undefined);
});
