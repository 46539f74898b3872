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
): Promise<Server> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", MAIN, "ecs", "server", "--port", "0", ...args],
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
    const m = /ECS server listening on (https?):\/\/127\.0\.0\.1:(\d+)\//.exec(err);
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

      // DELETE /slot empties every named slot; GET / after DELETE / is a 404, not a crash.
      assert.equal((await request(`${server.url}/slot`, { method: "DELETE", token })).status, 200);
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
      for (const secret of [token, ...emu.issuedSecrets()]) {
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
      const put = await request(`${server.url}/`, {
        method: "PUT",
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

      // `ecs unload` needs no config file (the reference crashes there).
      const bare = await tempHome();
      try {
        const r = await runCli(["ecs", "unload", "--server", `localhost:${server.port}`], {
          home: bare,
        });
        assert.equal(r.code, 0, r.stderr);
        assert.equal((await request(`${server.url}/`)).status, 404);
      } finally {
        await Deno.remove(bare, { recursive: true });
      }
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

      r = await cli(home, emu, ["setup", "ecs", "auth", "--delete", "--rotate"]);
      assert.equal(r.code, 2);
      r = await cli(home, emu, ["setup", "ecs", "auth", "--delete"]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal((await cli(home, emu, ["setup", "ecs", "auth"])).code, 1);
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
