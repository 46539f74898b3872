/**
 * `list`, `cache`, `tags` and the default command, run as the user runs them, against the
 * emulator (AWS_ENDPOINT_URL_*) with an SSO token already in a json SecureStore.
 */
import assert from "node:assert/strict";
import { type Emulator, startEmulator } from "../emulator/emulator.ts";
import { type CliResult, runCli, tempHome, writeConfig } from "./run_cli.ts";

const CONFIG_DIR = ".config/aws-sso";

function config(emu: Emulator, extra = ""): string {
  return `SecureStore: json
SSOConfig:
  Default:
    SSORegion: us-east-1
    StartUrl: ${emu.startUrl}
${extra}`;
}

/** Puts a signed-in session for instance Default into the json store. */
async function storeToken(home: string, emu: Emulator, lifetimeSec = 3600): Promise<void> {
  const issued = emu.issueToken();
  const expiresAt = new Date(Date.now() + lifetimeSec * 1000).toISOString().replace(/\.\d+Z$/, "Z");
  const doc = {
    CreateTokenResponse: {
      Default: {
        accessToken: issued.accessToken,
        expiresIn: lifetimeSec,
        expiresAt,
        tokenType: "Bearer",
      },
    },
  };
  await Deno.writeTextFile(`${home}/${CONFIG_DIR}/store.json`, JSON.stringify(doc), {
    mode: 0o600,
  });
}

async function setup(emu: Emulator, extra = "", token = true): Promise<string> {
  const home = await tempHome();
  await writeConfig(home, config(emu, extra));
  if (token) await storeToken(home, emu);
  return home;
}

function cli(home: string, emu: Emulator, args: string[], env: Record<string, string> = {}) {
  return runCli(args, { home, env: { ...emu.env, ...env } });
}

function stderrWithoutStoreWarning(r: CliResult): string {
  return r.stderr.split("\n").filter((l) => !/insecure json/i.test(l)).join("\n");
}

async function cacheJson(home: string): Promise<Record<string, unknown>> {
  return JSON.parse(await Deno.readTextFile(`${home}/${CONFIG_DIR}/cache.json`));
}

const opts = { sanitizeOps: false, sanitizeResources: false };

Deno.test({
  name: "cache discovers the roles and prints the added ARNs, then nothing when unchanged",
  ...opts,
  async fn() {
    await using emu = await startEmulator({ accounts: 3, rolesPerAccount: 2 });
    const home = await setup(emu);
    const first = await cli(home, emu, ["cache"]);
    assert.equal(first.code, 0, first.stderr);
    const arns = emu.accounts().flatMap((a) =>
      a.roles.map((r) => `arn:aws:iam::${a.accountId}:role/${r}`)
    ).sort();
    assert.equal(
      first.stdout,
      `Updated cache: added=6, deleted=0\n${arns.map((a) => `+ ${a}\n`).join("")}`,
    );
    const raw = await cacheJson(home) as {
      Version: number;
      SSO: { Default: { Roles: { Accounts: Record<string, unknown> } } };
    };
    assert.equal(raw.Version, 4);
    assert.deepEqual(
      Object.keys(raw.SSO.Default.Roles.Accounts).sort(),
      ["000001111111", "012345678901", "123456789012"],
    );
    const second = await cli(home, emu, ["cache"]);
    assert.equal(second.code, 0, second.stderr);
    assert.equal(second.stdout, "");
    await Deno.remove(home, { recursive: true });
  },
});

Deno.test({
  name: "cache prints - lines for roles that disappeared and + lines for new ones, sorted",
  ...opts,
  async fn() {
    await using emu = await startEmulator({ accounts: 2, rolesPerAccount: 1 });
    const home = await setup(emu);
    assert.equal((await cli(home, emu, ["cache"])).code, 0);
    // Pretend the last refresh saw a role that is gone now and missed one that exists.
    const file = `${home}/${CONFIG_DIR}/cache.json`;
    const raw = await cacheJson(home) as {
      SSO: { Default: { Roles: { Accounts: Record<string, { Roles: Record<string, unknown> }> } } };
    };
    const accounts = raw.SSO.Default.Roles.Accounts;
    delete accounts["012345678901"];
    accounts["123456789012"]!.Roles.Zombie = { Arn: "arn:aws:iam::123456789012:role/Zombie" };
    accounts["123456789012"]!.Roles.Abandoned = { Arn: "arn:aws:iam::123456789012:role/Abandoned" };
    await Deno.writeTextFile(file, JSON.stringify(raw));
    const r = await cli(home, emu, ["cache"]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      r.stdout,
      "Updated cache: added=1, deleted=2\n" +
        "+ arn:aws:iam::012345678901:role/AdministratorAccess\n" +
        "- arn:aws:iam::123456789012:role/Abandoned\n" +
        "- arn:aws:iam::123456789012:role/Zombie\n",
    );
    const silent = await cli(home, emu, ["cache", "--silent"]);
    assert.equal(silent.stdout, "");
    await Deno.remove(home, { recursive: true });
  },
});

