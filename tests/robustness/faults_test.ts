/**
 * Fault tests (issue 9 part 1): the CLI against an AWS that throttles, fails, disappears,
 * revokes the session or disagrees about the time, and a process killed while it writes.
 */
import assert from "node:assert/strict";
import { parseRoleCache } from "../../lib/roles/cache_file.ts";
import { rfc3339Utc } from "../../lib/sso/token_manager.ts";
import type { IssuedToken } from "../emulator/emulator.ts";
import { tempHome, writeConfig } from "../e2e/run_cli.ts";
import { emulatorProcess } from "./_emulator_process.ts";
import {
  assertCleanError,
  assertUnchanged,
  E2E,
  openStore,
  PASSWORD,
  putSession,
  runCli,
  snapshot,
  spawnCli,
  world,
} from "./_world.ts";

const ADMIN = "arn:aws:iam::012345678901:role/AdministratorAccess";
const VIA_YAML = `    Accounts:
      "123456789012":
        Roles:
          Chained:
            Via: ${ADMIN}
`;

/** stderr lines other than the normal progress notes of login and cache. */
function unexpectedLines(stderr: string): string[] {
  return stderr.split("\n").filter((l) =>
    l !== "" && !/^(INFO |Logged in|Refreshing AWS SSO role cache|Updated cache)/.test(l) &&
    !/^browser: stopped at/.test(l)
  );
}

Deno.test({
  name:
    "with 5% throttling and 2% server errors on every service, login, discovery and every credential fetch succeed",
  ...E2E,
  async fn() {
    await using w = await world({
      emulator: { accounts: 4, rolesPerAccount: 3, throttleRate: 0.05, serverErrorRate: 0.02 },
      instance: VIA_YAML,
    });
    const runs = [
      ["login"],
      ["cache"],
      ...w.emu.accounts().flatMap((a) =>
        a.roles.map((r) => ["process", "--arn", `${a.accountId}:${r}`])
      ),
      ["process", "--arn", "123456789012:Chained"],
      ["console", "--arn", ADMIN],
      ["eval", "--arn", "123456789012:ReadOnlyAccess", "--sts-refresh", "--format", "bash"],
      ["list"],
    ];
    for (const args of runs) {
      const r = await w.run(args);
      assert.equal(r.code, 0, `${args.join(" ")}: ${r.stderr}`);
      assert.deepEqual(unexpectedLines(r.stderr), [], `${args.join(" ")} showed a problem`);
    }
    const c = w.emu.counters;
    const faults = (c["fault:throttle"] ?? 0) + (c["fault:serverError"] ?? 0);
    assert.ok(faults >= 3, `the emulator injected only ${faults} faults: ${JSON.stringify(c)}`);
  },
});

/** Lock files (and the failure record next to a lock) may appear; nothing else may change. */
const locksOnly = (path: string) => /\/locks\/[^/]+\.(lock|failure)$/.test(path);

Deno.test({
  name:
    "the emulator killed mid-refresh gives one clear error and leaves cache.json and the store as they were",
  ...E2E,
  async fn(t) {
    const cases = [
      {
        what: "role discovery (cache)",
        args: ["cache"],
        request: /GET \/assignment\/(accounts|roles)/,
        expireToken: false,
      },
      {
        what: "the SSO token refresh (process)",
        args: ["process", "--arn", "123456789012:ReadOnlyAccess"],
        request: /POST \/token/,
        expireToken: true,
      },
      {
        what: "GetRoleCredentials (process)",
        args: ["process", "--arn", "123456789012:ReadOnlyAccess"],
        request: /GET \/federation\/credentials/,
        expireToken: false,
      },
    ];
    for (const c of cases) {
      await t.step(c.what, async () => {
        await using ep = await emulatorProcess(["--accounts", "2", "--roles", "2"]);
        const home = await tempHome();
        try {
          await writeConfig(
            home,
            `SecureStore: file\nSSOConfig:\n  Default:\n    SSORegion: us-east-1\n    StartUrl: ${ep.startUrl}\n`,
          );
          const env = { ...ep.env, AWS_SSO_FILE_PASSWORD: PASSWORD };
          const store = openStore(home);
          await putSession(
            await ep.control("POST", "issue-token") as IssuedToken,
            store,
            50 * 60_000,
          );
          // A good state first: a role cache and one role's credentials.
          for (const args of [["cache"], ["process", "--arn", ADMIN]]) {
            const r = await runCli(args, { home, env });
            assert.equal(r.code, 0, r.stderr);
          }
          if (c.expireToken) {
            await store.updateToken(
              "Default",
              (tok) => tok && { ...tok, expiresAt: rfc3339Utc(Date.now() - 60_000) },
            );
          }
          const before = await snapshot(home);
          await ep.control("POST", "faults", { latencyMs: 4000 });
          const run = spawnCli(c.args, { home, env });
          await ep.seen(c.request);
          ep.kill();
          const r = await run.done;
          const line = assertCleanError(r, [1]);
          assert.match(line, /cannot reach http:\/\/127\.0\.0\.1:\d+/, line);
          await assertUnchanged(home, before, locksOnly);
        } finally {
          await Deno.remove(home, { recursive: true });
        }
      });
    }
  },
});

