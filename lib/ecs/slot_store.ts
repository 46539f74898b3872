/**
 * The ECS server's credentials (docs/design.md §2.5): a default slot and named slots,
 * each holding one role's credentials, which the server refreshes itself before they expire.
 *
 * A slot is loaded with credentials the client sends (`ecs load`, or any reference client); the
 * slot also remembers the role (its ARN), so when fewer than 20 minutes remain the store asks
 * its {@link EcsCredentialSource} — in aws-sso, the same secure store, SSO token and per-role
 * single-flight `process` uses — for newer ones. A container using the server therefore never
 * sees stale credentials while the user's SSO session lasts.
 *
 * Rules (the 20/15-minute rules of docs/design.md §2.3, applied to a long-running server):
 * - refresh when fewer than 20 minutes remain, but not more often than half the lifetime AWS
 *   gives (between 30 s and 5 min), so short-lived credentials cannot cause a refresh storm;
 * - a request for credentials with fewer than 15 minutes left waits briefly for a due refresh
 *   instead of handing them out (they are served if the refresh cannot finish in time);
 * - when a refresh fails (e.g. the SSO session ended) the current credentials are served until
 *   they expire, a warning names the fix, and retries back off up to 5 minutes, so logging in
 *   again is enough to bring the slot back;
 * - credentials with 60 s or less left count as expired (the reference's margin).
 *
 * Concurrency: JavaScript runs one request at a time between awaits; every change replaces a
 * slot's credentials object in one assignment, a refresh whose slot was deleted or reloaded in
 * the meantime is discarded, and each slot has at most one refresh in flight.
 *
 * ```ts
 * import type { RoleCredentials } from "../creds/role_credentials.ts";
 * declare const options: EcsSlotsOptions; // clock, logger, source (an EcsCredentialSource)
 * declare const creds: RoleCredentials;
 * const slots = new EcsSlots(options);
 * slots.put(undefined, "dev:Admin", creds);           // the default slot
 * const found = await slots.get(undefined);           // { status: "ok", slot }
 * setInterval(() => slots.refreshDue(), 15_000);
 * ```
 *
 * @module
 */
import type { Clock } from "../clock.ts";
import type { RoleCredentials } from "../creds/role_credentials.ts";
import { AwsSsoError, errorMessage } from "../errors.ts";
import type { Logger } from "../logger.ts";

/** Where the server gets newer credentials for a slot's role. */
export interface EcsCredentialSource {
  /** Credentials for the role `arn` (profile `profileName`) with as much time left as possible. */
  credentials(role: { arn: string; profileName: string }): Promise<RoleCredentials>;
}

/** One slot's content. */
export interface EcsSlot {
  /** The slot name (undefined for the default slot). */
  name: string | undefined;
  /** Profile name the credentials were loaded for. */
  profileName: string;
  /** The credentials. */
  creds: RoleCredentials;
}

/** The result of a slot lookup. */
export type SlotLookup =
  | { status: "ok"; slot: EcsSlot }
  | { status: "expired"; slot: EcsSlot }
  | { status: "missing" };

/** Options of {@link EcsSlots}. */
export interface EcsSlotsOptions {
  /** Time source (and the bounded waits). */
  clock: Clock;
  /** Logger for refreshes and their failures (never given a secret in clear). */
  logger: Logger;
  /** Where newer credentials come from; without one, slots are served as loaded. */
  source?: EcsCredentialSource;
  /** Refresh when fewer than this many ms remain (default 20 min). */
  refreshBeforeMs?: number;
  /** Do not hand out credentials with fewer ms left while a refresh may help (default 15 min). */
  minValidityMs?: number;
  /** Credentials with this many ms left or fewer are expired (default 60 s). */
  expiryMarginMs?: number;
  /** How long a request waits for a refresh while its credentials are still valid (800 ms). */
  requestWaitMs?: number;
  /** How long a request waits for a refresh when its credentials have expired (10 s). */
  expiredWaitMs?: number;
  /** First retry delay after a failed refresh (30 s); doubles up to {@link maxRetryMs}. */
  retryMs?: number;
  /** Longest delay between retries and longest refresh interval floor (5 min). */
  maxRetryMs?: number;
}

interface Entry {
  readonly name: string | undefined;
  readonly profileName: string;
  creds: RoleCredentials;
  nextRefreshAtMs: number;
  failures: number;
  refreshing?: Promise<void>;
}

const MINUTE = 60_000;

