/**
 * `aws-sso ecs server` (docs/design.md §2.5): the ECS container-credentials
 * endpoint in the foreground, on 127.0.0.1:4144 unless told otherwise.
 *
 * - Auth is on by default: the bearer token comes from the SecureStore, and a random one is
 *   created and stored on first use (`aws-sso setup ecs auth` shows it). `--disable-auth` turns
 *   it off, with a warning. The token only reads: loading and unloading need the admin
 *   credential (also in the SecureStore, created on first use, never shown), which only the
 *   aws-sso CLI sends — `--disable-auth` does not lift that.
 * - TLS when a certificate and key are stored (`setup ecs ssl`), unless `--disable-ssl`.
 * - Loaded slots are refreshed by the server itself through the same store, SSO token and
 *   per-role single-flight as `process` (lib/ecs/slot_store.ts).
 * - SIGINT / SIGTERM stop it gracefully: requests in flight finish, then it exits 0.
 *
 * `--docker` (hidden) is the mode inside the container `ecs docker start` creates: listen on
 * 0.0.0.0, read the token, admin credential and TLS material from the security file, then delete
 * it; no config.
 *
 * @module
 */
import { Command, type CommandUnknownOpts, Option } from "@commander-js/extra-typings";
import { parseBindIp } from "../../lib/ecs/bind_ip.ts";
import { ecsSecurityFile } from "../../lib/ecs/docker_container.ts";
import type { EcsCredentialSource } from "../../lib/ecs/slot_store.ts";
import { AwsSsoError, errorMessage, UsageError } from "../../lib/errors.ts";
import type { Context } from "../context.ts";
import type { App } from "../program.ts";

/** How often due refreshes are looked for (a request also starts a due refresh). */
const REFRESH_TICK_MS = 15_000;

/** The port option value as a number (0: any free port). */
export function parsePort(value: string, name = "--port"): number {
  const n = /^\d{1,5}$/.test(value.trim()) ? Number(value.trim()) : NaN;
  if (!(n >= 0 && n <= 65535)) {
    throw new UsageError(`invalid ${name} ${value}: expected a TCP port (1-65535)`);
  }
  return n;
}

function isLoopback(address: string): boolean {
  const a = address.toLowerCase();
  return a === "localhost" || a === "::1" || a === "[::1]" || /^127\.\d+\.\d+\.\d+$/.test(a);
}

/** The `--bind-ip` value, checked; a usage error names the option and what it accepts. */
export function bindIpOption(value: string): string {
  const ip = parseBindIp(value);
  if (ip === undefined) {
    throw new UsageError(
      `invalid --bind-ip ${JSON.stringify(value)}: expected an IPv4 or IPv6 address or localhost`,
    );
  }
  return ip;
}

/**
 * Refreshes a slot's role through the run's secure store, SSO token and role provider. Only
 * slots the admin credential loaded exist (lib/ecs/handler.ts), so only their roles are asked for.
 */
function credentialSource(ctx: Context): EcsCredentialSource {
  return {
    async credentials({ arn }) {
      const [{ forgetAccessToken }, { selectRole, roleCredentials }] = await Promise.all([
        import("../services/auth.ts"),
        import("../services/creds.ts"),
      ]);
      // The server runs for days: read the SSO token from the store again every time, so a
      // refresh or login made by another aws-sso process is used.
      await forgetAccessToken(ctx);
      const role = await selectRole(ctx, { arn }, { allowPicker: false });
      return await roleCredentials(ctx, role, { forceRefresh: false, interactive: false });
    },
  };
}

interface ServerSecrets {
  token?: string;
  admin?: string;
  cert?: string;
  key?: string;
}

/** Reads (and deletes) the security file `ecs docker start` copied into the container. */
async function dockerSecrets(ctx: Context, file: string): Promise<ServerSecrets> {
  let text: string;
  try {
    text = await Deno.readTextFile(file);
  } catch (e) {
    throw new AwsSsoError(
      `Cannot read the ECS security file ${file}: ${errorMessage(e)}`,
      { hints: ['start the container with "aws-sso ecs docker start"'], cause: e },
    );
  }
  try {
    await Deno.remove(file);
  } catch (e) {
    ctx.logger.warn(`Cannot delete the ECS security file: ${errorMessage(e)}`);
  }
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new AwsSsoError(`The ECS security file is not JSON`, { cause: e });
  }
  const field = (name: string) => {
    const v = parsed[name];
    if (typeof v !== "string" || v === "") return undefined;
    ctx.logger.secret(v);
    return v;
  };
  const admin = field("adminToken");
  if (admin === undefined) {
    ctx.logger.warn(
      "The ECS security file holds no admin credential: nothing can be loaded into this server",
      { hint: 'start the container with "aws-sso ecs docker start"' },
    );
  }
  return {
    token: field("bearerToken"),
    admin,
    cert: field("certChain"),
    key: field("privateKey"),
  };
}

