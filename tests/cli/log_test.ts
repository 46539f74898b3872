import assert from "node:assert/strict";
import { ConsoleLogger, formatValue, SecretRegistry } from "../../cli/log.ts";
import { recordingOutput } from "../../cli/output.ts";

Deno.test("formatValue() leaves plain words bare and quotes the rest", () => {
  assert.equal(formatValue("prod:Admin"), "prod:Admin");
  assert.equal(formatValue(200), "200");
  assert.equal(formatValue(""), '""');
  assert.equal(formatValue("two words"), '"two words"');
  assert.equal(formatValue('a"b'), '"a\\"b"');
});

Deno.test("formatValue() escapes C0, DEL and C1 control characters", () => {
  assert.equal(formatValue("a\x1b[2Jb"), '"a\\u001b[2Jb"');
  assert.equal(formatValue("x\r\nINFO forged"), '"x\\r\\nINFO forged"');
  assert.equal(formatValue("bell\x07"), '"bell\\u0007"');
  assert.equal(formatValue("del\x7f"), '"del\\u007f"');
  assert.equal(formatValue("csi\u009b31m"), '"csi\\u009b31m"');
  assert.equal(formatValue("café→ü"), "café→ü");
});

Deno.test("ConsoleLogger writes a field value with control characters as one escaped line", () => {
  const out = recordingOutput();
  const log = new ConsoleLogger(out, new SecretRegistry());
  log.info("HTTP request", { slot: "\x1b]0;owned\x07\r\nERROR forged" });
  assert.equal(out.stderr, 'INFO HTTP request slot="\\u001b]0;owned\\u0007\\r\\nERROR forged"\n');
});
