/**
 * The ECS server's HTTP interface (docs/design.md §2.5, with its fixes of §4): a `Request →
 * Response` function over {@link EcsSlots}, speaking the container-credentials protocol the
 * AWS SDKs and CLI use (`AWS_CONTAINER_CREDENTIALS_FULL_URI` +
 * `AWS_CONTAINER_AUTHORIZATION_TOKEN`) and the reference's load/unload/list routes.
 *
 * | Route | Answer |
 * |---|---|
 * | `GET /`, `GET /slot/<name>` | credentials `{AccessKeyId, Expiration, RoleArn, SecretAccessKey, Token}` |
 * | `PUT /`, `PUT /slot[/<name>]` (admin) | load (body: lib/ecs/load_request.ts; a slot is named by its ProfileName) |
 * | `DELETE /`, `DELETE /slot/<name>`, `DELETE /slot` (admin) | unload one slot; every named slot |
 * | `GET /profile`, `GET /slot` | what the default slot / the named slots hold |
 * | `GET /healthcheck` | `{"status":"ok"}` or 503, no token needed, names no profile |
 * | `GET /healthcheck/slot/<name>` | the same for a named slot (token needed: it reveals what is loaded) |
 *
 * Everything but `/healthcheck` needs `Authorization: Bearer <token>` when a token is set
 * (checked in constant time); errors are `{"code":"<status>","message":"<text>"}`.
 *
 * Least privilege: the bearer token (what containers hold) only reads. Every method other than
 * `GET` — loading, replacing, unloading — also needs the admin credential in the
 * `x-aws-sso-admin` header (lib/ecs/bearer_token.ts), which only the aws-sso CLI holds; without
 * it the answer is 403 before the body is read. Since the server refreshes the roles of loaded
 * slots by itself, this is what keeps a container from making it fetch any other role.
 *
 * @module
 */
import type { Clock } from "../clock.ts";
import type { Logger } from "../logger.ts";
import { formatRfc3339Utc } from "../time_format.ts";
import { timeRemain } from "../time_remain.ts";
import { adminCredentialMatches, authorizationMatches, ECS_ADMIN_HEADER } from "./bearer_token.ts";
import { parseLoadRequest } from "./load_request.ts";
import type { EcsSlot, EcsSlots } from "./slot_store.ts";
import { errorMessage } from "../errors.ts";

/** Options of {@link EcsHandler}. */
export interface EcsHandlerOptions {
  /** The credentials served. */
  slots: EcsSlots;
  /** The bearer token clients must send; undefined turns authentication off. */
  token?: string;
  /**
   * The admin credential every request but `GET` must carry (in `x-aws-sso-admin`), even when
   * `token` is undefined; undefined (or empty) refuses every load and unload.
   */
  adminToken?: string;
  /** Time source (Expires strings, request timing). */
  clock: Clock;
  /** Access log (INFO, one line per request, never a secret) and errors. */
  logger: Logger;
  /**
   * Answer only requests addressed to a loopback name (`localhost`, `127.x.x.x`, `[::1]`), so a
   * web page cannot reach the server through DNS rebinding. Set it when bound to loopback.
   */
  loopbackOnly?: boolean;
  /** Largest accepted request body (default 64 KiB). */
  maxBodyBytes?: number;
}

/** What a profile listing reports (`GET /profile`, `GET /slot`). */
export interface EcsProfileInfo {
  /** Profile name. */
  ProfileName: string;
  /** 12-digit account id. */
  AccountId: string;
  /** Role name. */
  RoleName: string;
  /** Expiry, unix seconds. */
  Expiration: number;
  /** Time left, padded (`" 5h  5m"`). */
  Expires: string;
}

const JSON_TYPE = "application/json; charset=utf-8";
const DEFAULT_MAX_BODY = 64 * 1024;

class BodyTooLarge extends Error {}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body) + "\n", {
    status,
    headers: { "content-type": JSON_TYPE, "cache-control": "no-store" },
  });
}

function message(status: number, text: string): Response {
  return json(status, { code: String(status), message: text });
}

