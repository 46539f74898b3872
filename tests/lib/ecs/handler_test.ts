import assert from "node:assert/strict";
import { EcsHandler } from "../../../lib/ecs/handler.ts";
import { EcsSlots } from "../../../lib/ecs/slot_store.ts";
import { formatRfc3339Utc } from "../../../lib/time_format.ts";
import { ARN, creds, fakeClock, fakeSource, MIN, recordingLogger } from "./_fakes.ts";

const TOKEN = "s3cr3t-t0ken-for-tests";
const ADMIN = "adm1n-cr3dential-for-tests";
const AUTH = { authorization: `Bearer ${TOKEN}` };
/** What `ecs load|unload` send: the token and the admin credential. */
const WRITE = { ...AUTH, "x-aws-sso-admin": ADMIN };

function setup(
  options: { token?: string | null; admin?: string | null; loopbackOnly?: boolean } = {},
) {
  const clock = fakeClock();
  const logger = recordingLogger();
  const source = fakeSource(clock);
  const slots = new EcsSlots({ clock, logger, source });
  const handler = new EcsHandler({
    slots,
    token: options.token === null ? undefined : options.token ?? TOKEN,
    adminToken: options.admin === null ? undefined : options.admin ?? ADMIN,
    clock,
    logger,
    loopbackOnly: options.loopbackOnly,
  });
  const call = async (
    method: string,
    path: string,
    init: { headers?: Record<string, string>; body?: unknown; host?: string } = {},
  ) => {
    const body = init.body === undefined
      ? undefined
      : typeof init.body === "string"
      ? init.body
      : JSON.stringify(init.body);
    const res = await handler.handle(
      // Deno.serve builds the request URL from the Host header.
      new Request(`http://${init.host ?? "localhost:4144"}${path}`, {
        method,
        headers: init.headers,
        body,
      }),
      "127.0.0.1",
    );
    const text = await res.text();
    return {
      status: res.status,
      type: res.headers.get("content-type"),
      text,
      json: () => JSON.parse(text),
    };
  };
  return { clock, logger, source, slots, handler, call };
}

function loadBody(profile: string, c: ReturnType<typeof creds>) {
  return {
    ProfileName: profile,
    Creds: {
      roleName: c.roleName,
      accountId: Number(c.accountId),
      accessKeyId: c.accessKeyId,
      secretAccessKey: c.secretAccessKey,
      sessionToken: c.sessionToken,
      expiration: c.expiration,
      roleChaining: false,
    },
  };
}

Deno.test("EcsHandler answers 403 without the bearer token, with a wrong one, and with a bare token", async () => {
  const h = setup();
  const variants: Record<string, string>[] = [
    {},
    { authorization: "Bearer wrong" },
    { authorization: TOKEN },
    { authorization: `bearer ${TOKEN}` },
  ];
  for (const headers of variants) {
    const r = await h.call("GET", "/", { headers });
    assert.equal(r.status, 403, JSON.stringify(headers));
    assert.equal(r.text, '{"code":"403","message":"Invalid authorization token"}\n');
    assert.equal(r.type, "application/json; charset=utf-8");
  }
});

Deno.test("EcsHandler serves the default slot in the container-credentials shape", async () => {
  const h = setup();
  const c = creds(h.clock, 60 * MIN);
  assert.equal(
    (await h.call("PUT", "/", { headers: WRITE, body: loadBody("prod:Admin", c) })).text,
    '{"code":"200","message":"OK"}\n',
  );
  const r = await h.call("GET", "/", { headers: AUTH });
  assert.equal(r.status, 200);
  assert.equal(r.type, "application/json; charset=utf-8");
  assert.equal(
    r.text,
    JSON.stringify({
      AccessKeyId: c.accessKeyId,
      Expiration: formatRfc3339Utc(c.expiration),
      RoleArn: ARN,
      SecretAccessKey: c.secretAccessKey,
      Token: c.sessionToken,
    }) + "\n",
  );
});

