/**
 * `aws-sso ecs` end to end: a real `ecs server` child process against the AWS emulator, read by
 * the AWS JS SDK's container provider and the AWS CLI v2, loaded by `ecs load`; bearer-token
 * auth, named slots, self-refresh, concurrency, TLS, SIGTERM; `setup ecs auth|ssl`; `ecs docker`
 * without a Docker engine.
 */
import assert from "node:assert/strict";
import { awsCliPresent, runAwsCli } from "../emulator/aws_cli.ts";
import { fileURLToPath } from "node:url";
import { GetRoleCredentialsCommand } from "@aws-sdk/client-sso";
import { GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import {
  dockerCreateArgs,
  ECS_CONTAINER_SECURITY_FILE,
  securityArchive,
} from "../../lib/ecs/docker_container.ts";
import { type Emulator, startEmulator } from "../emulator/emulator.ts";
import { ssoClient, stsClient } from "../emulator/_sdk_clients.ts";
import { cli, CONFIG_DIR, credsSession, E2E } from "./_creds_session.ts";
import { baseEnv, runCli, tempHome } from "./run_cli.ts";

const MAIN = fileURLToPath(new URL("../../main.ts", import.meta.url));
const DENO_JSON = fileURLToPath(new URL("../../deno.json", import.meta.url));
const TESTDATA = fileURLToPath(new URL("../testdata/ecs/", import.meta.url));
const ADMIN_PROFILE = "production:AdministratorAccess";
const READONLY_PROFILE = "production:ReadOnlyAccess";

/** A running `aws-sso ecs server`. */
interface Server {
  /** `http(s)://127.0.0.1:<port>`. */
  url: string;
  port: number;
  /** Everything it wrote to stderr so far. */
  stderr(): string;
  /** Sends `signal` and waits for the exit. */
  stop(signal?: Deno.Signal): Promise<{ code: number; stdout: string; stderr: string }>;
}

async function startServer(
  home: string,
  emu: Emulator,
  args: string[] = [],
  env: Record<string, string> = {},
  command = ["ecs", "server", "--port", "0"],
): Promise<Server> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", MAIN, ...command, ...args],
    env: { ...baseEnv(home), ...emu.env, ...env },
    clearEnv: true,
    cwd: home,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let err = "";
  let out = "";
  const pumps = [
    (async () => {
      for await (const chunk of child.stderr.pipeThrough(new TextDecoderStream())) err += chunk;
    })(),
    (async () => {
      for await (const chunk of child.stdout.pipeThrough(new TextDecoderStream())) out += chunk;
    })(),
  ];
  const stop = async (signal: Deno.Signal = "SIGTERM") => {
    try {
      child.kill(signal);
    } catch {
      // Already gone.
    }
    const status = await child.status;
    await Promise.all(pumps);
    return { code: status.code, stdout: out, stderr: err };
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    const m = /ECS server listening on (https?):\/\/(?:127\.0\.0\.1|0\.0\.0\.0):(\d+)\//.exec(err);
    if (m !== null) {
      const port = Number(m[2]);
      return { url: `${m[1]}://127.0.0.1:${port}`, port, stderr: () => err, stop };
    }
    if (Date.now() > deadline) {
      const r = await stop("SIGKILL");
      throw new Error(`the server did not start:\n${r.stderr}`);
    }
    const exited = await Promise.race([
      child.status.then(() => true),
      new Promise<false>((r) => setTimeout(() => r(false), 50)),
    ]);
    if (exited) {
      const r = await stop();
      throw new Error(`the server exited with ${r.code}:\n${r.stderr}`);
    }
  }
}

/** A signed-in session whose role cache is filled, so profile names resolve. */
async function cachedSession(emu: Emulator): Promise<string> {
  const home = await credsSession(emu);
  const r = await cli(home, emu, ["cache"]);
  assert.equal(r.code, 0, r.stderr);
  return home;
}

async function storedToken(home: string, emu: Emulator): Promise<string> {
  const r = await cli(home, emu, ["setup", "ecs", "auth"]);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout.trim();
}

/** The admin credential the CLI keeps in the test's json store (never printed by a command). */
async function storedAdmin(home: string): Promise<string> {
  const doc = JSON.parse(await Deno.readTextFile(`${home}/${CONFIG_DIR}/store.json`));
  const admin = doc.Other?.["ecs-admin-token"];
  assert.equal(typeof admin, "string", "the admin credential is in the SecureStore");
  return admin;
}

/** The header `ecs load|unload` send the admin credential in. */
const ADMIN_HEADER = "x-aws-sso-admin";

/** No control characters but newline and tab (no ESC, CR, C1...): what a terminal may see. */
// deno-lint-ignore no-control-regex
const RAW_CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/;

