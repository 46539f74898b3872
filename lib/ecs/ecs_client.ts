/**
 * The client side of the ECS server (docs/design.md §2.5): what `ecs load|unload|list|profile` and
 * `ecs docker start --default` send, with the bearer token when one is set, and the admin
 * credential on loads and unloads only.
 *
 * ```ts
 * import type { RoleCredentials } from "../creds/role_credentials.ts";
 * declare const creds: RoleCredentials;
 * declare const token: string;
 * const address = parseServerAddress("localhost:4144");      // undefined when invalid
 * const client = new EcsClient({ baseUrl: serverBaseUrl(address!, false), token, fetch });
 * await client.load("dev:Admin", creds, { slotted: true });   // PUT /slot/dev%3AAdmin
 * await client.list();                                       // EcsProfileInfo[]
 * ```
 *
 * @module
 */
import type { RoleCredentials } from "../creds/role_credentials.ts";
import { AwsSsoError, errorMessage } from "../errors.ts";
import { type BodyLimits, readResponseText } from "../http_body.ts";
import { ADMIN_ONLY_MESSAGE, type EcsProfileInfo } from "./handler.ts";
import { ECS_ADMIN_HEADER } from "./bearer_token.ts";
import { encodeLoadRequest } from "./load_request.ts";

/** A `host:port` the server listens on. */
export interface EcsServerAddress {
  /** Host name or IP (IPv6 without brackets). */
  host: string;
  /** TCP port. */
  port: number;
}

/** The server answered with an HTTP error. */
export class EcsServerError extends AwsSsoError {
  /** HTTP status. */
  readonly status: number;

  /** Creates the error. */
  constructor(status: number, message: string, hints: string[]) {
    super(message, { hints });
    this.status = status;
  }
}

/**
 * Parses `host:port` (`localhost:4144`, `127.0.0.1:4144`, `[::1]:4144`); undefined when invalid.
 *
 * @example
 * ```ts
 * parseServerAddress("localhost:4144"); // { host: "localhost", port: 4144 }
 * parseServerAddress("localhost"); // undefined
 * ```
 */
export function parseServerAddress(text: string): EcsServerAddress | undefined {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([A-Za-z0-9.-]+)):(\d{1,5})$/.exec(text.trim());
  if (m === null) return undefined;
  const port = Number(m[3]);
  if (!(port >= 1 && port <= 65535)) return undefined;
  const host = m[1] ?? m[2] ?? "";
  if (host === "" || host.startsWith(".") || host.startsWith("-")) return undefined;
  return { host, port };
}

/**
 * The base URL of the server at `address`.
 *
 * @example
 * ```ts
 * serverBaseUrl({ host: "::1", port: 4144 }, false); // "http://[::1]:4144"
 * ```
 */
export function serverBaseUrl(address: EcsServerAddress, tls: boolean): string {
  const host = address.host.includes(":") ? `[${address.host}]` : address.host;
  return `${tls ? "https" : "http"}://${host}:${address.port}`;
}

/** Options of {@link EcsClient}. */
export interface EcsClientOptions {
  /** `http(s)://host:port`. */
  baseUrl: string;
  /** The bearer token; undefined sends no Authorization header. */
  token?: string;
  /** The admin credential, sent with every request but GET; undefined sends none. */
  adminToken?: string;
  /** HTTP (with the server's certificate trusted when it uses TLS). */
  fetch: typeof fetch;
  /** Limits of response bodies (defaults: 16 MiB, 30 s between chunks). */
  bodyLimits?: BodyLimits;
}

function isProfileInfo(v: unknown): v is EcsProfileInfo {
  if (typeof v !== "object" || v === null) return false;
  const o = v as Record<string, unknown>;
  return typeof o.ProfileName === "string" && typeof o.AccountId === "string" &&
    typeof o.RoleName === "string" && typeof o.Expiration === "number";
}

/** Talks to a running ECS server. */
export class EcsClient {
  readonly #o: EcsClientOptions;

  /** Creates the client. */
  constructor(options: EcsClientOptions) {
    this.#o = options;
  }