async function storedSecrets(
  ctx: Context,
  opts: { disableAuth?: boolean; disableSsl?: boolean },
): Promise<ServerSecrets> {
  const { ecsAdminToken, ecsBearerToken, ecsTlsMaterial } = await import("../services/ecs.ts");
  // Always, even with --disable-auth: only aws-sso may load and unload.
  const out: ServerSecrets = { admin: await ecsAdminToken(ctx) };
  if (opts.disableAuth !== true) {
    const { token, created } = await ecsBearerToken(ctx, { create: true });
    out.token = token;
    if (created) {
      ctx.logger.info(
        'Created a random bearer token for the ECS server and saved it in the SecureStore; show it with "aws-sso setup ecs auth"',
      );
    }
  }
  if (opts.disableSsl !== true) Object.assign(out, await ecsTlsMaterial(ctx));
  return out;
}

function logSecurity(ctx: Context, secrets: ServerSecrets, bindIp: string): void {
  const log = ctx.logger;
  if (secrets.token !== undefined) {
    log.info(
      'HTTP Auth: enabled (clients send AWS_CONTAINER_AUTHORIZATION_TOKEN="Bearer <token>"; ' +
        '"aws-sso setup ecs auth" shows the token)',
    );
  } else {
    log.warn(
      "HTTP Auth: DISABLED. Any process that can reach this port can read your AWS credentials. " +
        "Use 'aws-sso setup ecs auth' and drop --disable-auth to enable it",
    );
    if (!isLoopback(bindIp)) {
      log.warn(
        `HTTP Auth is disabled and the server listens on ${bindIp}: other machines can read your AWS credentials`,
      );
    }
  }
  log.info(
    "Loading and unloading need the admin credential that only the aws-sso CLI holds " +
      '("aws-sso ecs load|unload" send it); the bearer token only reads',
  );
  if (secrets.cert !== undefined) log.info("SSL/TLS: enabled");
  else log.info("SSL/TLS: disabled (use 'aws-sso setup ecs ssl' to enable it)");
}

/** What `ecs server` is told: its options, already checked. */
export interface EcsServerInput {
  /** Address to listen on (`--bind-ip`; the command passes 0.0.0.0 in docker mode). */
  bindIp: string;
  /** TCP port (0: any free port). */
  port: number;
  /** `--default`: the profile loaded into the default slot at start. */
  defaultProfile?: string;
  /** `--disable-auth`. */
  disableAuth?: boolean;
  /** `--disable-ssl`. */
  disableSsl?: boolean;
  /** `--docker`: the secrets come from the security file; no config.yaml. */
  docker?: boolean;
  /**
   * Docker mode's security file (default `$HOME/.aws-sso/mnt/docker-ecs`: HOME is /app in the
   * container, the same path as AWS SSO CLI's image).
   */
  securityFile?: string;
  /** Stops the server gracefully when aborted, as SIGINT and SIGTERM do. */
  signal?: AbortSignal;
  /** Called once the server accepts connections, with its URL (`http://127.0.0.1:4144/`). */
  onListen?: (url: string) => void;
}

/**
 * Runs the ECS server until it is stopped (SIGINT, SIGTERM or `input.signal`); requests in
 * flight finish first.
 */
export async function runEcsServer(input: EcsServerInput, ctx: Context): Promise<void> {
  const docker = input.docker === true;
  const bindIp = input.bindIp;
  const secrets = docker
    ? await dockerSecrets(ctx, input.securityFile ?? ecsSecurityFile(ctx.paths.home))
    : await storedSecrets(ctx, input);
  if (docker && input.disableAuth === true) secrets.token = undefined;
  if (docker && input.disableSsl === true) {
    secrets.cert = undefined;
    secrets.key = undefined;
  }
  logSecurity(ctx, secrets, bindIp);
  if (!isLoopback(bindIp) && !docker) {
    ctx.logger.warn(`Listening on ${bindIp}, not on loopback: other machines can connect`);
  }

  const [{ EcsSlots }, { EcsHandler }] = await Promise.all([
    import("../../lib/ecs/slot_store.ts"),
    import("../../lib/ecs/handler.ts"),
  ]);
  const slots = new EcsSlots({
    clock: ctx.clock,
    logger: ctx.logger,
    source: docker ? undefined : credentialSource(ctx),
  });
  const profile = input.defaultProfile;
  if (profile !== undefined && profile !== "") {
    const { selectRole, roleCredentials } = await import("../services/creds.ts");
    const role = await selectRole(ctx, { profile }, { allowPicker: false });
    const creds = await roleCredentials(ctx, role);
    slots.put(undefined, role.ProfileName !== "" ? role.ProfileName : profile, creds);
    ctx.logger.info(`Loaded ${profile} into the default slot`);
  }
  const handler = new EcsHandler({
    slots,
    token: secrets.token,
    adminToken: secrets.admin,
    clock: ctx.clock,
    logger: ctx.logger,
    loopbackOnly: isLoopback(bindIp),
  });
  await serve(ctx, input, { bindIp, port: input.port, secrets, slots, handler });
}

