import assert from "node:assert/strict";
import { parseCompLine } from "../../../lib/completion/comp_line.ts";

Deno.test("parseCompLine() keeps a profile name with : and = in one word", () => {
  assert.deepEqual(parseCompLine("aws-sso exec -p prod:Ad"), {
    words: ["aws-sso", "exec", "-p"],
    current: "prod:Ad",
  });
  assert.deepEqual(parseCompLine("aws-sso eval --profile=a:b"), {
    words: ["aws-sso", "eval"],
    current: "--profile=a:b",
  });
});

Deno.test("parseCompLine() gives an empty current word after a space", () => {
  assert.deepEqual(parseCompLine("aws-sso  setup "), { words: ["aws-sso", "setup"], current: "" });
});

Deno.test("parseCompLine() stops at the cursor", () => {
  assert.deepEqual(parseCompLine("aws-sso setup profiles", 11), {
    words: ["aws-sso"],
    current: "set",
  });
});

Deno.test("parseCompLine() counts the cursor in UTF-8 bytes, like bash", () => {
  // "é" is two bytes: the cursor after "cafés" is at byte 14.
  assert.deepEqual(parseCompLine("aws-sso cafés x", 14), { words: ["aws-sso"], current: "cafés" });
});

Deno.test("parseCompLine() removes quotes and backslashes like the shell", () => {
  assert.deepEqual(parseCompLine(`aws-sso -p 'my role' "x\\"y" a\\ b c`), {
    words: ["aws-sso", "-p", "my role", 'x"y', "a b"],
    current: "c",
  });
  assert.deepEqual(parseCompLine("aws-sso -p 'unfinished:R"), {
    words: ["aws-sso", "-p"],
    current: "unfinished:R",
  });
});

Deno.test("parseCompLine() ignores a cursor outside the line", () => {
  assert.deepEqual(parseCompLine("aws-sso li", 99), { words: ["aws-sso"], current: "li" });
  assert.deepEqual(parseCompLine("aws-sso li", Number.NaN), { words: ["aws-sso"], current: "li" });
});
