/**
 * The ECS server in a Docker container (the reference's image): the `docker create` arguments and
 * the security file the containerised server reads at start (`{"privateKey","certChain",
 * "bearerToken","adminToken"}` at /app/.aws-sso/mnt/docker-ecs; the reference's server ignores
 * `adminToken`).
 *
 * The reference writes that file, with the secrets in clear, into a host
 * directory it bind-mounts. Here it never touches the host's disk: it is packed into a tar
 * stream that `docker cp -a - <container>:/` copies straight into the created container before
 * it starts.
 *
 * ```ts
 * declare const security: EcsSecurity; // privateKey, certChain, bearerToken, adminToken
 * const user = { uid: 1000, gid: 1000 };
 * const args = dockerCreateArgs({
 *   image: ECS_DOCKER_IMAGE,
 *   version: "latest",
 *   bindIp: "127.0.0.1",
 *   port: 4144,
 *   user,
 * });
 * const tar = securityArchive(security, user, Math.floor(Date.UTC(2026, 0, 1) / 1000));
 * ```
 *
 * @module
 */

/** The container's name. */
export const ECS_CONTAINER_NAME = "aws-sso-cli-ecs-server";
/**
 * The default image: this project's own (.github/ecs_server/Dockerfile, published by the release
 * workflow at `v<version>`), whose server enforces the admin credential. AWS SSO CLI's image
 * (`synfinatic/aws-sso-cli-ecs-server`) still runs with `--image`: it reads the same file.
 */
export const ECS_DOCKER_IMAGE = "ghcr.io/aws-sso/aws-sso-ecs-server";
/** The port the server listens on inside the container. */
export const ECS_CONTAINER_PORT = 4144;
/** The server's working directory and HOME inside the container (both images use /app). */
export const ECS_CONTAINER_HOME = "/app";
/** The container's entrypoint, relative to {@link ECS_CONTAINER_HOME}. */
export const ECS_CONTAINER_ENTRYPOINT = "./aws-sso";
/** The arguments the entrypoint runs (before them, `--level` when asked for). */
export const ECS_CONTAINER_COMMAND = ["ecs", "server", "--docker"] as const;

/**
 * Where the containerised server reads its security file, under its HOME.
 *
 * @example
 * ```ts
 * ecsSecurityFile("/app"); // "/app/.aws-sso/mnt/docker-ecs"
 * ```
 */
export function ecsSecurityFile(home: string): string {
  return `${home}/.aws-sso/mnt/docker-ecs`;
}

/** Where `ecs docker start` copies the security file in the container. */
export const ECS_CONTAINER_SECURITY_FILE = ecsSecurityFile(ECS_CONTAINER_HOME);

/**
 * The image tag of this aws-sso version (the release workflow publishes it).
 *
 * @example
 * ```ts
 * ecsImageTag("1.2.0"); // "v1.2.0"
 * ```
 */
export function ecsImageTag(version: string): string {
  return `v${version}`;
}

/** The secrets handed to the containerised server ("" for none). */
export interface EcsSecurity {
  /** TLS private key (PEM). */
  privateKey: string;
  /** TLS certificate chain (PEM). */
  certChain: string;
  /** Bearer token. */
  bearerToken: string;
  /** Admin credential (loading and unloading; the reference's server ignores it). */
  adminToken: string;
}

/** A numeric owner (the host user the container runs as). */
export interface ContainerUser {
  /** User id. */
  uid: number;
  /** Group id. */
  gid: number;
}

/** Options of {@link dockerCreateArgs}. */
export interface DockerCreateOptions {
  /** Image name (default {@link ECS_DOCKER_IMAGE}). */
  image: string;
  /** Image tag. */
  version: string;
  /** Host address the port is published on. */
  bindIp: string;
  /** Host port. */
  port: number;
  /** Run as this user (the host user, as the reference does); undefined: the image's user. */
  user?: ContainerUser;
  /** Server log level inside the container, when it should be more than info. */
  level?: "debug" | "trace";
}