async function request(
  url: string,
  init: RequestInit & { token?: string } = {},
): Promise<{ status: number; body: string }> {
  const headers = new Headers(init.headers);
  if (init.token !== undefined) headers.set("authorization", `Bearer ${init.token}`);
  const res = await fetch(url, { ...init, headers });
  return { status: res.status, body: await res.text() };
}

/** Runs a script with the AWS JS SDK's container provider and the emulator's STS. */
async function sdkIdentity(
  emu: Emulator,
  env: Record<string, string>,
): Promise<{ arn: string; accessKeyId: string }> {
  const script = `
    import { fromHttp } from "@aws-sdk/credential-providers";
    import { STSClient, GetCallerIdentityCommand } from "@aws-sdk/client-sts";
    const credentials = fromHttp({});
    const creds = await credentials();
    const sts = new STSClient({ region: "us-east-1", endpoint: Deno.env.get("STS"), credentials });
    const id = await sts.send(new GetCallerIdentityCommand({}));
    console.log(JSON.stringify({ arn: id.Arn, accessKeyId: creds.accessKeyId }));
    sts.destroy();
  `;
  const home = await Deno.makeTempDir({ prefix: "aws-sso-ecs-sdk-" });
  try {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["eval", "--config", DENO_JSON, "--ext=ts", script],
      clearEnv: true,
      env: {
        PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
        HOME: home,
        DENO_DIR: baseEnv(home).DENO_DIR!,
        AWS_CONFIG_FILE: `${home}/config`,
        AWS_SHARED_CREDENTIALS_FILE: `${home}/credentials`,
        AWS_EC2_METADATA_DISABLED: "true",
        STS: emu.env.AWS_ENDPOINT_URL_STS!,
        ...env,
      },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(out.stderr);
    assert.equal(out.code, 0, stderr);
    return JSON.parse(new TextDecoder().decode(out.stdout));
  } finally {
    await Deno.remove(home, { recursive: true });
  }
}

async function awsCliIdentity(
  emu: Emulator,
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const home = await Deno.makeTempDir({ prefix: "aws-sso-ecs-awscli-" });
  try {
    return await runAwsCli(emu, home, ["sts", "get-caller-identity"], env);
  } finally {
    await Deno.remove(home, { recursive: true });
  }
}

function portIsFree(port: number): boolean {
  try {
    const l = Deno.listen({ hostname: "127.0.0.1", port });
    l.close();
    return true;
  } catch {
    return false;
  }
}

