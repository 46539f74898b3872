/**
 * Crash-safe file writes: temp file in the same directory, fsync, rename. A reader never sees
 * a half-written file and a process killed mid-write leaves the previous version in place.
 *
 * @module
 */
import type { FileIo } from "../stores/backend.ts";
import { AwsSsoError, errorMessage } from "./errors.ts";

/** Directories we create are private to the user. */
export const DIR_MODE = 0o700;
/** Files we create are private to the user. */
export const FILE_MODE = 0o600;

function dirname(path: string): string {
  const i = Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\"));
  return i <= 0 ? (i === 0 ? path.slice(0, 1) : ".") : path.slice(0, i);
}

function basename(path: string): string {
  const i = Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\"));
  return path.slice(i + 1);
}

/** Creates `dir` (and parents) with mode 0700 when missing. */
export async function ensureDir(dir: string): Promise<void> {
  try {
    await Deno.mkdir(dir, { recursive: true, mode: DIR_MODE });
  } catch (e) {
    if (!(e instanceof Deno.errors.AlreadyExists)) throw e;
  }
}

/**
 * The operating system's reason for a failed file operation, without the path Deno appends
 * (`Permission denied (os error 13)`), so a message can name the file the user knows instead
 * of a temporary one.
 *
 * @example
 * ```ts
 * ioReason(new Error("Permission denied (os error 13): open '/x/.a.1.tmp'")); // "Permission denied (os error 13)"
 * ```
 */
export function ioReason(e: unknown): string {
  return errorMessage(e).replace(/: [a-z]+ '[^]*$/, "");
}

/**
 * Writes `data` to `path` atomically with `mode` (default 0600). A failure (a read-only or
 * full disk, a directory in the way) is an {@link AwsSsoError} naming `path`.
 *
 * @example
 * ```ts
 * await writeFileAtomic("/tmp/x.json", new TextEncoder().encode("{}"));
 * ```
 */
export async function writeFileAtomic(
  path: string,
  data: Uint8Array,
  mode: number = FILE_MODE,
): Promise<void> {
  try {
    await writeAtomically(path, data, mode);
  } catch (e) {
    if (e instanceof AwsSsoError) throw e;
    throw new AwsSsoError(`cannot write ${path}: ${ioReason(e)}`, {
      cause: e,
      hints: [`check that ${dirname(path)} is a directory you can write to, with space left`],
    });
  }
}

async function writeAtomically(path: string, data: Uint8Array, mode: number): Promise<void> {
  const dir = dirname(path);
  await ensureDir(dir);
  const suffix = crypto.getRandomValues(new Uint32Array(2)).join("");
  const tmp = `${dir}/.${basename(path)}.${suffix}.tmp`;
  const file = await Deno.open(tmp, { write: true, createNew: true, mode });
  try {
    let written = 0;
    while (written < data.length) written += await file.write(data.subarray(written));
    await file.syncData();
  } catch (e) {
    file.close();
    await Deno.remove(tmp).catch(() => {});
    throw e;
  }
  file.close();
  try {
    // The umask may have narrowed the mode; make it exact (no-op on Windows).
    if (Deno.build.os !== "windows") await Deno.chmod(tmp, mode);
    await Deno.rename(tmp, path);
  } catch (e) {
    await Deno.remove(tmp).catch(() => {});
    throw e;
  }
  await removeAbandonedTemps(dir, basename(path), path);
}

/** A temp file older than this was left by a writer that died (no write takes this long). */
const ABANDONED_AFTER_MS = 15 * 60_000;

/**
 * Removes temp files of `name` that a killed writer left behind (a cache.json write can be
 * megabytes). "Old" is measured against the file just written, so no clock is needed, and a
 * concurrent writer's fresh temp file is never touched. Best effort.
 */
async function removeAbandonedTemps(dir: string, name: string, written: string): Promise<void> {
  try {
    const now = (await Deno.stat(written)).mtime?.getTime();
    if (now === undefined) return;
    const prefix = `.${name}.`;
    for await (const entry of Deno.readDir(dir)) {
      if (!entry.isFile || !entry.name.startsWith(prefix) || !entry.name.endsWith(".tmp")) continue;
      const temp = `${dir}/${entry.name}`;
      const mtime = (await Deno.stat(temp)).mtime?.getTime();
      if (mtime !== undefined && now - mtime > ABANDONED_AFTER_MS) await Deno.remove(temp);
    }
  } catch {
    // Cleaning up is a courtesy; the write itself succeeded.
  }
}

/**
 * The file a write to `path` should replace: the target of a symlink (the rename then replaces
 * the target, and the link stays a link, as a dotfiles manager expects), else `path` itself
 * (also for a new file or a dangling link).
 *
 * @example
 * ```ts
 * const bytes = new TextEncoder().encode("[default]\n");
 * await writeFileAtomic(await writeTarget("/home/me/.aws/config"), bytes);
 * ```
 */
export async function writeTarget(path: string): Promise<string> {
  try {
    return await Deno.realPath(path);
  } catch {
    return path;
  }
}

/** Writes UTF-8 text atomically; see {@link writeFileAtomic}. */
export function writeTextFileAtomic(path: string, text: string, mode?: number): Promise<void> {
  return writeFileAtomic(path, new TextEncoder().encode(text), mode);
}

/** Reads a file, or returns `undefined` when it does not exist. */
export async function readFileIfExists(path: string): Promise<Uint8Array | undefined> {
  try {
    return await Deno.readFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return undefined;
    throw e;
  }
}

/** Reads a UTF-8 file, or returns `undefined` when it does not exist. */
export async function readTextFileIfExists(path: string): Promise<string | undefined> {
  const bytes = await readFileIfExists(path);
  return bytes === undefined ? undefined : new TextDecoder().decode(bytes);
}

/** The real file system, as the stores see it. */
export const realFileIo: FileIo = {
  readFile: readFileIfExists,
  readFileSync(path: string): Uint8Array | undefined {
    try {
      return Deno.readFileSync(path);
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) return undefined;
      throw e;
    }
  },
  writeFileAtomic,
  async remove(path: string): Promise<void> {
    try {
      await Deno.remove(path);
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    }
  },
};
