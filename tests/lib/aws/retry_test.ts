/** The one retry policy of lib/aws/retry.ts: what is transient, the jitter, MaxRetry, MaxBackoff. */
import assert from "node:assert/strict";
import {
  backoff,
  isTransient,
  MAX_NETWORK_ATTEMPTS,
  type RetryDeps,
  retryPolicy,
  withRetries,
} from "../../../lib/aws/retry.ts";
import { AwsApiError, AwsSsoError, NetworkError } from "../../../lib/errors.ts";
import { RecordingLogger } from "../../fakes/recording_logger.ts";

/** Deps whose sleeps are recorded instead of waited. */
function recordingDeps(
  maxAttempts: number,
  maxBackoffMs: number,
  random: () => number = () => 0.999,
) {
  const sleeps: number[] = [];
  let throttles = 0;
  const deps: RetryDeps = {
    clock: {
      now: () => 0,
      sleep: (ms) => {
        sleeps.push(ms);
        return Promise.resolve();
      },
    },
    logger: new RecordingLogger(),
    retry: { maxAttempts, maxBackoffMs },
    random,
    onThrottle: () => throttles++,
  };
  return { deps, sleeps, throttles: () => throttles };
}

/** An attempt function that throws `error` every time and counts its calls. */
function failing(error: Error) {
  let calls = 0;
  return {
    attempt: () => {
      calls++;
      return Promise.reject(error);
    },
    calls: () => calls,
  };
}

Deno.test("isTransient() retries 429, 500/502/503/504, throttling codes and network errors only", () => {
  for (const status of [429, 500, 502, 503, 504]) {
    assert.ok(isTransient(new AwsApiError("x", { status })), `${status}`);
  }
  assert.ok(isTransient(new AwsApiError("x", { status: 400, code: "Throttling" })));
  assert.ok(isTransient(new AwsApiError("x", { status: 400, code: "TooManyRequestsException" })));
  assert.ok(isTransient(new NetworkError("cannot reach")));
  assert.ok(isTransient(new NetworkError("the response is larger than 16 MB", { status: 200 })));
  for (const status of [400, 401, 403, 404, 409, 501]) {
    assert.ok(!isTransient(new AwsApiError("x", { status, code: "AccessDenied" })), `${status}`);
  }
  assert.ok(!isTransient(new AwsApiError("not JSON", { status: 200 })));
  assert.ok(!isTransient(new AwsSsoError("x")));
  assert.ok(!isTransient(new TypeError("bug")));
});

Deno.test("backoff() is full jitter: within [0, min(MaxBackoff, base·2^(n-1))) for any random", () => {
  for (const r of [0, 0.25, 0.5, 0.999999]) {
    for (let n = 1; n <= 30; n++) {
      const ceiling = Math.min(5_000, 100 * 2 ** (n - 1));
      const d = backoff(n, 100, 5_000, () => r);
      assert.ok(d >= 0 && d < ceiling, `attempt ${n}, random ${r}: ${d}`);
      assert.equal(d, Math.floor(r * ceiling));
    }
  }
  assert.equal(backoff(1, 100, 5_000, () => 0), 0);
});

Deno.test("withRetries() makes MaxRetry attempts on a 5xx, sleeping within MaxBackoff, then throws the last error", async () => {
  const { deps, sleeps } = recordingDeps(6, 300);
  const error = new AwsApiError("GetRoleCredentials failed: InternalServerError", {
    status: 503,
  });
  const f = failing(error);
  await assert.rejects(withRetries(deps, "GetRoleCredentials", f.attempt), (e) => e === error);
  assert.equal(f.calls(), 6);
  assert.deepEqual(sleeps, [99, 199, 299, 299, 299]);
});

Deno.test("withRetries() stops at once on a 4xx other than 429", async () => {
  const { deps, sleeps } = recordingDeps(10, 1_000);
  const f = failing(new AwsApiError("ForbiddenException", { status: 403, code: "Forbidden" }));
  await assert.rejects(withRetries(deps, "op", f.attempt), /ForbiddenException/);
  assert.equal(f.calls(), 1);
  assert.deepEqual(sleeps, []);
});

Deno.test("withRetries() retries throttling and reports each throttled answer", async () => {
  const { deps, throttles } = recordingDeps(4, 1_000);
  let calls = 0;
  const result = await withRetries(deps, "op", () => {
    calls++;
    if (calls < 3) {
      return Promise.reject(new AwsApiError("slow down", { status: 400, code: "Throttling" }));
    }
    return Promise.resolve("done");
  });
  assert.equal(result, "done");
  assert.equal(calls, 3);
  assert.equal(throttles(), 2);
});

Deno.test("withRetries() gives up on network errors after MAX_NETWORK_ATTEMPTS even when MaxRetry is higher", async () => {
  const { deps } = recordingDeps(10, 1_000);
  const f = failing(new NetworkError("op failed: cannot reach http://x"));
  await assert.rejects(withRetries(deps, "op", f.attempt), /cannot reach/);
  assert.equal(f.calls(), MAX_NETWORK_ATTEMPTS);
});

Deno.test("withRetries() with MaxRetry 1 makes one attempt", async () => {
  const { deps, sleeps } = recordingDeps(1, 1_000);
  const f = failing(new AwsApiError("x", { status: 500 }));
  await assert.rejects(withRetries(deps, "op", f.attempt));
  assert.equal(f.calls(), 1);
  assert.deepEqual(sleeps, []);
});

Deno.test("withRetries() uses the injected random for its jitter", async () => {
  const { deps, sleeps } = recordingDeps(4, 10_000, () => 0.5);
  const f = failing(new AwsApiError("x", { status: 502 }));
  await assert.rejects(withRetries(deps, "op", f.attempt));
  assert.deepEqual(sleeps, [50, 100, 200]);
});

Deno.test("retryPolicy() reads MaxRetry as attempts and MaxBackoff as seconds; 0 or less means the default", () => {
  assert.deepEqual(retryPolicy(3, 1), { maxAttempts: 3, maxBackoffMs: 1000 });
  assert.deepEqual(retryPolicy(0, 0), { maxAttempts: 10, maxBackoffMs: 5000 });
  assert.deepEqual(retryPolicy(-2, -1), { maxAttempts: 10, maxBackoffMs: 5000 });
  assert.deepEqual(retryPolicy(), { maxAttempts: 10, maxBackoffMs: 5000 });
});
