import assert from "node:assert/strict";
import { splitLinesKeepEnds } from "../../lib/text_lines.ts";

Deno.test("splitLinesKeepEnds() keeps every terminator so joining gives the text back", () => {
  for (const text of ["", "a", "a\n", "a\nb", "a\r\nb\r\n", "\n\n", "x\r\n\ny"]) {
    assert.equal(splitLinesKeepEnds(text).join(""), text);
  }
  assert.deepEqual(splitLinesKeepEnds("a\r\nb"), ["a\r\n", "b"]);
  assert.deepEqual(splitLinesKeepEnds("a\n\n"), ["a\n", "\n"]);
});
