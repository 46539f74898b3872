import assert from "node:assert/strict";
import {
  ecsDockerCommand,
  runEcsDockerStart,
  runEcsDockerStop,
} from "../../../cli/commands/ecs_docker.ts";
import type { App } from "../../../cli/program.ts";
import { runEcsServer } from "../../../cli/commands/ecs_server.ts";
import { refreshRoles } from "../../../cli/services/roles.ts";
import { AwsSsoError } from "../../../lib/errors.ts";
import {
  ECS_CONTAINER_NAME,
  ECS_CONTAINER_PORT,
  ECS_CONTAINER_SECURITY_FILE,
} from "../../../lib/ecs/docker_container.ts";
import { type Emulator, startEmulator } from "../../emulator/emulator.ts";
import { commandServices } from "../../fakes/command_services.ts";
import { storeSignedInSession } from "../../fakes/signed_in_session.ts";
import { type RecordedCall, RecordingRunner, result } from "../../stores/recording_runner.ts";

const ADMIN_PROFILE = "production:AdministratorAccess";
const ADMIN_ARN = "arn:aws:iam::012345678901:role/AdministratorAccess";
const IMAGE = { image: "example/ecs", version: "1.0" };

function config(emu: Emulator): string {
  return `SSOConfig:\n  Default:\n    SSORegion: us-east-1\n    StartUrl: ${emu.startUrl}\n`;
}

/** The files of a ustar archive, by path. */
function untar(tar: Uint8Array): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes).replace(/\0.*$/s, "");
  for (let at = 0; at + 512 <= tar.length;) {
    const name = text(tar.subarray(at, at + 100));
    if (name === "") break;
    const size = parseInt(text(tar.subarray(at + 124, at + 136)).trim(), 8);
    if (tar[at + 156] === "0".charCodeAt(0)) files.set(name, tar.slice(at + 512, at + 512 + size));
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return files;
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = listener.addr.port;
  listener.close();
  return port;
}

/**
 * A Docker engine played in-process: `cp` unpacks the security file the way the container sees
 * it, `start` runs the real server in docker mode on the published port, `rm` stops it.
 */
