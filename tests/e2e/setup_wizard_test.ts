/**
 * The setup wizard in a real terminal (tmux): a first run that writes a config.yaml the loader
 * accepts, a re-run that changes one key and keeps the user's comments, the offer to use an
 * sso-session from ~/.aws/config when another command finds no config, and the start URL check.
 */
import assert from "node:assert/strict";
import { loadSettings } from "../../lib/settings/load_settings.ts";
import { startEmulator } from "../emulator/emulator.ts";
import { hasTmux, startInTmux as start } from "./_tmux_run.ts";
import { writeConfig } from "./run_cli.ts";

const E2E = { sanitizeOps: false, sanitizeResources: false } as const;

const CONFIG = ".config/aws-sso/config.yaml";

function load(home: string, text: string) {
  return loadSettings(text, {
    file: "config.yaml",
    configDir: `${home}/.config/aws-sso`,
    home,
    remoteSession: false,
  }).settings;
}

Deno.test({
  name: "the wizard's first run writes a config.yaml that loads",
  ignore: !(await hasTmux()),
  ...E2E,
  async fn() {
    await using emu = await startEmulator({ accounts: 1 });
    const home = await Deno.makeTempDir({ prefix: "aws-sso-test-home-" });
    const w = await start(home, ["setup", "wizard"]);
    try {
      await w.answer("AWS partition", "Enter");
      await w.answer("start URL", "not a url", "Enter");
      await w.answer("not a URL; expected", "C-u", emu.startUrl, "Enter");
      await w.answer("SSORegion", "eu-west-1");
      await w.answer(/❯ eu-west-1\s*\n(?!\s+eu-west)/, "Enter");
      await w.answer("ProfileFormat", "Down", "Enter");
      await w.answer("UrlAction", "Down", "Enter");
      assert.equal(await w.status(), 0, await w.screen());
      const text = await Deno.readTextFile(`${home}/${CONFIG}`);
      const settings = load(home, text);
      assert.equal(settings.ssoConfig.Default?.startUrl, emu.startUrl);
      assert.equal(settings.ssoConfig.Default?.ssoRegion, "eu-west-1");
      assert.equal(settings.profileFormat, "{{ .AccountIdPad }}:{{ .RoleName }}");
      assert.equal(settings.urlAction, "print");
      assert.equal((await Deno.stat(`${home}/${CONFIG}`)).mode! & 0o777, 0o600);
    } finally {
      await w.close();
      await Deno.remove(home, { recursive: true });
    }
  },
});

Deno.test({
  name:
    "the wizard on an existing config changes only what was answered differently and keeps comments",
  ignore: !(await hasTmux()),
  ...E2E,
  async fn() {
    const home = await Deno.makeTempDir({ prefix: "aws-sso-test-home-" });
    const original = `# Team settings -- do not remove
SSOConfig:
  Default:
    SSORegion: us-east-1  # where Identity Center lives
    StartUrl: https://example.awsapps.com/start
    Accounts:
      000001111111:   # leading zeros matter
        Name: legacy
UrlAction: open   # how URLs open
ProfileFormat: '{{ .AccountIdPad }}:{{ .RoleName }}'
`;
    await writeConfig(home, original);
    const w = await start(home, ["setup", "wizard"]);
    try {
      await w.answer("Back up", "y", "Enter");
      await w.answer("ProfileFormat", "Enter");
      await w.answer("UrlAction", "Down", "Enter");
      assert.equal(await w.status(), 0, await w.screen());
      const text = await Deno.readTextFile(`${home}/${CONFIG}`);
      assert.equal(text, original.replace("UrlAction: open ", "UrlAction: print "));
      assert.equal(load(home, text).urlAction, "print");
      const backups = [...Deno.readDirSync(`${home}/.config/aws-sso`)]
        .map((e) => e.name)
        .filter((n) => /^config\.\d{4}-\d\d-\d\d-\d{6}\.yaml$/.test(n));
      assert.equal(backups.length, 1);
      assert.equal(await Deno.readTextFile(`${home}/.config/aws-sso/${backups[0]}`), original);
    } finally {
      await w.close();
      await Deno.remove(home, { recursive: true });
    }
  },
});

Deno.test({
  name:
    "a command without config.yaml starts the wizard, which offers the sso-session of ~/.aws/config",
  ignore: !(await hasTmux()),
  ...E2E,
  async fn() {
    const home = await Deno.makeTempDir({ prefix: "aws-sso-test-home-" });
    await Deno.mkdir(`${home}/.aws`);
    await Deno.writeTextFile(
      `${home}/.aws/config`,
      "[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = ap-south-1\n",
    );
    const w = await start(home, ["list"]);
    try {
      await w.answer("No config file found!");
      await w.answer("https://corp.awsapps.com/start (ap-south-1)", "Enter");
      await w.answer("ProfileFormat", "Enter");
      await w.answer("UrlAction", "Enter");
      // Then `list` runs with the new config: nothing cached and no session yet.
      await w.answer('run "aws-sso login"');
      assert.equal(await w.status(), 1, await w.screen());
      const settings = load(home, await Deno.readTextFile(`${home}/${CONFIG}`));
      assert.equal(settings.ssoConfig.Default?.startUrl, "https://corp.awsapps.com/start");
      assert.equal(settings.ssoConfig.Default?.ssoRegion, "ap-south-1");
    } finally {
      await w.close();
      await Deno.remove(home, { recursive: true });
    }
  },
});

Deno.test({
  name: "the wizard asks before keeping a start URL that does not answer",
  ignore: !(await hasTmux()),
  ...E2E,
  async fn() {
    const home = await Deno.makeTempDir({ prefix: "aws-sso-test-home-" });
    // Nothing listens on port 9 of localhost.
    const w = await start(home, ["setup", "wizard"]);
    try {
      await w.answer("AWS partition", "Enter");
      await w.answer("start URL", "http://127.0.0.1:9/start", "Enter");
      await w.answer("could not be reached");
      await w.answer("Keep http://127.0.0.1:9/start anyway?", "y", "Enter");
      await w.answer("SSORegion", "Enter");
      await w.answer("ProfileFormat", "Enter");
      await w.answer("UrlAction", "Enter");
      assert.equal(await w.status(), 0, await w.screen());
      const settings = load(home, await Deno.readTextFile(`${home}/${CONFIG}`));
      assert.equal(settings.ssoConfig.Default?.startUrl, "http://127.0.0.1:9/start");
      assert.equal(settings.ssoConfig.Default?.ssoRegion, "us-east-1");
    } finally {
      await w.close();
      await Deno.remove(home, { recursive: true });
    }
  },
});
