/**
 * Configs that work with the reference tool work here (issue 16): URL actions that need
 * UrlExecCommand without one, deprecated keys, the European Sovereign Cloud, a ProfileFormat
 * that fails. Each runs `cache`, `list`, `process` and `setup profiles --print` as real CLI
 * processes against the emulator. Also: an instance reusing a name with another StartUrl never
 * sees the first one's roles, and `list` with no cache and no session says to log in.
 */
import assert from "node:assert/strict";
import { type Emulator, startEmulator } from "../emulator/emulator.ts";
import { cli, credsSession, E2E, stderrLines, writeJsonStoreSession } from "./_creds_session.ts";
import { writeConfig } from "./run_cli.ts";

function config(emu: Emulator, top: string, instance = "    SSORegion: us-east-1\n"): string {
  return `SecureStore: json\n${top}SSOConfig:\n  Default:\n${instance}    StartUrl: ${emu.startUrl}\n`;
}

function arns(emu: Emulator): string[] {
  return emu.accounts().flatMap((a) => a.roles.map((r) => `arn:aws:iam::${a.accountId}:role/${r}`));
}

const shapes: [string, (emu: Emulator) => string][] = [
  ["UrlAction: exec without UrlExecCommand", (emu) => config(emu, "UrlAction: exec\n")],
  [
    "open-url-in-container without UrlExecCommand",
    (emu) => config(emu, "UrlAction: open-url-in-container\n"),
  ],
  [
    "the deprecated FirefoxOpenUrlInContainer and ConfigUrlAction keys",
    (emu) => config(emu, "FirefoxOpenUrlInContainer: true\nConfigUrlAction: open\n"),
  ],
  [
    "the European Sovereign Cloud (eusc-de-east-1)",
    (emu) => config(emu, "DefaultRegion: eusc-de-east-1\n", "    SSORegion: eusc-de-east-1\n"),
  ],
  ["an SSORegion this build does not know", (emu) => config(emu, "", "    SSORegion: xx-mars-1\n")],
];

