import assert from "node:assert/strict";
import {
  EcsClient,
  EcsServerError,
  parseServerAddress,
  serverBaseUrl,
} from "../../../lib/ecs/ecs_client.ts";
import { EcsHandler } from "../../../lib/ecs/handler.ts";
import { EcsSlots } from "../../../lib/ecs/slot_store.ts";
import { AwsSsoError } from "../../../lib/errors.ts";
import { creds, MIN, recordingLogger } from "./_fakes.ts";

const TOKEN = "client-test-token-123";
const ADMIN = "client-test-admin-456";
const realClock = {
  now: () => Date.now(),
  sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, ms)),
};

Deno.test("parseServerAddress() accepts host:port forms and refuses the rest", () => {
  assert.deepEqual(parseServerAddress("localhost:4144"), { host: "localhost", port: 4144 });
  assert.deepEqual(parseServerAddress(" 127.0.0.1:80 "), { host: "127.0.0.1", port: 80 });
  assert.deepEqual(parseServerAddress("[::1]:4144"), { host: "::1", port: 4144 });
  for (
    const bad of [
      "localhost",
      ":4144",
      "localhost:0",
      "localhost:65536",
      "a b:1",
      "::1:4144",
      "http://localhost:4144",
      "-x:1",
    ]
  ) {
    assert.equal(parseServerAddress(bad), undefined, bad);
  }
});

Deno.test("serverBaseUrl() brackets IPv6 hosts and picks the scheme", () => {
  assert.equal(serverBaseUrl({ host: "::1", port: 4144 }, false), "http://[::1]:4144");
  assert.equal(serverBaseUrl({ host: "localhost", port: 443 }, true), "https://localhost:443");
});

async function withServer(
  token: string | undefined,
  fn: (baseUrl: string, slots: EcsSlots) => Promise<void>,
) {
  const logger = recordingLogger();
  const slots = new EcsSlots({ clock: realClock, logger });
  const handler = new EcsHandler({
    slots,
    token,
    adminToken: ADMIN,
    clock: realClock,
    logger,
    loopbackOnly: true,
  });
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    (req) => handler.handle(req),
  );
  try {
    await fn(`http://127.0.0.1:${server.addr.port}`, slots);
  } finally {
    await server.shutdown();
  }
}

Deno.test("EcsClient loads, lists, reports and unloads slots on a real server", async () => {
  await withServer(TOKEN, async (baseUrl, slots) => {
    const client = new EcsClient({ baseUrl, token: TOKEN, adminToken: ADMIN, fetch });
    assert.equal(await client.health(), 503);
    assert.equal(await client.profile(), undefined);
    const a = creds(realClock, 60 * MIN);
    const b = creds(realClock, 60 * MIN, "arn:aws:iam::111111111111:role/Dev");
    await client.load("prod:Admin", a, { slotted: false });
    await client.load("dev/x:Dev", b, { slotted: true });
    assert.equal(await client.health(), 200);
    assert.equal((await client.profile())?.ProfileName, "prod:Admin");
    const listed = await client.list();
    assert.deepEqual(listed.map((p) => [p.ProfileName, p.AccountId, p.RoleName]), [
      ["dev/x:Dev", "111111111111", "Dev"],
    ]);
    const inSlot = slots.peek("dev/x:Dev");
    assert.ok(inSlot.status === "ok" && inSlot.slot.creds.accessKeyId === b.accessKeyId);
    await client.unload("dev/x:Dev");
    await client.unload();
    assert.deepEqual(await client.list(), []);
    assert.equal(await client.profile(), undefined);
  });
});

Deno.test("EcsClient reports a wrong or missing token as an HTTP error with a hint", async () => {
  await withServer(TOKEN, async (baseUrl) => {
    for (const token of ["wrong-token-value", undefined]) {
      const client = new EcsClient({ baseUrl, token, fetch });
      await assert.rejects(client.list(), (e: unknown) => {
        assert.ok(e instanceof EcsServerError);
        assert.equal(e.status, 403);
        assert.equal(e.message, "ECS Server HTTP error: 403 (Invalid authorization token)");
        assert.match(e.hints[0] ?? "", /setup ecs auth/);
        return true;
      });
    }
  });
});

Deno.test("EcsClient without the right admin credential cannot load or unload, and says why", async () => {
  await withServer(TOKEN, async (baseUrl, slots) => {
    const a = creds(realClock, 60 * MIN);
    for (const adminToken of [undefined, "wrong-admin-value"]) {
      const client = new EcsClient({ baseUrl, token: TOKEN, adminToken, fetch });
      for (
        const attempt of [
          () => client.load("prod:Admin", a, { slotted: false }),
          () => client.load("prod:Admin", a, { slotted: true }),
          () => client.unload(),
          () => client.unload("prod:Admin"),
        ]
      ) {
        await assert.rejects(attempt(), (e: unknown) => {
          assert.ok(e instanceof EcsServerError);
          assert.equal(e.status, 403);
          assert.match(e.message, /need the aws-sso admin credential/);
          assert.match(e.hints[0] ?? "", adminToken === undefined ? /SecureStore/ : /restart it/);
          return true;
        });
      }
      // Reads need only the token.
      assert.deepEqual(await client.list(), []);
    }
    assert.equal(slots.peek(undefined).status, "missing");
    assert.deepEqual(slots.named(), []);
  });
});

Deno.test("EcsClient says when nothing listens at the address", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  const client = new EcsClient({ baseUrl: `http://127.0.0.1:${port}`, fetch });
  await assert.rejects(client.list(), (e: unknown) => {
    assert.ok(e instanceof AwsSsoError);
    assert.match(
      e.message,
      new RegExp(`^Cannot reach the ECS server at http://127.0.0.1:${port}: `),
    );
    assert.match(e.hints[0] ?? "", /aws-sso ecs server/);
    return true;
  });
});
