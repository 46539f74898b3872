/** `aws-sso credentials` (INI on stdout or into a 0600 file, --append) and `aws-sso time`. */
import assert from "node:assert/strict";
import { type Emulator, startEmulator } from "../emulator/emulator.ts";
import { cli, credsSession, E2E } from "./_creds_session.ts";

const PROFILES = ["production:AdministratorAccess", "staging:ReadOnlyAccess"];

async function cachedSession(emu: Emulator): Promise<string> {
  const home = await credsSession(emu);
  const r = await cli(home, emu, ["cache"]);
  assert.equal(r.code, 0, r.stderr);
  return home;
}

/** Parses INI sections into { profile: { key: value } }, with the `# Expires:` comment. */
function parseIni(text: string): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  let section: Record<string, string> | undefined;
  for (const line of text.split("\n")) {
    const head = /^\[(.+)\]$/.exec(line);
    if (head) {
      section = out[head[1]!] = {};
      continue;
    }
    const expires = /^# Expires: (.+)$/.exec(line);
    if (expires && section) section.expires = expires[1]!;
    const kv = /^(\w+) = (.+)$/.exec(line);
    if (kv && section) section[kv[1]!] = kv[2]!;
  }
  return out;
}

Deno.test({
  name: "credentials prints one INI section per profile on stdout",
  ...E2E,
  async fn() {
    await using emu = await startEmulator({ accounts: 2 });
    const home = await cachedSession(emu);
    try {
      const r = await cli(home, emu, ["credentials", "-p", PROFILES[0]!, "-p", PROFILES[1]!]);
      assert.equal(r.code, 0, r.stderr);
      assert.ok(r.stdout.startsWith(`\n[${PROFILES[0]}]\n# Expires: `));
      assert.ok(r.stdout.endsWith("\n\n"));
      const ini = parseIni(r.stdout);
      assert.deepEqual(Object.keys(ini), PROFILES);
      for (const p of PROFILES) {
        assert.match(ini[p]!.aws_access_key_id!, /^ASIA/);
        assert.ok(ini[p]!.aws_secret_access_key);
        assert.ok(ini[p]!.aws_session_token);
        assert.ok(Date.parse(ini[p]!.expires!) > Date.now());
      }
      assert.equal(emu.counters.GetRoleCredentials, 2);
    } finally {
      await Deno.remove(home, { recursive: true });
    }
  },
});

Deno.test({
  name: "credentials --file writes a 0600 file, and --append adds to it",
  ...E2E,
  async fn() {
    await using emu = await startEmulator({ accounts: 2 });
    const home = await cachedSession(emu);
    try {
      const file = `${home}/.aws/credentials`;
      const first = await cli(home, emu, [
        "credentials",
        "-p",
        PROFILES[0]!,
        "--file",
        "~/.aws/credentials",
      ]);
      assert.equal(first.code, 0, first.stderr);
      assert.equal(first.stdout, "");
      assert.equal((await Deno.stat(file)).mode! & 0o777, 0o600);
      assert.deepEqual(Object.keys(parseIni(await Deno.readTextFile(file))), [PROFILES[0]]);

      await Deno.chmod(file, 0o644);
      const appended = await cli(home, emu, [
        "credentials",
        "-p",
        PROFILES[1]!,
        "-f",
        file,
        "--append",
      ]);
      assert.equal(appended.code, 0, appended.stderr);
      assert.deepEqual(Object.keys(parseIni(await Deno.readTextFile(file))), PROFILES);
      assert.equal((await Deno.stat(file)).mode! & 0o777, 0o600, "tightened back to 0600");

      const replaced = await cli(home, emu, ["credentials", "-p", PROFILES[1]!, "-f", file]);
      assert.equal(replaced.code, 0, replaced.stderr);
      assert.deepEqual(Object.keys(parseIni(await Deno.readTextFile(file))), [PROFILES[1]]);
    } finally {
      await Deno.remove(home, { recursive: true });
    }
  },
});

Deno.test({
  name: "credentials --file through a symlink writes the target (0600) and keeps the link a link",
  ...E2E,
  async fn() {
    await using emu = await startEmulator({ accounts: 2 });
    const home = await cachedSession(emu);
    try {
      // A dotfiles manager links ~/.aws/credentials to a file in its repository.
      await Deno.mkdir(`${home}/dotfiles`);
      await Deno.mkdir(`${home}/.aws`, { recursive: true });
      const target = `${home}/dotfiles/aws-credentials`;
      await Deno.writeTextFile(target, "[old]\naws_access_key_id = x\n", { mode: 0o644 });
      const link = `${home}/.aws/credentials`;
      await Deno.symlink("../dotfiles/aws-credentials", link);

      const r = await cli(home, emu, ["credentials", "-p", PROFILES[0]!, "-f", link]);
      assert.equal(r.code, 0, r.stderr);
      assert.ok((await Deno.lstat(link)).isSymlink, "the link is still a symlink");
      assert.equal(await Deno.readLink(link), "../dotfiles/aws-credentials");
      assert.deepEqual(Object.keys(parseIni(await Deno.readTextFile(target))), [PROFILES[0]]);
      assert.equal((await Deno.stat(target)).mode! & 0o777, 0o600);
      const leftovers = [...Deno.readDirSync(`${home}/.aws`)].map((e) => e.name);
      assert.deepEqual(leftovers, ["credentials"], "no temp file or copy next to the link");
    } finally {
      await Deno.remove(home, { recursive: true });
    }
  },
});

