import assert from "node:assert/strict";
import {
  historyTagValue,
  parseHistoryTag,
  pruneHistory,
  recordHistory,
} from "../../../lib/roles/history.ts";
import { NOW, NOW_S, sampleSection } from "./_fixtures.ts";

const a = "arn:aws:iam::012345678901:role/AdministratorAccess";
const b = "arn:aws:iam::123456789012:role/ReadOnlyAccess";
const c = "arn:aws:iam::000001111111:role/Developer";

function tagOf(section: ReturnType<typeof sampleSection>, arn: string): string | undefined {
  const [, , , , account, res] = arn.split(":");
  return section.accounts[account!]!.roles[res!.slice(5)]!.tags.History;
}

Deno.test("historyTagValue() and parseHistoryTag() agree on `<alias>:<role>,<unix s>`", () => {
  const value = historyTagValue("production", "AdministratorAccess", NOW + 999);
  assert.equal(value, `production:AdministratorAccess,${NOW_S}`);
  assert.deepEqual(parseHistoryTag(value), {
    label: "production:AdministratorAccess",
    usedAt: NOW_S,
  });
  assert.equal(parseHistoryTag("no-time"), undefined);
  assert.equal(parseHistoryTag("x,abc"), undefined);
});

Deno.test("recordHistory() pushes to the front without duplicates and tags the role", () => {
  const s = sampleSection();
  recordHistory(s, a, { limit: 10, nowMs: NOW });
  recordHistory(s, b, { limit: 10, nowMs: NOW + 1000 });
  recordHistory(s, a, { limit: 10, nowMs: NOW + 2000 });
  assert.deepEqual(s.history, [a, b]);
  assert.equal(tagOf(s, a), `production:AdministratorAccess,${NOW_S + 2}`);
  assert.equal(tagOf(s, b), `staging:ReadOnlyAccess,${NOW_S + 1}`);
});

Deno.test("recordHistory() trims to HistoryLimit and untags roles that fall off", () => {
  const s = sampleSection();
  for (const arn of [a, b, c]) recordHistory(s, arn, { limit: 2, nowMs: NOW });
  assert.deepEqual(s.history, [c, b]);
  assert.equal(tagOf(s, a), undefined);
  assert.ok(tagOf(s, c) !== undefined);
});

Deno.test("recordHistory() with HistoryLimit 0 keeps no history", () => {
  const s = sampleSection();
  recordHistory(s, a, { limit: 0, nowMs: NOW });
  assert.deepEqual(s.history, []);
  assert.equal(tagOf(s, a), undefined);
});

Deno.test("recordHistory() accepts the short ARN form and ignores unknown roles", () => {
  const s = sampleSection();
  recordHistory(s, "12345678901:AdministratorAccess", { limit: 5, nowMs: NOW });
  assert.deepEqual(s.history, [a]);
  recordHistory(s, "arn:aws:iam::999999999999:role/Nope", { limit: 5, nowMs: NOW });
  assert.deepEqual(s.history, [a]);
});

Deno.test("pruneHistory() drops entries older than HistoryMinutes and unparsable ones", () => {
  const s = sampleSection();
  recordHistory(s, a, { limit: 10, nowMs: NOW - 2 * 3600_000 });
  recordHistory(s, b, { limit: 10, nowMs: NOW - 30 * 60_000 });
  recordHistory(s, c, { limit: 10, nowMs: NOW });
  s.accounts["000001111111"]!.roles.Developer!.tags.History = "garbage";
  pruneHistory(s, 60, NOW);
  assert.deepEqual(s.history, [b]);
  assert.equal(tagOf(s, a), undefined);
  assert.equal(tagOf(s, c), undefined);
});

Deno.test("pruneHistory() with HistoryMinutes ≤ 0 keeps old entries", () => {
  const s = sampleSection();
  recordHistory(s, a, { limit: 10, nowMs: NOW - 400 * 86_400_000 });
  pruneHistory(s, 0, NOW);
  assert.deepEqual(s.history, [a]);
});