Deno.test("EcsHandler works without a token when auth is disabled", async () => {
  const h = setup({ token: null });
  assert.equal(h.handler.authEnabled, false);
  const c = creds(h.clock, 60 * MIN);
  assert.equal(
    (await h.call("PUT", "/", { headers: { "x-aws-sso-admin": ADMIN }, body: loadBody("p", c) }))
      .status,
    200,
  );
  assert.equal((await h.call("GET", "/")).json().AccessKeyId, c.accessKeyId);
});

Deno.test("EcsHandler validates load bodies with the reference's messages", async () => {
  const h = setup();
  const c = creds(h.clock, 60 * MIN);
  const full = loadBody("p", c);
  const cases: Array<[unknown, string]> = [
    ["{not json", "parsing json: "],
    [{ Creds: full.Creds }, "missing ProfileName"],
    [{ ProfileName: "p" }, "missing Creds block"],
    [{ ...full, Creds: { ...full.Creds, roleName: "" } }, "missing roleName"],
    [{ ...full, Creds: { ...full.Creds, accessKeyId: undefined } }, "missing accessKeyId"],
    [{ ...full, Creds: { ...full.Creds, sessionToken: 5 } }, "missing sessionToken"],
    [{ ...full, Creds: { ...full.Creds, expiration: "soon" } }, "missing expiration"],
  ];
  for (const [body, text] of cases) {
    for (const path of ["/", "/slot/p"]) {
      const r = await h.call("PUT", path, { headers: WRITE, body });
      assert.equal(r.status, 500, `${path} ${JSON.stringify(body)}`);
      assert.ok(r.json().message.startsWith(text), r.text);
    }
  }
  assert.deepEqual(h.slots.peek(undefined), { status: "missing" });
});

Deno.test("EcsHandler refuses expired credentials: 404 on the default slot, 500 on a named one", async () => {
  const h = setup();
  const old = loadBody("p", creds(h.clock, -MIN));
  assert.equal(
    (await h.call("PUT", "/", { headers: WRITE, body: old })).text,
    '{"code":"404","message":"Credentials expired"}\n',
  );
  assert.equal((await h.call("PUT", "/slot/p", { headers: WRITE, body: old })).status, 500);
});

Deno.test("EcsHandler answers GET / after DELETE / with 404, and DELETE / on nothing with 404", async () => {
  const h = setup();
  await h.call("PUT", "/", { headers: WRITE, body: loadBody("p", creds(h.clock, 60 * MIN)) });
  assert.equal((await h.call("DELETE", "/", { headers: WRITE })).status, 200);
  const r = await h.call("GET", "/", { headers: AUTH });
  assert.equal(r.status, 404);
  assert.equal(r.json().message, "Credentials expired");
  assert.equal((await h.call("DELETE", "/", { headers: WRITE })).status, 404);
  assert.equal(
    (await h.call("POST", "/", { headers: WRITE })).text,
    '{"code":"400","message":"Bad request"}\n',
  );
  assert.equal(
    (await h.call("GET", "/other", { headers: AUTH })).json().message,
    "Credentials unavailable",
  );
});

Deno.test("EcsHandler reports the default slot's profile", async () => {
  const h = setup();
  assert.equal(
    (await h.call("GET", "/profile", { headers: AUTH })).json().message,
    "Credentials unavailable",
  );
  const c = creds(h.clock, 5 * 60 * MIN + 5 * MIN + 30_000);
  await h.call("PUT", "/", { headers: WRITE, body: loadBody("prod:Admin", c) });
  assert.deepEqual((await h.call("GET", "/profile", { headers: AUTH })).json(), {
    ProfileName: "prod:Admin",
    AccountId: "012345678901",
    RoleName: "Admin",
    Expiration: Math.floor(c.expiration / 1000),
    Expires: " 5h  5m",
  });
});

