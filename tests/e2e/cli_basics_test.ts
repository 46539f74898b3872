import assert from "node:assert/strict";
import { runCli, tempHome, writeConfig } from "./run_cli.ts";

const home = await tempHome();

Deno.test({
  name: "an unknown command exits 2 with one line naming it",
  async fn() {
    const r = await runCli(["bogus"], { home });
    assert.equal(r.code, 2);
    assert.equal(r.stdout, "");
    const lines = r.stderr.trim().split("\n");
    assert.match(lines[0]!, /unknown command 'bogus'/);
    assert.ok(!/at .*\.ts:\d+/.test(r.stderr), "no stack trace");
  },
});

Deno.test("an unknown flag exits 2 naming the flag", async () => {
  const r = await runCli(["list", "--nope"], { home });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /unknown option '--nope'/);
});

Deno.test("a bad --level value exits 2 and lists the allowed values", async () => {
  const r = await runCli(["-L", "loud", "version"], { home });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /'loud' is invalid.*error, warn, info, debug, trace/);
});

Deno.test("version prints the version, commit and build date", async () => {
  const r = await runCli(["version"], { home });
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^aws-sso \d+\.\d+\.\d+ \(commit \S+, built \S+\)/);
  assert.equal(r.stderr, "");
});

Deno.test("aws-sso --version prints what aws-sso version prints", async () => {
  const [flag, command] = await Promise.all([
    runCli(["--version"], { home }),
    runCli(["version"], { home }),
  ]);
  assert.equal(flag.code, 0, flag.stderr);
  assert.equal(flag.stderr, "");
  assert.equal(flag.stdout, command.stdout);
});

Deno.test("--help works on the root and on commands, on stdout with exit 0", async () => {
  const root = await runCli(["--help"], { home });
  assert.equal(root.code, 0);
  assert.match(root.stdout, /Commands:/);
  assert.match(root.stdout, /--sso <name>/);
  const list = await runCli(["list", "--help"], { home });
  assert.equal(list.code, 0);
  assert.match(list.stdout, /--list-fields/);
  assert.match(list.stdout, /Global Options:/);
});

Deno.test("global flags are accepted after the command name too", async () => {
  const r = await runCli(["list", "-f", "-L", "error"], { home });
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^Field +\| Description/);
});

Deno.test("list --list-fields prints every field sorted by name", async () => {
  const r = await runCli(["list", "--list-fields"], { home });
  assert.equal(r.code, 0);
  const names = r.stdout.trim().split("\n").slice(2).map((l) => l.split(" ")[0]);
  assert.deepEqual(names, [
    "AccountAlias",
    "AccountId",
    "AccountIdPad",
    "AccountName",
    "Arn",
    "DefaultRegion",
    "EmailAddress",
    "Expires",
    "ExpiresEpoch",
    "Id",
    "Profile",
    "RoleName",
    "SSO",
    "Via",
  ]);
});

Deno.test("config.yaml edits take effect at once and warnings show on every run", async () => {
  const dir = await tempHome();
  try {
    const file = await writeConfig(
      dir,
      "SSOConfig:\n  Default:\n    SSORegion: us-east-1\n    StartUrl: https://x.awsapps.com/start\nUnknownKey: 1\n",
    );
    for (let run = 0; run < 2; run++) {
      const r = await runCli(["tags"], { home: dir });
      assert.match(r.stderr, /unknown key 'UnknownKey'/, `run ${run}`);
    }
    await Deno.writeTextFile(file, "SSOConfig: [\n");
    const broken = await runCli(["tags"], { home: dir });
    assert.equal(broken.code, 1);
    assert.match(broken.stderr, /config\.yaml:\d+:\d+: YAML syntax error/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a config.yaml indented with a tab on line 7 fails with file:line and no stack trace", async () => {
  const dir = await tempHome();
  try {
    const text = await Deno.readTextFile(
      new URL("../testdata/config/tab_line7.yaml", import.meta.url),
    );
    await writeConfig(dir, text);
    const r = await runCli(["list"], { home: dir });
    assert.equal(r.code, 1);
    assert.equal(r.stdout, "");
    assert.match(
      r.stderr,
      /^aws-sso: error: ~\/\.config\/aws-sso\/config\.yaml:7:\d+: YAML syntax error/,
    );
    assert.match(r.stderr, /hint: indent with spaces/);
    assert.doesNotMatch(r.stderr, /at .*\.ts:\d+|stack/i);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
