/**
 * Context wiring of config.yaml into real AWS calls: `MaxRetry` caps the attempts of one
 * throttled or failing call, `MaxBackoff` caps one wait (docs/config.md), against the emulator
 * over real HTTP with every portal call failing.
 */
import assert from "node:assert/strict";
import { roleCredentials, selectRole } from "../../cli/services/creds.ts";
import { AwsApiError } from "../../lib/errors.ts";
import { type Emulator, startEmulator } from "../emulator/emulator.ts";
import { commandServices } from "../fakes/command_services.ts";
import { storeSignedInSession } from "../fakes/signed_in_session.ts";

/** A clock whose sleeps return at once and are recorded. */
function sleepRecorder() {
  const sleeps: number[] = [];
  let now = Date.now();
  return {
    sleeps,
    clock: {
      now: () => now,
      sleep: (ms: number) => {
        sleeps.push(ms);
        now += ms;
        return Promise.resolve();
      },
    },
  };
}

/** Asks the emulator (every portal call answering 500 or 503) for a role's credentials. */
async function failingFetch(emu: Emulator, settings: string) {
  const { sleeps, clock } = sleepRecorder();
  await using t = await commandServices({
    config:
      `SSOConfig:\n  Default:\n    SSORegion: ${emu.region}\n    StartUrl: ${emu.startUrl}\n` +
      settings,
    emulator: emu,
    clock,
  });
  await storeSignedInSession(emu, t.store, 3_600_000);
  const account = emu.accounts()[0]!;
  const role = await selectRole(t.services, {
    arn: `arn:aws:iam::${account.accountId}:role/${account.roles[0]}`,
  }, { allowPicker: false, useCache: false });
  emu.resetCounters();
  emu.setFaults({ serverErrorRate: 1 });
  try {
    await assert.rejects(roleCredentials(t.services, role), (e) => {
      assert.ok(e instanceof AwsApiError, String(e));
      assert.ok(e.status === 500 || e.status === 503, `status ${e.status}`);
      return true;
    });
  } finally {
    emu.setFaults({ serverErrorRate: 0 });
  }
  return { attempts: emu.counters["GetRoleCredentials"] ?? 0, sleeps };
}

Deno.test("MaxRetry in config.yaml is the number of attempts of a call AWS keeps failing", async () => {
  await using emu = await startEmulator({ accounts: 1, faultServices: ["portal"] });
  const three = await failingFetch(emu, "MaxRetry: 3\n");
  assert.equal(three.attempts, 3);
  assert.equal(three.sleeps.length, 2, "one wait between attempts");
  assert.equal((await failingFetch(emu, "MaxRetry: 1\n")).attempts, 1);
  // 0 means the default, as in the reference.
  assert.equal((await failingFetch(emu, "MaxRetry: 0\n")).attempts, 10);
});

Deno.test("MaxBackoff in config.yaml caps each wait between attempts", async () => {
  await using emu = await startEmulator({ accounts: 1, faultServices: ["portal"] });
  const capped = await failingFetch(emu, "MaxRetry: 12\nMaxBackoff: 1\n");
  assert.equal(capped.attempts, 12);
  assert.equal(capped.sleeps.length, 11);
  for (const ms of capped.sleeps) assert.ok(ms >= 0 && ms < 1000, `waited ${ms} ms`);
  // Without the cap (default 5 s, full jitter), waits of a second or more come: all 19 stay
  // under a second with a probability below 1 in 10^10.
  const uncapped = await failingFetch(emu, "MaxRetry: 20\n");
  assert.ok(uncapped.sleeps.some((ms) => ms >= 1000), `waits: ${uncapped.sleeps.join(", ")}`);
  for (const ms of uncapped.sleeps) assert.ok(ms < 5000, `waited ${ms} ms`);
});
