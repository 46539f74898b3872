/** Lock files (lib/file_lock.ts): never acted on through a symbolic link or in an unsafe directory. */
import assert from "node:assert/strict";
import { acquireLock } from "../../lib/file_lock.ts";
import { AwsSsoError } from "../../lib/errors.ts";
import { manualClock } from "../fakes/command_services.ts";

const posix = Deno.build.os !== "windows";
const VICTIM = "precious data\nsecond line\n";

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "file-lock-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test({
  name: "a lock file replaced by a symbolic link is refused and the link's target is untouched",
  ignore: !posix,
  fn: () =>
    withDir(async (dir) => {
      const victim = `${dir}/victim.txt`;
      await Deno.writeTextFile(victim, VICTIM);
      const lockPath = `${dir}/locks/role-ab12.lock`;
      // A first, normal run leaves the lock file behind.
      (await acquireLock(lockPath, { purpose: "first", clock: manualClock() })).release();
      // The attack: the lock file becomes a link to the victim.
      await Deno.remove(lockPath);
      await Deno.symlink(victim, lockPath);
      await assert.rejects(
        () => acquireLock(lockPath, { purpose: "second", clock: manualClock() }),
        (e: unknown) => {
          assert.ok(e instanceof AwsSsoError);
          assert.equal(
            e.message,
            `refusing to use the lock file ${lockPath}: it is a symbolic link`,
          );
          return true;
        },
      );
      assert.equal(await Deno.readTextFile(victim), VICTIM);
      // A dangling link (the target does not exist yet) is not followed to create it either.
      await Deno.remove(lockPath);
      await Deno.symlink(`${dir}/created-by-link`, lockPath);
      await assert.rejects(
        () => acquireLock(lockPath, { purpose: "third", clock: manualClock() }),
        AwsSsoError,
      );
      await assert.rejects(() => Deno.lstat(`${dir}/created-by-link`), Deno.errors.NotFound);
    }),
});

Deno.test({
  name:
    "a lock directory that is a symbolic link or another user's is refused; a loose mode is narrowed",
  ignore: !posix,
  fn: () =>
    withDir(async (dir) => {
      const elsewhere = `${dir}/elsewhere`;
      await Deno.mkdir(elsewhere);
      await Deno.writeTextFile(`${elsewhere}/role-ab12.lock`, VICTIM);
      await Deno.symlink(elsewhere, `${dir}/locks`);
      await assert.rejects(
        () => acquireLock(`${dir}/locks/role-ab12.lock`, { purpose: "x", clock: manualClock() }),
        (e: unknown) =>
          e instanceof AwsSsoError &&
          e.message === `refusing to use the lock directory ${dir}/locks: it is a symbolic link`,
      );
      assert.equal(await Deno.readTextFile(`${elsewhere}/role-ab12.lock`), VICTIM);

      const loose = `${dir}/loose`;
      await Deno.mkdir(loose);
      await Deno.chmod(loose, 0o777);
      const lock = await acquireLock(`${loose}/a.lock`, { purpose: "x", clock: manualClock() });
      lock.release();
      assert.equal((await Deno.stat(loose)).mode! & 0o777, 0o700);
      assert.equal((await Deno.stat(`${loose}/a.lock`)).mode! & 0o777, 0o600);
    }),
});

Deno.test({
  name: "a lock directory owned by another user is refused",
  ignore: !posix,
  fn: () =>
    withDir(async (dir) => {
      // As root, make a directory someone else owns; otherwise /tmp belongs to root.
      let locks = "/tmp";
      if (Deno.uid() === 0) {
        locks = `${dir}/locks`;
        await Deno.mkdir(locks, { mode: 0o700 });
        await Deno.chown(locks, 65534, 65534);
      }
      const owner = (await Deno.lstat(locks)).uid;
      assert.notEqual(owner, Deno.uid());
      await assert.rejects(
        () =>
          acquireLock(`${locks}/aws-sso-lock-test.lock`, { purpose: "x", clock: manualClock() }),
        (e: unknown) =>
          e instanceof AwsSsoError &&
          e.message ===
            `refusing to use the lock directory ${locks}: it belongs to another user (uid ${owner})`,
      );
      await assert.rejects(
        () => Deno.lstat(`${locks}/aws-sso-lock-test.lock`),
        Deno.errors.NotFound,
      );
    }),
});

Deno.test("a regular lock file is reused and the holder line is written and cleared", async () => {
  await withDir(async (dir) => {
    const lockPath = `${dir}/locks/a.lock`;
    const lock = await acquireLock(lockPath, { purpose: "testing", clock: manualClock() });
    assert.equal(await Deno.readTextFile(lockPath), `pid ${Deno.pid} (testing)\n`);
    lock.release();
    assert.equal(await Deno.readTextFile(lockPath), "");
    (await acquireLock(lockPath, { purpose: "again", clock: manualClock() })).release();
  });
});
