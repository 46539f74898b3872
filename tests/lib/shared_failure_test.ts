/** The failure record a lock holder leaves for its waiters (lib/shared_failure.ts). */
import assert from "node:assert/strict";
import { AwsApiError, NetworkError } from "../../lib/errors.ts";
import {
  failureRecordPath,
  SHARED_FAILURE_TTL_MS,
  SharedFailure,
} from "../../lib/shared_failure.ts";

function clockAt(start: number) {
  let now = start;
  return {
    now: () => now,
    sleep: () => Promise.resolve(),
    set(ms: number) {
      now = ms;
    },
  };
}

async function withDir(fn: (lockPath: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "shared-failure-" });
  try {
    await fn(`${dir}/locks/role-abc.lock`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("a recorded failure is read back with its message, status and hints until the TTL passes", async () => {
  await withDir(async (lock) => {
    const clock = clockAt(1_000_000);
    const record = new SharedFailure(lock, { clock });
    await record.record(
      new AwsApiError("GetRoleCredentials failed: InternalServerError", {
        code: "InternalServerError",
        status: 500,
      }, { hints: ["wait"] }),
    );
    assert.equal((await Deno.stat(failureRecordPath(lock))).mode! & 0o777, 0o600);
    clock.set(1_000_000 + 4_000);
    const e = await record.recent();
    assert.ok(e instanceof AwsApiError && !(e instanceof NetworkError));
    assert.equal(e.message, "GetRoleCredentials failed: InternalServerError");
    assert.equal(e.status, 500);
    assert.equal(e.code, "InternalServerError");
    assert.deepEqual(e.hints, [
      "wait",
      "another aws-sso process got this error 4 s ago; aws-sso will ask AWS again in 26 s",
    ]);
    // Re-recording a replayed error does not pile up the "another process" hint.
    await record.record(e);
    assert.equal((await record.recent())!.hints.length, 2);
    clock.set(clock.now() + SHARED_FAILURE_TTL_MS);
    assert.equal(await record.recent(), undefined);
  });
});

Deno.test("a network failure is replayed as a NetworkError", async () => {
  await withDir(async (lock) => {
    const record = new SharedFailure(lock, { clock: clockAt(5) });
    await record.record(new NetworkError("CreateToken failed: cannot reach http://x: refused"));
    assert.ok((await record.recent()) instanceof NetworkError);
  });
});

Deno.test("clear() removes the record, and a missing, torn, forged or future record is ignored", async () => {
  await withDir(async (lock) => {
    const clock = clockAt(10_000);
    const record = new SharedFailure(lock, { clock });
    assert.equal(await record.recent(), undefined);
    await record.record(new AwsApiError("x failed", { status: 503 }));
    await record.clear();
    assert.equal(await record.recent(), undefined);
    await record.clear(); // nothing there: no error
    const path = failureRecordPath(lock);
    for (
      const text of [
        '{"at": 10000, "mess',
        '{"at": "now", "message": "x", "hints": [], "network": false}',
        '{"at": 10000, "message": "", "hints": [], "network": false}',
        '{"at": 10000, "message": "x", "hints": [1], "network": false}',
        '{"at": 99999999, "message": "from the future", "hints": [], "network": false}',
      ]
    ) {
      await Deno.writeTextFile(path, text);
      assert.equal(await record.recent(), undefined, text);
    }
  });
});

Deno.test("failureRecordPath() sits next to the lock file", () => {
  assert.equal(failureRecordPath("/l/role-ab.lock"), "/l/role-ab.failure");
  assert.equal(failureRecordPath("/l/login-Default.lock"), "/l/login-Default.failure");
});
