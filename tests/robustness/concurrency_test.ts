/**
 * Concurrency (issue 9 part 2): many credential_process calls at once with an expired SSO token
 * and no cached role credentials, and several `setup profiles` at once on one ~/.aws/config.
 */
import assert from "node:assert/strict";
import { parseRoleCache } from "../../lib/roles/cache_file.ts";
import { rfc3339Utc } from "../../lib/sso/token_manager.ts";
import { E2E, openStore, putSession, world } from "./_world.ts";

Deno.test({
  name:
    "50 parallel process calls across 5 roles with an expired token make one refresh and one fetch per role, and all succeed",
  ...E2E,
  async fn() {
    await using w = await world({ emulator: { accounts: 3, rolesPerAccount: 2 } });
    const store = openStore(w.home);
    await putSession(w.emu, store, 50 * 60_000);
    const cached = await w.run(["cache"]);
    assert.equal(cached.code, 0, cached.stderr);

    // The token expires (in the store and at AWS); no role has credentials yet.
    await store.updateToken(
      "Default",
      (t) => t && { ...t, expiresAt: rfc3339Utc(Date.now() - 60_000) },
    );
    w.emu.expireAccessTokens();
    assert.deepEqual(await store.listRoleCredentialArns(), []);
    w.emu.resetCounters();

    const arns = w.emu.accounts().flatMap((a) =>
      a.roles.map((r) => `arn:aws:iam::${a.accountId}:role/${r}`)
    ).slice(0, 5);
    const calls = Array.from({ length: 50 }, (_, i) => arns[i % arns.length]!);
    const results = await Promise.all(calls.map((arn) => w.run(["process", "--arn", arn])));

    const keys = new Map<string, Set<string>>();
    results.forEach((r, i) => {
      assert.equal(r.code, 0, `call ${i}: ${r.stderr}`);
      const p = JSON.parse(r.stdout);
      const arn = calls[i]!;
      if (!keys.has(arn)) keys.set(arn, new Set());
      keys.get(arn)!.add(p.AccessKeyId);
    });
    for (const [arn, set] of keys) assert.equal(set.size, 1, `${arn} got different credentials`);

    const c = w.emu.counters;
    assert.equal(c["CreateToken:refresh_token"], 1, JSON.stringify(c));
    assert.equal(c.CreateToken, 1, JSON.stringify(c));
    assert.equal(c.GetRoleCredentials, 5, JSON.stringify(c));
    assert.equal(c.Authorize ?? 0, 0);

    // The store and the cache parse, and no process lost another's update.
    const after = openStore(w.home);
    assert.deepEqual(await after.listRoleCredentialArns(), [...arns].sort());
    for (const arn of arns) {
      const creds = await after.getRoleCredentials(arn);
      assert.ok(keys.get(arn)!.has(creds!.accessKeyId), `${arn}: the stored credentials differ`);
    }
    const token = await after.getToken("Default");
    assert.ok(Date.parse(token!.expiresAt) > Date.now() + 30 * 60_000);
    const cache = parseRoleCache(await Deno.readTextFile(`${w.configDir}/cache.json`));
    assert.equal(cache.problem, undefined);
    for (const arn of arns) {
      const [, , , , account, , role] = arn.split(/[:/]/);
      const expires = cache.cache.sso.Default?.accounts[account!]?.roles[role!]?.expires ?? 0;
      assert.ok(expires * 1000 > Date.now(), `${arn}: its Expires was lost in cache.json`);
    }
  },
});

Deno.test({
  name:
    "several setup profiles at once leave one valid block and the user's own lines byte for byte",
  ...E2E,
  async fn() {
    await using w = await world({ emulator: { accounts: 3, rolesPerAccount: 3 } });
    await putSession(w.emu, openStore(w.home), 50 * 60_000);
    assert.equal((await w.run(["cache"])).code, 0);
    const awsConfig = `${w.home}/.aws/config`;
    await Deno.mkdir(`${w.home}/.aws`, { mode: 0o700 });
    const head = "# my settings\r\n[default]\r\nregion = eu-west-1\r\n";
    const tail = "\r\n[profile mine]\r\nregion = us-west-2\r\n";
    await Deno.writeTextFile(awsConfig, head + tail);

    const runs = await Promise.all(
      Array.from({ length: 4 }, () => w.run(["setup", "profiles", "--force"])),
    );
    for (const r of runs) assert.equal(r.code, 0, r.stderr);

    const text = await Deno.readTextFile(awsConfig);
    assert.equal(text.match(/^# BEGIN_AWS_SSO_CLI\r?$/gm)?.length, 1, text);
    assert.equal(text.match(/^# END_AWS_SSO_CLI\r?$/gm)?.length, 1, text);
    const begin = text.indexOf("# BEGIN_AWS_SSO_CLI");
    const end = text.indexOf("# END_AWS_SSO_CLI");
    const outside = text.slice(0, begin) + text.slice(text.indexOf("\n", end) + 1);
    assert.ok(outside.startsWith(head), "the lines before the block changed");
    assert.ok(outside.endsWith(tail), "the lines after the block changed");
    // Every role has exactly one profile with a credential_process line.
    const profiles = text.match(/^\[profile [^\]]+\]\r?$/gm) ?? [];
    assert.equal(profiles.length, 9 + 1, text);
    assert.equal(new Set(profiles).size, profiles.length, "a profile appears twice");
    assert.equal(text.match(/^credential_process = /gm)?.length, 9);
    // The result is what one run alone writes.
    const again = await w.run(["setup", "profiles", "--force"]);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(await Deno.readTextFile(awsConfig), text);
  },
});
