/**
 * `setup profiles` (and its 1.x name `config`) against the emulator: the block in the
 * reference's format, a user's file kept byte for byte (CRLF, comments, no final newline), a
 * second run that changes nothing, refusing to write without a terminal, two instances written
 * at once, AutoConfigCheck after `cache`, and the real AWS CLI reading the result and running
 * the credential_process line.
 */
import assert from "node:assert/strict";
import { startEmulator } from "../emulator/emulator.ts";
import { cli, CONFIG_DIR, credsSession, E2E } from "./_creds_session.ts";
import { hasTmux, startInTmux } from "./_tmux_run.ts";
import { runCli } from "./run_cli.ts";

const AWS_CLI = "/usr/bin/aws";
const MAIN = new URL("../../main.ts", import.meta.url).pathname;

/** The profile names in a config text, in order. */
function profiles(text: string): string[] {
  return [...text.matchAll(/^\[profile ([^\]]+)\]\r?$/gm)].map((m) => m[1]!);
}

async function awsCliAvailable(): Promise<boolean> {
  try {
    return (await Deno.stat(AWS_CLI)).isFile;
  } catch {
    return false;
  }
}

Deno.test({
  name: "setup profiles --print writes one profile per role in the reference's format",
  ...E2E,
  async fn() {
    await using emu = await startEmulator({ accounts: 2 });
    const home = await credsSession(emu, {
      instanceYaml: "    DefaultRegion: eu-west-1\n",
      topYaml: "ConfigVariables:\n  output: json\n",
    });
    try {
      const r = await cli(home, emu, ["setup", "profiles", "--print"]);
      assert.equal(r.code, 0, r.stderr);
      const arns = emu.accounts().flatMap((a) =>
        a.roles.map((role) => `arn:aws:iam::${a.accountId}:role/${role}`)
      ).sort();
      assert.ok(r.stdout.startsWith("# BEGIN_AWS_SSO_CLI\n\n[profile "));
      assert.ok(r.stdout.endsWith("\n\n# END_AWS_SSO_CLI\n"));
      const sections = r.stdout.split("\n\n").slice(1, -1);
      assert.equal(sections.length, arns.length);
      sections.forEach((section, i) => {
        const lines = section.split("\n");
        assert.match(lines[0]!, /^\[profile [^\]]+:[^\]]+\]$/);
        assert.equal(
          lines[1],
          `credential_process = ${Deno.execPath()} run -q -A ${MAIN} -S "Default" process --arn ${
            arns[i]
          }`,
        );
        assert.deepEqual(lines.slice(2), ["region = eu-west-1", "output = json"]);
      });
    } finally {
      await Deno.remove(home, { recursive: true });
    }
  },
});

Deno.test({
  name:
    "setup profiles --force keeps the rest of a CRLF file byte for byte and a second run changes nothing",
  ...E2E,
  async fn() {
    await using emu = await startEmulator({ accounts: 2 });
    const home = await credsSession(emu);
    try {
      const mine = "# my settings ; é\r\n[default]\r\nregion = us-east-1\r\n\r\n" +
        "[profile mine]\r\nregion = eu-central-1";
      await Deno.mkdir(`${home}/.aws`, { mode: 0o700 });
      const file = `${home}/.aws/config`;
      await Deno.writeTextFile(file, mine);
      await Deno.chmod(file, 0o644);
      const r = await cli(home, emu, ["setup", "profiles", "--force", "--diff"]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^--- ~\/\.aws\/config\n\+\+\+ ~\/\.aws\/config\.new\n@@ /);
      const text = await Deno.readTextFile(file);
      assert.ok(
        text.startsWith(mine + "\r\n# BEGIN_AWS_SSO_CLI\r\n"),
        JSON.stringify(text.slice(0, 200)),
      );
      assert.ok(text.endsWith("\r\n# END_AWS_SSO_CLI\r\n"));
      assert.ok(!/[^\r]\n/.test(text), "the block uses the file's CRLF line endings");
      assert.equal(profiles(text).length, 1 + emu.accounts().flatMap((a) => a.roles).length);
      assert.equal((await Deno.stat(file)).mode! & 0o777, 0o644, "permissions kept");

      const again = await cli(home, emu, ["setup", "profiles", "--force"]);
      assert.equal(again.code, 0, again.stderr);
      assert.match(again.stderr, /no changes made to ~\/\.aws\/config/);
      assert.equal(await Deno.readTextFile(file), text);
    } finally {
      await Deno.remove(home, { recursive: true });
    }
  },
});

