/**
 * Cross-process locks on a lock file (flock / LockFileEx through Deno.FsFile.tryLock).
 * The operating system releases the lock when its holder dies, so a lock left by a crashed
 * or killed process is taken over at once. The holder writes its PID and purpose into the
 * lock file so a waiter can say who it is waiting for.
 *
 * @module
 */
import type { Clock } from "./clock.ts";
import { AwsSsoError, LockTimeoutError } from "./errors.ts";
import { ensureDir, ioReason } from "./atomic_file.ts";
import { safeText } from "./safe_text.ts";

/** How to take a lock. */
export interface LockOptions {
  /** What the holder is doing, shown to waiters ("refreshing the SSO token"). */
  purpose: string;
  /** Give up after this many ms (default 60 s). */
  timeoutMs?: number;
  /** Called once when the wait has lasted `noticeAfterMs` (default 2 s). */
  onWait?: (holder: string) => void;
  /** Delay before `onWait` is called. */
  noticeAfterMs?: number;
  /** Time source (waits use `clock.sleep`). */
  clock: Clock;
}

/** A held lock; release it exactly once. */
export interface HeldLock {
  /** Releases the lock. */
  release(): void;
}

function parentDir(path: string): string {
  const i = Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\"));
  return i <= 0 ? "." : path.slice(0, i);
}

/** The holder's line, read through our own handle (never by path) and made safe to print. */
async function describeHolder(file: Deno.FsFile): Promise<string> {
  try {
    await file.seek(0, Deno.SeekMode.Start);
    const buf = new Uint8Array(200);
    const n = await file.read(buf);
    const text = safeText(new TextDecoder().decode(buf.subarray(0, n ?? 0)).trim());
    return text === "" ? "another aws-sso process" : text;
  } catch {
    return "another aws-sso process";
  }
}

/**
 * Checks the directory that holds lock files (aws-sso creates it 0700). A lock file is opened
 * for writing, so whoever can put a symbolic link in its place could make aws-sso truncate
 * the link's target: the directory must be ours and writable by us alone. The rule:
 * - a symbolic link, something other than a directory, or a directory owned by another user
 *   is refused (we cannot vouch for who else writes there);
 * - a directory of ours that is group- or world-writable is narrowed to 0700 (we own it, so
 *   fixing it is safe and keeps `umask 000` setups working).
 * Only the lock directory itself is checked: the config directory above it may be a symbolic
 * link the user made on purpose (dotfiles), and the checks on the lock file below do not rely
 * on it. Owner and mode are not checked on Windows (no POSIX modes).
 */
async function checkLockDir(dir: string): Promise<void> {
  const info = await Deno.lstat(dir);
  const refuse = (why: string) =>
    new AwsSsoError(`refusing to use the lock directory ${dir}: ${why}`, {
      hints: [`remove ${dir} (aws-sso creates it again, 0700)`],
    });
  if (info.isSymlink) throw refuse("it is a symbolic link");
  if (!info.isDirectory) throw refuse("it is not a directory");
  if (Deno.build.os === "windows") return;
  const uid = Deno.uid();
  if (uid !== null && info.uid !== null && info.uid !== uid) {
    throw refuse(`it belongs to another user (uid ${info.uid})`);
  }
  if (info.mode !== null && (info.mode & 0o022) !== 0) await Deno.chmod(dir, 0o700);
}

/**
 * Opens the lock file without ever acting through a symbolic link: a missing file is created
 * with `createNew` (which fails rather than follow a link put there meanwhile), and after the
 * open the file held must be the very regular file at `path` (same device and inode as an
 * lstat of the path). Throws {@link AwsSsoError} naming the path otherwise; nothing has been
 * written by then (opening for writing without `truncate` changes nothing).
 */