Deno.test("EcsHandler names a slot by the body's ProfileName and serves it under /slot/<name>", async () => {
  const h = setup();
  const a = creds(h.clock, 60 * MIN);
  const b = creds(h.clock, 60 * MIN, "arn:aws:iam::111111111111:role/Dev");
  await h.call("PUT", "/slot/ignored", { headers: WRITE, body: loadBody("prod:Admin", a) });
  await h.call("PUT", "/slot", { headers: WRITE, body: loadBody("dev/x:Dev", b) });
  assert.equal(
    (await h.call("GET", `/slot/${encodeURIComponent("prod:Admin")}`, { headers: AUTH })).json()
      .AccessKeyId,
    a.accessKeyId,
  );
  assert.equal(
    (await h.call("GET", `/slot/${encodeURIComponent("dev/x:Dev")}`, { headers: AUTH })).json()
      .RoleArn,
    "arn:aws:iam::111111111111:role/Dev",
  );
  assert.equal(
    (await h.call("GET", "/slot/ignored", { headers: AUTH })).json().message,
    "Credentials unavailable",
  );
  const list = (await h.call("GET", "/slot", { headers: AUTH })).json();
  assert.deepEqual(list.map((p: { ProfileName: string }) => p.ProfileName), [
    "dev/x:Dev",
    "prod:Admin",
  ]);
  assert.equal((await h.call("DELETE", "/slot/prod%3AAdmin", { headers: WRITE })).status, 200);
  assert.equal(
    (await h.call("DELETE", "/slot/prod%3AAdmin", { headers: WRITE })).json().message,
    "Credentials unavailable",
  );
});

Deno.test("EcsHandler deletes every named slot on DELETE /slot", async () => {
  const h = setup();
  for (const name of ["a", "b", "c"]) {
    await h.call("PUT", "/slot", {
      headers: WRITE,
      body: loadBody(name, creds(h.clock, 60 * MIN)),
    });
  }
  await h.call("PUT", "/", { headers: WRITE, body: loadBody("d", creds(h.clock, 60 * MIN)) });
  assert.equal((await h.call("DELETE", "/slot", { headers: WRITE })).status, 200);
  assert.deepEqual((await h.call("GET", "/slot", { headers: AUTH })).json(), []);
  assert.equal((await h.call("GET", "/", { headers: AUTH })).status, 200, "the default stays");
});

Deno.test("EcsHandler skips expired slots in the list and logs it", async () => {
  const h = setup();
  h.source.failWith = new Error("offline");
  await h.call("PUT", "/slot", { headers: WRITE, body: loadBody("old", creds(h.clock, 25 * MIN)) });
  await h.call("PUT", "/slot", { headers: WRITE, body: loadBody("new", creds(h.clock, 90 * MIN)) });
  h.clock.advance(30 * MIN);
  const list = (await h.call("GET", "/slot", { headers: AUTH })).json();
  assert.deepEqual(list.map((p: { ProfileName: string }) => p.ProfileName), ["new"]);
  assert.ok(h.logger.lines.some((l) => l.startsWith("ERROR Skipping a slot") && l.includes("old")));
});

Deno.test("EcsHandler's healthcheck needs no token and names no profile", async () => {
  const h = setup();
  let r = await h.call("GET", "/healthcheck");
  assert.equal(r.status, 503);
  assert.deepEqual(r.json(), { status: "no credentials loaded" });
  await h.call("PUT", "/", {
    headers: WRITE,
    body: loadBody("prod:Admin", creds(h.clock, 60 * MIN)),
  });
  r = await h.call("GET", "/healthcheck");
  assert.equal(r.status, 200);
  assert.equal(r.text, '{"status":"ok"}\n');
  assert.equal((await h.call("POST", "/healthcheck")).status, 400);
  assert.equal((await h.call("GET", "/healthcheck/other")).status, 400);
});

Deno.test("EcsHandler's per-slot healthcheck needs the token", async () => {
  const h = setup();
  assert.equal((await h.call("GET", "/healthcheck/slot/a")).status, 403);
  const r = await h.call("GET", "/healthcheck/slot/a", { headers: AUTH });
  assert.equal(r.status, 503);
  assert.deepEqual(r.json(), { status: "slot not found" });
  await h.call("PUT", "/slot", { headers: WRITE, body: loadBody("a", creds(h.clock, 60 * MIN)) });
  assert.equal((await h.call("GET", "/healthcheck/slot/a", { headers: AUTH })).status, 200);
});

