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

function describeHolder(path: string): string {
  try {
    const text = Deno.readTextFileSync(path).trim();
    return text === "" ? "another aws-sso process" : text;
  } catch {
    return "another aws-sso process";
  }
}

/**
 * Takes an exclusive lock on `path` (created 0600 when missing), waiting with jittered backoff.
 * Throws {@link LockTimeoutError} naming the holder when `timeoutMs` passes.
 */
export async function acquireLock(path: string, options: LockOptions): Promise<HeldLock> {
  let file: Deno.FsFile;
  try {
    await ensureDir(parentDir(path));
    file = await Deno.open(path, { read: true, write: true, create: true, mode: 0o600 });
  } catch (e) {
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
        options.onWait?.(describeHolder(path));
      }
      if (waited >= timeoutMs) {
        throw new LockTimeoutError(
          `Timed out after ${Math.round(waited / 1000)}s waiting for the lock ${path} held by ${
            describeHolder(path)
          }`,
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