Deno.test({
  name:
    "ecs server serves roles loaded by ecs load to the AWS JS SDK and CLI, only with the bearer token",
  ...E2E,
  async fn() {
    await using emu = await startEmulator();
    const home = await cachedSession(emu);
    const server = await startServer(home, emu);
    try {
      assert.match(server.stderr(), /Created a random bearer token for the ECS server/);
      assert.match(server.stderr(), /HTTP Auth: enabled/);
      const token = await storedToken(home, emu);
      assert.match(token, /^[A-Za-z0-9_-]{43}$/);
      const env = { AWS_SSO_ECS_SERVER: `127.0.0.1:${server.port}` };

      let r = await cli(home, emu, ["ecs", "load", "--profile", ADMIN_PROFILE], env);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, "");
      r = await cli(home, emu, ["ecs", "load", "-p", READONLY_PROFILE, "--slotted"], env);
      assert.equal(r.code, 0, r.stderr);

      r = await cli(home, emu, ["ecs", "profile"], env);
      assert.equal(r.code, 0, r.stderr);
      const [head, rule, row] = r.stdout.split("\n");
      assert.match(head ?? "", /^ProfileName +\| AccountIdPad +\| RoleName +\| Expires/);
      assert.match(rule ?? "", /^=+$/);
      assert.match(
        row ?? "",
        /^production:AdministratorAccess \| 012345678901 \| AdministratorAccess \| +\d+m/,
      );
      r = await cli(home, emu, ["ecs", "list"], env);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /\nproduction:ReadOnlyAccess \| 012345678901 \| ReadOnlyAccess \| /);
      assert.ok(!r.stdout.includes(ADMIN_PROFILE), "the default slot is not a named slot");

      // Missing and wrong tokens.
      assert.equal((await request(`${server.url}/`)).status, 403);
      assert.equal((await request(`${server.url}/`, { token: "wrong" })).status, 403);
      assert.equal((await request(`${server.url}/slot`, { token: `${token}x` })).status, 403);

      // The AWS JS SDK's container provider, then STS with what it got.
      const sdk = await sdkIdentity(emu, {
        AWS_CONTAINER_CREDENTIALS_FULL_URI: `${server.url}/`,
        AWS_CONTAINER_AUTHORIZATION_TOKEN: `Bearer ${token}`,
      });
      assert.match(
        sdk.arn,
        /^arn:aws:sts::012345678901:assumed-role\/AWSReservedSSO_AdministratorAccess_/,
      );
      const slotted = await sdkIdentity(emu, {
        AWS_CONTAINER_CREDENTIALS_FULL_URI: `${server.url}/slot/${
          encodeURIComponent(READONLY_PROFILE)
        }`,
        AWS_CONTAINER_AUTHORIZATION_TOKEN: `Bearer ${token}`,
      });
      assert.match(slotted.arn, /assumed-role\/AWSReservedSSO_ReadOnlyAccess_/);

      // The AWS CLI v2.
      if (awsCliPresent()) {
        const ok = await awsCliIdentity(emu, {
          AWS_CONTAINER_CREDENTIALS_FULL_URI: `${server.url}/`,
          AWS_CONTAINER_AUTHORIZATION_TOKEN: `Bearer ${token}`,
        });
        assert.equal(ok.code, 0, ok.stderr);
        assert.match(JSON.parse(ok.stdout).Arn, /AWSReservedSSO_AdministratorAccess_/);
        const denied = await awsCliIdentity(emu, {
          AWS_CONTAINER_CREDENTIALS_FULL_URI: `${server.url}/`,
          AWS_CONTAINER_AUTHORIZATION_TOKEN: "Bearer wrong",
        });
        assert.notEqual(denied.code, 0);
      }

      // 200 requests at once: all answered, all with the same credentials.
      const answers = await Promise.all(
        Array.from({ length: 200 }, () => request(`${server.url}/`, { token })),
      );
      assert.deepEqual(new Set(answers.map((a) => a.status)), new Set([200]));
      const keys = new Set(answers.map((a) => JSON.parse(a.body).AccessKeyId));
      assert.deepEqual(keys, new Set([sdk.accessKeyId]));

      // The container token only reads: DELETE /slot is refused and the slot stays.
      assert.equal((await request(`${server.url}/slot`, { method: "DELETE", token })).status, 403);
      assert.equal(JSON.parse((await request(`${server.url}/slot`, { token })).body).length, 1);
      // With the admin credential, DELETE /slot empties every named slot; GET / after
      // DELETE / is a 404, not a crash.
      const admin = await storedAdmin(home);
      assert.notEqual(admin, token);
      assert.equal(
        (await request(`${server.url}/slot`, {
          method: "DELETE",
          token,
          headers: { [ADMIN_HEADER]: admin },
        })).status,
        200,
      );
      assert.equal((await request(`${server.url}/slot`, { token })).body, "[]\n");
      r = await cli(home, emu, ["ecs", "list"], env);
      assert.equal(r.stdout, "No profiles are stored in any named slots.\n");
      r = await cli(home, emu, ["ecs", "unload"], env);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(await request(`${server.url}/`, { token }), {
        status: 404,
        body: '{"code":"404","message":"Credentials expired"}\n',
      });
      assert.deepEqual(await request(`${server.url}/healthcheck`), {
        status: 503,
        body: '{"status":"no credentials loaded"}\n',
      });
      r = await cli(home, emu, ["ecs", "profile"], env);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /no profile loaded in ECS Server/);

      const stopped = await server.stop("SIGTERM");
      assert.equal(stopped.code, 0, stopped.stderr);
      assert.equal(stopped.stdout, "");
      assert.match(stopped.stderr, /ECS server stopped/);
      assert.ok(portIsFree(server.port), "the port is released");
      for (const secret of [token, admin, ...emu.issuedSecrets()]) {
        assert.ok(!stopped.stderr.includes(secret), "no secret in the server's log");
      }
    } finally {
      await server.stop("SIGKILL");
      await Deno.remove(home, { recursive: true });
    }
  },
});