const OK = () => message(200, "OK");
const BAD_REQUEST = () => message(400, "Bad request");
const FORBIDDEN = () => message(403, "Invalid authorization token");
/** The 403 message for a change (PUT, DELETE, ...) without the admin credential. */
export const ADMIN_ONLY_MESSAGE =
  "Loading and unloading credentials need the aws-sso admin credential";
const ADMIN_ONLY = () => message(403, ADMIN_ONLY_MESSAGE);
const UNAVAILABLE = () => message(404, "Credentials unavailable");
const EXPIRED = () => message(404, "Credentials expired");

/** True for `localhost`, `127.x.x.x` and `[::1]` (a URL's hostname, lower-case). */
function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/\.$/, "");
  return host === "localhost" || host === "[::1]" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

async function readBody(req: Request, max: number): Promise<string> {
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > max) throw new BodyTooLarge();
  if (req.body === null) return "";
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > max) {
      await reader.cancel();
      throw new BodyTooLarge();
    }
    chunks.push(value);
  }
  const all = new Uint8Array(size);
  let offset = 0;
  for (const c of chunks) {
    all.set(c, offset);
    offset += c.length;
  }
  return new TextDecoder().decode(all);
}

/** Decodes the slot name of `/slot/<name>`; undefined for `/slot`, null when not decodable. */
function slotName(path: string): string | undefined | null {
  const rest = path.slice("/slot".length).replace(/^\//, "");
  if (rest === "") return undefined;
  try {
    return decodeURIComponent(rest);
  } catch {
    return null;
  }
}

/** Serves the ECS credentials endpoint over {@link EcsSlots}. */
export class EcsHandler {
  readonly #o: EcsHandlerOptions;

  /** Creates the handler. */
  constructor(options: EcsHandlerOptions) {
    this.#o = options;
    if (options.token !== undefined) options.logger.secret(options.token);
    if (options.adminToken !== undefined) options.logger.secret(options.adminToken);
  }

  /** True when requests need the bearer token. */
  get authEnabled(): boolean {
    return this.#o.token !== undefined;
  }

  /** Answers one request; `remote` (the client address) is only logged. */
  async handle(req: Request, remote = ""): Promise<Response> {
    const started = this.#o.clock.now();
    const url = new URL(req.url);
    let res: Response;
    try {
      res = await this.#route(req, url);
    } catch (e) {
      if (e instanceof BodyTooLarge) {
        res = message(413, "Request body too large");
      } else {
        this.#o.logger.error(`ECS request failed: ${errorMessage(e)}`, {
          method: req.method,
          path: url.pathname,
        });
        res = message(500, "Internal error");
      }
    }
    this.#o.logger.info("HTTP request", {
      remote: remote === "" ? undefined : remote,
      code: res.status,
      method: req.method,
      url: url.pathname,
      ms: this.#o.clock.now() - started,
    });
    return res;
  }

  async #authorized(req: Request): Promise<boolean> {
    const token = this.#o.token;
    if (token === undefined) return true;
    return await authorizationMatches(req.headers.get("authorization"), token);
  }

  /** True when the request carries the admin credential (never when none is set). */
  async #admin(req: Request): Promise<boolean> {
    const admin = this.#o.adminToken;
    if (admin === undefined || admin === "") return false;
    return await adminCredentialMatches(req.headers.get(ECS_ADMIN_HEADER), admin);
  }

  async #route(req: Request, url: URL): Promise<Response> {
    // The request URL carries the Host header (HTTP/1.1) or :authority (HTTP/2).
    if (this.#o.loopbackOnly === true && !isLoopbackHost(url.hostname)) {
      return message(403, "Invalid host");
    }
    const path = url.pathname;
    if (path === "/healthcheck" || path.startsWith("/healthcheck/")) {
      return await this.#health(req, path);
    }
    if (!await this.#authorized(req)) return FORBIDDEN();
    // Only GET reads; anything else (PUT, DELETE, and any other or oddly spelt method) is a
    // change, allowed to the admin credential alone, whatever the path.
    if (req.method !== "GET" && !await this.#admin(req)) {
      await req.body?.cancel();
      return ADMIN_ONLY();
    }
    if (path === "/") return await this.#default(req);
    if (path === "/profile") return req.method === "GET" ? this.#profile() : BAD_REQUEST();
    if (path === "/slot" || path.startsWith("/slot/")) return await this.#slot(req, path);
    return UNAVAILABLE();
  }

  async #health(req: Request, path: string): Promise<Response> {
    if (req.method !== "GET") return BAD_REQUEST();
    const rest = path.slice("/healthcheck".length);
    let lookup;
    let missing: string;
    if (rest === "" || rest === "/") {
      lookup = this.#o.slots.peek(undefined);
      missing = "no credentials loaded";
    } else if (rest.startsWith("/slot/")) {
      if (!await this.#authorized(req)) return FORBIDDEN();
      const name = slotName(rest);
      if (name === undefined || name === null) return BAD_REQUEST();
      lookup = this.#o.slots.peek(name);
      missing = "slot not found";
    } else {
      return BAD_REQUEST();
    }
    if (lookup.status === "missing") return json(503, { status: missing });
    if (lookup.status === "expired") return json(503, { status: "credentials expired" });
    return json(200, { status: "ok" });
  }

  async #default(req: Request): Promise<Response> {
    switch (req.method) {
      case "GET": {
        const found = await this.#o.slots.get(undefined);
        return found.status === "ok" ? this.#credentials(found.slot) : EXPIRED();
      }
      case "PUT": {
        const parsed = parseLoadRequest(await readBody(req, this.#max()));
        if ("error" in parsed) return message(500, parsed.error);
        const { profileName, creds } = parsed.request;
        return this.#o.slots.put(undefined, profileName, creds) === "ok" ? OK() : EXPIRED();
      }
      case "DELETE":
        return this.#o.slots.delete(undefined) ? OK() : EXPIRED();
      default:
        return BAD_REQUEST();
    }
  }

  #profile(): Response {
    const found = this.#o.slots.peek(undefined);
    if (found.status === "missing") return UNAVAILABLE();
    if (found.status === "expired") return EXPIRED();
    return json(200, this.#info(found.slot));
  }

  async #slot(req: Request, path: string): Promise<Response> {
    const name = slotName(path);
    if (name === null) return UNAVAILABLE();
    switch (req.method) {
      case "GET": {
        if (name === undefined) {
          const listed: EcsProfileInfo[] = [];
          for (const { status, slot } of this.#o.slots.named()) {
            if (status === "expired") {
              this.#o.logger.error("Skipping a slot whose credentials have expired", {
                slot: slot.name,
              });
              continue;
            }
            listed.push(this.#info(slot));
          }
          return json(200, listed);
        }
        const found = await this.#o.slots.get(name);
        if (found.status === "missing") return UNAVAILABLE();
        return found.status === "ok" ? this.#credentials(found.slot) : EXPIRED();
      }
      case "PUT": {
        // As in the reference, the slot is named by the body's ProfileName, not the URL.
        const parsed = parseLoadRequest(await readBody(req, this.#max()));
        if ("error" in parsed) return message(500, parsed.error);
        const { profileName, creds } = parsed.request;
        return this.#o.slots.put(profileName, profileName, creds) === "ok"
          ? OK()
          : message(500, "Credentials expired");
      }
      case "DELETE":
        if (name === undefined) {
          this.#o.slots.deleteAllNamed();
          return OK();
        }
        return this.#o.slots.delete(name) ? OK() : UNAVAILABLE();
      default:
        return BAD_REQUEST();
    }
  }

  #max(): number {
    return this.#o.maxBodyBytes ?? DEFAULT_MAX_BODY;
  }

  #credentials(slot: EcsSlot): Response {
    const c = slot.creds;
    // Keys in alphabetical order, as the reference writes them.
    return json(200, {
      AccessKeyId: c.accessKeyId,
      Expiration: formatRfc3339Utc(c.expiration),
      RoleArn: c.arn,
      SecretAccessKey: c.secretAccessKey,
      Token: c.sessionToken,
    });
  }

  #info(slot: EcsSlot): EcsProfileInfo {
    const c = slot.creds;
    return {
      ProfileName: slot.profileName,
      AccountId: c.accountId,
      RoleName: c.roleName,
      Expiration: Math.floor(c.expiration / 1000),
      Expires: timeRemain(c.expiration, this.#o.clock.now(), true),
    };
  }
}