  /** Loads `creds` into the default slot, or (slotted) into the slot named `profileName`. */
  async load(
    profileName: string,
    creds: RoleCredentials,
    options: { slotted: boolean },
  ): Promise<void> {
    const path = options.slotted ? `/slot/${encodeURIComponent(profileName)}` : "/";
    await this.#call("PUT", path, encodeLoadRequest(profileName, creds));
  }

  /** Empties the default slot, or the slot named `profile`. */
  async unload(profile?: string): Promise<void> {
    await this.#call(
      "DELETE",
      profile === undefined ? "/" : `/slot/${encodeURIComponent(profile)}`,
    );
  }

  /** What the named slots hold. */
  async list(): Promise<EcsProfileInfo[]> {
    const body = await this.#call("GET", "/slot");
    if (!Array.isArray(body) || !body.every(isProfileInfo)) {
      throw new AwsSsoError(`The ECS server at ${this.#o.baseUrl} sent an unexpected slot list`);
    }
    return body;
  }

  /** What the default slot holds; undefined when it holds nothing. */
  async profile(): Promise<EcsProfileInfo | undefined> {
    let body: unknown;
    try {
      body = await this.#call("GET", "/profile");
    } catch (e) {
      if (e instanceof EcsServerError && e.status === 404) return undefined;
      throw e;
    }
    if (!isProfileInfo(body)) {
      throw new AwsSsoError(`The ECS server at ${this.#o.baseUrl} sent an unexpected profile`);
    }
    return body;
  }

  /** The status of `GET /healthcheck` (any answer means the server is up). */
  async health(): Promise<number> {
    const res = await this.#send("GET", "/healthcheck");
    await res.body?.cancel();
    return res.status;
  }

  async #send(method: string, path: string, body?: string): Promise<Response> {
    const headers: Record<string, string> = {};
    if (this.#o.token !== undefined) headers.authorization = `Bearer ${this.#o.token}`;
    if (method !== "GET" && this.#o.adminToken !== undefined) {
      headers[ECS_ADMIN_HEADER] = this.#o.adminToken;
    }
    if (body !== undefined) headers["content-type"] = "application/json";
    const url = this.#o.baseUrl + path;
    try {
      return await this.#o.fetch(url, { method, headers, body });
    } catch (e) {
      // fetch() says only "fetch failed"; the reason (refused, certificate ...) is the cause.
      const cause = e instanceof Error ? e.cause : undefined;
      const reason = cause instanceof Error ? cause.message : errorMessage(e);
      throw new AwsSsoError(
        `Cannot reach the ECS server at ${this.#o.baseUrl}: ${reason}`,
        {
          hints: [
            'start it with "aws-sso ecs server", or point --server / AWS_SSO_ECS_SERVER at it',
          ],
          cause: e,
        },
      );
    }
  }

  async #call(method: string, path: string, body?: string): Promise<unknown> {
    const res = await this.#send(method, path, body);
    let text: string;
    try {
      text = await readResponseText(res, this.#o.bodyLimits);
    } catch (e) {
      throw new AwsSsoError(
        `The ECS server at ${this.#o.baseUrl} sent a bad answer: ${errorMessage(e)}`,
        { cause: e },
      );
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    if (res.status === 200) return parsed;
    const detail = typeof parsed === "object" && parsed !== null &&
        typeof (parsed as { message?: unknown }).message === "string"
      ? (parsed as { message: string }).message
      : res.statusText;
    const hints: string[] = [];
    if (res.status === 403 && detail === "Invalid authorization token") {
      hints.push(
        this.#o.token === undefined
          ? 'the server wants a bearer token: run "aws-sso setup ecs auth" with the same SecureStore'
          : "the server has another bearer token: restart it, or set the same token with " +
            '"aws-sso setup ecs auth"',
      );
    }
    if (res.status === 403 && detail === ADMIN_ONLY_MESSAGE) {
      hints.push(
        this.#o.adminToken === undefined
          ? "loading and unloading need the admin credential aws-sso keeps in its SecureStore"
          : "the server has another admin credential: restart it (it reads the SecureStore's " +
            "at start)",
      );
    }
    if (res.status === 404) {
      hints.push('run "aws-sso ecs list" and "aws-sso ecs profile" to see what the server holds');
    }
    throw new EcsServerError(
      res.status,
      `ECS Server HTTP error: ${res.status}${detail === "" ? "" : ` (${detail})`}`,
      hints,
    );
  }
}
