/**
 * The loopback HTTP listener of the PKCE login (reference §4.3, RFC 8252 §7.3): bound on
 * 127.0.0.1 before the browser opens, it answers the browser's redirect on any path, checks
 * `state` and hands the authorization code to the login flow.
 *
 * @module
 */
import { AwsSsoError } from "../errors.ts";
import { type CallbackResult, checkCallback } from "./pkce.ts";

/** A redirect that ends the wait: a code, or an error to abort the login with. */
export type ListenerOutcome = Exclude<CallbackResult, { kind: "ignore" }>;

/** A running listener. */
export interface LoopbackListener {
  /** The bound port. */
  readonly port: number;
  /** Settles with the first redirect carrying a code or an error; never rejects. */
  readonly outcome: Promise<ListenerOutcome>;
  /** Stops listening (finishes responses in flight first). */
  close(): Promise<void>;
}

/** Starts a listener on `port` (0: any free port) that expects `state`. */
export type LoopbackListenerFactory = (
  options: { port: number; expectedState: string },
) => LoopbackListener;

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

/** The real listener, on `Deno.serve`; bound by the time this returns. */
export function startLoopbackListener(
  { port, expectedState }: { port: number; expectedState: string },
): LoopbackListener {
  let settle!: (outcome: ListenerOutcome) => void;
  const outcome = new Promise<ListenerOutcome>((resolve) => settle = resolve);
  let done = false;
  const handler = (req: Request): Response => {
    if (req.method !== "GET") return text(405, "Method not allowed\n");
    const result = checkCallback(new URL(req.url).searchParams, expectedState);
    if (result.kind === "ignore") return text(404, "Not found\n");
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
      `Cannot listen on 127.0.0.1:${port} for the login: ${(e as Error).message}`,
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