/** Builds `ecs server`. */
export function ecsServerCommand(app: App): CommandUnknownOpts {
  return new Command("server")
    .description(
      "run the ECS container-credentials server in the foreground (stop it with Ctrl-C)",
    )
    .option("--bind-ip <ip>", "address to listen on", "127.0.0.1")
    .addOption(
      new Option("--port <port>", "TCP port to listen on (0: any free port)")
        .env("AWS_SSO_ECS_PORT")
        .default("4144"),
    )
    .option("-d, --default <profile>", "load this profile into the default slot at start")
    .option(
      "--disable-auth",
      "accept requests without the bearer token (any local process can then read credentials)",
    )
    .option("--disable-ssl", "serve plain http even when a TLS certificate is stored")
    .addOption(new Option("--docker", "run inside the ecs docker container").hideHelp())
    .action(async (opts, cmd) => {
      const docker = opts.docker === true;
      // The options are checked before anything is created (token, admin credential) or printed.
      const port = parsePort(
        opts.port,
        cmd.getOptionValueSource("port") === "env" ? "AWS_SSO_ECS_PORT" : "--port",
      );
      const bindIp = docker ? "0.0.0.0" : bindIpOption(opts.bindIp);
      await runEcsServer({
        bindIp,
        port,
        defaultProfile: opts.default,
        disableAuth: opts.disableAuth === true,
        disableSsl: opts.disableSsl === true,
        docker,
      }, app.context(cmd));
    });
}

interface ServeParts {
  bindIp: string;
  port: number;
  secrets: ServerSecrets;
  slots: import("../../lib/ecs/slot_store.ts").EcsSlots;
  handler: import("../../lib/ecs/handler.ts").EcsHandler;
}

async function serve(
  ctx: Context,
  input: Pick<EcsServerInput, "signal" | "onListen">,
  p: ServeParts,
): Promise<void> {
  const abort = new AbortController();
  const tls = p.secrets.cert !== undefined && p.secrets.key !== undefined
    ? { cert: p.secrets.cert, key: p.secrets.key }
    : {};
  const scheme = tls.cert === undefined ? "http" : "https";
  let server: Deno.HttpServer<Deno.NetAddr>;
  try {
    server = Deno.serve({
      hostname: p.bindIp,
      port: p.port,
      signal: abort.signal,
      ...tls,
      onListen({ hostname, port }) {
        const host = hostname.includes(":") ? `[${hostname}]` : hostname;
        const url = `${scheme}://${host}:${port}/`;
        ctx.logger.info(`ECS server listening on ${url}`);
        input.onListen?.(url);
      },
      onError(e) {
        ctx.logger.error(`ECS request failed: ${errorMessage(e)}`);
        return new Response('{"code":"500","message":"Internal error"}\n', {
          status: 500,
          headers: { "content-type": "application/json; charset=utf-8" },
        });
      },
    }, (req, info) => p.handler.handle(req, info.remoteAddr.hostname));
  } catch (e) {
    if (e instanceof Deno.errors.AddrInUse) {
      throw new AwsSsoError(`Cannot listen on ${p.bindIp}:${p.port}: the port is in use`, {
        hints: ["stop the other ECS server, or choose another port with --port"],
        cause: e,
      });
    }
    throw new AwsSsoError(
      `Cannot listen on ${p.bindIp}:${p.port}: ${errorMessage(e)}`,
      { cause: e },
    );
  }
  const signals: Deno.Signal[] = Deno.build.os === "windows"
    ? ["SIGINT", "SIGBREAK"]
    : ["SIGINT", "SIGTERM"];
  const stop = () => {
    if (!abort.signal.aborted) ctx.logger.info("Stopping the ECS server");
    abort.abort();
  };
  for (const s of signals) {
    try {
      Deno.addSignalListener(s, stop);
    } catch {
      // Not supported on this platform.
    }
  }
  if (input.signal?.aborted === true) stop();
  input.signal?.addEventListener("abort", stop, { once: true });
  const tick = setInterval(() => {
    p.slots.refreshDue().catch((e) =>
      ctx.logger.error(`Refreshing the ECS slots failed: ${errorMessage(e)}`)
    );
  }, REFRESH_TICK_MS);
  try {
    await server.finished;
  } finally {
    clearInterval(tick);
    input.signal?.removeEventListener("abort", stop);
    for (const s of signals) {
      try {
        Deno.removeSignalListener(s, stop);
      } catch {
        // Was never added.
      }
    }
    await p.slots.close();
  }
  ctx.logger.info("ECS server stopped");
}
