import assert from "node:assert/strict";
import {
  blockMarkers,
  DuplicateBlockError,
  extractManagedBlock,
  findManagedBlock,
  MissingEndMarkerError,
  replaceManagedBlock,
  usesCrlf,
} from "../../../lib/aws_config/managed_block.ts";

const DATA = new URL("../../testdata/aws_config/", import.meta.url);
const read = (name: string) => Deno.readTextFile(new URL(name, DATA));
const block = () => read("block_default.txt");

async function golden(name: string): Promise<void> {
  const before = await read(`${name}.before`);
  const after = await read(`${name}.after`);
  const result = replaceManagedBlock(before, blockMarkers("Default"), await block());
  assert.equal(result, after);
  // A second run changes nothing.
  assert.equal(replaceManagedBlock(result, blockMarkers("Default"), await block()), after);
}

Deno.test("replaceManagedBlock() writes the block into an empty file", () => golden("empty"));

Deno.test("replaceManagedBlock() replaces a block in the middle and keeps the text around it", () =>
  golden("middle"));

Deno.test("replaceManagedBlock() replaces only its own instance's block", () =>
  golden("two_instances"));

Deno.test("replaceManagedBlock() writes CRLF lines into a CRLF file", async () => {
  await golden("crlf");
  const result = replaceManagedBlock(await read("crlf.before"), blockMarkers(), await block());
  assert.ok(!/[^\r]\n/.test(result), "every line ends with CRLF");
});

Deno.test("replaceManagedBlock() ends the last line before appending to a file without a final newline", () =>
  golden("no_newline"));

Deno.test("replaceManagedBlock() keeps a missing final newline after the block", () =>
  golden("no_newline_after_block"));

Deno.test("replaceManagedBlock() refuses a BEGIN line without an END line and names the line", async () => {
  const before = await read("missing_end.before");
  assert.throws(
    () =>
      replaceManagedBlock(
        before,
        blockMarkers(),
        "# BEGIN_AWS_SSO_CLI\n# END_AWS_SSO_CLI\n",
        "cfg",
      ),
    (e: unknown) => {
      assert.ok(e instanceof MissingEndMarkerError);
      assert.equal(e.line, 6);
      assert.match(e.message, /^cfg:6: "# BEGIN_AWS_SSO_CLI" has no matching "# END_AWS_SSO_CLI"/);
      assert.ok(e.hints.length > 0);
      return true;
    },
  );
});

Deno.test("replaceManagedBlock() refuses a file with two blocks of the same instance", () => {
  const text = "# BEGIN_AWS_SSO_CLI\n[profile a]\n# END_AWS_SSO_CLI\r\n[default]\r\n" +
    "# BEGIN_AWS_SSO_CLI\r\n[profile a]\r\n# END_AWS_SSO_CLI\r\n";
  assert.throws(
    () =>
      replaceManagedBlock(text, blockMarkers(), "# BEGIN_AWS_SSO_CLI\n# END_AWS_SSO_CLI\n", "cfg"),
    (e) => {
      assert.ok(e instanceof DuplicateBlockError);
      assert.equal(e.line, 5);
      assert.match(
        e.message,
        /^cfg:5: a second "# BEGIN_AWS_SSO_CLI" section \(the first is at line 1\)/,
      );
      return true;
    },
  );
  // Another instance's block is not a duplicate.
  const two =
    "# BEGIN_AWS_SSO_CLI\n# END_AWS_SSO_CLI\n# BEGIN_AWS_SSO_CLI_Work\n# END_AWS_SSO_CLI_Work\n";
  assert.deepEqual(findManagedBlock(two, blockMarkers()), { begin: 0, end: 1 });
});

Deno.test("replaceManagedBlock() with an empty block removes it and nothing else", async () => {
  const before = await read("middle.before");
  const result = replaceManagedBlock(before, blockMarkers(), "");
  assert.equal(result, before.replace(/# BEGIN_AWS_SSO_CLI\n[^]*# END_AWS_SSO_CLI\n/, ""));
  assert.equal(replaceManagedBlock("[default]\n", blockMarkers(), ""), "[default]\n");
});

Deno.test("replaceManagedBlock() keeps an END marker without newline at the end of the file that way", () => {
  const text = "[a]\n# BEGIN_AWS_SSO_CLI\nold\n# END_AWS_SSO_CLI";
  const result = replaceManagedBlock(
    text,
    blockMarkers(),
    "# BEGIN_AWS_SSO_CLI\nnew\n# END_AWS_SSO_CLI\n",
  );
  assert.equal(result, "[a]\n# BEGIN_AWS_SSO_CLI\nnew\n# END_AWS_SSO_CLI");
});

Deno.test("replaceManagedBlock() does not take a marker with extra text for its own", () => {
  const text = "# BEGIN_AWS_SSO_CLI_Work\nx\n# END_AWS_SSO_CLI_Work\n";
  const result = replaceManagedBlock(
    text,
    blockMarkers(),
    "# BEGIN_AWS_SSO_CLI\n# END_AWS_SSO_CLI\n",
  );
  assert.equal(result, text + "# BEGIN_AWS_SSO_CLI\n# END_AWS_SSO_CLI\n");
});

Deno.test("blockMarkers() adds the instance name except for Default", () => {
  assert.deepEqual(blockMarkers(), { begin: "# BEGIN_AWS_SSO_CLI", end: "# END_AWS_SSO_CLI" });
  assert.deepEqual(blockMarkers("Work"), {
    begin: "# BEGIN_AWS_SSO_CLI_Work",
    end: "# END_AWS_SSO_CLI_Work",
  });
});

Deno.test("findManagedBlock() and extractManagedBlock() locate the block by line", async () => {
  const text = await read("two_instances.before");
  const work = findManagedBlock(text, blockMarkers("Work"));
  assert.ok(work !== undefined);
  assert.equal(text.split("\n")[work.begin], "# BEGIN_AWS_SSO_CLI_Work");
  assert.equal(text.split("\n")[work.end], "# END_AWS_SSO_CLI_Work");
  const extracted = extractManagedBlock(text, blockMarkers("Work"));
  assert.ok(extracted?.startsWith("# BEGIN_AWS_SSO_CLI_Work\n"));
  assert.ok(extracted?.endsWith("# END_AWS_SSO_CLI_Work\n"));
  assert.equal(extractManagedBlock("[default]\n", blockMarkers()), undefined);
});

Deno.test("usesCrlf() follows the majority of line endings", () => {
  assert.equal(usesCrlf("a\r\nb\r\n"), true);
  assert.equal(usesCrlf("a\nb\n"), false);
  assert.equal(usesCrlf(""), false);
  assert.equal(usesCrlf("a\r\nb\nc\nd\n"), false);
});