Deno.test({
  name: "cache drops the sections of SSO instances that are no longer configured",
  ...opts,
  async fn() {
    await using emu = await startEmulator({ accounts: 1, rolesPerAccount: 1 });
    const home = await setup(emu);
    assert.equal((await cli(home, emu, ["cache"])).code, 0);
    const raw = await cacheJson(home) as { SSO: Record<string, unknown> };
    raw.SSO.Gone = { LastUpdate: 1, Roles: { Accounts: {}, SSORegion: "us-east-1" } };
    await Deno.writeTextFile(`${home}/${CONFIG_DIR}/cache.json`, JSON.stringify(raw));
    assert.equal((await cli(home, emu, ["cache"])).code, 0);
    assert.deepEqual(Object.keys((await cacheJson(home) as { SSO: object }).SSO), ["Default"]);
    await Deno.remove(home, { recursive: true });
  },
});

Deno.test({
  name: "cache fails with the reference's message when two roles get the same profile name",
  ...opts,
  async fn() {
    await using emu = await startEmulator({ accounts: 2, rolesPerAccount: 1 });
    const home = await setup(emu, "ProfileFormat: '{{ .RoleName }}'\n");
    const r = await cli(home, emu, ["cache"]);
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      /duplicate profile name 'AdministratorAccess' for:\n {2}- arn:aws:iam::012345678901:role\/AdministratorAccess\n {2}- arn:aws:iam::123456789012:role\/AdministratorAccess\n/,
    );
    await assert.rejects(Deno.stat(`${home}/${CONFIG_DIR}/cache.json`), Deno.errors.NotFound);
    await Deno.remove(home, { recursive: true });
  },
});

Deno.test({
  name: "cache without a session fails with a hint to log in",
  ...opts,
  async fn() {
    await using emu = await startEmulator({ accounts: 1 });
    const home = await setup(emu, "", false);
    const r = await cli(home, emu, ["cache"]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /aws-sso login/);
    assert.equal(r.stdout, "");
    await Deno.remove(home, { recursive: true });
  },
});