// Slot and profile names come from requests: they go into log fields (which the logger escapes),
// never into the message text.
function label(name: string | undefined): string {
  return name === undefined ? "the default slot" : "a named slot";
}

/** The default slot and the named slots, refreshed through an {@link EcsCredentialSource}. */
export class EcsSlots {
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #source?: EcsCredentialSource;
  readonly #refreshBeforeMs: number;
  readonly #minValidityMs: number;
  readonly #expiryMarginMs: number;
  readonly #requestWaitMs: number;
  readonly #expiredWaitMs: number;
  readonly #retryMs: number;
  readonly #maxRetryMs: number;
  #default?: Entry;
  readonly #named = new Map<string, Entry>();
  readonly #pending = new Set<Promise<void>>();
  #closed = false;

  /** Creates an empty store. */
  constructor(options: EcsSlotsOptions) {
    this.#clock = options.clock;
    this.#logger = options.logger;
    this.#source = options.source;
    this.#refreshBeforeMs = options.refreshBeforeMs ?? 20 * MINUTE;
    this.#minValidityMs = options.minValidityMs ?? 15 * MINUTE;
    this.#expiryMarginMs = options.expiryMarginMs ?? MINUTE;
    this.#requestWaitMs = options.requestWaitMs ?? 800;
    this.#expiredWaitMs = options.expiredWaitMs ?? 10_000;
    this.#retryMs = options.retryMs ?? 30_000;
    this.#maxRetryMs = options.maxRetryMs ?? 5 * MINUTE;
  }

  /** True when the store can refresh slots itself. */
  get selfRefreshing(): boolean {
    return this.#source !== undefined;
  }

