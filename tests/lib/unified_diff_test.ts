import assert from "node:assert/strict";
import { unifiedDiff } from "../../lib/unified_diff.ts";

const names = { fromFile: "a/config", toFile: "a/config.new" };

/** Applies a unified diff to `before` (a minimal patch, to check diffs round-trip). */
function applyDiff(before: string, diff: string): string {
  const old = before.match(/[^\n]*\n|[^\n]+$/g) ?? [];
  const out: string[] = [];
  let at = 0;
  const lines = diff.split("\n").slice(2);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const header = line.match(/^@@ -(\d+)(?:,(\d+))? \+\d+(?:,\d+)? @@$/);
    if (header) {
      const start = Number(header[1]) - (header[2] === "0" ? 0 : 1);
      while (at < start) out.push(old[at++]!);
      continue;
    }
    const noNewline = lines[i + 1] === "\\ No newline at end of file";
    const text = line.slice(1) + (noNewline ? "" : "\n");
    if (line.startsWith(" ")) {
      out.push(old[at++]!);
    } else if (line.startsWith("-")) {
      assert.equal(old[at], text);
      at++;
    } else if (line.startsWith("+")) {
      out.push(text);
    }
    if (noNewline) i++;
  }
  while (at < old.length) out.push(old[at++]!);
  return out.join("");
}

Deno.test("unifiedDiff() is empty for equal texts", () => {
  assert.equal(unifiedDiff("a\nb\n", "a\nb\n", names), "");
});

Deno.test("unifiedDiff() prints headers and a hunk with three lines of context", () => {
  const before = "1\n2\n3\n4\n5\n6\n7\n8\n";
  const after = "1\n2\n3\n4\nfive\n6\n7\n8\n";
  assert.equal(
    unifiedDiff(before, after, names),
    "--- a/config\n+++ a/config.new\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n",
  );
});

Deno.test("unifiedDiff() splits far-apart changes into hunks and merges near ones", () => {
  const lines = Array.from({ length: 30 }, (_, i) => `line ${i + 1}`);
  const before = lines.join("\n") + "\n";
  const far = [...lines];
  far[2] = "changed 3";
  far[25] = "changed 26";
  const diff = unifiedDiff(before, far.join("\n") + "\n", names);
  assert.equal(diff.match(/^@@/gm)?.length, 2);
  assert.match(diff, /@@ -1,6 \+1,6 @@/);
  assert.match(diff, /@@ -23,7 \+23,7 @@/);
  const near = [...lines];
  near[2] = "changed 3";
  near[8] = "changed 9";
  assert.equal(unifiedDiff(before, near.join("\n") + "\n", names).match(/^@@/gm)?.length, 1);
});

Deno.test("unifiedDiff() of a new file counts from line 0", () => {
  assert.equal(
    unifiedDiff("", "a\nb\n", names),
    "--- a/config\n+++ a/config.new\n@@ -0,0 +1,2 @@\n+a\n+b\n",
  );
});

Deno.test("unifiedDiff() marks a last line without a newline", () => {
  const diff = unifiedDiff("x\ny", "x\ny\nz\n", names);
  assert.equal(
    diff,
    "--- a/config\n+++ a/config.new\n@@ -1,2 +1,3 @@\n x\n-y\n\\ No newline at end of file\n+y\n+z\n",
  );
});

Deno.test("unifiedDiff() output applies back to the new text", () => {
  const cases: [string, string][] = [
    ["a\nb\nc\nd\ne\n", "a\nc\nd\nx\ne\nf\n"],
    ["x\ny\nz\nq\n", "y\nx\nz\nw\n"],
    ["only\n", ""],
    ["same\nsame\nsame\n", "same\nother\nsame\nsame\n"],
    ["k\nl", "k\nl\n"],
  ];
  for (const [before, after] of cases) {
    assert.equal(
      applyDiff(before, unifiedDiff(before, after, names)),
      after,
      JSON.stringify(before),
    );
  }
});

Deno.test("unifiedDiff() stays fast when every line of a large block changes", () => {
  const before = Array.from(
    { length: 10_000 },
    (_, i) => `[profile p${i}]\ncredential_process = /old/aws-sso process --arn ${i}\n`,
  ).join("");
  const after = before.replaceAll("/old/aws-sso", "/new/aws-sso");
  const started = performance.now();
  const diff = unifiedDiff(before, after, names);
  const ms = performance.now() - started;
  assert.ok(ms < 3000, `took ${ms} ms`);
  assert.equal(diff.split("\n").filter((l) => l.startsWith("-credential_process")).length, 10_000);
  assert.equal(applyDiff(before, diff), after);
});