Deno.test({
  name: "ecs server refreshes a slot by itself when AWS hands out short-lived credentials",
  ...E2E,
  async fn() {
    await using emu = await startEmulator({ credentialLifetimeSec: 20 * 60 });
    const home = await credsSession(emu);
    const server = await startServer(home, emu, ["--disable-auth"]);
    try {
      assert.match(server.stderr(), /WARN HTTP Auth: DISABLED/);
      // Load 20-minute credentials the way any client would, then do nothing.
      const { accessToken } = emu.issueToken();
      using sso = ssoClient(emu);
      const got = await sso.send(
        new GetRoleCredentialsCommand({
          accessToken,
          accountId: "012345678901",
          roleName: "AdministratorAccess",
        }),
      );
      const c = got.roleCredentials!;
      const before = emu.counters.GetRoleCredentials ?? 0;
      // Auth is off, but loading still needs the admin credential ecs load would send.
      const put = await request(`${server.url}/`, {
        method: "PUT",
        headers: { [ADMIN_HEADER]: await storedAdmin(home) },
        body: JSON.stringify({
          ProfileName: ADMIN_PROFILE,
          Creds: {
            roleName: "AdministratorAccess",
            accountId: 12345678901,
            accessKeyId: c.accessKeyId,
            secretAccessKey: c.secretAccessKey,
            sessionToken: c.sessionToken,
            expiration: c.expiration,
            roleChaining: false,
          },
        }),
      });
      assert.equal(put.status, 200, put.body);

      let served = "";
      const deadline = Date.now() + 20_000;
      while (Date.now() < deadline) {
        const r = await request(`${server.url}/`);
        assert.equal(r.status, 200, r.body);
        served = JSON.parse(r.body).AccessKeyId;
        if (served !== c.accessKeyId) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      assert.notEqual(served, c.accessKeyId, "the server replaced the credentials itself");
      assert.ok((emu.counters.GetRoleCredentials ?? 0) > before);
      assert.match(server.stderr(), /INFO Refreshed the credentials of the default slot/);

      const fresh = JSON.parse((await request(`${server.url}/`)).body);
      using sts = stsClient(emu, {
        accessKeyId: fresh.AccessKeyId,
        secretAccessKey: fresh.SecretAccessKey,
        sessionToken: fresh.Token,
      });
      const id = await sts.send(new GetCallerIdentityCommand({}));
      assert.match(id.Arn ?? "", /AWSReservedSSO_AdministratorAccess_/);

      // Without a config file there is no SecureStore and so no admin credential: `ecs unload`
      // says so (the reference crashes there) and the slot stays; with it, unload works.
      const bare = await tempHome();
      try {
        const r = await runCli(["ecs", "unload", "--server", `localhost:${server.port}`], {
          home: bare,
        });
        assert.equal(r.code, 1, r.stderr);
        assert.match(r.stderr, /Cannot load or unload ECS credentials without a config file/);
        assert.equal((await request(`${server.url}/`)).status, 200);
      } finally {
        await Deno.remove(bare, { recursive: true });
      }
      const unloaded = await cli(home, emu, [
        "ecs",
        "unload",
        "--server",
        `localhost:${server.port}`,
      ]);
      assert.equal(unloaded.code, 0, unloaded.stderr);
      assert.equal((await request(`${server.url}/`)).status, 404);
      assert.equal((await server.stop("SIGINT")).code, 0);
    } finally {
      await server.stop("SIGKILL");
      await Deno.remove(home, { recursive: true });
    }
  },
});

Deno.test({
  name:
    "ecs server --default serves https with the stored certificate, and the ecs clients trust it",
  ...E2E,
  async fn() {
    await using emu = await startEmulator();
    const home = await cachedSession(emu);
    const cert = `${TESTDATA}localhost_cert.pem`;
    const key = `${TESTDATA}localhost_key.pem`;
    let r = await cli(home, emu, ["setup", "ecs", "ssl", "-c", cert, "-k", key, "--force"]);
    assert.equal(r.code, 0, r.stderr);
    const server = await startServer(home, emu, ["--default", ADMIN_PROFILE]);
    try {
      assert.ok(server.url.startsWith("https://"));
      assert.match(server.stderr(), /SSL\/TLS: enabled/);
      r = await cli(home, emu, ["ecs", "profile", "--server", `localhost:${server.port}`]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /\nproduction:AdministratorAccess \| /);
      const token = await storedToken(home, emu);
      const client = Deno.createHttpClient({ caCerts: [await Deno.readTextFile(cert)] });
      try {
        const res = await fetch(`https://localhost:${server.port}/`, {
          client,
          headers: { authorization: `Bearer ${token}` },
        });
        assert.equal(res.status, 200);
        assert.match((await res.json()).RoleArn, /:role\/AdministratorAccess$/);
      } finally {
        client.close();
      }
      assert.equal((await server.stop("SIGTERM")).code, 0);
    } finally {
      await server.stop("SIGKILL");
      await Deno.remove(home, { recursive: true });
    }
  },
});

Deno.test({
  name: "setup ecs auth shows, sets from stdin, refuses bad tokens, rotates and deletes",
  ...E2E,
  async fn() {
    await using emu = await startEmulator();
    const home = await credsSession(emu);
    try {
      let r = await cli(home, emu, ["setup", "ecs", "auth"]);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /no ECS bearer token is stored/);

      r = await runCli(["setup", "ecs", "auth", "--bearer-token", "-"], {
        home,
        env: emu.env,
        stdin: "my-chosen-token-123\n",
      });
      assert.equal(r.code, 0, r.stderr);
      assert.ok(!r.stderr.includes("my-chosen-token-123"));
      assert.equal(await storedToken(home, emu), "my-chosen-token-123");
      const store = await Deno.readTextFile(`${home}/${CONFIG_DIR}/store.json`);
      assert.ok(store.includes("my-chosen-token-123"), "kept in the configured SecureStore");

      r = await cli(home, emu, ["setup", "ecs", "auth", "-t", "Bearer abc"]);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /token should not start with 'Bearer '/);
      r = await runCli(["setup", "ecs", "auth", "-t", "-"], { home, env: emu.env, stdin: "" });
      assert.equal(r.code, 2);
      assert.match(r.stderr, /no bearer token provided/);
      r = await cli(home, emu, ["setup", "ecs", "auth", "-t", "on-argv-token"]);
      assert.equal(r.code, 0);
      assert.match(r.stderr, /visible to other processes/);
      assert.ok(!r.stderr.includes("on-argv-token"));

      r = await cli(home, emu, ["setup", "ecs", "auth", "--rotate"]);
      assert.equal(r.code, 0, r.stderr);
      const rotated = await storedToken(home, emu);
      assert.match(rotated, /^[A-Za-z0-9_-]{43}$/);
      // --rotate also replaces the admin credential, and never prints either.
      const admin = await storedAdmin(home);
      assert.match(admin, /^[A-Za-z0-9_-]{43}$/);
      assert.notEqual(admin, rotated);
      assert.ok(!r.stdout.includes(admin) && !r.stderr.includes(admin));
      assert.ok(!r.stdout.includes(rotated) && !r.stderr.includes(rotated));
      r = await cli(home, emu, ["setup", "ecs", "auth", "--rotate"]);
      assert.equal(r.code, 0, r.stderr);
      assert.notEqual(await storedAdmin(home), admin);
      assert.equal((await cli(home, emu, ["setup", "ecs", "auth"])).stdout.includes(admin), false);

      r = await cli(home, emu, ["setup", "ecs", "auth", "--delete", "--rotate"]);
      assert.equal(r.code, 2);
      r = await cli(home, emu, ["setup", "ecs", "auth", "--delete"]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal((await cli(home, emu, ["setup", "ecs", "auth"])).code, 1);
      const doc = JSON.parse(await Deno.readTextFile(`${home}/${CONFIG_DIR}/store.json`));
      assert.equal(
        doc.Other?.["ecs-admin-token"],
        undefined,
        "--delete drops the admin credential",
      );
    } finally {
      await Deno.remove(home, { recursive: true });
    }
  },
});