Deno.test("EcsHandler answers requests for another host name with 403 when loopback-only", async () => {
  const h = setup({ loopbackOnly: true });
  await h.call("PUT", "/", { headers: WRITE, body: loadBody("p", creds(h.clock, 60 * MIN)) });
  for (const host of ["localhost:4144", "127.0.0.1:4144", "[::1]:4144", "localhost"]) {
    const r = await h.call("GET", "/", { headers: AUTH, host });
    assert.equal(r.status, 200, host);
  }
  for (
    const host of [
      "evil.example:4144",
      "127.0.0.1.evil.example",
      "[::2]:4144",
      "localhost.evil.example",
    ]
  ) {
    const r = await h.call("GET", "/", { headers: AUTH, host });
    assert.equal(r.status, 403, host);
    assert.equal(r.json().message, "Invalid host");
  }
});

Deno.test("EcsHandler refuses request bodies over 64 KiB", async () => {
  const h = setup();
  const r = await h.call("PUT", "/", { headers: WRITE, body: "x".repeat(70_000) });
  assert.equal(r.status, 413);
});

Deno.test("EcsHandler logs one access line per request and never a secret", async () => {
  const h = setup();
  const c = creds(h.clock, 60 * MIN);
  await h.call("PUT", "/", { headers: WRITE, body: loadBody("p", c) });
  await h.call("GET", "/", { headers: AUTH });
  const access = h.logger.lines.filter((l) => l.startsWith("INFO HTTP request"));
  assert.deepEqual(access.map((l) => l.replace(/ ms=\d+/, "")), [
    "INFO HTTP request remote=127.0.0.1 code=200 method=PUT url=/",
    "INFO HTTP request remote=127.0.0.1 code=200 method=GET url=/",
  ]);
  const all = h.logger.lines.join("\n");
  for (const s of [TOKEN, ADMIN, c.secretAccessKey, c.sessionToken]) assert.ok(!all.includes(s));
  assert.ok(h.logger.secrets.has(TOKEN));
  assert.ok(h.logger.secrets.has(ADMIN));
});

Deno.test("EcsHandler serves refreshed credentials once the slot nears expiry", async () => {
  const h = setup();
  const c = creds(h.clock, 60 * MIN);
  await h.call("PUT", "/", { headers: WRITE, body: loadBody("p", c) });
  h.clock.advance(46 * MIN); // 14 minutes left and no periodic refresh ran
  const r = (await h.call("GET", "/", { headers: AUTH })).json();
  assert.notEqual(r.AccessKeyId, c.accessKeyId);
  assert.equal(h.source.calls.length, 1);
  assert.equal(Date.parse(r.Expiration), h.clock.now() + 60 * MIN);
});

Deno.test("EcsHandler answers 200 concurrent requests with the same credentials", async () => {
  const h = setup();
  const c = creds(h.clock, 60 * MIN);
  await h.call("PUT", "/slot", { headers: WRITE, body: loadBody("p", c) });
  const results = await Promise.all(
    Array.from({ length: 200 }, () => h.call("GET", "/slot/p", { headers: AUTH })),
  );
  assert.ok(results.every((r) => r.status === 200));
  assert.deepEqual(new Set(results.map((r) => r.json().AccessKeyId)), new Set([c.accessKeyId]));
});

