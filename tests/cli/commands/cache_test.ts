import assert from "node:assert/strict";
import { formatCacheDiff, runCache } from "../../../cli/commands/cache.ts";
import { NotLoggedInError } from "../../../lib/errors.ts";
import { startEmulator } from "../../emulator/emulator.ts";
import { runArgv, signedIn } from "./_signed_in.ts";

interface RawCache {
  SSO: Record<string, { Roles: { Accounts: Record<string, { Roles: Record<string, unknown> }> } }>;
}

Deno.test("runCache() prints the added ARNs, then nothing when unchanged", async () => {
  await using emu = await startEmulator({ accounts: 3, rolesPerAccount: 2 });
  await using t = await signedIn(emu);
  await runCache({ configCheck: true }, t.services);
  const arns = emu.accounts().flatMap((a) =>
    a.roles.map((r) => `arn:aws:iam::${a.accountId}:role/${r}`)
  ).sort();
  assert.equal(
    t.output.stdout,
    `Updated cache: added=6, deleted=0\n${arns.map((a) => `+ ${a}\n`).join("")}`,
  );
  t.output.stdout = "";
  await runCache({ configCheck: true }, t.next());
  assert.equal(t.output.stdout, "");
  assert.equal(emu.counters.ListAccounts, 2, "cache refreshes whatever the cache's age");
});

Deno.test("runCache() prints - for roles that disappeared and + for new ones; --silent logs them", async () => {
  await using emu = await startEmulator({ accounts: 2, rolesPerAccount: 1 });
  await using t = await signedIn(emu);
  await runCache({ configCheck: true }, t.services);
  const file = `${t.home}/.config/aws-sso/cache.json`;
  const tamper = async () => {
    const raw = JSON.parse(await Deno.readTextFile(file)) as RawCache;
    const accounts = raw.SSO.Default!.Roles.Accounts;
    delete accounts["012345678901"];
    accounts["123456789012"]!.Roles.Zombie = { Arn: "arn:aws:iam::123456789012:role/Zombie" };
    await Deno.writeTextFile(file, JSON.stringify(raw));
  };
  await tamper();
  t.output.stdout = "";
  await runCache({ configCheck: true }, t.next());
  assert.equal(
    t.output.stdout,
    "Updated cache: added=1, deleted=1\n" +
      "+ arn:aws:iam::012345678901:role/AdministratorAccess\n" +
      "- arn:aws:iam::123456789012:role/Zombie\n",
  );
  await tamper();
  t.output.stdout = "";
  t.output.stderr = "";
  await runCache({ configCheck: true, silent: true }, t.next());
  assert.equal(t.output.stdout, "");
  assert.match(t.output.stderr, /INFO Updated cache: added=1, deleted=1\n/);
  assert.match(t.output.stderr, /INFO - arn:aws:iam::123456789012:role\/Zombie\n/);
});

Deno.test("runCache() with AutoConfigCheck and no terminal says to run setup profiles; --no-config-check does not", async () => {
  await using emu = await startEmulator({ accounts: 1, rolesPerAccount: 1 });
  await using t = await signedIn(emu, { extra: "AutoConfigCheck: true\n" });
  await runCache({ configCheck: false }, t.services);
  assert.doesNotMatch(t.output.stderr, /AutoConfigCheck/);
  await Deno.remove(`${t.home}/.config/aws-sso/cache.json`);
  await runCache({ configCheck: true }, t.next());
  assert.match(
    t.output.stderr,
    /AutoConfigCheck: ~\/\.aws\/config is out of date; run "aws-sso setup profiles" to update it/,
  );
  await assert.rejects(Deno.stat(`${t.home}/.aws/config`), Deno.errors.NotFound);
});

Deno.test("runCache() without a session says to log in, and two roles with one profile name fail", async () => {
  await using emu = await startEmulator({ accounts: 2, rolesPerAccount: 1 });
  await using t = await signedIn(emu, { session: false });
  await assert.rejects(runCache({ configCheck: true }, t.services), (e) => {
    assert.ok(e instanceof NotLoggedInError);
    assert.match(e.hints.join("\n"), /aws-sso login/);
    return true;
  });
  await using dup = await signedIn(emu, { extra: "ProfileFormat: '{{ .RoleName }}'\n" });
  await assert.rejects(
    runCache({ configCheck: true }, dup.services),
    /duplicate profile name 'AdministratorAccess' for:\n- arn:aws:iam::012345678901:role\/AdministratorAccess\n- arn:aws:iam::123456789012:role\/AdministratorAccess/,
  );
  await assert.rejects(Deno.stat(`${dup.home}/.config/aws-sso/cache.json`), Deno.errors.NotFound);
});

Deno.test("formatCacheDiff() escapes control characters in ARNs from an older cache", () => {
  assert.equal(formatCacheDiff({ added: [], deleted: [] }), "");
  assert.equal(
    formatCacheDiff({ added: ["arn:aws:iam::1:role/a\x1b[2Jb"], deleted: [] }),
    "Updated cache: added=1, deleted=0\n+ arn:aws:iam::1:role/a\\x1b[2Jb\n",
  );
});

Deno.test("cache is wired to runCache: --silent, --no-config-check and --threads", async () => {
  await using emu = await startEmulator({ accounts: 1, rolesPerAccount: 1 });
  await using t = await signedIn(emu, { extra: "AutoConfigCheck: true\n" });
  assert.equal(await runArgv(t, ["cache", "--silent", "--no-config-check", "--threads", "2"]), 0);
  assert.equal(t.output.stdout, "");
  assert.match(t.output.stderr, /INFO Updated cache: added=1, deleted=0/);
  assert.doesNotMatch(t.output.stderr, /AutoConfigCheck/);
  assert.equal(await runArgv(t, ["cache", "--threads", "0"]), 2);
  assert.match(t.output.stderr, /--threads must be a whole number of at least 1, not '0'/);
});