async function fakeDocker(options: { fail?: string } = {}) {
  const dir = await Deno.makeTempDir();
  const container = await commandServices();
  let server: { stop: () => void; running: Promise<void> } | undefined;
  let published = 0;
  const runner = new RecordingRunner(async (call: RecordedCall) => {
    const [verb] = call.args;
    if (verb === options.fail) return result(1, "", `Error response from daemon: ${verb} failed`);
    switch (verb) {
      case "info":
        return result(0, "27.0.1\n");
      case "image":
        return result(0, "sha256:0123\n");
      case "create": {
        // <host ip>:<host port>:<container port>/tcp
        const publish = call.args[call.args.indexOf("--publish") + 1] ?? "";
        const m = publish.match(new RegExp(`^127\\.0\\.0\\.1:(\\d+):${ECS_CONTAINER_PORT}/tcp$`));
        assert.ok(m !== null, publish);
        published = Number(m[1]);
        return result(0, "container-id\n");
      }
      case "cp": {
        const file = untar(call.stdin!).get(ECS_CONTAINER_SECURITY_FILE.slice(1));
        if (file === undefined) return result(1, "", "no security file in the archive");
        await Deno.writeFile(`${dir}/security`, file);
        return result(0);
      }
      case "start": {
        const abort = new AbortController();
        let listening!: () => void;
        const up = new Promise<void>((resolve) => listening = resolve);
        const running = runEcsServer({
          bindIp: "127.0.0.1",
          port: published,
          docker: true,
          securityFile: `${dir}/security`,
          signal: abort.signal,
          onListen: () => listening(),
        }, container.services);
        await Promise.race([up, running]);
        server = { stop: () => abort.abort(), running };
        return result(0, `${ECS_CONTAINER_NAME}\n`);
      }
      case "rm": {
        if (server === undefined) {
          return result(
            1,
            "",
            `Error response from daemon: No such container: ${ECS_CONTAINER_NAME}`,
          );
        }
        server.stop();
        await server.running;
        server = undefined;
        return result(0, `${ECS_CONTAINER_NAME}\n`);
      }
    }
    return result(127, "", `unexpected docker ${call.args.join(" ")}`);
  }, ["docker"]);
  return {
    runner,
    verbs: () => runner.calls.map((c) => c.args[0]),
    get running() {
      return server !== undefined;
    },
    containerLog: () => container.output.stderr,
    async [Symbol.asyncDispose]() {
      if (server !== undefined) {
        server.stop();
        await server.running;
      }
      await container[Symbol.asyncDispose]();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

Deno.test("runEcsDockerStart() hands the container its secrets on stdin only, and loads --default into the running server", async () => {
  await using emu = await startEmulator();
  await using docker = await fakeDocker();
  await using t = await commandServices({
    config: config(emu),
    emulator: emu,
    runner: docker.runner,
  });
  await storeSignedInSession(emu, t.store, 3600_000);
  await refreshRoles(t.services);
  const port = freePort();

  await runEcsDockerStart(
    { bindIp: "127.0.0.1", port, ...IMAGE, defaultProfile: ADMIN_PROFILE },
    t.services,
  );

  assert.deepEqual(docker.verbs(), ["info", "image", "create", "cp", "start"]);
  const token = await t.store.getEcsBearerToken();
  const admin = await t.store.getEcsAdminToken();
  assert.ok(token !== undefined && admin !== undefined);
  // The attack surface of `docker`: argv (visible in ps) and the environment hold no secret.
  docker.runner.assertNeverOnArgv(token);
  docker.runner.assertNeverOnArgv(admin);
  const create = docker.runner.calls[2]!.args;
  assert.ok(create.includes(`${IMAGE.image}:${IMAGE.version}`), create.join(" "));
  assert.ok(create.includes(`127.0.0.1:${port}:${ECS_CONTAINER_PORT}/tcp`), create.join(" "));

  // The containerised server serves the default role to the bearer token, and only to it.
  const url = `http://127.0.0.1:${port}/`;
  const denied = await fetch(url);
  await denied.body?.cancel();
  assert.equal(denied.status, 403);
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(res.status, 200);
  assert.equal((await res.json()).RoleArn, ADMIN_ARN);
  assert.match(t.output.stderr, new RegExp(`Loaded ${ADMIN_PROFILE} into the default slot`));
  assert.ok(!t.output.stderr.includes(token) && !t.output.stderr.includes(admin));
  assert.ok(!docker.containerLog().includes(token));

  await runEcsDockerStop(t.services);
  assert.equal(docker.verbs().at(-1), "rm");
  assert.deepEqual(docker.runner.calls.at(-1)!.args, ["rm", "--force", ECS_CONTAINER_NAME]);
  assert.equal(docker.running, false);
  assert.match(t.output.stderr, /Stopped and removed the ECS server container/);
  assert.equal(t.output.stdout, "");
});

Deno.test("runEcsDockerStart() removes the container it created when a later step fails", async () => {
  for (const step of ["cp", "start"]) {
    await using docker = await fakeDocker({ fail: step });
    await using t = await commandServices({
      config:
        "SSOConfig:\n  Default:\n    SSORegion: us-east-1\n    StartUrl: https://d-1.awsapps.com/start\n",
      runner: docker.runner,
    });
    await assert.rejects(
      runEcsDockerStart({ bindIp: "127.0.0.1", port: freePort(), ...IMAGE }, t.services),
      AwsSsoError,
    );
    assert.equal(docker.verbs().at(-1), "rm", step);
  }
});

Deno.test("runEcsDockerStart() without the image, the CLI or the engine says what to do", async () => {
  const input = { bindIp: "127.0.0.1", port: 4144, ...IMAGE };
  await using docker = await fakeDocker({ fail: "image" });
  await using t = await commandServices({ runner: docker.runner });
  await assert.rejects(runEcsDockerStart(input, t.services), (e) => {
    assert.ok(e instanceof AwsSsoError);
    assert.match(e.message, /failed to find docker image example\/ecs:1\.0/);
    assert.deepEqual(e.hints, ["docker pull example/ecs:1.0"]);
    return true;
  });
  assert.deepEqual(docker.verbs(), ["info", "image"], "nothing was created");

  await using none = await commandServices({ runner: new RecordingRunner(() => result(0)) });
  await assert.rejects(runEcsDockerStart(input, none.services), /Docker CLI is not installed/);

  await using engine = await fakeDocker({ fail: "info" });
  await using e = await commandServices({ runner: engine.runner });
  await assert.rejects(runEcsDockerStop(e.services), /The Docker engine is not running/);
});

Deno.test("runEcsDockerStop() without a container only warns", async () => {
  await using docker = await fakeDocker();
  await using t = await commandServices({ runner: docker.runner });
  await runEcsDockerStop(t.services);
  assert.match(t.output.stderr, /No ECS server container \(aws-sso-cli-ecs-server\) exists/);
});

Deno.test("ecs docker start refuses port 0 and a bad --bind-ip before running docker", async () => {
  await using docker = await fakeDocker();
  await using t = await commandServices({ runner: docker.runner });
  const app: App = { context: () => t.services, setExitCode: () => {} };
  const run = (args: string[]) =>
    ecsDockerCommand(app).exitOverride().parseAsync(args, { from: "user" });
  await assert.rejects(run(["start", "--port", "0"]), /invalid --port 0: choose the port/);
  await assert.rejects(run(["start", "--bind-ip", "x"]), /invalid --bind-ip "x"/);
  assert.deepEqual(docker.verbs(), []);
  await run(["stop"]);
  assert.deepEqual(docker.verbs(), ["info", "rm"]);
});
