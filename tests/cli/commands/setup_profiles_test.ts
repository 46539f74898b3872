import assert from "node:assert/strict";
import { runConfig, runSetupProfiles } from "../../../cli/commands/setup_profiles.ts";
import { MissingEndMarkerError } from "../../../lib/aws_config/managed_block.ts";
import { AwsSsoError } from "../../../lib/errors.ts";
import { type Emulator, startEmulator } from "../../emulator/emulator.ts";
import { runArgv, signedIn } from "./_signed_in.ts";

const MINE = "# my settings ; é\r\n[default]\r\nregion = us-east-1\r\n\r\n" +
  "[profile mine]\r\nregion = eu-central-1";

function arns(emu: Emulator): string[] {
  return emu.accounts().flatMap((a) =>
    a.roles.map((role) => `arn:aws:iam::${a.accountId}:role/${role}`)
  ).sort();
}

/** Services whose AWS config file is a temp file holding `text` (none when undefined). */
async function world(emu: Emulator, text?: string, extra = "") {
  const dir = await Deno.makeTempDir({ prefix: "aws-sso-test-aws-" });
  const file = `${dir}/config`;
  if (text !== undefined) await Deno.writeTextFile(file, text);
  const t = await signedIn(emu, { extra, env: { AWS_CONFIG_FILE: file } });
  return {
    t,
    file,
    read: () => Deno.readTextFile(file),
    async [Symbol.asyncDispose]() {
      await t[Symbol.asyncDispose]();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

Deno.test("runSetupProfiles() --print writes the block on stdout with a process line per role", async () => {
  await using emu = await startEmulator({ accounts: 2 });
  await using w = await world(emu, undefined, "    DefaultRegion: eu-west-1\n");
  await runSetupProfiles({ print: true }, w.t.services);
  const out = w.t.output.stdout;
  assert.ok(out.startsWith("# BEGIN_AWS_SSO_CLI\n\n[profile "), out);
  assert.ok(out.endsWith("\n\n# END_AWS_SSO_CLI\n"), out);
  const sections = out.split("\n\n").slice(1, -1);
  assert.equal(sections.length, arns(emu).length);
  sections.forEach((section, i) => {
    const lines = section.split("\n");
    assert.match(lines[0]!, /^\[profile [^\]]+:[^\]]+\]$/);
    assert.match(lines[1]!, /^credential_process = .* -S "Default" process --arn (\S+)$/);
    assert.ok(lines[1]!.endsWith(` --arn ${arns(emu)[i]}`), lines[1]);
    assert.equal(lines[2], "region = eu-west-1");
  });
  await assert.rejects(Deno.stat(w.file), Deno.errors.NotFound, "--print changes no file");
});

Deno.test("runSetupProfiles() --force --diff keeps the rest of a CRLF file byte for byte; a second run changes nothing", async () => {
  await using emu = await startEmulator({ accounts: 2 });
  await using w = await world(emu, MINE);
  await Deno.chmod(w.file, 0o644);
  await runSetupProfiles({ force: true, diff: true }, w.t.services);
  const after = await w.read();
  assert.ok(after.startsWith(`${MINE}\r\n`), JSON.stringify(after.slice(0, 120)));
  assert.match(after, /\r\n# BEGIN_AWS_SSO_CLI\r\n/);
  assert.ok(after.endsWith("# END_AWS_SSO_CLI\r\n"));
  assert.match(w.t.output.stdout, /^\+# BEGIN_AWS_SSO_CLI/m, "--diff shows the change");
  assert.match(w.t.output.stderr, /Updated .*config: \d+ profile\(s\) for SSO instance Default/);
  assert.ok(!/[^\r]\n/.test(after), "the block uses the file's CRLF line endings");
  assert.equal((await Deno.stat(w.file)).mode! & 0o777, 0o644, "permissions kept");

  w.t.output.stderr = "";
  await runSetupProfiles({ force: true }, w.t.next());
  assert.match(w.t.output.stderr, /no changes made to /);
  assert.equal(await w.read(), after);
});

Deno.test("runSetupProfiles() without a terminal shows the diff and refuses; --diff only shows it", async () => {
  await using emu = await startEmulator({ accounts: 1 });
  await using w = await world(emu, MINE);
  await assert.rejects(runSetupProfiles({}, w.t.services), (e) => {
    assert.ok(e instanceof AwsSsoError);
    assert.match(e.message, /not changing .*config: confirming the changes needs a terminal/);
    assert.match(e.hints.join("\n"), /setup profiles --force/);
    return true;
  });
  assert.match(w.t.output.stdout, /^\+\[profile /m);
  w.t.output.stdout = "";
  await runSetupProfiles({ diff: true }, w.t.next());
  assert.match(w.t.output.stdout, /^\+# END_AWS_SSO_CLI/m);
  assert.equal(await w.read(), MINE, "the file is unchanged");
});

Deno.test("runSetupProfiles() leaves a file whose BEGIN marker has no END marker alone", async () => {
  await using emu = await startEmulator({ accounts: 1 });
  const broken =
    "[default]\nregion = us-east-1\n# BEGIN_AWS_SSO_CLI\n[profile x]\n[profile mine]\n";
  await using w = await world(emu, broken);
  await assert.rejects(runSetupProfiles({ force: true }, w.t.services), (e) => {
    assert.ok(e instanceof MissingEndMarkerError);
    assert.equal(e.line, 3);
    assert.match(e.hints.join("\n"), /# END_AWS_SSO_CLI/);
    return true;
  });
  assert.equal(await w.read(), broken);
});

Deno.test("runConfig() (1.x) writes without a terminal, --diff only prints, --open is ignored with a note", async () => {
  await using emu = await startEmulator({ accounts: 1 });
  await using w = await world(emu, MINE);
  await runConfig({ diff: true, open: "clip" }, w.t.services);
  assert.match(w.t.output.stderr, /--open clip is ignored/);
  assert.match(w.t.output.stdout, /^\+# BEGIN_AWS_SSO_CLI/m);
  assert.equal(await w.read(), MINE);
  await runConfig({}, w.t.next());
  assert.match(await w.read(), /# BEGIN_AWS_SSO_CLI\r\n/);
  assert.doesNotMatch(w.t.output.stderr, /for the others run/);
});

Deno.test("runConfig() with several instances says how to write the others", async () => {
  await using emu = await startEmulator({ accounts: 1 });
  const others = `  Other:\n    SSORegion: ${emu.region}\n    StartUrl: ${emu.startUrl}\n` +
    `  "My Team":\n    SSORegion: ${emu.region}\n    StartUrl: ${emu.startUrl}\n` +
    "DefaultSSO: Default\n";
  await using w = await world(emu, "", others);
  await runConfig({ force: true }, w.t.services);
  assert.match(
    w.t.output.stderr,
    /config wrote the profiles of SSO instance Default only; for the others run: aws-sso -S Other config, aws-sso -S "My Team" config/,
  );
});

Deno.test("setup profiles and config are wired to runSetupProfiles and runConfig; --diff conflicts with --print", async () => {
  await using emu = await startEmulator({ accounts: 1 });
  await using w = await world(emu, MINE);
  assert.equal(await runArgv(w.t, ["setup", "profiles", "--print"]), 0, w.t.output.stderr);
  assert.match(w.t.output.stdout, /^# BEGIN_AWS_SSO_CLI\n/);
  assert.equal(await runArgv(w.t, ["setup", "profiles", "--print", "--diff"]), 2);
  assert.equal(await runArgv(w.t, ["setup", "profiles"]), 1, "no terminal to confirm on");
  assert.equal(await w.read(), MINE);
  assert.equal(await runArgv(w.t, ["config", "--open", "exec"]), 0, w.t.output.stderr);
  assert.match(w.t.output.stderr, /--open exec is ignored/);
  assert.match(await w.read(), /# BEGIN_AWS_SSO_CLI\r\n/);
  assert.equal(await runArgv(w.t, ["config", "--open", "fax"]), 2);
});
