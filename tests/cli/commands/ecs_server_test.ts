import assert from "node:assert/strict";
import { ecsServerCommand, runEcsServer } from "../../../cli/commands/ecs_server.ts";
import type { App } from "../../../cli/program.ts";
import { refreshRoles } from "../../../cli/services/roles.ts";
import { AwsSsoError } from "../../../lib/errors.ts";
import { ECS_ADMIN_HEADER } from "../../../lib/ecs/bearer_token.ts";
import { type Emulator, startEmulator } from "../../emulator/emulator.ts";
import { type CommandServices, commandServices } from "../../fakes/command_services.ts";
import { storeSignedInSession } from "../../fakes/signed_in_session.ts";

const ADMIN_PROFILE = "production:AdministratorAccess";
const ADMIN_ARN = "arn:aws:iam::012345678901:role/AdministratorAccess";

function config(emu: Emulator): string {
  return `SSOConfig:\n  Default:\n    SSORegion: us-east-1\n    StartUrl: ${emu.startUrl}\n`;
}

/** Starts runEcsServer on 127.0.0.1:0; `stop()` aborts it and waits until it has stopped. */
async function startServer(
  t: CommandServices,
  input: {
    defaultProfile?: string;
    disableAuth?: boolean;
    docker?: boolean;
    securityFile?: string;
  },
) {
  const abort = new AbortController();
  let listening!: (url: string) => void;
  const url = new Promise<string>((resolve) => listening = resolve);
  const running = runEcsServer(
    { bindIp: "127.0.0.1", port: 0, signal: abort.signal, onListen: listening, ...input },
    t.services,
  );
  const base = await Promise.race([url, running.then(() => "")]);
  assert.notEqual(base, "", t.output.stderr);
  return {
    url: base,
    async stop() {
      abort.abort();
      await running;
    },
  };
}

async function get(url: string, headers: Record<string, string> = {}, method = "GET") {
  const res = await fetch(url, { method, headers });
  return { status: res.status, body: await res.text() };
}

Deno.test("runEcsServer() serves the default profile over HTTP to the bearer token only, and stops when its signal aborts", async () => {
  await using emu = await startEmulator();
  await using t = await commandServices({ config: config(emu), emulator: emu });
  await storeSignedInSession(emu, t.store, 3600_000);
  await refreshRoles(t.services);
  const server = await startServer(t, { defaultProfile: ADMIN_PROFILE });
  let stopped = false;
  try {
    const token = await t.store.getEcsBearerToken();
    assert.ok(token !== undefined && token.length >= 32, "a random token was created and stored");

    // No token, or a wrong one: nothing.
    assert.equal((await get(server.url)).status, 403);
    assert.equal((await get(server.url, { authorization: "Bearer wrong" })).status, 403);

    const ok = await get(server.url, { authorization: `Bearer ${token}` });
    assert.equal(ok.status, 200, ok.body);
    const creds = JSON.parse(ok.body);
    assert.equal(creds.RoleArn, ADMIN_ARN);
    assert.match(creds.AccessKeyId, /^ASIA/);
    assert.equal(emu.counters.GetRoleCredentials, 1);

    // The bearer token only reads: a container holding it cannot load or unload a slot.
    const put = await get(server.url, { authorization: `Bearer ${token}` }, "PUT");
    assert.equal(put.status, 403);
    const del = await get(server.url, {
      authorization: `Bearer ${token}`,
      [ECS_ADMIN_HEADER]: "guessed",
    }, "DELETE");
    assert.equal(del.status, 403);
    assert.equal((await get(server.url, { authorization: `Bearer ${token}` })).status, 200);

    await server.stop();
    stopped = true;
    await assert.rejects(fetch(server.url), "the port is closed");
    const err = t.output.stderr;
    assert.match(err, /Created a random bearer token/);
    assert.match(err, /HTTP Auth: enabled/);
    assert.match(err, new RegExp(`Loaded ${ADMIN_PROFILE} into the default slot`));
    assert.match(err, /ECS server stopped/);
    assert.ok(!err.includes(token), "the token is never logged");
    assert.ok(!err.includes(creds.SecretAccessKey));
    assert.equal(t.output.stdout, "");
  } finally {
    if (!stopped) await server.stop();
  }
});