  /**
   * Loads `creds` into slot `name` (undefined: the default slot), replacing what it held.
   * Returns "expired" (and stores nothing) when they are already expired.
   */
  put(name: string | undefined, profileName: string, creds: RoleCredentials): "ok" | "expired" {
    const now = this.#clock.now();
    if (this.#isExpired(creds, now)) return "expired";
    this.#logger.secret(creds.secretAccessKey);
    this.#logger.secret(creds.sessionToken);
    const left = creds.expiration - now;
    const entry: Entry = {
      name,
      profileName,
      creds,
      // Credentials already inside the refresh window are replaced at once if the source has
      // (or can get) newer ones.
      nextRefreshAtMs: left < this.#refreshBeforeMs
        ? now
        : creds.expiration - this.#refreshBeforeMs,
      failures: 0,
    };
    if (name === undefined) this.#default = entry;
    else this.#named.set(name, entry);
    if (this.#source !== undefined && entry.nextRefreshAtMs <= now) {
      this.#track(this.#refresh(entry));
    }
    return "ok";
  }

  /**
   * The credentials of slot `name`. When a refresh is due and fewer than 15 minutes remain,
   * waits (briefly, or up to 10 s when they have expired) for it first.
   */
  async get(name: string | undefined): Promise<SlotLookup> {
    const entry = this.#entry(name);
    if (entry === undefined) return { status: "missing" };
    const now = this.#clock.now();
    if (this.#source !== undefined && !this.#closed && now >= entry.nextRefreshAtMs) {
      const refresh = this.#refresh(entry);
      this.#track(refresh);
      if (entry.creds.expiration - now < this.#minValidityMs) {
        const wait = this.#isExpired(entry.creds, now) ? this.#expiredWaitMs : this.#requestWaitMs;
        await Promise.race([refresh, this.#clock.sleep(wait)]);
      }
    }
    return this.peek(name);
  }

  /** The credentials of slot `name` as they are now (no refresh). */
  peek(name: string | undefined): SlotLookup {
    const entry = this.#entry(name);
    if (entry === undefined) return { status: "missing" };
    const slot: EcsSlot = { name, profileName: entry.profileName, creds: entry.creds };
    return this.#isExpired(entry.creds, this.#clock.now())
      ? { status: "expired", slot }
      : { status: "ok", slot };
  }

  /** Empties slot `name`; false when it held nothing. */
  delete(name: string | undefined): boolean {
    if (name === undefined) {
      const had = this.#default !== undefined;
      this.#default = undefined;
      return had;
    }
    return this.#named.delete(name);
  }

  /** Empties every named slot (`DELETE /slot`); returns how many there were. */
  deleteAllNamed(): number {
    const n = this.#named.size;
    this.#named.clear();
    return n;
  }

  /** Every named slot, sorted by name, with its status. */
  named(): Array<{ status: "ok" | "expired"; slot: EcsSlot }> {
    const now = this.#clock.now();
    return [...this.#named.values()]
      .sort((a, b) => (a.name! < b.name! ? -1 : a.name! > b.name! ? 1 : 0))
      .map((e) => ({
        status: this.#isExpired(e.creds, now) ? "expired" as const : "ok" as const,
        slot: { name: e.name, profileName: e.profileName, creds: e.creds },
      }));
  }

  /** Starts the refresh of every slot that is due and waits for them. */
  async refreshDue(): Promise<void> {
    if (this.#source === undefined || this.#closed) return;
    const now = this.#clock.now();
    const due = this.#entries().filter((e) => now >= e.nextRefreshAtMs);
    await Promise.all(due.map((e) => this.#track(this.#refresh(e))));
  }

  /** When the next refresh is due (epoch ms), or undefined when no slot will need one. */
  nextRefreshAt(): number | undefined {
    if (this.#source === undefined) return undefined;
    let next: number | undefined;
    for (const e of this.#entries()) {
      if (next === undefined || e.nextRefreshAtMs < next) next = e.nextRefreshAtMs;
    }
    return next;
  }

  /** Stops refreshing and waits for the refreshes in flight. */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.allSettled([...this.#pending]);
  }

  #entries(): Entry[] {
    const all = [...this.#named.values()];
    if (this.#default !== undefined) all.unshift(this.#default);
    return all;
  }

  #entry(name: string | undefined): Entry | undefined {
    return name === undefined ? this.#default : this.#named.get(name);
  }

  #isCurrent(entry: Entry): boolean {
    return this.#entry(entry.name) === entry;
  }

  #isExpired(creds: RoleCredentials, now: number): boolean {
    return creds.expiration - now <= this.#expiryMarginMs;
  }

  #track(p: Promise<void>): Promise<void> {
    this.#pending.add(p);
    p.finally(() => this.#pending.delete(p));
    return p;
  }

  /** When to refresh credentials just obtained: 20 min before expiry, but not too soon. */
  #nextAfterSuccess(creds: RoleCredentials, now: number): number {
    const lifetime = creds.expiration - now;
    const floor = Math.min(this.#maxRetryMs, Math.max(this.#retryMs, lifetime / 2));
    return Math.max(creds.expiration - this.#refreshBeforeMs, now + floor);
  }

  #refresh(entry: Entry): Promise<void> {
    if (entry.refreshing !== undefined) return entry.refreshing;
    const source = this.#source;
    if (source === undefined || this.#closed) return Promise.resolve();
    const run = async () => {
      try {
        const fresh = await source.credentials({
          arn: entry.creds.arn,
          profileName: entry.profileName,
        });
        this.#logger.secret(fresh.secretAccessKey);
        this.#logger.secret(fresh.sessionToken);
        // The slot was emptied or loaded again while this refresh ran: its result is stale.
        if (!this.#isCurrent(entry)) return;
        const now = this.#clock.now();
        const changed = fresh.accessKeyId !== entry.creds.accessKeyId &&
          fresh.expiration >= entry.creds.expiration;
        if (changed) entry.creds = fresh;
        entry.failures = 0;
        entry.nextRefreshAtMs = this.#nextAfterSuccess(entry.creds, now);
        if (changed) {
          this.#logger.info(`Refreshed the credentials of ${label(entry.name)}`, {
            slot: entry.name,
            profile: entry.profileName,
            expiresInMinutes: Math.floor((entry.creds.expiration - now) / MINUTE),
          });
        }
      } catch (e) {
        if (!this.#isCurrent(entry)) return;
        const now = this.#clock.now();
        entry.failures++;
        const delay = Math.min(this.#maxRetryMs, this.#retryMs * 2 ** (entry.failures - 1));
        entry.nextRefreshAtMs = now + delay;
        const left = entry.creds.expiration - now;
        const serving = this.#isExpired(entry.creds, now)
          ? "they have expired: requests for them get 404 until a refresh succeeds"
          : `serving the current ones until they expire in ${Math.floor(left / MINUTE)} min`;
        const hints = e instanceof AwsSsoError && e.hints.length > 0
          ? ` (${e.hints.join("; ")})`
          : "";
        this.#logger.warn(
          `Cannot refresh the credentials of ${label(entry.name)}: ${
            errorMessage(e)
          }${hints}; ${serving}; next try in ${Math.round(delay / 1000)} s`,
          { slot: entry.name, profile: entry.profileName },
        );
      } finally {
        entry.refreshing = undefined;
      }
    };
    entry.refreshing = run();
    return entry.refreshing;
  }
}
