import assert from "node:assert/strict";
import {
  compareBytes,
  quoteCommandWord,
  renderProfiles,
} from "../../../lib/aws_config/render_profiles.ts";

const DATA = new URL("../../testdata/aws_config/", import.meta.url);

const bar = {
  ProfileName: "000000012345:Bar",
  Arn: "arn:aws:iam::000000012345:role/Bar",
  DefaultRegion: "",
};
const foo = {
  ProfileName: "000000012345:Foo",
  Arn: "arn:aws:iam::000000012345:role/Foo",
  DefaultRegion: "eu-west-1",
};

Deno.test("renderProfiles() writes the reference's layout, ordered by ARN", async () => {
  const expected = await Deno.readTextFile(new URL("block_default.txt", DATA));
  // Given in the wrong order on purpose.
  const text = renderProfiles("Default", [foo, bar], { command: ["/usr/local/bin/aws-sso"] });
  assert.equal(text, expected);
});

Deno.test("renderProfiles() names the block after a non-Default instance", () => {
  const text = renderProfiles("Work", [bar], { command: ["aws-sso"] });
  assert.ok(text.startsWith("# BEGIN_AWS_SSO_CLI_Work\n\n[profile 000000012345:Bar]\n"));
  assert.ok(text.includes('aws-sso -S "Work" process --arn'));
  assert.ok(text.endsWith("\n\n# END_AWS_SSO_CLI_Work\n"));
});

Deno.test("renderProfiles() with no roles writes an empty block", () => {
  assert.equal(
    renderProfiles("Default", [], { command: ["aws-sso"] }),
    "# BEGIN_AWS_SSO_CLI\n\n# END_AWS_SSO_CLI\n",
  );
});

Deno.test("renderProfiles() adds ConfigVariables sorted by key after the region", () => {
  const text = renderProfiles("Default", [foo], {
    command: ["aws-sso"],
    configVariables: { output: "json", cli_pager: "", Zed: "1" },
  });
  assert.ok(
    text.includes("region = eu-west-1\nZed = 1\ncli_pager = \noutput = json\n\n# END_AWS_SSO_CLI"),
    text,
  );
});

Deno.test("renderProfiles() quotes command words that need it and escapes the instance name", () => {
  const text = renderProfiles('We"ird', [bar], {
    command: ["/home/Jo Smith/deno", "run", "-A", "/home/Jo Smith/src/main.ts"],
  });
  assert.ok(
    text.includes(
      `credential_process = '/home/Jo Smith/deno' run -A '/home/Jo Smith/src/main.ts' -S "We\\"ird" process --arn`,
    ),
    text,
  );
});

Deno.test("quoteCommandWord() leaves plain paths alone and quotes the rest for the platform", () => {
  assert.equal(quoteCommandWord("/usr/local/bin/aws-sso"), "/usr/local/bin/aws-sso");
  assert.equal(quoteCommandWord("it's"), `'it'\\''s'`);
  assert.equal(quoteCommandWord("~/bin/aws-sso"), "'~/bin/aws-sso'");
  assert.equal(quoteCommandWord("C:\\Tools\\aws-sso.exe", "windows"), "C:\\Tools\\aws-sso.exe");
  assert.equal(
    quoteCommandWord("C:\\Program Files\\aws-sso.exe", "windows"),
    '"C:\\Program Files\\aws-sso.exe"',
  );
});

Deno.test("compareBytes() orders like Go's string comparison", () => {
  const words = ["b", "a", "B", "é", "aa", "_"];
  assert.deepEqual([...words].sort(compareBytes), ["B", "_", "a", "aa", "b", "é"]);
});

Deno.test("renderProfiles() keeps names from the portal from adding lines, keys or sections", () => {
  const text = renderProfiles("Default", [{
    ProfileName: "x\n[profile evil]\ncredential_process = sh -c id\x1b]52;c;ZXZpbA==\x07",
    Arn: "arn:aws:iam::000000012345:role/Dev\r\n[profile evil2]",
    DefaultRegion: "eu-west-1\nregion = evil",
  }], { command: ["/bin/aws-sso"], configVariables: { output: "json\n[profile evil3]" } });
  const lines = text.split("\n");
  assert.deepEqual(lines.filter((l) => l.startsWith("[")), [
    "[profile x\\n[profile evil]\\ncredential_process = sh -c id\\x1b]52;c;ZXZpbA==\\x07]",
  ]);
  assert.equal(lines.filter((l) => l.startsWith("credential_process")).length, 1);
  // deno-lint-ignore no-control-regex -- control characters are what this test looks for
  assert.doesNotMatch(text.replaceAll("\n", ""), /[\x00-\x1f\x7f-\x9f]/);
});

Deno.test("renderProfiles() quotes a role ARN that a shell would split, and only such an ARN", () => {
  const text = renderProfiles("Default", [
    {
      ProfileName: "a",
      Arn: "arn:aws:iam::000000012345:role/Ops;touch x $(id)",
      DefaultRegion: "",
    },
    bar,
  ], { command: ["/bin/aws-sso"] });
  assert.ok(
    text.includes(`process --arn 'arn:aws:iam::000000012345:role/Ops;touch x $(id)'\n`),
    text,
  );
  assert.ok(text.includes(`process --arn arn:aws:iam::000000012345:role/Bar\n`), text);
});
