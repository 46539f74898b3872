/**
 * `aws-sso ecs docker start|stop` (docs/design.md §2.5): the ECS server in a Docker container
 * named `aws-sso-cli-ecs-server`, driven through the `docker` CLI (so `DOCKER_HOST`,
 * `DOCKER_CONTEXT` and the other `DOCKER_*` variables apply).
 *
 * `start` needs the image locally, creates the container (port 4144 published on
 * `--bind-ip:--port`, running as the current user, restarted on failure up to 3 times), copies
 * the security file (bearer token, admin credential, TLS key and certificate) into it without
 * writing it to the
 * host's disk (lib/ecs/docker_container.ts), starts it and, with `--default`, loads that profile
 * once the server answers. `stop` removes the container.
 *
 * @module
 */
import { Command, type CommandUnknownOpts } from "@commander-js/extra-typings";
import {
  dockerCreateArgs,
  ECS_CONTAINER_NAME,
  ECS_DOCKER_IMAGE,
  ecsImageTag,
} from "../../lib/ecs/docker_container.ts";
import type { RoleCredentials } from "../../lib/creds/role_credentials.ts";
import { AwsSsoError, UsageError } from "../../lib/errors.ts";
import type { CommandResult } from "../../stores/backend.ts";
import buildInfo from "../build_info.json" with { type: "json" };
import type { Context } from "../context.ts";
import type { App } from "../program.ts";
import { bindIpOption, parsePort } from "./ecs_server.ts";

/** How long `--default` waits for the containerised server to answer, then to serve the role. */
const READY_TIMEOUT_MS = 30_000;

interface Docker {
  run(args: string[], options?: { stdin?: Uint8Array; timeoutMs?: number }): Promise<CommandResult>;
}

function firstLine(r: CommandResult): string {
  const text = new TextDecoder().decode(r.stderr.length > 0 ? r.stderr : r.stdout).trim();
  return text.split("\n").find((l) => l.trim() !== "")?.trim() ?? `exit code ${r.code}`;
}

/** The docker CLI, once it is known to be installed and its engine to answer. */
async function docker(ctx: Context): Promise<Docker> {
  const runner = ctx.runner;
  if (!await runner.available("docker")) {
    throw new AwsSsoError("Cannot run docker: the Docker CLI is not installed or not on PATH", {
      hints: [
        "install Docker, or run the server without it: aws-sso ecs server",
      ],
    });
  }
  const d: Docker = {
    run: (args, options = {}) =>
      runner.run("docker", args, { stdin: options.stdin, timeoutMs: options.timeoutMs ?? 60_000 }),
  };
  const info = await d.run(["info", "--format", "{{.ServerVersion}}"], { timeoutMs: 20_000 });
  const version = new TextDecoder().decode(info.stdout).trim();
  if (info.code !== 0 || version === "") {
    throw new AwsSsoError(
      `The Docker engine is not running or cannot be reached (docker info: ${firstLine(info)})`,
      {
        hints: [
          "start Docker (Docker Desktop, or: sudo systemctl start docker) and try again",
          "or run the server without Docker: aws-sso ecs server",
        ],
      },
    );
  }
  ctx.logger.debug("Docker engine found", { version });
  return d;
}

async function removeContainer(d: Docker): Promise<CommandResult> {
  return await d.run(["rm", "--force", ECS_CONTAINER_NAME]);
}

/** What `ecs docker start` is told: its options, already checked. */
export interface EcsDockerStartInput {
  /** Host address the server is published on. */
  bindIp: string;
  /** Host port the server is published on (not 0). */
  port: number;
  /** Image name (without the tag). */
  image: string;
  /** Image tag. */
  version: string;
  /** `--default`: the profile loaded into the default slot once the server runs. */
  defaultProfile?: string;
  /** `--disable-auth`. */
  disableAuth?: boolean;
  /** `--disable-ssl`. */
  disableSsl?: boolean;
}

/**
 * Creates and starts the server container with its security file and, with `defaultProfile`,
 * loads that role once it answers. A failure after the container was created removes it.
 */
export async function runEcsDockerStart(input: EcsDockerStartInput, ctx: Context): Promise<void> {
  const { bindIp, port } = input;
  const d = await docker(ctx);
  const image = `${input.image}:${input.version}`;
  const inspect = await d.run(["image", "inspect", "--format", "{{.Id}}", image]);
  if (inspect.code !== 0) {
    throw new AwsSsoError(
      `failed to find docker image ${image}.  Please pull the image and try again.`,
      { hints: [`docker pull ${image}`] },
    );
  }

  // The role's credentials first: without an SSO session there is no point in starting.
  const preload = input.defaultProfile !== undefined && input.defaultProfile !== ""
    ? await defaultRole(ctx, input.defaultProfile)
    : undefined;
  const { ecsAdminToken, ecsBearerToken, ecsTlsMaterial } = await import(
    "../services/ecs.ts"
  );
  const token = input.disableAuth === true
    ? undefined
    : (await ecsBearerToken(ctx, { create: true })).token;
  // Even with --disable-auth: only aws-sso may load and unload.
  const adminToken = await ecsAdminToken(ctx);
  const tls = input.disableSsl === true ? {} : await ecsTlsMaterial(ctx);
  const uid = Deno.uid();
  const gid = Deno.gid();
  const user = uid === null || gid === null ? undefined : { uid, gid };
  const level = ctx.logger.level === "debug" || ctx.logger.level === "trace"
    ? ctx.logger.level
    : undefined;

  const created = await d.run(
    dockerCreateArgs({ image: input.image, version: input.version, bindIp, port, user, level }),
  );
  if (created.code !== 0) {
    throw new AwsSsoError(`Cannot create the container: ${firstLine(created)}`, {
      hints: [`if it already exists, remove it first: aws-sso ecs docker stop`],
    });
  }
  try {
    const { securityArchive } = await import("../../lib/ecs/docker_container.ts");
    const archive = securityArchive(
      {
        bearerToken: token ?? "",
        adminToken,
        certChain: tls.cert ?? "",
        privateKey: tls.key ?? "",
      },
      user ?? { uid: 0, gid: 0 },
      Math.floor(ctx.clock.now() / 1000),
    );
    const copied = await d.run(["cp", "--archive", "-", `${ECS_CONTAINER_NAME}:/`], {
      stdin: archive,
    });
    if (copied.code !== 0) {
      throw new AwsSsoError(
        `Cannot copy the security file into the container: ${firstLine(copied)}`,
      );
    }
    const started = await d.run(["start", ECS_CONTAINER_NAME]);
    if (started.code !== 0) {
      throw new AwsSsoError(`Cannot start the container: ${firstLine(started)}`);
    }
    ctx.logger.info(`Started the ECS server container ${ECS_CONTAINER_NAME}`, {
      image,
      listen: `${bindIp}:${port}`,
    });
    if (preload !== undefined) await loadDefault(ctx, bindIp, port, preload);
  } catch (e) {
    await removeContainer(d);
    throw e;
  }
}