Deno.test({
  name: "list prints the cached roles with the token's remaining time in the header",
  ...opts,
  async fn() {
    await using emu = await startEmulator({ accounts: 3, rolesPerAccount: 1 });
    const home = await setup(emu);
    assert.equal((await cli(home, emu, ["cache"])).code, 0);
    await storeToken(home, emu, 7 * 3600 + 59 * 60 + 30);
    const r = await cli(home, emu, ["list"]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(stderrWithoutStoreWarning(r).trim(), "");
    const header =
      "AccountIdPad | AccountAlias | RoleName            | Profile                         | Expires";
    assert.equal(
      r.stdout,
      "List of AWS roles for SSO Instance: Default [Expires in: 7h 59m]\n\n" +
        `${header}\n${"=".repeat(header.length)}\n` +
        "000001111111 | development  | AdministratorAccess | development:AdministratorAccess | Expired\n" +
        "012345678901 | production   | AdministratorAccess | production:AdministratorAccess  | Expired\n" +
        "123456789012 | staging      | AdministratorAccess | staging:AdministratorAccess     | Expired\n\n",
    );
    await Deno.remove(home, { recursive: true });
  },
});

Deno.test({
  name: "list takes --csv, fields, --prefix, --sort and --reverse, and their env bindings",
  ...opts,
  async fn() {
    await using emu = await startEmulator({ accounts: 3, rolesPerAccount: 2 });
    const home = await setup(emu);
    assert.equal((await cli(home, emu, ["cache"])).code, 0);
    const csv = await cli(home, emu, ["list", "--csv", "AccountId", "RoleName"]);
    assert.equal(csv.code, 0, csv.stderr);
    assert.equal(
      csv.stdout,
      "1111111,AdministratorAccess\n1111111,ReadOnlyAccess\n" +
        "12345678901,AdministratorAccess\n12345678901,ReadOnlyAccess\n" +
        "123456789012,AdministratorAccess\n123456789012,ReadOnlyAccess\n",
    );
    const sorted = await cli(home, emu, [
      "list",
      "--csv",
      "-s",
      "RoleName",
      "--reverse",
      "-P",
      "AccountAlias=prod",
      "Id",
      "Arn",
    ]);
    assert.equal(
      sorted.stdout,
      "0,arn:aws:iam::012345678901:role/ReadOnlyAccess\n" +
        "1,arn:aws:iam::012345678901:role/AdministratorAccess\n",
    );
    const viaEnv = await cli(home, emu, ["list", "--csv"], {
      AWS_SSO_FIELDS: "RoleName AccountIdPad",
      AWS_SSO_FIELD_SORT: "RoleName",
      AWS_SSO_FIELD_SORT_REVERSE: "true",
    });
    assert.equal(viaEnv.code, 0, viaEnv.stderr);
    assert.deepEqual(viaEnv.stdout.trim().split("\n").slice(0, 2), [
      "ReadOnlyAccess,123456789012",
      "ReadOnlyAccess,012345678901",
    ]);
    const bad = await cli(home, emu, ["list", "Nope"]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /unsupported field: 'Nope'/);
    const badPrefix = await cli(home, emu, ["list", "-P", "AccountAlias"]);
    assert.equal(badPrefix.code, 2);
    assert.match(badPrefix.stderr, /--prefix must be in the format of <FieldName>=<Prefix>/);
    await Deno.remove(home, { recursive: true });
  },
});

Deno.test({
  name: "list warns about an expired cache, never refreshes, and still prints",
  ...opts,
  async fn() {
    await using emu = await startEmulator({ accounts: 1, rolesPerAccount: 1 });
    const home = await setup(emu, "CacheRefresh: 1\n");
    assert.equal((await cli(home, emu, ["cache"])).code, 0);
    const raw = await cacheJson(home) as { SSO: { Default: { LastUpdate: number } } };
    raw.SSO.Default.LastUpdate -= 7200;
    await Deno.writeTextFile(`${home}/${CONFIG_DIR}/cache.json`, JSON.stringify(raw));
    emu.resetCounters();
    const r = await cli(home, emu, ["list", "--csv", "Arn"]);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.stderr.includes("Cache has expired.  Results may be out of date."), r.stderr);
    assert.equal(r.stdout, "arn:aws:iam::012345678901:role/AdministratorAccess\n");
    assert.equal(emu.counters.ListAccounts ?? 0, 0, "list does not call AWS");
    await Deno.remove(home, { recursive: true });
  },
});

Deno.test({
  name: "a corrupt cache.json is a warning, and the next refresh rewrites it",
  ...opts,
  async fn() {
    await using emu = await startEmulator({ accounts: 1, rolesPerAccount: 1 });
    const home = await setup(emu);
    await Deno.writeTextFile(`${home}/${CONFIG_DIR}/cache.json`, '{"Version": 4, "SSO": [');
    const list = await cli(home, emu, ["list", "--csv", "Arn"]);
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stderr, /ignoring the corrupt role cache .*cache\.json: not valid JSON/);
    assert.equal(list.stdout, "");
    const dflt = await cli(home, emu, []);
    assert.equal(dflt.code, 0, dflt.stderr);
    assert.match(dflt.stdout, /012345678901 \| production/);
    assert.equal((await cacheJson(home)).Version, 4);
    await Deno.remove(home, { recursive: true });
  },
});

Deno.test({
  name: "the default command refreshes an out-of-date cache first, then lists by AccountId",
  ...opts,
  async fn() {
    await using emu = await startEmulator({ accounts: 3, rolesPerAccount: 1 });
    const home = await setup(emu, "ListFields: [AccountId, RoleName]\n");
    const r = await cli(home, emu, []);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /Refreshing AWS SSO role cache, please wait\.\.\./);
    assert.match(r.stderr, /Updated cache added=3 deleted=0/);
    assert.equal(
      r.stdout.split("\n").slice(0, 7).join("\n"),
      "List of AWS roles for SSO Instance: Default [Expires in: 59m]\n\n" +
        "AccountId    | RoleName           \n" +
        "==================================\n" +
        "1111111      | AdministratorAccess\n" +
        "12345678901  | AdministratorAccess\n" +
        "123456789012 | AdministratorAccess",
    );
    emu.resetCounters();
    const again = await cli(home, emu, []);
    assert.equal(again.code, 0);
    assert.equal(emu.counters.ListAccounts ?? 0, 0, "a fresh cache is not refreshed");
    await Deno.remove(home, { recursive: true });
  },
});

