/**
 * The emulator in its own process (tests/emulator/main.ts) behind a TCP pass-through, so a test
 * can SIGKILL it at an exact moment: {@link EmulatorProcess.seen} resolves when a request line
 * matching a pattern goes through, while that request is still unanswered (give the emulator
 * some latency). {@link EmulatorProcess.kill} then kills it and refuses new connections, which
 * is what the CLI sees when the service dies mid-request.
 *
 * @module
 */

const MAIN = new URL("../emulator/main.ts", import.meta.url).pathname;

/** A running emulator process. */
export interface EmulatorProcess {
  /** The emulator's own URL (its control API lives under `/_emulator/`). */
  direct: string;
  /** The start URL to put in config.yaml. */
  startUrl: string;
  /** AWS_ENDPOINT_URL_* pointing at the pass-through. */
  env: Record<string, string>;
  /** Calls the control API (`path` below `/_emulator/`) and returns the parsed JSON, if any. */
  control(method: "GET" | "POST", path: string, body?: unknown): Promise<unknown>;
  /** Resolves when a request whose bytes match `pattern` has been forwarded. */
  seen(pattern: RegExp): Promise<void>;
  /** SIGKILLs the emulator and makes the endpoint refuse connections. */
  kill(): void;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Starts `tests/emulator/main.ts <args>` and a pass-through in front of it. */
export async function emulatorProcess(args: string[] = []): Promise<EmulatorProcess> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", MAIN, ...args],
    stdin: "null",
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let first = "";
  while (!first.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error("the emulator process exited before it was ready");
    first += value;
  }
  reader.cancel().catch(() => {});
  const direct = (JSON.parse(first.split("\n")[0]!) as Record<string, string>)
    .AWS_ENDPOINT_URL_SSO!;
  const upstreamPort = Number(new URL(direct).port);

  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const conns = new Set<Deno.Conn>();
  const watchers: { pattern: RegExp; resolve: () => void }[] = [];
  let dead = false;

  const pump = async (from: Deno.Conn, to: Deno.Conn, inspect: boolean) => {
    const buf = new Uint8Array(64 * 1024);
    try {
      for (;;) {
        const n = await from.read(buf);
        if (n === null) break;
        const chunk = buf.subarray(0, n);
        let written = 0;
        while (written < n) written += await to.write(chunk.subarray(written));
        if (inspect) {
          const text = new TextDecoder().decode(chunk);
          for (const w of [...watchers]) {
            if (w.pattern.test(text)) {
              watchers.splice(watchers.indexOf(w), 1);
              w.resolve();
            }
          }
        }
      }
    } catch {
      // a side closed
    }
    for (const c of [from, to]) {
      try {
        c.close();
      } catch {
        // already closed
      }
      conns.delete(c);
    }
  };

  (async () => {
    for await (const client of listener) {
      if (dead) {
        client.close();
        continue;
      }
      let upstream: Deno.Conn;
      try {
        upstream = await Deno.connect({ hostname: "127.0.0.1", port: upstreamPort });
      } catch {
        client.close();
        continue;
      }
      conns.add(client);
      conns.add(upstream);
      pump(client, upstream, true);
      pump(upstream, client, false);
    }
  })().catch(() => {});

  const proxy = `http://127.0.0.1:${(listener.addr as Deno.NetAddr).port}`;
  let killed = false;
  const kill = () => {
    if (killed) return;
    killed = true;
    dead = true;
    try {
      child.kill("SIGKILL");
    } catch {
      // already gone
    }
    try {
      listener.close();
    } catch {
      // already closed
    }
    for (const c of conns) {
      try {
        c.close();
      } catch {
        // already closed
      }
    }
    conns.clear();
  };

  return {
    direct,
    startUrl: `${direct}/start`,
    env: {
      AWS_ENDPOINT_URL_SSO: proxy,
      AWS_ENDPOINT_URL_SSO_OIDC: proxy,
      AWS_ENDPOINT_URL_STS: proxy,
      AWS_ENDPOINT_URL_SIGNIN: proxy,
    },
    async control(method, path, body) {
      const res = await fetch(`${direct}/_emulator/${path}`, {
        method,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      if (!res.ok) throw new Error(`control ${path}: HTTP ${res.status} ${text}`);
      return text === "" ? undefined : JSON.parse(text);
    },
    seen(pattern) {
      return new Promise((resolve) => watchers.push({ pattern, resolve }));
    },
    kill,
    async [Symbol.asyncDispose]() {
      kill();
      await child.status;
    },
  };
}
