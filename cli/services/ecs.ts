/**
 * The ECS server's secrets and clients as commands use them (`ecs server`, `ecs load|unload|
 * list|profile`, `ecs docker start`, `setup ecs auth|ssl`):
 *
 * ```ts
 * import type { Context } from "../context.ts";
 * declare const ctx: Context;
 * declare const opts: { server?: string };
 * declare const cmd: { getOptionValueSource(name: string): string | undefined };
 * const { token, created } = await ecsBearerToken(ctx, { create: true }); // server: auth on by default
 * const admin = await ecsAdminToken(ctx);                                // created on first use
 * const tls = await ecsTlsMaterial(ctx);                                 // { cert, key } or {}
 * const client = await ecsClient(ctx, opts.server, cmd.getOptionValueSource("server"), {
 *   admin: true, // load / unload
 * });
 * ```
 *
 * Two credentials, both in the SecureStore: the bearer token (what containers get; read-only on
 * the server) and the admin credential (loading and unloading; only this CLI and the server it
 * starts ever hold it).
 *
 * @module
 */
import { newBearerToken } from "../../lib/ecs/bearer_token.ts";
import { EcsClient, parseServerAddress, serverBaseUrl } from "../../lib/ecs/ecs_client.ts";
import { AwsSsoError, UsageError } from "../../lib/errors.ts";
import type { SecureStore } from "../../lib/secure_store.ts";
import { ConfigNotFoundError, type Context } from "../context.ts";
import { secureStore } from "./store.ts";

/** Where `ecs` clients find the server when neither --server nor AWS_SSO_ECS_SERVER is set. */
export const DEFAULT_ECS_SERVER = "localhost:4144";

/** The ECS bearer token, and whether this call created it. */
export interface EcsTokenResult {
  /** The token; undefined when none is stored (and none was to be created). */
  token?: string;
  /** True when the token was generated and stored by this call. */
  created: boolean;
}

/**
 * The stored bearer token. With `create`, a new random one is generated and stored when there
 * is none (under the store lock, so two servers starting together agree on one token).
 */
export async function ecsBearerToken(
  ctx: Context,
  options: { create: boolean },
): Promise<EcsTokenResult> {
  const store = await secureStore(ctx);
  if (!options.create) {
    const token = await store.getEcsBearerToken();
    ctx.logger.secret(token);
    return { token, created: false };
  }
  let created = false;
  const token = await store.updateEcsBearerToken((current) => {
    if (current !== undefined && current !== "") return current;
    created = true;
    return newBearerToken();
  });
  ctx.logger.secret(token);
  return { token, created };
}

/**
 * The stored admin credential, generated and stored (under the store lock, so a server and a
 * client starting together agree on one) when there is none.
 */
export async function ecsAdminToken(ctx: Context, store?: SecureStore): Promise<string> {
  const s = store ?? await secureStore(ctx);
  const admin = await s.updateEcsAdminToken((current) =>
    current !== undefined && current !== "" ? current : newBearerToken()
  );
  // The update callback always returns a value, so the store always hands one back.
  ctx.logger.secret(admin);
  return admin!;
}

/** The server's TLS certificate chain and key (PEM), when both are stored. */
export interface EcsTlsMaterial {
  /** Certificate chain (PEM). */
  cert?: string;
  /** Private key (PEM). */
  key?: string;
}

/** The stored TLS certificate and key; warns and returns neither when only one is stored. */
export async function ecsTlsMaterial(
  ctx: Context,
  store?: SecureStore,
): Promise<EcsTlsMaterial> {
  const s = store ?? await secureStore(ctx);
  const [cert, key] = await Promise.all([s.getEcsCertChain(), s.getEcsPrivateKey()]);
  ctx.logger.secret(key);
  if (cert !== undefined && key !== undefined) return { cert, key };
  if (cert !== undefined || key !== undefined) {
    ctx.logger.warn(
      `The SecureStore holds a TLS ${cert === undefined ? "private key" : "certificate"} but no ${
        cert === undefined ? "certificate" : "private key"
      }: TLS stays off`,
      { hint: 'run "aws-sso setup ecs ssl" with both --certificate and --private-key' },
    );
  }
  return {};
}

/**
 * A client for the server named by `--server` / `AWS_SSO_ECS_SERVER` (default
 * localhost:4144), with the stored bearer token and, when a certificate is stored, https that
 * trusts it. Works without a config file (then without token or TLS, with a warning) — except
 * with `admin` (load, unload), which needs the admin credential from the SecureStore.
 */
export async function ecsClient(
  ctx: Context,
  server: string | undefined,
  source: string | undefined,
  options: { admin?: boolean } = {},
): Promise<EcsClient> {
  const text = server === undefined || server === "" ? DEFAULT_ECS_SERVER : server;
  const address = parseServerAddress(text);
  if (address === undefined) {
    const name = source === "env" ? "AWS_SSO_ECS_SERVER" : "--server";
    throw new UsageError(`invalid ${name} address: ${text}`, {
      hints: ["give it as host:port, e.g. localhost:4144 or [::1]:4144"],
    });
  }
  let token: string | undefined;
  let admin: string | undefined;
  let cert: string | undefined;
  try {
    const store = await secureStore(ctx);
    token = await store.getEcsBearerToken();
    ctx.logger.secret(token);
    cert = (await ecsTlsMaterial(ctx, store)).cert;
    if (options.admin === true) admin = await ecsAdminToken(ctx, store);
  } catch (e) {
    if (!(e instanceof ConfigNotFoundError)) throw e;
    if (options.admin === true) {
      throw new AwsSsoError(
        "Cannot load or unload ECS credentials without a config file: the admin credential " +
          "the ECS server wants is kept in the SecureStore the config names",
        { hints: ['run "aws-sso setup wizard" to create the config'], cause: e },
      );
    }
    ctx.logger.warn(
      "No config file, so no SecureStore: talking to the ECS server without a bearer token",
    );
  }
  if (token === undefined) {
    ctx.logger.warn(
      'No ECS bearer token in the SecureStore: sending requests without one (run "aws-sso ecs server" once, or "aws-sso setup ecs auth")',
    );
  }
  let fetcher: typeof fetch = ctx.fetch;
  if (cert === undefined) {
    ctx.logger.debug("No TLS certificate stored: using http");
  } else {
    const client = Deno.createHttpClient({ caCerts: [cert] });
    fetcher = (input, init) => ctx.fetch(input, { ...init, client });
  }
  return new EcsClient({
    baseUrl: serverBaseUrl(address, cert !== undefined),
    token,
    adminToken: admin,
    fetch: fetcher,
  });
}