Deno.test({
  name:
    "credentials takes -p a,b as two profiles, and writes to $AWS_SHARED_CREDENTIALS_FILE unless --file says otherwise",
  ...E2E,
  async fn() {
    await using emu = await startEmulator({ accounts: 2 });
    const home = await cachedSession(emu);
    try {
      const envFile = `${home}/shared-credentials`;
      const viaEnv = await cli(home, emu, ["credentials", "-p", PROFILES.join(",")], {
        AWS_SHARED_CREDENTIALS_FILE: envFile,
      });
      assert.equal(viaEnv.code, 0, viaEnv.stderr);
      assert.equal(viaEnv.stdout, "", "the sections go to the file, not stdout");
      assert.deepEqual(Object.keys(parseIni(await Deno.readTextFile(envFile))), PROFILES);
      assert.equal((await Deno.stat(envFile)).mode! & 0o777, 0o600);

      const flagFile = `${home}/flag-credentials`;
      const flag = await cli(home, emu, ["credentials", "-p", PROFILES[1]!, "-f", flagFile], {
        AWS_SHARED_CREDENTIALS_FILE: envFile,
      });
      assert.equal(flag.code, 0, flag.stderr);
      assert.deepEqual(Object.keys(parseIni(await Deno.readTextFile(flagFile))), [PROFILES[1]]);
      assert.deepEqual(Object.keys(parseIni(await Deno.readTextFile(envFile))), PROFILES);

      const empty = await cli(home, emu, ["credentials", "-p", PROFILES[0]!], {
        AWS_SHARED_CREDENTIALS_FILE: "",
      });
      assert.equal(empty.code, 0, empty.stderr);
      assert.deepEqual(Object.keys(parseIni(empty.stdout)), [PROFILES[0]]);
    } finally {
      await Deno.remove(home, { recursive: true });
    }
  },
});

Deno.test({
  name: "credentials names a profile it cannot find and writes nothing",
  ...E2E,
  async fn() {
    await using emu = await startEmulator({ accounts: 2 });
    const home = await cachedSession(emu);
    try {
      const file = `${home}/creds`;
      const r = await cli(home, emu, [
        "credentials",
        "-p",
        PROFILES[0]!,
        "-p",
        "nope:Nothing",
        "-f",
        file,
      ]);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /unable to locate role with Profile: nope:Nothing/);
      await assert.rejects(Deno.stat(file), Deno.errors.NotFound);
      assert.equal(emu.counters.GetRoleCredentials, undefined);
      const noFile = await cli(home, emu, ["credentials", "-p", PROFILES[0]!, "--append"]);
      assert.equal(noFile.code, 2);
    } finally {
      await Deno.remove(home, { recursive: true });
    }
  },
});

Deno.test({
  name: "time prints the time left in this aws-sso shell, and says on stderr when outside one",
  ...E2E,
  async fn() {
    await using emu = await startEmulator({ accounts: 1 });
    const home = await credsSession(emu, { token: false });
    try {
      const outside = await cli(home, emu, ["time"]);
      assert.equal(outside.code, 1, outside.stderr);
      assert.equal(outside.stdout, "");
      assert.match(
        outside.stderr,
        /not in an aws-sso shell: AWS_SSO_SESSION_EXPIRATION is not set/,
      );

      const later = new Date(Date.now() + (2 * 60 + 30) * 60_000 + 30_000).toISOString();
      const inside = await cli(home, emu, ["time"], { AWS_SSO_SESSION_EXPIRATION: later });
      assert.equal(inside.code, 0, inside.stderr);
      assert.match(inside.stdout, /^2h(30|29)m$/);

      const past = await cli(home, emu, ["time"], {
        AWS_SSO_SESSION_EXPIRATION: "2020-01-01T00:00:00-07:00",
      });
      assert.equal(past.stdout, "Expired");

      const bad = await cli(home, emu, ["time"], { AWS_SSO_SESSION_EXPIRATION: "soon" });
      assert.equal(bad.code, 1);
      assert.match(bad.stderr, /unable to parse AWS_SSO_SESSION_EXPIRATION=soon/);
    } finally {
      await Deno.remove(home, { recursive: true });
    }
  },
});