Deno.test("runEcsServer() with disableAuth warns and serves without a token, but still keeps loading to the admin credential", async () => {
  await using emu = await startEmulator();
  await using t = await commandServices({ config: config(emu), emulator: emu });
  await storeSignedInSession(emu, t.store, 3600_000);
  await refreshRoles(t.services);
  const server = await startServer(t, { defaultProfile: ADMIN_PROFILE, disableAuth: true });
  try {
    const ok = await get(server.url);
    assert.equal(ok.status, 200, ok.body);
    assert.equal(JSON.parse(ok.body).RoleArn, ADMIN_ARN);
    assert.equal((await get(server.url, {}, "DELETE")).status, 403);
    assert.match(t.output.stderr, /HTTP Auth: DISABLED/);
    assert.equal(await t.store.getEcsBearerToken(), undefined, "no token was created");
  } finally {
    await server.stop();
  }
});

Deno.test("runEcsServer() on a port in use fails with a hint, before serving anything", async () => {
  await using t = await commandServices({
    config:
      "SSOConfig:\n  Default:\n    SSORegion: us-east-1\n    StartUrl: https://d-1.awsapps.com/start\n",
  });
  using busy = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  await assert.rejects(
    runEcsServer({ bindIp: "127.0.0.1", port: busy.addr.port }, t.services),
    (e) => {
      assert.ok(e instanceof AwsSsoError);
      assert.match(e.message, /the port is in use/);
      assert.match(e.hints.join("\n"), /--port/);
      return true;
    },
  );
});

Deno.test("runEcsServer() in docker mode takes its secrets from the security file, deletes it, and never opens the store", async () => {
  await using t = await commandServices();
  const dir = await Deno.makeTempDir();
  try {
    const file = `${dir}/security.json`;
    await Deno.writeTextFile(
      file,
      JSON.stringify({ bearerToken: "container-token-0123456789", adminToken: "admin-0123456789" }),
    );
    const server = await startServer(t, { docker: true, securityFile: file });
    try {
      await assert.rejects(Deno.stat(file), Deno.errors.NotFound);
      assert.equal((await get(server.url, { authorization: "Bearer wrong" })).status, 403);
      // The right token reads; nothing is loaded yet.
      const empty = await get(server.url, { authorization: "Bearer container-token-0123456789" });
      assert.notEqual(empty.status, 403);
      assert.notEqual(empty.status, 200);
      assert.deepEqual(await t.backend.keys(), [], "the store was not touched");
    } finally {
      await server.stop();
    }
    assert.ok(!t.output.stderr.includes("container-token-0123456789"));

    // Without the file (a container not started by `ecs docker start`): a clear error.
    await assert.rejects(
      runEcsServer({ bindIp: "127.0.0.1", port: 0, docker: true, securityFile: file }, t.services),
      /Cannot read the ECS security file/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("runEcsServer() refreshes a loaded slot by itself through the run's store and SSO token", async () => {
  // 20-minute credentials: due for a refresh as soon as they are loaded.
  await using emu = await startEmulator({ credentialLifetimeSec: 20 * 60 });
  await using t = await commandServices({ config: config(emu), emulator: emu });
  await storeSignedInSession(emu, t.store, 3600_000);
  await refreshRoles(t.services);
  const server = await startServer(t, { defaultProfile: ADMIN_PROFILE, disableAuth: true });
  try {
    const first = JSON.parse((await get(server.url)).body).AccessKeyId;
    let served = first;
    const deadline = Date.now() + 20_000;
    while (served === first && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      served = JSON.parse((await get(server.url)).body).AccessKeyId;
    }
    assert.notEqual(served, first, "the server replaced the credentials itself");
    assert.ok((emu.counters.GetRoleCredentials ?? 0) >= 2);
    assert.match(t.output.stderr, /Refreshed the credentials of the default slot/);
  } finally {
    await server.stop();
  }
});

Deno.test("ecs server checks --port and --bind-ip before creating anything", async () => {
  await using t = await commandServices();
  const app: App = { context: () => t.services, setExitCode: () => {} };
  const run = (args: string[]) =>
    ecsServerCommand(app).exitOverride().parseAsync(args, { from: "user" });
  await assert.rejects(run(["--port", "x"]), /invalid --port x/);
  await assert.rejects(run(["--port", "70000"]), /invalid --port 70000/);
  await assert.rejects(run(["--port", "0", "--bind-ip", "nowhere"]), /invalid --bind-ip "nowhere"/);
  assert.deepEqual(await t.backend.keys(), [], "no token or admin credential was created");
  assert.equal(t.output.stderr, "");
});
