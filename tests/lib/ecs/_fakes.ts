/**
 * Fakes for the ECS tests: a clock whose sleeps resolve only when time is advanced past them,
 * a logger that records lines, a controllable credential source, and credentials.
 */
import type { Clock } from "../../../lib/clock.ts";
import type { RoleCredentials } from "../../../lib/creds/role_credentials.ts";
import type { EcsCredentialSource } from "../../../lib/ecs/slot_store.ts";

export const MIN = 60_000;
export const ARN = "arn:aws:iam::012345678901:role/Admin";

/** A manual clock. */
export interface FakeClock extends Clock {
  /** Moves time forward and resolves the sleeps that are due. */
  advance(ms: number): void;
}

export function fakeClock(start = Date.UTC(2025, 0, 1)): FakeClock {
  let now = start;
  let sleepers: Array<{ at: number; resolve: () => void }> = [];
  return {
    now: () => now,
    sleep(ms) {
      return new Promise<void>((resolve) => sleepers.push({ at: now + ms, resolve }));
    },
    advance(ms) {
      now += ms;
      const due = sleepers.filter((s) => s.at <= now);
      sleepers = sleepers.filter((s) => s.at > now);
      for (const s of due) s.resolve();
    },
  };
}

export { RecordingLogger, recordingLogger } from "../../fakes/recording_logger.ts";

let serial = 0;

/** Credentials for `arn` expiring `leftMs` after `clock.now()`, with unique keys. */
export function creds(clock: Clock, leftMs: number, arn = ARN): RoleCredentials {
  serial++;
  const [, , , , accountId = "", resource = ""] = arn.split(":");
  return {
    accessKeyId: `ASIAFAKE${String(serial).padStart(8, "0")}`,
    secretAccessKey: `secret-${serial}-${"x".repeat(20)}`,
    sessionToken: `token-${serial}-${"y".repeat(20)}`,
    expiration: clock.now() + leftMs,
    roleChaining: false,
    accountId,
    roleName: resource.replace(/^role\//, ""),
    arn,
  };
}

/** A source whose answers the test decides: fresh credentials, an error, or a held promise. */
export interface FakeSource extends EcsCredentialSource {
  calls: Array<{ arn: string; profileName: string }>;
  /** Lifetime of the credentials it issues (default 60 min). */
  lifetimeMs: number;
  /** When set, calls reject with it. */
  failWith?: Error;
  /** When true, calls wait until release() is called. */
  hold: boolean;
  release(): void;
}

export function fakeSource(clock: Clock): FakeSource {
  let waiting: Array<() => void> = [];
  const source: FakeSource = {
    calls: [],
    lifetimeMs: 60 * MIN,
    hold: false,
    release() {
      const w = waiting;
      waiting = [];
      for (const r of w) r();
    },
    async credentials(role) {
      source.calls.push(role);
      if (source.hold) await new Promise<void>((r) => waiting.push(r));
      if (source.failWith !== undefined) throw source.failWith;
      return creds(clock, source.lifetimeMs, role.arn);
    },
  };
  return source;
}

/** Lets pending promise callbacks run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}