Deno.test("EcsHandler refuses every change made with the container token alone, whatever the method or path", async () => {
  const h = setup();
  const c = creds(h.clock, 19 * MIN, "arn:aws:iam::012345678901:role/OtherRole");
  const body = JSON.stringify(loadBody("made-up", c));
  const paths = ["/", "//", "/slot", "/slot/", "/slot/x", "/slot/x/", "/slot/made-up", "/other"];
  const methods = ["PUT", "DELETE", "POST", "PATCH", "patch", "put", "HEAD", "OPTIONS"];
  const wrongAdmins: Record<string, string>[] = [
    AUTH,
    { ...AUTH, "x-aws-sso-admin": "" },
    { ...AUTH, "x-aws-sso-admin": "wrong" },
    { ...AUTH, "x-aws-sso-admin": `${ADMIN}x` },
    { ...AUTH, "x-aws-sso-admin": ADMIN.slice(0, -1) },
    { ...AUTH, "X-AWS-SSO-ADMIN": ADMIN.toUpperCase() },
    { authorization: `Bearer ${ADMIN}` },
  ];
  for (const path of paths) {
    for (const method of methods) {
      for (const headers of wrongAdmins) {
        const withBody = method !== "HEAD";
        const r = await h.call(method, path, { headers, body: withBody ? body : undefined });
        assert.equal(r.status, 403, `${method} ${path} ${JSON.stringify(headers)}`);
      }
    }
  }
  // Nothing was loaded, so nothing is served and no role was ever asked for.
  assert.equal(h.slots.peek(undefined).status, "missing");
  assert.deepEqual(h.slots.named(), []);
  await h.slots.refreshDue();
  assert.deepEqual(h.source.calls, []);
  const denied = await h.call("PUT", "/", { headers: AUTH, body });
  assert.deepEqual(denied.json(), {
    code: "403",
    message: "Loading and unloading credentials need the aws-sso admin credential",
  });
});

Deno.test("EcsHandler keeps a loaded slot when the container token tries to unload or replace it", async () => {
  const h = setup();
  const loaded = creds(h.clock, 60 * MIN);
  assert.equal(
    (await h.call("PUT", "/", { headers: WRITE, body: loadBody("p", loaded) })).status,
    200,
  );
  assert.equal(
    (await h.call("PUT", "/slot", { headers: WRITE, body: loadBody("s", loaded) })).status,
    200,
  );
  const other = creds(h.clock, 19 * MIN, "arn:aws:iam::012345678901:role/OtherRole");
  for (const [method, path] of [["DELETE", "/"], ["DELETE", "/slot"], ["DELETE", "/slot/s"]]) {
    assert.equal((await h.call(method!, path!, { headers: AUTH })).status, 403);
  }
  for (const path of ["/", "/slot", "/slot/s"]) {
    const r = await h.call("PUT", path, { headers: AUTH, body: loadBody("s", other) });
    assert.equal(r.status, 403);
  }
  assert.equal(
    (await h.call("GET", "/", { headers: AUTH })).json().AccessKeyId,
    loaded.accessKeyId,
  );
  assert.equal(
    (await h.call("GET", "/slot/s", { headers: AUTH })).json().AccessKeyId,
    loaded.accessKeyId,
  );
  h.clock.advance(45 * MIN);
  await h.slots.refreshDue();
  assert.deepEqual(new Set(h.source.calls.map((c) => c.arn)), new Set([ARN]));
});

Deno.test("EcsHandler wants the admin credential for changes even with auth disabled, and refuses all changes without one", async () => {
  const open = setup({ token: null });
  const body = loadBody("p", creds(open.clock, 60 * MIN));
  assert.equal((await open.call("PUT", "/", { body })).status, 403);
  assert.equal((await open.call("DELETE", "/slot")).status, 403);
  assert.equal(
    (await open.call("PUT", "/", { headers: { "x-aws-sso-admin": ADMIN }, body })).status,
    200,
  );
  assert.equal((await open.call("GET", "/")).status, 200);

  const none = setup({ admin: null });
  for (const admin of ["", "anything", ADMIN]) {
    const r = await none.call("PUT", "/", { headers: { ...AUTH, "x-aws-sso-admin": admin }, body });
    assert.equal(r.status, 403, admin);
  }
  const empty = setup({ admin: "" });
  const r = await empty.call("PUT", "/", { headers: { ...AUTH, "x-aws-sso-admin": "" }, body });
  assert.equal(r.status, 403);
});

Deno.test("EcsHandler's admin credential does not replace the bearer token", async () => {
  const h = setup();
  const body = loadBody("p", creds(h.clock, 60 * MIN));
  const r = await h.call("PUT", "/", { headers: { "x-aws-sso-admin": ADMIN }, body });
  assert.equal(r.status, 403);
  assert.equal(r.json().message, "Invalid authorization token");
});