for (const [name, yaml] of shapes) {
  Deno.test({
    name: `a config with ${name} loads, and cache, list, process and setup profiles work`,
    ...E2E,
    async fn() {
      await using emu = await startEmulator({ accounts: 2, rolesPerAccount: 2 });
      const home = await credsSession(emu);
      try {
        await writeConfig(home, yaml(emu));
        const cached = await cli(home, emu, ["cache"]);
        assert.equal(cached.code, 0, cached.stderr);
        const list = await cli(home, emu, ["list", "--csv", "Arn"]);
        assert.equal(list.code, 0, list.stderr);
        assert.deepEqual(list.stdout.trim().split("\n").sort(), arns(emu).sort());
        const arn = arns(emu)[0]!;
        const p = await cli(home, emu, ["process", "--arn", arn]);
        assert.equal(p.code, 0, p.stderr);
        assert.equal(JSON.parse(p.stdout).Version, 1);
        const printed = await cli(home, emu, ["setup", "profiles", "--print"]);
        assert.equal(printed.code, 0, printed.stderr);
        assert.equal(printed.stdout.match(/^\[profile /gm)?.length, arns(emu).length);
        if (name.includes("does not know")) {
          assert.match(list.stderr, /SSORegion 'xx-mars-1' is not a region this aws-sso knows/);
        }
      } finally {
        await Deno.remove(home, { recursive: true });
      }
    },
  });
}

Deno.test({
  name: "an exec URL action without UrlExecCommand fails only where a URL is opened, in one line",
  ...E2E,
  async fn() {
    await using emu = await startEmulator({ accounts: 1, rolesPerAccount: 1 });
    const home = await credsSession(emu);
    try {
      await writeConfig(home, config(emu, "UrlAction: exec\n"));
      const arn = arns(emu)[0]!;
      const r = await cli(home, emu, ["console", "--arn", arn]);
      assert.equal(r.code, 1, r.stderr);
      const lines = stderrLines(r);
      assert.ok(lines.some((l) => /UrlExecCommand/.test(l)), r.stderr);
      assert.ok(!/\n\s+at /.test(r.stderr), "no stack trace");
    } finally {
      await Deno.remove(home, { recursive: true });
    }
  },
});

Deno.test({
  name:
    "a ProfileFormat that fails: list lists with empty Profile, process works, setup profiles fails in one line",
  ...E2E,
  async fn() {
    await using emu = await startEmulator({ accounts: 2, rolesPerAccount: 2 });
    const home = await credsSession(emu);
    try {
      for (const format of ["'{{ .AccountName '", "'{{ .NoSuchField }}'"]) {
        await writeConfig(home, config(emu, `ProfileFormat: ${format}\n`));
        const cached = await cli(home, emu, ["cache"]);
        assert.equal(cached.code, 0, cached.stderr);
        assert.match(cached.stderr, /unable to generate ProfileName/);
        const list = await cli(home, emu, ["list", "--csv", "Arn", "Profile"]);
        assert.equal(list.code, 0, list.stderr);
        assert.deepEqual(
          list.stdout.trim().split("\n").sort(),
          arns(emu).sort().map((a) => `${a},`),
        );
        const p = await cli(home, emu, ["process", "--arn", arns(emu)[0]!]);
        assert.equal(p.code, 0, p.stderr);
        const printed = await cli(home, emu, ["setup", "profiles", "--print"]);
        assert.equal(printed.code, 1);
        assert.equal(printed.stdout, "");
        const errors = stderrLines(printed).filter((l) => !/^\s*hint:/.test(l));
        assert.equal(errors.length, 1, printed.stderr);
        assert.match(errors[0]!, /unable to generate ProfileName/);
        assert.ok(!/\n\s+at /.test(printed.stderr), "no stack trace");
      }
    } finally {
      await Deno.remove(home, { recursive: true });
    }
  },
});

Deno.test({
  name:
    "an instance with the same name but another StartUrl never shows, selects or writes the first one's roles",
  ...E2E,
  async fn() {
    await using first = await startEmulator({ accounts: 2, rolesPerAccount: 2 });
    await using second = await startEmulator({
      directory: [{
        accountId: "222233334444",
        accountName: "second",
        emailAddress: "second@example.com",
        roles: ["OnlyHere"],
      }],
    });
    const home = await credsSession(first);
    try {
      const cached = await cli(home, first, ["cache"]);
      assert.equal(cached.code, 0, cached.stderr);
      const firstProfiles = await cli(home, first, ["list", "--csv", "Profile"]);
      const aProfile = firstProfiles.stdout.trim().split("\n")[0]!;
      assert.notEqual(aProfile, "");

      // Same name "Default", another Identity Center; the first one's cache.json stays.
      await writeConfig(home, config(second, ""));
      await writeJsonStoreSession(home, second);
      const list = await cli(home, second, ["list", "--csv", "Arn"]);
      assert.equal(list.code, 0, list.stderr);
      for (const arn of arns(first)) assert.ok(!list.stdout.includes(arn), list.stdout);
      const picked = await cli(home, second, ["process", "--profile", aProfile]);
      assert.equal(picked.code, 1);
      assert.equal(picked.stdout, "");
      const printed = await cli(home, second, ["setup", "profiles", "--print"]);
      assert.equal(printed.code, 0, printed.stderr);
      for (const arn of arns(first)) assert.ok(!printed.stdout.includes(arn));
      assert.match(printed.stdout, /arn:aws:iam::222233334444:role\/OnlyHere/);
      // The refresh replaced the section: History/expiries of the first are not carried over.
      const cache = JSON.parse(await Deno.readTextFile(`${home}/.config/aws-sso/cache.json`));
      assert.equal(cache.SSO.Default.Roles.StartUrl, second.startUrl);
      assert.deepEqual(Object.keys(cache.SSO.Default.Roles.Accounts), ["222233334444"]);
    } finally {
      await Deno.remove(home, { recursive: true });
    }
  },
});

Deno.test({
  name: "list with no cache and no session tells the user to log in (exit 1)",
  ...E2E,
  async fn() {
    await using emu = await startEmulator({ accounts: 1 });
    const home = await credsSession(emu, { token: false });
    try {
      for (const args of [["list"], ["list", "--csv"]]) {
        const r = await cli(home, emu, args);
        assert.equal(r.code, 1, r.stderr);
        assert.equal(r.stdout, "");
        assert.match(r.stderr, /not logged in/);
        assert.match(r.stderr, /aws-sso login/);
      }
    } finally {
      await Deno.remove(home, { recursive: true });
    }
  },
});
