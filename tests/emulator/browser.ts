/**
 * A tiny stand-in for a web browser whose user is signed in: GETs a URL and follows redirects,
 * including to the CLI's 127.0.0.1 loopback listener, so PKCE and device logins complete
 * unattended. Configure it as the URL opener:
 *
 *   UrlAction: exec
 *   UrlExecCommand: [deno, run, -A, <repo>/tests/emulator/browser.ts, "%s"]
 *
 * It only ever contacts loopback hosts: a redirect anywhere else (the AWS console after a
 * sign-in) is where a real browser would show a page, so it stops there with exit code 0.
 * It never prints a URL (they can carry sign-in tokens). Exit codes: 0 the final page answered
 * 2xx (or was off this machine), 1 it answered an error or redirected too often, 2 usage.
 *
 * @module
 */

const MAX_REDIRECTS = 20;

function isLoopback(url: URL): boolean {
  const host = url.hostname;
  return host === "127.0.0.1" || host === "localhost" || host === "[::1]" ||
    /^127\.\d+\.\d+\.\d+$/.test(host);
}

function note(text: string): void {
  Deno.stderr.writeSync(new TextEncoder().encode(`browser: ${text}\n`));
}

/** Follows `start` like a browser would; returns the exit code. */
export async function browse(start: string): Promise<number> {
  let current: URL;
  try {
    current = new URL(start);
  } catch {
    note("not a URL");
    return 2;
  }
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    if (current.protocol !== "http:" && current.protocol !== "https:") {
      note(`cannot open a ${current.protocol} URL`);
      return 1;
    }
    if (!isLoopback(current)) {
      note(`stopped at ${current.host} (not on this machine)`);
      return 0;
    }
    const res = await fetch(current, { redirect: "manual" });
    await res.body?.cancel();
    const location = res.headers.get("location");
    if (res.status >= 300 && res.status < 400 && location !== null) {
      current = new URL(location, current);
      continue;
    }
    if (res.ok) return 0;
    note(`HTTP ${res.status} from ${current.host}`);
    return 1;
  }
  note("too many redirects");
  return 1;
}

if (import.meta.main) {
  const url = Deno.args[0];
  if (url === undefined || Deno.args.length !== 1) {
    note("usage: deno run -A tests/emulator/browser.ts <url>");
    Deno.exitCode = 2;
  } else {
    Deno.exitCode = await browse(url);
  }
}
