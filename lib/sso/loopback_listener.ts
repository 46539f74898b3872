/**
 * The loopback HTTP listener of the PKCE login (reference §4.3, RFC 8252 §7.3): bound on
 * 127.0.0.1 before the browser opens, it answers the browser's redirect on any path, checks
 * `state` and hands the authorization code to the login flow.
 *
 * Any local process can send requests to the port. One without this login's `state` (a forged
 * code, or an `error=` meant to abort the login) is answered 400 and reported through
 * `onForeign`, and the listener keeps waiting for the browser's real redirect.
 *
 * @module
 */
import { AwsSsoError, errorMessage } from "../errors.ts";
import { type CallbackResult, checkCallback } from "./pkce.ts";
import { safeText } from "../safe_text.ts";

/** A redirect that ends the wait: a code, or an error to abort the login with. */
export type ListenerOutcome = Exclude<CallbackResult, { kind: "ignore" | "foreign" }>;

/** A request that did not belong to the login, as far as it may be told (escaped, short). */
export interface ForeignRequest {
  /** Why it was refused: `state mismatch` or `returned state is empty`. */
  reason: string;
  /** Its `error` parameter, when it had one: control characters escaped, cut to 100. */
  error?: string;
}

/** A running listener. */
export interface LoopbackListener {
  /** The bound port. */
  readonly port: number;
  /** Settles with the first redirect carrying a code or an error; never rejects. */
  readonly outcome: Promise<ListenerOutcome>;
  /** Stops listening (finishes responses in flight first). */
  close(): Promise<void>;
}

/** What {@link startLoopbackListener} needs. */
export interface LoopbackListenerOptions {
  /** Port to bind on 127.0.0.1 (0: any free port). */
  port: number;
  /** This login's `state`. */
  expectedState: string;
  /** Hears about each refused request that did not belong to this login. */
  onForeign?: (request: ForeignRequest) => void;
}

/** Starts a listener on `port` (0: any free port) that expects `state`. */
export type LoopbackListenerFactory = (options: LoopbackListenerOptions) => LoopbackListener;

const SUCCESS_PAGE = `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>aws-sso: login complete</title></head>
<body style="font-family: sans-serif; margin: 3em;">
<h1>Authentication complete</h1>
<p>aws-sso is now logged in. You can close this window and return to the terminal.</p>
</body>
</html>
`;

function text(status: number, body: string): Response {
  return new Response(body, {
    status,
    headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" },
  });
}

/** Request-supplied text for a log line: escaped (lib/safe_text.ts), at most 100 characters. */
function escaped(text: string): string {
  return safeText(text.length > 100 ? `${text.slice(0, 100)}...` : text);
}

/** The real listener, on `Deno.serve`; bound by the time this returns. */
export function startLoopbackListener(
  { port, expectedState, onForeign }: LoopbackListenerOptions,
): LoopbackListener {
  let settle!: (outcome: ListenerOutcome) => void;
  const outcome = new Promise<ListenerOutcome>((resolve) => settle = resolve);
  let done = false;
  const handler = (req: Request): Response => {
    if (req.method !== "GET") return text(405, "Method not allowed\n");
    const query = new URL(req.url).searchParams;
    const result = checkCallback(query, expectedState);
    if (result.kind === "ignore") return text(404, "Not found\n");
    if (result.kind === "foreign") {
      const error = query.get("error");
      onForeign?.({
        reason: result.message,
        error: error === null ? undefined : escaped(error),
      });
      return text(400, "This request does not belong to the running aws-sso login; ignored.\n");
    }
    if (done) return text(409, "This login has already finished; return to the terminal.\n");
    done = true;
    settle(result);
    if (result.kind !== "code") return text(400, `aws-sso login failed: ${result.message}\n`);
    return new Response(SUCCESS_PAGE, {
      headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" },
    });
  };
  let server: Deno.HttpServer<Deno.NetAddr>;
  try {
    server = Deno.serve({ hostname: "127.0.0.1", port, onListen: () => {} }, handler);
  } catch (e) {
    if (e instanceof Deno.errors.AddrInUse) {
      throw new AwsSsoError(
        `Cannot listen on 127.0.0.1:${port} for the login: the port is in use`,
        {
          hints: ["choose another --redirect-port, or stop the program using it"],
          cause: e,
        },
      );
    }
    throw new AwsSsoError(
      `Cannot listen on 127.0.0.1:${port} for the login: ${errorMessage(e)}`,
      { cause: e },
    );
  }
  let closed: Promise<void> | undefined;
  return {
    port: server.addr.port,
    outcome,
    close() {
      closed ??= server.shutdown();
      return closed;
    },
  };
}