Deno.test({
  name: "the default command without a session or cache says to log in",
  ...opts,
  async fn() {
    await using emu = await startEmulator({ accounts: 1 });
    const home = await setup(emu, "", false);
    const r = await cli(home, emu, []);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /aws-sso login/);
    assert.equal(emu.counters.ListAccounts ?? 0, 0);
    await Deno.remove(home, { recursive: true });
  },
});

Deno.test({
  name: "tags prints each role's tags sorted by key, filtered by --account and --role",
  ...opts,
  async fn() {
    await using emu = await startEmulator({ accounts: 2, rolesPerAccount: 2 });
    const home = await setup(
      emu,
      `    Accounts:
      "012345678901":
        Name: Prod
        Tags:
          env: prod
        Roles:
          ReadOnlyAccess:
            Tags:
              Color: blue
`,
    );
    const r = await cli(home, emu, ["tags", "-A", "12345678901", "--role", "ReadOnlyAccess"]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      r.stdout,
      "arn:aws:iam::012345678901:role/ReadOnlyAccess\n" +
        "  AccountAlias: production\n" +
        "  AccountID: 012345678901\n" +
        "  AccountName: Prod\n" +
        "  Color: blue\n" +
        "  Email: aws+production@example.com\n" +
        "  Role: ReadOnlyAccess\n" +
        "  env: prod\n\n",
    );
    const byRole = await cli(home, emu, ["tags", "-R", "AdministratorAccess"]);
    assert.deepEqual(
      byRole.stdout.split("\n").filter((l) => l.startsWith("arn:")),
      [
        "arn:aws:iam::012345678901:role/AdministratorAccess",
        "arn:aws:iam::123456789012:role/AdministratorAccess",
      ],
    );
    const all = await cli(home, emu, ["tags"]);
    assert.equal(all.stdout.split("\n").filter((l) => l.startsWith("arn:")).length, 4);
    await Deno.remove(home, { recursive: true });
  },
});

Deno.test({
  name: "changing config.yaml invalidates the cache: tags refreshes and shows the new tag",
  ...opts,
  async fn() {
    await using emu = await startEmulator({ accounts: 1, rolesPerAccount: 1 });
    const home = await setup(emu);
    assert.equal((await cli(home, emu, ["cache"])).code, 0);
    emu.resetCounters();
    await writeConfig(
      home,
      config(
        emu,
        `    Accounts:
      "012345678901":
        Tags:
          team: blue
`,
      ),
    );
    const r = await cli(home, emu, ["tags"]);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.stdout.includes("  team: blue\n"), r.stdout);
    assert.equal(emu.counters.ListAccounts, 1, "refreshed once");
    await Deno.remove(home, { recursive: true });
  },
});

Deno.test({
  name:
    "list-sso-roles (hidden) prints what AWS returns now as AccountId | AccountName | RoleName, without touching the cache",
  ...opts,
  async fn() {
    await using emu = await startEmulator({ accounts: 2, rolesPerAccount: 2 });
    const home = await setup(emu);
    try {
      const r = await cli(home, emu, ["list-sso-roles"]);
      assert.equal(r.code, 0, r.stderr);
      const lines = r.stdout.trimEnd().split("\n");
      assert.match(lines[0]!, /^AccountId +\| AccountName +\| RoleName/);
      assert.match(lines[1]!, /^=+$/);
      const rows = lines.slice(2).map((l) => l.split(" | ").map((c) => c.trim()));
      const expected = emu.accounts().flatMap((a) =>
        [...a.roles].sort().map((role) => [a.accountId, a.accountName, role])
      ).sort((x, y) => x[0]!.localeCompare(y[0]!));
      assert.deepEqual(rows, expected);
      await assert.rejects(Deno.stat(`${home}/${CONFIG_DIR}/cache.json`), Deno.errors.NotFound);

      const help = await cli(home, emu, ["--help"]);
      assert.ok(!help.stdout.includes("list-sso-roles"), "hidden from help");

      const signedOut = await setup(emu, "", false);
      try {
        const none = await cli(signedOut, emu, ["list-sso-roles"]);
        assert.equal(none.code, 1);
        assert.match(none.stderr, /aws-sso login/);
      } finally {
        await Deno.remove(signedOut, { recursive: true });
      }
    } finally {
      await Deno.remove(home, { recursive: true });
    }
  },
});