/**
 * `docker create` arguments for the server container: bridge network, the container port
 * published on `bindIp:port`, restart on failure (3 times), `HOME=/app` (where the server looks
 * for its security file), entrypoint `./aws-sso ecs server --docker`.
 *
 * @example
 * ```ts
 * dockerCreateArgs({ image: "i", version: "v2", bindIp: "127.0.0.1", port: 4144 });
 * // ["create", "--name", "aws-sso-cli-ecs-server", ..., "i:v2", "ecs", "server", "--docker"]
 * ```
 */
export function dockerCreateArgs(o: DockerCreateOptions): string[] {
  const host = o.bindIp.includes(":") ? `[${o.bindIp}]` : o.bindIp;
  const args = [
    "create",
    "--name",
    ECS_CONTAINER_NAME,
    "--network",
    "bridge",
    "--publish",
    `${host}:${o.port}:${ECS_CONTAINER_PORT}/tcp`,
    "--restart",
    "on-failure:3",
    "--env",
    `AWS_SSO_ECS_PORT=${ECS_CONTAINER_PORT}`,
    "--env",
    `HOME=${ECS_CONTAINER_HOME}`,
  ];
  if (o.user !== undefined) args.push("--user", `${o.user.uid}:${o.user.gid}`);
  args.push("--entrypoint", ECS_CONTAINER_ENTRYPOINT, `${o.image}:${o.version}`);
  if (o.level !== undefined) args.push("--level", o.level);
  args.push(...ECS_CONTAINER_COMMAND);
  return args;
}

const encoder = new TextEncoder();

function writeField(header: Uint8Array, offset: number, length: number, text: string): void {
  const bytes = encoder.encode(text);
  if (bytes.length > length) throw new Error(`tar field too long: ${text}`);
  header.set(bytes, offset);
}

function octal(value: number, length: number): string {
  // length - 1 digits and a NUL terminator, as ustar writes numbers.
  return value.toString(8).padStart(length - 1, "0") + "\0";
}

function tarHeader(
  name: string,
  type: "0" | "5",
  mode: number,
  size: number,
  owner: ContainerUser,
  mtimeSec: number,
): Uint8Array {
  const h = new Uint8Array(512);
  writeField(h, 0, 100, name);
  writeField(h, 100, 8, octal(mode, 8));
  writeField(h, 108, 8, octal(owner.uid, 8));
  writeField(h, 116, 8, octal(owner.gid, 8));
  writeField(h, 124, 12, octal(size, 12));
  writeField(h, 136, 12, octal(Math.floor(mtimeSec), 12));
  writeField(h, 148, 8, "        ");
  writeField(h, 156, 1, type);
  writeField(h, 257, 6, "ustar\0");
  writeField(h, 263, 2, "00");
  let sum = 0;
  for (const b of h) sum += b;
  writeField(h, 148, 8, sum.toString(8).padStart(6, "0") + "\0 ");
  return h;
}

/**
 * A tar archive holding the security file at `app/.aws-sso/mnt/docker-ecs` (mode 0600, its
 * directories 0700, all owned by `owner`), for `docker cp -a - <container>:/`.
 *
 * @example
 * ```ts
 * securityArchive(
 *   { privateKey: "", certChain: "", bearerToken: "t", adminToken: "a" },
 *   { uid: 1000, gid: 1000 },
 *   0,
 * );
 * // Uint8Array: ustar headers and data, ending with two zero blocks
 * ```
 */
export function securityArchive(
  security: EcsSecurity,
  owner: ContainerUser,
  mtimeSec: number,
): Uint8Array {
  const data = encoder.encode(JSON.stringify({
    privateKey: security.privateKey,
    certChain: security.certChain,
    bearerToken: security.bearerToken,
    adminToken: security.adminToken,
  }));
  const path = ECS_CONTAINER_SECURITY_FILE.slice(1);
  const dirs = ["app/.aws-sso/", "app/.aws-sso/mnt/"];
  const padded = Math.ceil(data.length / 512) * 512;
  const out = new Uint8Array(512 * dirs.length + 512 + padded + 1024);
  let offset = 0;
  for (const dir of dirs) {
    out.set(tarHeader(dir, "5", 0o700, 0, owner, mtimeSec), offset);
    offset += 512;
  }
  out.set(tarHeader(path, "0", 0o600, data.length, owner, mtimeSec), offset);
  offset += 512;
  out.set(data, offset);
  return out;
}