Deno.test({
  name: "setup ecs ssl wants --force, checks the PEM files, prints and deletes",
  ...E2E,
  async fn() {
    await using emu = await startEmulator();
    const home = await credsSession(emu);
    const cert = `${TESTDATA}localhost_cert.pem`;
    const key = `${TESTDATA}localhost_key.pem`;
    try {
      let r = await cli(home, emu, ["setup", "ecs", "ssl", "-c", cert, "-k", key]);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /WARN TLS for the ECS server is experimental/);
      assert.match(r.stderr, /Use `--force` to continue anyways\./);

      r = await cli(home, emu, ["setup", "ecs", "ssl", "-c", key, "--force"]);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /is not a usable certificate: expected only CERTIFICATE blocks/);
      r = await cli(home, emu, [
        "setup",
        "ecs",
        "ssl",
        "-c",
        cert,
        "-k",
        `${TESTDATA}other_key.pem`,
        "--force",
      ]);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /the key does not belong to the certificate/);
      r = await cli(home, emu, [
        "setup",
        "ecs",
        "ssl",
        "-c",
        cert,
        "-k",
        `${TESTDATA}rsa_pkcs1_key.pem`,
        "--force",
      ]);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /expected a PKCS#8 key/);

      r = await cli(home, emu, ["setup", "ecs", "ssl", "--print"]);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /no certificate found/);
      r = await cli(home, emu, ["setup", "ecs", "ssl", "-c", cert, "-k", key, "--force"]);
      assert.equal(r.code, 0, r.stderr);
      r = await cli(home, emu, ["setup", "ecs", "ssl", "-p"]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, await Deno.readTextFile(cert));
      r = await cli(home, emu, ["setup", "ecs", "ssl", "--delete"]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal((await cli(home, emu, ["setup", "ecs", "ssl", "-p"])).code, 1);
      r = await cli(home, emu, ["setup", "ecs", "ssl"]);
      assert.equal(r.code, 2);
    } finally {
      await Deno.remove(home, { recursive: true });
    }
  },
});

Deno.test({
  name: "ecs docker start explains that the Docker CLI is missing or its engine is not running",
  ...E2E,
  async fn() {
    const home = await tempHome();
    try {
      const empty = await Deno.makeTempDir({ prefix: "aws-sso-ecs-path-" });
      let r = await runCli(["ecs", "docker", "start"], { home, env: { PATH: empty } });
      await Deno.remove(empty);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /Cannot run docker: the Docker CLI is not installed or not on PATH/);
      assert.match(
        r.stderr,
        /hint: install Docker, or run the server without it: aws-sso ecs server/,
      );

      const hasDocker = new Deno.Command("sh", { args: ["-c", "command -v docker"] }).outputSync()
        .success;
      if (hasDocker) {
        // These machines have the Docker client but no engine; point it at an empty socket so
        // the test means the same thing where an engine runs.
        const sock = `unix://${home}/no-docker.sock`;
        r = await runCli(["ecs", "docker", "start"], { home, env: { DOCKER_HOST: sock } });
        assert.equal(r.code, 1);
        assert.match(
          r.stderr,
          /The Docker engine is not running or cannot be reached \(docker info: /,
        );
        assert.match(r.stderr, /hint: start Docker/);
        r = await runCli(["ecs", "docker", "stop"], { home, env: { DOCKER_HOST: sock } });
        assert.equal(r.code, 1);
        assert.match(r.stderr, /The Docker engine is not running/);
      }
    } finally {
      await Deno.remove(home, { recursive: true });
    }
  },
});

