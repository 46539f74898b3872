import assert from "node:assert/strict";
import { safeMultilineText, safeText } from "../../lib/safe_text.ts";

/** Every character the rule covers: C0, DEL, C1, U+2028/9, bidi embeddings/overrides/isolates. */
const UNSAFE: number[] = [
  ...Array.from({ length: 0x20 }, (_, i) => i),
  ...Array.from({ length: 0x21 }, (_, i) => 0x7f + i),
  0x2028,
  0x2029,
  ...Array.from({ length: 5 }, (_, i) => 0x202a + i),
  ...Array.from({ length: 4 }, (_, i) => 0x2066 + i),
];

const RAW = new RegExp(`[${UNSAFE.map((c) => `\\u{${c.toString(16)}}`).join("")}]`, "u");

Deno.test("safeText() escapes every control, line-break and bidi-override character", () => {
  for (const code of UNSAFE) {
    const ch = String.fromCodePoint(code);
    const out = safeText(`a${ch}b`);
    assert.doesNotMatch(out, RAW, `U+${code.toString(16)} left raw`);
    assert.match(out, /^a\\(x[0-9a-f]{2}|u[0-9a-f]{4}|[ntr])b$/, `U+${code.toString(16)}: ${out}`);
  }
});

Deno.test("safeText() neutralises terminal and INI injections from an account name", () => {
  assert.equal(safeText("prod\x1b]52;c;ZXZpbA==\x07"), "prod\\x1b]52;c;ZXZpbA==\\x07");
  assert.equal(safeText("prod\x9b2J"), "prod\\x9b2J");
  assert.equal(
    safeText("x\n[profile evil]\ncredential_process = sh -c id"),
    "x\\n[profile evil]\\ncredential_process = sh -c id",
  );
  assert.equal(safeText("ok\roverwritten"), "ok\\roverwritten");
  assert.equal(safeText("\u202eadmin"), "\\u202eadmin");
});

Deno.test("safeText() leaves printable text, backslashes and non-Latin scripts alone", () => {
  for (
    const text of [
      "",
      "AdministratorAccess",
      "arn:aws:iam::012345678901:role/Admin+=,.@-_",
      "C:\\Users\\jo",
      "ünïcødé ✓ 日本 עברית العربية",
      "it’s ‘curly’ \u00a0nbsp",
    ]
  ) {
    assert.equal(safeText(text), text);
  }
});

Deno.test("safeText() is idempotent: escaping twice changes nothing more", () => {
  const once = safeText("a\x1b[31m\nb\x9b\u2066");
  assert.equal(safeText(once), once);
});

Deno.test("safeMultilineText() keeps line feeds and tabs, and escapes the rest", () => {
  assert.equal(
    safeMultilineText("duplicate:\n\t- a\x1b[2J\r\n- b\x07"),
    "duplicate:\n\t- a\\x1b[2J\\r\n- b\\x07",
  );
});
