/**
 * The real CLI never writes through a lock file that was replaced by a symbolic link (review
 * F2): a first `process` leaves `locks/role-<hex>.lock`, the attack swaps it for a link to a
 * file with content, and after `flush` the next `process` (which takes that lock to fetch new
 * credentials) must leave the victim byte-for-byte as it was and fail with one clear line.
 */
import assert from "node:assert/strict";
import { startEmulator } from "../emulator/emulator.ts";
import { cli, CONFIG_DIR, credsSession, E2E, stderrLines } from "./_creds_session.ts";

const VICTIM = "victim's content: must survive\nline two\n";

Deno.test({
  name: "process refuses a role lock file replaced by a symbolic link and leaves its target alone",
  ...E2E,
  ignore: Deno.build.os === "windows",
  async fn() {
    await using emu = await startEmulator({ accounts: 1 });
    const home = await credsSession(emu);
    try {
      const args = ["process", "-A", "012345678901", "-R", "AdministratorAccess"];
      const first = await cli(home, emu, args);
      assert.equal(first.code, 0, first.stderr);
      const locks = `${home}/${CONFIG_DIR}/locks`;
      const roleLocks = [...Deno.readDirSync(locks)]
        .map((e) => e.name)
        .filter((n) => /^role-[0-9a-f]+\.lock$/.test(n));
      assert.equal(roleLocks.length, 1, `lock files: ${roleLocks}`);
      const lockPath = `${locks}/${roleLocks[0]}`;

      const victim = `${home}/victim.txt`;
      await Deno.writeTextFile(victim, VICTIM);
      await Deno.remove(lockPath);
      await Deno.symlink(victim, lockPath);

      const flushed = await cli(home, emu, ["flush", "-t", "sts"]);
      assert.equal(flushed.code, 0, flushed.stderr);
      const second = await cli(home, emu, args);
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