Deno.test({
  name:
    'a session revoked in AWS gives a clear error, and the hinted "aws-sso login" signs in again',
  ...E2E,
  async fn() {
    await using w = await world({ emulator: { accounts: 2, rolesPerAccount: 2 } });
    for (const args of [["login"], ["process", "--arn", ADMIN]]) {
      const r = await w.run(args);
      assert.equal(r.code, 0, r.stderr);
    }
    w.emu.revokeTokens();
    w.emu.resetCounters();

    // Cached role credentials are still good at AWS: they keep working.
    assert.equal((await w.run(["process", "--arn", ADMIN])).code, 0);
    for (const args of [["process", "--arn", "123456789012:ReadOnlyAccess"], ["cache"]]) {
      const r = await w.run(args);
      const line = assertCleanError(r, [1]);
      assert.match(r.stderr, /aws-sso login/, `${args.join(" ")}: ${line}`);
    }
    assert.equal(w.emu.counters.Authorize ?? 0, 0, "no browser was opened");

    const login = await w.run(["login"]);
    assert.equal(login.code, 0, login.stderr);
    assert.doesNotMatch(login.stderr, /already logged in/);
    assert.equal(w.emu.counters.Authorize, 1);
    const after = await w.run(["process", "--arn", "123456789012:ReadOnlyAccess"]);
    assert.equal(after.code, 0, after.stderr);
  },
});

Deno.test({
  name:
    "a clock 20 minutes off makes STS refuse the signature, and the error says to fix the clock",
  ...E2E,
  async fn() {
    await using w = await world({
      emulator: { accounts: 2, rolesPerAccount: 2 },
      instance: VIA_YAML,
    });
    await putSession(w.emu, openStore(w.home), 50 * 60_000);
    w.emu.setFaults({ clockSkewMs: 20 * 60_000 });
    const r = await w.run(["process", "--arn", "123456789012:Chained"]);
    const line = assertCleanError(r, [1]);
    assert.match(line, /clock/i);
    assert.match(r.stderr, /hint: synchronise the system clock/);
  },
});

/** Waits until `path` exists (polling; the writer creates it). */
async function waitForFile(test: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await test())) {
    if (Date.now() > end) throw new Error("timed out waiting for the writer");
    await new Promise((r) => setTimeout(r, 2));
  }
}

async function tempFiles(dir: string, base: string): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(dir)) {
    if (e.name.startsWith(`.${base}.`) && e.name.endsWith(".tmp")) out.push(`${dir}/${e.name}`);
  }
  return out;
}

const WRITER = new URL("./_killed_writer.ts", import.meta.url).pathname;

Deno.test({
  name:
    "a process SIGKILLed while writing cache.json or the store leaves the previous version, and the next run is not blocked",
  ...E2E,
  async fn(t) {
    await using w = await world({ emulator: { accounts: 2, rolesPerAccount: 2 } });
    const store = openStore(w.home);
    await putSession(w.emu, store, 50 * 60_000);
    for (const args of [["cache"], ["process", "--arn", ADMIN]]) {
      const r = await w.run(args);
      assert.equal(r.code, 0, r.stderr);
    }
    const cachePath = `${w.configDir}/cache.json`;
    const storePath = `${w.configDir}/secure/aws-sso-store.json`;

    const cases = [
      { mode: "cache-hold", file: cachePath },
      { mode: "cache-big", file: cachePath },
      { mode: "store-hold", file: storePath },
      { mode: "store-big", file: storePath },
    ];
    for (const c of cases) {
      await t.step(c.mode, async () => {
        const dir = c.file.slice(0, c.file.lastIndexOf("/"));
        const base = c.file.slice(c.file.lastIndexOf("/") + 1);
        const good = await Deno.readFile(c.file);
        let leftTemp = false;
        // A big write is killed when its temp file shows up; if the kill loses the race against
        // the rename, the case is set up again (the file then holds the big version: restore).
        for (let attempt = 0; attempt < 3 && !leftTemp; attempt++) {
          await Deno.writeFile(c.file, good);
          await Deno.remove(`${w.configDir}/writer-ready`).catch(() => {});
          const child = new Deno.Command(Deno.execPath(), {
            args: ["run", "-A", "--quiet", WRITER, c.mode, w.configDir, PASSWORD],
            stdin: "null",
            stdout: "null",
            stderr: "null",
          }).spawn();
          try {
            if (c.mode.endsWith("-hold")) {
              await waitForFile(() =>
                Deno.stat(`${w.configDir}/writer-ready`).then(() => true, () => false)
              );
            } else {
              await waitForFile(async () => (await tempFiles(dir, base)).length > 0);
            }
            child.kill("SIGKILL");
          } catch (e) {
            if (!(e instanceof TypeError)) throw e; // it had already exited
          } finally {
            await child.status;
          }
          leftTemp = c.mode.endsWith("-hold") || (await tempFiles(dir, base)).length > 0;
        }
        await Deno.remove(`${w.configDir}/writer-ready`).catch(() => {});
        assert.ok(leftTemp, "the writer was never killed before its rename");
        assert.deepEqual(await Deno.readFile(c.file), good, `${base} is not the previous version`);

        // The next runs read the previous version and are not held up by the dead writer's lock.
        const started = Date.now();
        const list = await w.run(["list"]);
        assert.equal(list.code, 0, list.stderr);
        assert.match(list.stdout, /AdministratorAccess/);
        const fresh = await w.run(["process", "--arn", ADMIN, "--sts-refresh"]);
        assert.equal(fresh.code, 0, fresh.stderr);
        assert.ok(Date.now() - started < 15_000, "a run waited for the killed writer's lock");
        const cache = parseRoleCache(await Deno.readTextFile(cachePath));
        assert.equal(cache.problem, undefined);
        const creds = await openStore(w.home).getRoleCredentials(ADMIN);
        assert.equal(creds?.accessKeyId, JSON.parse(fresh.stdout).AccessKeyId);
        for (const tmp of await tempFiles(dir, base)) await Deno.remove(tmp);
      });
    }
  },
});