function startCommand(app: App): CommandUnknownOpts {
  return new Command("start")
    .description("run the ECS server in a Docker container")
    .option("--bind-ip <ip>", "host address to publish the server on", "127.0.0.1")
    .option("--port <port>", "host port to publish the server on", "4144")
    .option("--image <name>", "Docker image of the server", ECS_DOCKER_IMAGE)
    .option("--version <tag>", "image tag", ecsImageTag(buildInfo.version))
    .option("-d, --default <profile>", "load this profile into the default slot once it runs")
    .option("--disable-auth", "accept requests without the bearer token")
    .option("--disable-ssl", "serve plain http even when a TLS certificate is stored")
    .action(async (opts, cmd) => {
      const port = parsePort(opts.port);
      if (port === 0) throw new UsageError("invalid --port 0: choose the port to publish");
      const bindIp = bindIpOption(opts.bindIp);
      await runEcsDockerStart({
        bindIp,
        port,
        image: opts.image,
        version: opts.version,
        defaultProfile: opts.default,
        disableAuth: opts.disableAuth === true,
        disableSsl: opts.disableSsl === true,
      }, app.context(cmd));
    });
}

interface Preload {
  profile: string;
  creds: RoleCredentials;
}

async function defaultRole(ctx: Context, profile: string): Promise<Preload> {
  const { selectRole, roleCredentials } = await import("../services/creds.ts");
  const role = await selectRole(ctx, { profile }, { allowPicker: false });
  const creds = await roleCredentials(ctx, role);
  return { profile: role.ProfileName !== "" ? role.ProfileName : profile, creds };
}

/** Waits for the containerised server, loads the role into its default slot, checks it. */
async function loadDefault(ctx: Context, bindIp: string, port: number, preload: Preload) {
  const host = bindIp === "0.0.0.0" || bindIp === "::" ? "localhost" : bindIp;
  const server = `${host.includes(":") ? `[${host}]` : host}:${port}`;
  const { ecsClient } = await import("../services/ecs.ts");
  const client = await ecsClient(ctx, server, "cli", { admin: true });
  const until = async (ok: (status: number) => boolean, what: string) => {
    const deadline = ctx.clock.now() + READY_TIMEOUT_MS;
    for (;;) {
      try {
        if (ok(await client.health())) return;
      } catch {
        // Not answering yet.
      }
      if (ctx.clock.now() > deadline) {
        throw new AwsSsoError(`The ECS server container did not ${what} within 30 s`, {
          hints: [`see its log: docker logs ${ECS_CONTAINER_NAME}`],
        });
      }
      await ctx.clock.sleep(500);
    }
  };
  await until(() => true, "answer");
  await client.load(preload.profile, preload.creds, { slotted: false });
  await until((status) => status === 200, "serve the credentials");
  ctx.logger.info(`Loaded ${preload.profile} into the default slot`);
}

/** Stops and removes the server container (a warning when there is none). */
export async function runEcsDockerStop(ctx: Context): Promise<void> {
  const d = await docker(ctx);
  const removed = await removeContainer(d);
  if (removed.code !== 0) {
    const why = firstLine(removed);
    if (/no such container/i.test(why)) {
      ctx.logger.warn(`No ECS server container (${ECS_CONTAINER_NAME}) exists`);
      return;
    }
    throw new AwsSsoError(`Cannot remove the container ${ECS_CONTAINER_NAME}: ${why}`);
  }
  ctx.logger.info(`Stopped and removed the ECS server container ${ECS_CONTAINER_NAME}`);
}

function stopCommand(app: App): CommandUnknownOpts {
  return new Command("stop")
    .description("stop and remove the ECS server container")
    .option("--version <tag>", "ignored (accepted for compatibility)")
    .action((_opts, cmd) => runEcsDockerStop(app.context(cmd)));
}

/** Builds `ecs docker`. */
export function ecsDockerCommand(app: App): CommandUnknownOpts {
  return new Command("docker")
    .description("run the ECS server in a Docker container")
    .addCommand(startCommand(app))
    .addCommand(stopCommand(app)) as unknown as CommandUnknownOpts;
}