async function openLockFile(path: string): Promise<Deno.FsFile> {
  const refuse = (why: string) =>
    new AwsSsoError(`refusing to use the lock file ${path}: ${why}`, {
      hints: [`remove ${path} (aws-sso creates it again)`],
    });
  const check = (info: Deno.FileInfo) => {
    if (info.isSymlink) throw refuse("it is a symbolic link");
    if (!info.isFile) throw refuse("it is not a regular file");
  };
  let before: Deno.FileInfo | undefined;
  try {
    before = await Deno.lstat(path);
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  if (before !== undefined) check(before);
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path, {
      read: true,
      write: true,
      ...(before === undefined ? { createNew: true, mode: 0o600 } : {}),
    });
  } catch (e) {
    // Another process created it between our lstat and open: open what is there, checked below.
    if (!(before === undefined && e instanceof Deno.errors.AlreadyExists)) throw e;
    check(await Deno.lstat(path));
    file = await Deno.open(path, { read: true, write: true });
  }
  try {
    const [held, now] = await Promise.all([file.stat(), Deno.lstat(path)]);
    check(now);
    if (!held.isFile) throw refuse("it is not a regular file");
    if (held.dev !== now.dev || held.ino !== now.ino) {
      throw refuse("it was replaced while being opened");
    }
  } catch (e) {
    file.close();
    throw e;
  }
  return file;
}

/**
 * Takes an exclusive lock on `path` (created 0600 when missing), waiting with jittered backoff.
 * Throws {@link LockTimeoutError} naming the holder when `timeoutMs` passes, and
 * {@link AwsSsoError} when the lock file or its directory is unsafe (a symbolic link, another
 * user's directory: see `checkLockDir` and `openLockFile`).
 */
export async function acquireLock(path: string, options: LockOptions): Promise<HeldLock> {
  let file: Deno.FsFile;
  try {
    await ensureDir(parentDir(path));
    await checkLockDir(parentDir(path));
    file = await openLockFile(path);
  } catch (e) {
    if (e instanceof AwsSsoError) throw e;
    throw new AwsSsoError(`cannot create the lock file ${path}: ${ioReason(e)}`, {
      cause: e,
      hints: [`check that ${parentDir(path)} is a directory you can write to`],
    });
  }
  const timeoutMs = options.timeoutMs ?? 60_000;
  const noticeAfter = options.noticeAfterMs ?? 2_000;
  const start = options.clock.now();
  let delay = 5;
  let noticed = false;
  try {
    while (!(await file.tryLock(true))) {
      const waited = options.clock.now() - start;
      if (!noticed && waited >= noticeAfter) {
        noticed = true;
        options.onWait?.(await describeHolder(file));
      }
      if (waited >= timeoutMs) {
        throw new LockTimeoutError(
          `Timed out after ${
            Math.round(waited / 1000)
          }s waiting for the lock ${path} held by ${await describeHolder(
            file,
          )}`,
          { hints: ["if that process is stuck, stop it and try again"] },
        );
      }
      await options.clock.sleep(delay + Math.random() * delay);
      delay = Math.min(delay * 2, 200);
    }
  } catch (e) {
    file.close();
    throw e;
  }
  try {
    const info = new TextEncoder().encode(`pid ${Deno.pid} (${options.purpose})\n`);
    await file.truncate(0);
    await file.seek(0, Deno.SeekMode.Start);
    await file.write(info);
  } catch {
    // The holder description is informational only.
  }
  let released = false;
  return {
    release() {
      if (released) return;
      released = true;
      try {
        file.truncateSync(0);
      } catch {
        // ignore: informational content only
      }
      try {
        file.unlockSync();
      } finally {
        file.close();
      }
    },
  };
}

/** Runs `fn` while holding the lock on `path`; the lock is released however `fn` ends. */
export async function withLock<T>(
  path: string,
  options: LockOptions,
  fn: () => Promise<T>,
): Promise<T> {
  const lock = await acquireLock(path, options);
  try {
    return await fn();
  } finally {
    lock.release();
  }
}