Deno.test({
  name: "ecs clients refuse an invalid server address and explain when no server listens",
  ...E2E,
  async fn() {
    await using emu = await startEmulator();
    const home = await credsSession(emu);
    try {
      let r = await cli(home, emu, ["ecs", "list", "--server", "localhost"]);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /invalid --server address: localhost/);
      r = await cli(home, emu, ["ecs", "list"], { AWS_SSO_ECS_SERVER: "nope:99999" });
      assert.equal(r.code, 2);
      assert.match(r.stderr, /invalid AWS_SSO_ECS_SERVER address: nope:99999/);

      const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
      const port = (l.addr as Deno.NetAddr).port;
      l.close();
      r = await cli(home, emu, ["ecs", "list", "--server", `127.0.0.1:${port}`]);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /Cannot reach the ECS server at http:\/\/127\.0\.0\.1:\d+/);
      assert.match(r.stderr, /hint: start it with "aws-sso ecs server"/);
    } finally {
      await Deno.remove(home, { recursive: true });
    }
  },
});

/** Sends one raw HTTP/1.1 request (any method spelling, any bytes) and returns the status. */
async function rawRequest(port: number, head: string, body = ""): Promise<number> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    const bytes = new TextEncoder().encode(body);
    await conn.write(
      new TextEncoder().encode(
        `${head}\r\nHost: 127.0.0.1:${port}\r\nContent-Length: ${bytes.length}\r\n` +
          "Connection: close\r\n\r\n",
      ),
    );
    await conn.write(bytes);
    let text = "";
    const buf = new Uint8Array(4096);
    for (;;) {
      const n = await conn.read(buf);
      if (n === null) break;
      text += new TextDecoder().decode(buf.subarray(0, n));
      if (text.includes("\r\n")) break;
    }
    return Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? "0");
  } finally {
    conn.close();
  }
}

/** A load body with made-up credentials for `roleName`, due for a refresh at once. */
function forgedLoad(profile: string, roleName: string): string {
  return JSON.stringify({
    ProfileName: profile,
    Creds: {
      roleName,
      accountId: 12345678901,
      accessKeyId: "ASIAFORGEDFORGED0000",
      secretAccessKey: "forged-secret-access-key-value",
      sessionToken: "forged-session-token-value",
      expiration: Date.now() + 19 * 60_000,
      roleChaining: false,
    },
  });
}

