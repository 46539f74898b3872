/**
 * Bounded network reads (issue 14 item 7), over real HTTP: a local server that answers with a
 * body over 16 MB, or a few bytes and then nothing, makes every AWS client fail with one clear
 * line after the retries the policy allows — never hang, never buffer without limit.
 */
import assert from "node:assert/strict";
import { getSigninToken } from "../../lib/aws/federation_client.ts";
import { awsJsonCall, type HttpDeps } from "../../lib/aws/json_client.ts";
import { MAX_NETWORK_ATTEMPTS } from "../../lib/aws/retry.ts";
import { StsClient } from "../../lib/aws/sts_client.ts";
import { EcsClient } from "../../lib/ecs/ecs_client.ts";
import { AwsSsoError, NetworkError } from "../../lib/errors.ts";
import { MAX_RESPONSE_BYTES, readResponseText } from "../../lib/http_body.ts";
import { RecordingLogger } from "../fakes/recording_logger.ts";

type Mode = "big-chunked" | "big-declared" | "stall" | "ok-chunked";

/** A loopback server that misbehaves as `mode` says and counts the requests it got. */
function misbehavingServer(mode: Mode) {
  let requests = 0;
  const stalled: ReadableStreamDefaultController<Uint8Array>[] = [];
  const chunk = new Uint8Array(1024 * 1024).fill(0x20);
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, () => {
    requests++;
    if (mode === "big-declared") {
      return new Response(new Uint8Array(MAX_RESPONSE_BYTES + 1).fill(0x20));
    }
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        if (mode === "stall") {
          controller.enqueue(new TextEncoder().encode('{"SigninToken": "ab'));
          stalled.push(controller);
        }
      },
      pull(controller) {
        if (mode === "stall") return;
        if (mode === "ok-chunked" && sent >= 3) {
          controller.enqueue(new TextEncoder().encode('{"SigninToken": "tok"}'));
          controller.close();
          return;
        }
        // 17 chunks of 1 MiB: over the limit; ok-chunked sends 3 MiB of spaces then JSON.
        if (sent >= 17) return controller.close();
        sent++;
        controller.enqueue(chunk);
      },
    });
    return new Response(body, { headers: { "content-type": "application/json" } });
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    requests: () => requests,
    async [Symbol.asyncDispose]() {
      for (const c of stalled) {
        try {
          c.close();
        } catch {
          // the client already went away
        }
      }
      await server.shutdown();
    },
  };
}

function deps(logger = new RecordingLogger()): HttpDeps {
  return {
    fetch,
    clock: { now: () => Date.now(), sleep: () => Promise.resolve() },
    logger,
    retry: { maxAttempts: 10, maxBackoffMs: 1 },
    readTimeoutMs: 200,
  };
}

const credentials = {
  accessKeyId: "ASIAEXAMPLEKEY123456",
  secretAccessKey: "secret+key/with=signs0123456789",
  sessionToken: "session+token/with=signs0123456789",
};

/** One call of each AWS client against `url`. */
const clients: Record<string, (url: string, d: HttpDeps) => Promise<unknown>> = {
  "REST-JSON (SSO portal, OIDC)": (url, d) =>
    awsJsonCall(d, { operation: "ListAccounts", method: "GET", url: `${url}/assignment/accounts` }),
  "STS": (url, d) =>
    new StsClient(d, "us-east-1", { overrides: { sts: url } }).getCallerIdentity(credentials),
  "federation": (url, d) =>
    getSigninToken(d, {
      federation: `${url}/federation`,
      credentials,
      durationMinutes: 60,
      chained: false,
    }),
};

async function failure(p: Promise<unknown>): Promise<Error> {
  return await p.then(() => assert.fail("no error"), (e: unknown) => e as Error);
}

const cases: { mode: Mode; message: RegExp }[] = [
  { mode: "big-chunked", message: /the response is larger than 16 MB \(from http:\/\/127/ },
  { mode: "big-declared", message: /the response is larger than 16 MB \(from http:\/\/127/ },
  { mode: "stall", message: /the response stalled: no data for 200 ms \(from http:\/\/127/ },
];

for (const [name, call] of Object.entries(clients)) {
  for (const c of cases) {
    Deno.test(`${name}: a ${c.mode} body is one transient error, retried, then reported`, async () => {
      await using server = misbehavingServer(c.mode);
      const logger = new RecordingLogger();
      const started = Date.now();
      const e = await failure(call(server.url, deps(logger)));
      assert.ok(e instanceof NetworkError, `${e}`);
      assert.match(e.message, c.message);
      assert.ok(!e.message.includes("\n"), e.message);
      assert.ok(!e.message.includes("secret") && !e.message.includes("session+token"), e.message);
      assert.equal(server.requests(), MAX_NETWORK_ATTEMPTS, "each attempt was retried");
      assert.ok(Date.now() - started < 10_000, "the client did not give up in time");
      assert.ok(!logger.lines.join("\n").includes("session+token"));
    });
  }
}

Deno.test("readResponseText() reads a chunked body under the limit in full", async () => {
  await using server = misbehavingServer("ok-chunked");
  const text = await readResponseText(await fetch(server.url), { readTimeoutMs: 5_000 });
  assert.equal(text.length, 3 * 1024 * 1024 + '{"SigninToken": "tok"}'.length);
  assert.equal(JSON.parse(text).SigninToken, "tok");
});

Deno.test("readResponseText() honours a smaller injected limit", async () => {
  await using server = misbehavingServer("ok-chunked");
  await assert.rejects(
    readResponseText(await fetch(server.url), { maxBytes: 1024 * 1024 }),
    (e) => e instanceof NetworkError && /larger than 1 MB/.test(e.message),
  );
});

Deno.test("EcsClient: a stalled answer from the ECS server is one clear error", async () => {
  await using server = misbehavingServer("stall");
  const client = new EcsClient({ baseUrl: server.url, fetch, bodyLimits: { readTimeoutMs: 200 } });
  const e = await failure(client.list());
  assert.ok(e instanceof AwsSsoError);
  assert.match(
    e.message,
    /^The ECS server at http:\/\/127\.0\.0\.1:\d+ sent a bad answer: the response stalled: no data for 200 ms$/,
  );
});
