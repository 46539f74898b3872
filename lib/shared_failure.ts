/**
 * A lock holder's failure, handed to the processes that waited for the lock (issue 14: "fail
 * fast, together"). When AWS is down, the first of 20 parallel `credential_process` runs for
 * one role spends a whole retry cycle failing; without this, each waiter would then take the
 * lock and spend another cycle on the same outage. The holder writes a short record next to the
 * lock file (`<name>.failure`, 0600, atomically) with the error's message and hints (never a
 * secret: AWS's error text, the operation and the endpoint's origin) and the time; whoever takes
 * the lock within {@link SHARED_FAILURE_TTL_MS} fails with the same error instead of calling
 * AWS. A success removes the record, and an older record is ignored, so a later run always
 * tries again.
 *
 * @module
 */
import { readTextFileIfExists, writeTextFileAtomic } from "./atomic_file.ts";
import type { Clock } from "./clock.ts";
import { AwsApiError, NetworkError } from "./errors.ts";
import { safeText } from "./safe_text.ts";

/**
 * How long a recorded failure stands in for a new attempt: about one retry cycle with the
 * default MaxRetry (10) and MaxBackoff (5 s), so that runs started together end together.
 */
export const SHARED_FAILURE_TTL_MS = 30_000;

/** Longest message and hint kept in a record (a record is read back into one error line). */
const MAX_TEXT = 1_000;
const MAX_HINTS = 5;

/** The hints of replayed errors before the "another process" one was added. */
const recordedHints = new WeakMap<Error, string[]>();

/** The on-disk form of a record. */
interface FailureRecord {
  at: number;
  message: string;
  hints: string[];
  code?: string;
  status?: number;
  network: boolean;
}

function isRecord(v: unknown): v is FailureRecord {
  if (typeof v !== "object" || v === null) return false;
  const r = v as Record<string, unknown>;
  return typeof r.at === "number" && typeof r.message === "string" && r.message !== "" &&
    Array.isArray(r.hints) && r.hints.every((h) => typeof h === "string") &&
    (r.code === undefined || typeof r.code === "string") &&
    (r.status === undefined || typeof r.status === "number") && typeof r.network === "boolean";
}

/**
 * The record next to `lockPath`: `role-ab12.lock` → `role-ab12.failure`.
 *
 * @example
 * ```ts
 * failureRecordPath("/home/me/.config/aws-sso/locks/login-Default.lock");
 * // "/home/me/.config/aws-sso/locks/login-Default.failure"
 * ```
 */
export function failureRecordPath(lockPath: string): string {
  return `${lockPath.replace(/\.lock$/, "")}.failure`;
}

/** Options of {@link SharedFailure}. */
export interface SharedFailureOptions {
  /** Time source (the record holds the wall-clock time of the failure). */
  clock: Clock;
  /** How long a record counts (default {@link SHARED_FAILURE_TTL_MS}). */
  ttlMs?: number;
}

/** The failure record of one lock; use it only while holding that lock. */
export class SharedFailure {
  readonly #path: string;
  readonly #clock: Clock;
  readonly #ttlMs: number;

  /** The record of the lock at `lockPath`. */
  constructor(lockPath: string, options: SharedFailureOptions) {
    this.#path = failureRecordPath(lockPath);
    this.#clock = options.clock;
    this.#ttlMs = options.ttlMs ?? SHARED_FAILURE_TTL_MS;
  }

  /**
   * The error recorded by a holder that failed less than the TTL ago, rebuilt with its message
   * and hints (plus one saying when aws-sso asks AWS again); undefined otherwise.
   */
  async recent(): Promise<AwsApiError | undefined> {
    let record: unknown;
    try {
      const text = await readTextFileIfExists(this.#path);
      if (text === undefined) return undefined;
      record = JSON.parse(text);
    } catch {
      return undefined; // unreadable or torn: as if there were none
    }
    if (!isRecord(record)) return undefined;
    const age = this.#clock.now() - record.at;
    if (age < 0 || age >= this.#ttlMs) return undefined;
    // The file is only as trustworthy as whoever could write it: the limits apply on reading
    // too, and each text becomes one escaped line (it cannot add a "hint:" line of its own).
    const message = safeText(record.message.slice(0, MAX_TEXT));
    const recorded = record.hints.slice(0, MAX_HINTS).map((h) => safeText(h.slice(0, MAX_TEXT)));
    const hints = [
      ...recorded,
      `another aws-sso process got this error ${Math.round(age / 1000)} s ago; ` +
      `aws-sso will ask AWS again in ${Math.ceil((this.#ttlMs - age) / 1000)} s`,
    ];
    const details = { code: record.code, status: record.status };
    const error = record.network
      ? new NetworkError(message, details, { hints })
      : new AwsApiError(message, details, { hints });
    recordedHints.set(error, recorded);
    return error;
  }

  /** Records `e` as the holder's failure (best effort: a failed write only loses the sharing). */
  async record(e: AwsApiError): Promise<void> {
    const record: FailureRecord = {
      at: this.#clock.now(),
      message: e.message.slice(0, MAX_TEXT),
      hints: (recordedHints.get(e) ?? e.hints).slice(0, MAX_HINTS).map((h) => h.slice(0, MAX_TEXT)),
      code: e.code,
      status: e.status,
      network: e instanceof NetworkError,
    };
    try {
      await writeTextFileAtomic(this.#path, JSON.stringify(record));
    } catch {
      // Without the record, waiters try AWS themselves: slower, never wrong.
    }
  }

  /** Removes the record after a success. */
  async clear(): Promise<void> {
    try {
      await Deno.remove(this.#path);
    } catch {
      // none there (the usual case), or it cannot be removed: it ages out
    }
  }
}