Deno.test({
  name:
    "a container holding the bearer token cannot load, replace or unload, and the server never fetches a role it named",
  ...E2E,
  async fn() {
    // 20-minute credentials: a slot loaded with them is refreshed by the server at once.
    await using emu = await startEmulator({ credentialLifetimeSec: 20 * 60 });
    const home = await cachedSession(emu);
    const server = await startServer(home, emu);
    const target = "GetRoleCredentials:012345678901/ReadOnlyAccess";
    try {
      const token = await storedToken(home, emu);
      const forged = forgedLoad("forged", "ReadOnlyAccess");
      const paths = ["/", "//", "/slot", "/slot/", "/slot/forged", "/slot/forged/", "/profile"];
      const wrongAdmin: Record<string, string>[] = [
        {},
        { [ADMIN_HEADER]: token },
        { [ADMIN_HEADER]: "" },
      ];
      for (const path of paths) {
        for (const method of ["PUT", "POST", "PATCH", "patch", "DELETE", "OPTIONS", "HEAD"]) {
          for (const headers of wrongAdmin) {
            const r = await request(`${server.url}${path}`, {
              method,
              token,
              headers,
              body: method === "HEAD" ? undefined : forged,
            });
            assert.equal(r.status, 403, `${method} ${path} ${JSON.stringify(headers)}`);
          }
        }
        // Methods spelt in lower or mixed case on the wire reach the server as they are.
        for (const method of ["put", "PuT", "delete", "post"]) {
          const status = await rawRequest(
            server.port,
            `${method} ${path} HTTP/1.1\r\nAuthorization: Bearer ${token}`,
            forged,
          );
          assert.equal(status, 403, `${method} ${path}`);
        }
      }
      // Paths that the URL parser folds into /slot, absolute-form targets.
      for (
        const target of [
          "/healthcheck/../slot",
          "/healthcheck/%2e%2e/slot/forged",
          `http://127.0.0.1:${server.port}/slot/forged`,
        ]
      ) {
        const status = await rawRequest(
          server.port,
          `PUT ${target} HTTP/1.1\r\nAuthorization: Bearer ${token}`,
          forged,
        );
        assert.equal(status, 403, target);
      }
      // Reads of what the attacker named find nothing, and start nothing.
      assert.equal((await request(`${server.url}/slot/forged`, { token })).status, 404);
      assert.equal((await request(`${server.url}/`, { token })).status, 404);
      assert.equal((await request(`${server.url}/slot`, { token })).body, "[]\n");

      // The user loads a role through the CLI: the server refreshes that one by itself.
      const env = { AWS_SSO_ECS_SERVER: `127.0.0.1:${server.port}` };
      const r = await cli(home, emu, ["ecs", "load", "--profile", ADMIN_PROFILE], env);
      assert.equal(r.code, 0, r.stderr);
      const deadline = Date.now() + 20_000;
      while (!/Refreshed the credentials of the default slot/.test(server.stderr())) {
        assert.ok(Date.now() < deadline, `no refresh:\n${server.stderr()}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      // Past the server's next refresh tick (15 s) too.
      await new Promise((r) => setTimeout(r, 16_000));
      const counters = emu.counters;
      assert.ok((counters["GetRoleCredentials:012345678901/AdministratorAccess"] ?? 0) >= 2);
      assert.equal(counters[target], undefined, "no GetRoleCredentials for the forged role");
      assert.match(
        JSON.parse((await request(`${server.url}/`, { token })).body).RoleArn,
        /:role\/AdministratorAccess$/,
      );
      assert.equal((await request(`${server.url}/slot`, { token })).body, "[]\n");
      // The user can still unload.
      assert.equal((await cli(home, emu, ["ecs", "unload"], env)).code, 0);
      assert.equal((await request(`${server.url}/`, { token })).status, 404);
      assert.equal((await server.stop("SIGTERM")).code, 0);
    } finally {
      await server.stop("SIGKILL");
      await Deno.remove(home, { recursive: true });
    }
  },
});

Deno.test({
  name: "ecs server's log escapes ESC, CR and LF from request-supplied names",
  ...E2E,
  async fn() {
    await using emu = await startEmulator();
    const home = await cachedSession(emu);
    const server = await startServer(home, emu);
    try {
      const token = await storedToken(home, emu);
      const evil = "\x1b[2J\r\nINFO forged line\x07\u009b31m";
      const encoded = encodeURIComponent(evil);
      assert.equal((await request(`${server.url}/slot/${encoded}`, { token })).status, 404);
      assert.equal(
        (await request(`${server.url}/slot/${encoded}`, { method: "DELETE", token })).status,
        403,
      );
      // Raw bytes in the request line: answered (or refused by the HTTP parser), never echoed.
      await rawRequest(
        server.port,
        `GET /slot/\x1b[2J\x07x HTTP/1.1\r\nAuthorization: Bearer ${token}`,
      )
        .catch(() => 0);
      // A name the server logs after decoding it: a slot loaded with it, then refreshed.
      const put = await request(`${server.url}/slot`, {
        method: "PUT",
        token,
        headers: { [ADMIN_HEADER]: await storedAdmin(home) },
        body: forgedLoad(evil, "ReadOnlyAccess"),
      });
      assert.equal(put.status, 200, put.body);
      const deadline = Date.now() + 20_000;
      while (!/Refreshed the credentials of a named slot/.test(server.stderr())) {
        assert.ok(Date.now() < deadline, `no refresh:\n${server.stderr()}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      const { stderr } = await server.stop("SIGTERM");
      assert.ok(!RAW_CONTROL.test(stderr), JSON.stringify(stderr));
      assert.ok(!stderr.split("\n").some((l) => l.startsWith("INFO forged")));
      assert.match(
        stderr,
        /Refreshed the credentials of a named slot slot="\\x1b\[2J\\r\\nINFO forged line\\x07\\x9b31m"/,
      );
      assert.match(stderr, /method=GET url=\/slot\/%1B%5B2J%0D%0AINFO%20forged/);
    } finally {
      await server.stop("SIGKILL");
      await Deno.remove(home, { recursive: true });
    }
  },
});

Deno.test({
  name:
    "ecs server and ecs docker start refuse a bad --bind-ip before creating or printing anything",
  ...E2E,
  async fn() {
    await using emu = await startEmulator();
    const home = await credsSession(emu);
    const storeFile = `${home}/${CONFIG_DIR}/store.json`;
    try {
      const before = await Deno.readTextFile(storeFile);
      const listing = async () => {
        const names: string[] = [];
        for await (const e of Deno.readDir(`${home}/${CONFIG_DIR}`)) names.push(e.name);
        return names.sort();
      };
      const files = await listing();
      for (const bad of ["nope", "256.1.1.1", "127.0.0.1:80", "::1::", "\x1b[31m"]) {
        for (const args of [["ecs", "server"], ["ecs", "docker", "start"]]) {
          const r = await cli(home, emu, [...args, "--bind-ip", bad]);
          assert.equal(r.code, 2, `${args.join(" ")} ${bad}: ${r.stderr}`);
          assert.equal(r.stdout, "");
          const lines = r.stderr.split("\n").filter((l) => l !== "");
          assert.equal(lines.length, 1, r.stderr);
          assert.match(
            lines[0]!,
            /invalid --bind-ip .*: expected an IPv4 or IPv6 address or localhost/,
          );
          assert.ok(!RAW_CONTROL.test(r.stderr));
        }
      }
      assert.equal(await Deno.readTextFile(storeFile), before, "no token or admin credential");
      assert.deepEqual(await listing(), files);
    } finally {
      await Deno.remove(home, { recursive: true });
    }
  },
});

Deno.test({
  name:
    "the image's command line runs the server outside Docker: it reads and deletes the security file under HOME, the bearer token reads, only the admin credential loads",
  ...E2E,
  async fn() {
    await using emu = await startEmulator();
    // `root` plays the container's /: HOME (/app) is root/app, and the security file arrives the
    // way `docker cp -a - <container>:/` unpacks securityArchive().
    const root = await Deno.makeTempDir({ prefix: "aws-sso-test-container-" });
    try {
      const created = dockerCreateArgs({
        image: "img",
        version: "t",
        bindIp: "127.0.0.1",
        port: 1,
      });
      assert.equal(created[created.indexOf("--entrypoint") + 1], "./aws-sso");
      const command = created.slice(created.indexOf("img:t") + 1);
      assert.deepEqual(command, ["ecs", "server", "--docker"]);
      const env = Object.fromEntries(
        created.flatMap((a, i) =>
          created[i - 1] === "--env" ? [a.split(/=(.*)/s).slice(0, 2)] : []
        ),
      ) as Record<string, string>;
      const home = `${root}${env.HOME}`;
      await Deno.mkdir(home, { recursive: true });
      const token = `bearer-${crypto.randomUUID()}`;
      const admin = `admin-${crypto.randomUUID()}`;
      const owner = { uid: Deno.uid() ?? 0, gid: Deno.gid() ?? 0 };
      const archive = securityArchive(
        { privateKey: "", certChain: "", bearerToken: token, adminToken: admin },
        owner,
        Date.now() / 1000,
      );
      const tar = new Deno.Command("tar", { args: ["-x", "-C", root], stdin: "piped" }).spawn();
      const writer = tar.stdin.getWriter();
      await writer.write(archive);
      await writer.close();
      assert.equal((await tar.status).code, 0);
      const file = `${root}${ECS_CONTAINER_SECURITY_FILE}`;
      assert.equal((await Deno.stat(file)).mode! & 0o777, 0o600);

      // The container's port is its own; on this shared machine, any free one.
      const server = await startServer(
        home,
        emu,
        [],
        { ...env, HOME: home, AWS_SSO_ECS_PORT: "0" },
        command,
      );
      try {
        assert.match(server.stderr(), /HTTP Auth: enabled/);
        await assert.rejects(() => Deno.stat(file), Deno.errors.NotFound);
        const health = await request(`${server.url}/healthcheck`);
        assert.equal(health.status, 503);
        assert.match(health.body, /no credentials loaded/);
        assert.equal((await request(`${server.url}/`)).status, 403);
        assert.equal((await request(`${server.url}/`, { token })).status, 404);
        // The attack: a process holding the bearer token tries to load its own credentials.
        const body = forgedLoad("forged", "ReadOnlyAccess");
        const forged = await request(`${server.url}/`, { method: "PUT", token, body });
        assert.equal(forged.status, 403, forged.body);
        assert.equal((await request(`${server.url}/`, { token })).status, 404);
        // aws-sso, holding the admin credential, can.
        const loaded = await request(`${server.url}/`, {
          method: "PUT",
          token,
          body,
          headers: { [ADMIN_HEADER]: admin },
        });
        assert.equal(loaded.status, 200, loaded.body);
        const creds = await request(`${server.url}/`, { token });
        assert.equal(creds.status, 200);
        assert.equal(JSON.parse(creds.body).AccessKeyId, "ASIAFORGEDFORGED0000");
      } finally {
        const r = await server.stop();
        assert.equal(r.code, 0, r.stderr);
        assert.ok(!r.stderr.includes(token) && !r.stderr.includes(admin), "no secret in the log");
      }
      // Nothing else was written under HOME: no config, no store, no cache.
      const left: string[] = [];
      const walk = async (dir: string) => {
        for await (const e of Deno.readDir(dir)) {
          if (e.isDirectory) await walk(`${dir}/${e.name}`);
          else left.push(`${dir}/${e.name}`.slice(home.length));
        }
      };
      await walk(home);
      assert.deepEqual(left, []);
    } finally {
      await Deno.remove(root, { recursive: true });
    }
  },
});