Deno.test({
  name: "setup profiles without --force and without a terminal shows the diff and changes nothing",
  ...E2E,
  async fn() {
    await using emu = await startEmulator({ accounts: 1 });
    const home = await credsSession(emu);
    try {
      const refused = await cli(home, emu, ["setup", "profiles"]);
      assert.equal(refused.code, 1);
      assert.match(refused.stdout, /^\+\[profile /m);
      assert.match(
        refused.stderr,
        /not changing ~\/\.aws\/config: confirming the changes needs a terminal/,
      );
      assert.match(refused.stderr, /hint: run "aws-sso setup profiles --force"/);
      await assert.rejects(Deno.stat(`${home}/.aws/config`), Deno.errors.NotFound);

      const dryRun = await cli(home, emu, ["setup", "profiles", "--diff"]);
      assert.equal(dryRun.code, 0, dryRun.stderr);
      assert.match(dryRun.stdout, /^@@ -0,0 \+1,\d+ @@$/m);
      await assert.rejects(Deno.stat(`${home}/.aws/config`), Deno.errors.NotFound);

      const created = await cli(home, emu, ["setup", "profiles", "--force"]);
      assert.equal(created.code, 0, created.stderr);
      assert.equal((await Deno.stat(`${home}/.aws/config`)).mode! & 0o777, 0o600);
      assert.equal((await Deno.stat(`${home}/.aws`)).mode! & 0o777, 0o700);
    } finally {
      await Deno.remove(home, { recursive: true });
    }
  },
});

Deno.test({
  name: "setup profiles on a terminal shows the diff and writes only after a yes",
  ignore: !(await hasTmux()),
  ...E2E,
  async fn() {
    await using emu = await startEmulator({ accounts: 1 });
    const home = await credsSession(emu);
    try {
      const no = await startInTmux(home, ["setup", "profiles"], emu.env);
      await no.answer(/^\+credential_process = .* process --arn arn:aws:iam::/m);
      await no.answer("Modify ~/.aws/config with proposed changes? (y/N)", "Enter");
      assert.equal(await no.status(), 0, await no.screen());
      await no.close();
      await assert.rejects(Deno.stat(`${home}/.aws/config`), Deno.errors.NotFound);

      const yes = await startInTmux(home, ["setup", "profiles"], emu.env);
      await yes.answer("Modify ~/.aws/config with proposed changes?", "y", "Enter");
      assert.equal(await yes.status(), 0, await yes.screen());
      await yes.close();
      assert.equal(profiles(await Deno.readTextFile(`${home}/.aws/config`)).length, 3);
    } finally {
      await Deno.remove(home, { recursive: true });
    }
  },
});

Deno.test({
  name: "setup profiles refuses a block without its END line and leaves the file alone",
  ...E2E,
  async fn() {
    await using emu = await startEmulator({ accounts: 1 });
    const home = await credsSession(emu);
    try {
      const broken = "[default]\n# BEGIN_AWS_SSO_CLI\n[profile x]\n\n[profile mine]\nregion = x\n";
      await Deno.mkdir(`${home}/.aws`);
      await Deno.writeTextFile(`${home}/.aws/config`, broken);
      const r = await cli(home, emu, ["setup", "profiles", "--force"]);
      assert.equal(r.code, 1);
      assert.match(
        r.stderr,
        /~\/\.aws\/config:2: "# BEGIN_AWS_SSO_CLI" has no matching "# END_AWS_SSO_CLI"/,
      );
      assert.equal(await Deno.readTextFile(`${home}/.aws/config`), broken);
    } finally {
      await Deno.remove(home, { recursive: true });
    }
  },
});

Deno.test({
  name: "two setup profiles runs at once for two instances leave both blocks in a valid file",
  ...E2E,
  async fn() {
    await using emu = await startEmulator({ accounts: 2 });
    const home = await credsSession(emu);
    try {
      // A second instance on the same portal, with its own session.
      const config = `${home}/${CONFIG_DIR}/config.yaml`;
      await Deno.writeTextFile(
        config,
        (await Deno.readTextFile(config)) +
          `  Work:\n    SSORegion: us-east-1\n    StartUrl: ${emu.startUrl}\n`,
      );
      const storeFile = `${home}/${CONFIG_DIR}/store.json`;
      const store = JSON.parse(await Deno.readTextFile(storeFile));
      store.CreateTokenResponse.Work = store.CreateTokenResponse.Default;
      await Deno.writeTextFile(storeFile, JSON.stringify(store));
      for (let round = 0; round < 2; round++) {
        const [a, b] = await Promise.all([
          cli(home, emu, ["setup", "profiles", "--force"]),
          cli(home, emu, ["-S", "Work", "setup", "profiles", "--force"]),
        ]);
        assert.equal(a.code, 0, a.stderr);
        assert.equal(b.code, 0, b.stderr);
      }
      const text = await Deno.readTextFile(`${home}/.aws/config`);
      const roles = emu.accounts().flatMap((a) => a.roles).length;
      assert.equal(text.split("# BEGIN_AWS_SSO_CLI\n").length, 2);
      assert.equal(text.split("# BEGIN_AWS_SSO_CLI_Work\n").length, 2);
      assert.equal(text.split("\n# END_AWS_SSO_CLI\n").length, 2);
      assert.equal(text.split("\n# END_AWS_SSO_CLI_Work\n").length, 2);
      assert.equal((text.match(/-S "Work" process/g) ?? []).length, roles);
      assert.equal((text.match(/-S "Default" process/g) ?? []).length, roles);
    } finally {
      await Deno.remove(home, { recursive: true });
    }
  },
});

Deno.test({
  name: "config, the 1.x name, takes the same flags and checks --open",
  ...E2E,
  async fn() {
    await using emu = await startEmulator({ accounts: 1 });
    const home = await credsSession(emu);
    try {
      const r = await cli(home, emu, ["config", "--open", "clip", "--force"]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /--open clip is ignored/);
      assert.equal(profiles(await Deno.readTextFile(`${home}/.aws/config`)).length, 3);
      const bad = await cli(home, emu, ["config", "--open", "firefox"]);
      assert.equal(bad.code, 2);
      const help = await runCli(["--help"], { home });
      assert.match(help.stdout, /^ {2}config \[options\] +1\.x name of "setup profiles"/m);
      assert.match(help.stdout, /^ {2}install-completions \[options\] +1\.x name of/m);
    } finally {
      await Deno.remove(home, { recursive: true });
    }
  },
});

Deno.test({
  name: "cache with AutoConfigCheck says what to run when there is no terminal to ask on",
  ...E2E,
  async fn() {
    await using emu = await startEmulator({ accounts: 1 });
    const home = await credsSession(emu, { topYaml: "AutoConfigCheck: true\n" });
    try {
      const skipped = await cli(home, emu, ["cache", "--no-config-check"]);
      assert.equal(skipped.code, 0, skipped.stderr);
      assert.doesNotMatch(skipped.stderr, /AutoConfigCheck/);
      // Forget the roles so the next refresh finds them again.
      await Deno.remove(`${home}/${CONFIG_DIR}/cache.json`);
      const r = await cli(home, emu, ["cache"]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^Updated cache: added=3, deleted=0$/m);
      assert.match(
        r.stderr,
        /AutoConfigCheck: ~\/\.aws\/config is out of date; run "aws-sso setup profiles"/,
      );
      await assert.rejects(Deno.stat(`${home}/.aws/config`), Deno.errors.NotFound);
    } finally {
      await Deno.remove(home, { recursive: true });
    }
  },
});

Deno.test({
  name:
    "the real AWS CLI lists the generated profiles plus the user's own and runs their credential_process",
  ignore: !(await awsCliAvailable()),
  ...E2E,
  async fn() {
    await using emu = await startEmulator({ accounts: 2 });
    const home = await credsSession(emu);
    try {
      await Deno.mkdir(`${home}/.aws`);
      await Deno.writeTextFile(
        `${home}/.aws/config`,
        "[default]\nregion = us-east-1\n\n[profile mine]\nregion = eu-west-1\n",
      );
      const r = await cli(home, emu, ["setup", "profiles", "--force"]);
      assert.equal(r.code, 0, r.stderr);
      const generated = profiles(await Deno.readTextFile(`${home}/.aws/config`)).filter((p) =>
        p !== "mine"
      );
      const env = { ...emu.env, HOME: home, AWS_PAGER: "" };
      const list = await new Deno.Command(AWS_CLI, {
        args: ["configure", "list-profiles"],
        env,
        stdout: "piped",
        stderr: "piped",
      }).output();
      assert.equal(list.code, 0, new TextDecoder().decode(list.stderr));
      const listed = new TextDecoder().decode(list.stdout).trim().split("\n");
      assert.deepEqual([...listed].sort(), ["default", "mine", ...generated].sort());

      const exported = await new Deno.Command(AWS_CLI, {
        args: [
          "configure",
          "export-credentials",
          "--profile",
          generated[0]!,
          "--format",
          "process",
        ],
        env,
        stdout: "piped",
        stderr: "piped",
      }).output();
      assert.equal(exported.code, 0, new TextDecoder().decode(exported.stderr));
      const creds = JSON.parse(new TextDecoder().decode(exported.stdout));
      assert.ok(
        emu.issuedSecrets().includes(creds.SecretAccessKey),
        "credentials from the emulator",
      );
    } finally {
      await Deno.remove(home, { recursive: true });
    }
  },
});
