/**
 * One-time loopback links: instead of handing a URL that carries a secret (the PKCE authorize
 * URL with its state and code challenge, the console sign-in URL with its SigninToken) to a
 * browser on its command line, where any local process can read it (`/proc/<pid>/cmdline`,
 * `ps`), aws-sso serves `http://127.0.0.1:<port>/<random>` that answers one GET with a redirect
 * to the real URL, and `410 Gone` after that. A second fetch means someone else raced for the
 * link: `onReuse` hears about it so the user can be warned. The link's path is on the browser's
 * command line, which every local user can read: with `peerAllowed` (cli/ passes a check of the
 * connecting socket's owner) a request from another user's program is refused before it can use
 * the link up, and `onForeign` hears about it.
 *
 * @module
 */
import { AwsSsoError, errorMessage } from "./errors.ts";
import { base64Url, type RandomBytes } from "./sso/pkce.ts";

/** A served one-time link. */
export interface OneTimeUrl {
  /** `http://127.0.0.1:<port>/<32 random bytes, base64url>`: safe to put on a command line. */
  readonly url: string;
  /** Resolves when the link was fetched the first time (and redirected). */
  readonly fetched: Promise<void>;
  /** Stops serving (finishes responses in flight first); later fetches are refused. */
  close(): Promise<void>;
}

/** Options of {@link serveOneTimeUrl}. */
export interface OneTimeUrlOptions {
  /** Where the first fetch is redirected to. */
  target: string;
  /** Called on every fetch of the link after the first (it has been used already). */
  onReuse: () => void;
  /**
   * Whether the program connecting from `peer` may fetch the link (false: 403, the link stays
   * unused); default: every program may.
   */
  peerAllowed?: (peer: Deno.NetAddr, local: Deno.NetAddr) => Promise<boolean>;
  /** Called when {@link OneTimeUrlOptions.peerAllowed} refused a request. */
  onForeign?: () => void;
  /** Random source for the path (default WebCrypto). */
  random?: RandomBytes;
}

const USED_PAGE = "This one-time link was already used. If you did not open it before, another " +
  "program on this computer may have taken it: run the aws-sso command again.\n";

function text(status: number, body: string, headers: Record<string, string> = {}): Response {
  return new Response(body, {
    status,
    headers: {
      "content-type": "text/plain; charset=utf-8",
      "cache-control": "no-store",
      ...headers,
    },
  });
}

/** Starts serving a one-time link to `target` on 127.0.0.1 (any free port). */
export function serveOneTimeUrl(options: OneTimeUrlOptions): OneTimeUrl {
  const random = options.random ?? ((n) => crypto.getRandomValues(new Uint8Array(n)));
  const path = `/${base64Url(random(32))}`;
  let used = false;
  let markFetched!: () => void;
  const fetched = new Promise<void>((resolve) => markFetched = resolve);
  // Set before the first request can arrive (Deno.serve returns once it listens).
  let server: Deno.HttpServer<Deno.NetAddr> | undefined;
  const handler = async (req: Request, info: Deno.ServeHandlerInfo<Deno.NetAddr>) => {
    // Only the exact path; anything else (favicon, a guess) learns nothing.
    if (new URL(req.url).pathname !== path) return text(404, "Not found\n");
    // HEAD and friends do not use the link up (link checkers), and never see the target.
    if (req.method !== "GET") return text(405, "Method not allowed\n", { allow: "GET" });
    if (
      options.peerAllowed !== undefined && server !== undefined &&
      !await options.peerAllowed(info.remoteAddr, server.addr)
    ) {
      options.onForeign?.();
      return text(403, "This link belongs to another user's aws-sso.\n");
    }
    if (used) {
      options.onReuse();
      return text(410, USED_PAGE);
    }
    used = true;
    markFetched();
    return new Response(null, {
      status: 302,
      headers: {
        location: options.target,
        "cache-control": "no-store",
        "referrer-policy": "no-referrer",
      },
    });
  };
  let listening: Deno.HttpServer<Deno.NetAddr>;
  try {
    listening = server = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen: () => {} },
      handler,
    );
  } catch (e) {
    throw new AwsSsoError(
      `Cannot listen on 127.0.0.1 for the one-time browser link: ${errorMessage(e)}`,
      { cause: e, hints: ["use --url-action print to open the URL yourself"] },
    );
  }
  let closed: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${listening.addr.port}${path}`,
    fetched,
    close() {
      closed ??= listening.shutdown();
      return closed;
    },
  };
}
