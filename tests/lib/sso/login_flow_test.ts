import assert from "node:assert/strict";
import type { Clock } from "../../../lib/clock.ts";
import type { ClientRegistration } from "../../../lib/secure_store.ts";
import {
  deviceLogin,
  FOREIGN_REDIRECT_WARNING,
  type LineReader,
  LoginFailedError,
  type LoginFlowDeps,
  pkceLogin,
} from "../../../lib/sso/login_flow.ts";
import { OidcClient } from "../../../lib/sso/oidc_client.ts";
import { PortalClient } from "../../../lib/sso/portal_client.ts";
import { grantTypesFor } from "../../../lib/sso/token_manager.ts";
import { type Emulator, startEmulator } from "../../emulator/emulator.ts";
import { httpDeps, realClock, RecordingLogger } from "./_fixtures.ts";

const endpoints = (emu: Emulator) => ({ overrides: { oidc: emu.url, portal: emu.url } });

interface Harness {
  deps: LoginFlowDeps;
  notices: string[];
  opened: string[];
  logger: RecordingLogger;
}

function harness(
  emu: Emulator,
  open: (url: string) => void | Promise<void>,
  extra: Partial<LoginFlowDeps> = {},
): Harness {
  const logger = new RecordingLogger();
  const notices: string[] = [];
  const opened: string[] = [];
  return {
    notices,
    opened,
    logger,
    deps: {
      oidc: new OidcClient(httpDeps(logger), emu.region, endpoints(emu)),
      instance: { name: "Default", startUrl: emu.startUrl, ssoRegion: emu.region },
      endpoints: endpoints(emu),
      clock: realClock,
      logger,
      notify: (text) => notices.push(text),
      opener: {
        async open(url) {
          opened.push(url);
          await open(url);
        },
      },
      ...extra,
    },
  };
}

async function register(
  emu: Emulator,
  workflow: "pkce" | "device_code",
): Promise<ClientRegistration> {
  const oidc = new OidcClient(httpDeps(new RecordingLogger()), emu.region, endpoints(emu));
  const grantTypes = grantTypesFor(workflow);
  const r = await oidc.registerClient(
    workflow === "pkce"
      ? {
        issuerUrl: emu.startUrl,
        grantTypes,
        scopes: ["sso:account:access"],
        redirectUris: ["http://127.0.0.1"],
      }
      : { issuerUrl: emu.startUrl, grantTypes },
  );
  return { ...r, grantTypes };
}

async function tokenWorks(emu: Emulator, accessToken: string): Promise<void> {
  const portal = new PortalClient(httpDeps(new RecordingLogger()), emu.region, endpoints(emu));
  assert.ok((await portal.listAccounts(accessToken)).length > 0);
}

function userCodeOf(url: string): string {
  return new URL(url).searchParams.get("user_code")!;
}

Deno.test("pkceLogin() completes when the browser follows the redirect to the loopback listener", async () => {
  await using emu = await startEmulator();
  const client = await register(emu, "pkce");
  let page: Promise<Response> | undefined;
  const h = harness(emu, (url) => {
    // The browser runs on its own; the listener was bound before this call.
    page = fetch(url);
  });
  const token = await pkceLogin(h.deps, client);
  const res = await page!;
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("content-type"), "text/html; charset=utf-8");
  assert.match(await res.text(), /Authentication complete/);
  assert.ok(token.refreshToken !== undefined);
  assert.equal(emu.counters["CreateToken:authorization_code"], 1);
  await tokenWorks(emu, token.accessToken);

  const opened = new URL(h.opened[0]!);
  assert.equal(opened.origin + opened.pathname, `${emu.url}/authorize`);
  assert.match(opened.searchParams.get("redirect_uri")!, /^http:\/\/127\.0\.0\.1:\d+$/);
  // The code and verifier were registered as secrets before anything could log them.
  assert.ok([...h.logger.secrets].some((s) => s === token.accessToken));
});

Deno.test("pkceLogin() completes with the redirect URL pasted into the terminal", async () => {
  await using emu = await startEmulator();
  const client = await register(emu, "pkce");
  let redirected: string | undefined;
  const lines: (string | undefined)[] = [];
  let wake: (() => void) | undefined;
  const reader: LineReader = {
    async readLine() {
      while (lines.length === 0) await new Promise<void>((r) => wake = r);
      return lines.shift();
    },
  };
  const h = harness(emu, async (url) => {
    // A browser on another machine: the redirect to 127.0.0.1 never reaches this host.
    const res = await fetch(url, { redirect: "manual" });
    await res.body?.cancel();
    redirected = res.headers.get("location")!;
    lines.push("not a url", redirected.replace(/state=[^&]+/, "state=stale"), redirected);
    wake?.();
  }, { pasteReader: reader });
  const token = await pkceLogin(h.deps, client);
  await tokenWorks(emu, token.accessToken);
  const said = h.notices.join("");
  assert.match(said, /paste it here/);
  assert.match(said, /not the address the browser was sent to/);
  assert.match(said, /does not belong to this login \(state mismatch\)/);
  // The listener never saw a request: the pasted URL did it.
  assert.equal(emu.counters["CreateToken:authorization_code"], 1);
});

Deno.test("pkceLogin() answers forged redirects with 400, ignores them and completes with the real one", async () => {
  await using emu = await startEmulator();
  const client = await register(emu, "pkce");
  const answers: Record<string, number> = {};
  let page: Response | undefined;
  const h = harness(emu, async (url) => {
    const res = await fetch(url, { redirect: "manual" });
    await res.body?.cancel();
    const real = res.headers.get("location")!;
    const listener = real.slice(0, real.indexOf("?"));
    const forged = {
      "wrong state": real.replace(/state=[^&]+/, "state=forged"),
      "missing state": `${listener}?code=attacker-code`,
      "error with a wrong state": `${listener}?error=access_denied&state=forged`,
      "error without state": `${listener}?error=%1B%5B2Jx&error_description=bye`,
    };
    for (const [what, forgedUrl] of Object.entries(forged)) {
      const r = await fetch(forgedUrl);
      answers[what] = r.status;
      assert.match(await r.text(), /does not belong to the running aws-sso login/);
    }
    page = await fetch(real);
  });
  const token = await pkceLogin(h.deps, client);
  assert.deepEqual(answers, {
    "wrong state": 400,
    "missing state": 400,
    "error with a wrong state": 400,
    "error without state": 400,
  });
  assert.equal(page!.status, 200);
  await page!.body?.cancel();
  await tokenWorks(emu, token.accessToken);
  assert.equal(emu.counters["CreateToken:authorization_code"], 1);
  assert.deepEqual(h.notices.filter((n) => n === FOREIGN_REDIRECT_WARNING), [
    FOREIGN_REDIRECT_WARNING,
  ]);
  const debug = h.logger.lines.filter((l) => l.startsWith("DEBUG Ignored a request"));
  assert.equal(debug.length, 4, h.logger.lines.join("\n"));
  assert.ok(debug.some((l) => l.includes("\\x1b[2Jx")), "the escape sequence is escaped");
  assert.ok(!h.logger.lines.join("").includes("\x1b"), "no raw control character logged");
});

Deno.test("pkceLogin() fails clearly when the user denies access in the browser", async () => {
  await using emu = await startEmulator();
  const client = await register(emu, "pkce");
  emu.setBrowserDecision("deny");
  let answer: Response | undefined;
  const h = harness(emu, async (url) => {
    answer = await fetch(url);
  });
  await assert.rejects(pkceLogin(h.deps, client), /denied in the browser/);
  assert.equal(answer!.status, 400);
  await answer!.body?.cancel();
});

Deno.test("pkceLogin() gives up after the wait with a message saying what to do, and stops listening", async () => {
  await using emu = await startEmulator();
  const client = await register(emu, "pkce");
  const h = harness(emu, () => {}, { timeoutMs: 150 });
  await assert.rejects(pkceLogin(h.deps, client), (e) => {
    assert.ok(e instanceof LoginFailedError);
    assert.match(e.message, /timed out/);
    assert.ok(e.hints.some((x) => /device_code/.test(x)));
    return true;
  });
  const port = new URL(new URL(h.opened[0]!).searchParams.get("redirect_uri")!).port;
  await assert.rejects(fetch(`http://127.0.0.1:${port}/?code=x&state=y`));
});

Deno.test("pkceLogin() listens on the --redirect-port when one is given", async () => {
  await using emu = await startEmulator();
  const client = await register(emu, "pkce");
  const probe = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (probe.addr as Deno.NetAddr).port;
  probe.close();
  let page: Promise<Response> | undefined;
  const h = harness(emu, (url) => {
    page = fetch(url);
  }, { redirectPort: port });
  await pkceLogin(h.deps, client);
  await (await page!).body?.cancel();
  assert.equal(
    new URL(h.opened[0]!).searchParams.get("redirect_uri"),
    `http://127.0.0.1:${port}`,
  );
});

Deno.test("deviceLogin() shows the user code, polls while pending and returns the token once approved", async () => {
  await using emu = await startEmulator({ deviceCodeIntervalSec: 1 });
  const client = await register(emu, "device_code");
  const h = harness(emu, (url) => {
    setTimeout(() => emu.approveDevice(userCodeOf(url)), 1500);
  });
  const token = await deviceLogin(h.deps, client, () => Promise.reject(new Error("unused")));
  await tokenWorks(emu, token.accessToken);
  const code = userCodeOf(h.opened[0]!);
  assert.ok(h.notices.join("").includes(`Verify this code in your browser: ${code}`));
  assert.ok((emu.counters["CreateToken:device_code"] ?? 0) >= 2, "polled while pending");
  assert.equal(emu.counters["RegisterClient"], 1);
});

Deno.test("deviceLogin() adds 5 s to the polling interval when AWS answers slow_down", async () => {
  await using emu = await startEmulator({ deviceCodeIntervalSec: 1 });
  const client = await register(emu, "device_code");
  let userCode = "";
  const sleeps: number[] = [];
  // Polls without waiting (too fast) until AWS says slow_down; then approves and waits briefly.
  const clock: Clock = {
    now: () => Date.now(),
    sleep(ms) {
      sleeps.push(ms);
      const fast = ms === 1000 && sleeps.length < 10;
      if (!fast) emu.approveDevice(userCode);
      return realClock.sleep(fast ? 0 : 50);
    },
  };
  const h = harness(emu, (url) => {
    userCode = userCodeOf(url);
  }, { clock });
  await deviceLogin(h.deps, client, () => Promise.reject(new Error("unused")));
  assert.ok(emu.counters["CreateToken:device_code"]! >= 3);
  assert.equal(sleeps.at(-1), 6000, `intervals asked for: ${sleeps.join(", ")}`);
  assert.ok(sleeps.slice(0, -1).every((ms) => ms === 1000));
});

Deno.test("deviceLogin() fails clearly when the login is denied in the browser", async () => {
  await using emu = await startEmulator({ deviceCodeIntervalSec: 1 });
  const client = await register(emu, "device_code");
  const h = harness(emu, (url) => emu.denyDevice(userCodeOf(url)));
  await assert.rejects(
    deviceLogin(h.deps, client, () => Promise.reject(new Error("unused"))),
    (e) => {
      assert.ok(e instanceof LoginFailedError);
      assert.equal(e.message, "Login failed: the login request was denied in the browser");
      assert.deepEqual(e.hints, ['run "aws-sso login" again']);
      return true;
    },
  );
});

Deno.test("deviceLogin() fails clearly when the device code expires before approval", async () => {
  await using emu = await startEmulator({ deviceCodeIntervalSec: 1, deviceCodeLifetimeSec: 1 });
  const client = await register(emu, "device_code");
  const h = harness(emu, () => {});
  await assert.rejects(
    deviceLogin(h.deps, client, () => Promise.reject(new Error("unused"))),
    /device code expired before it was approved/,
  );
});

Deno.test("deviceLogin() registers a new client once when the stored one is refused", async () => {
  await using emu = await startEmulator({ deviceCodeIntervalSec: 1 });
  const good = await register(emu, "device_code");
  const stale = { ...good, clientSecret: "revoked-secret-value" };
  let reregistered = 0;
  const h = harness(emu, (url) => emu.approveDevice(userCodeOf(url)));
  const token = await deviceLogin(h.deps, stale, () => {
    reregistered++;
    return Promise.resolve(good);
  });
  assert.equal(reregistered, 1);
  await tokenWorks(emu, token.accessToken);
});

Deno.test("deviceLogin() names the cause when device authorization cannot start at all", async () => {
  await using emu = await startEmulator({ deviceCodeIntervalSec: 1 });
  const good = await register(emu, "device_code");
  const stale = { ...good, clientSecret: "revoked-secret-value" };
  const h = harness(emu, () => {});
  await assert.rejects(
    deviceLogin(h.deps, stale, () => Promise.resolve(stale)),
    /Unable to start device authorization with AWS SSO: StartDeviceAuthorization failed: InvalidClientException/,
  );
});

Deno.test("both logins stop serving the opener's one-time link when they end", async () => {
  await using emu = await startEmulator({ deviceCodeIntervalSec: 1 });
  let closed = 0;
  const handle = { close: () => Promise.resolve(void closed++) };
  const pkce = harness(emu, () => {}, { timeoutMs: 100 });
  pkce.deps.opener = { open: () => Promise.resolve(handle) };
  await assert.rejects(pkceLogin(pkce.deps, await register(emu, "pkce")), /timed out/);
  assert.equal(closed, 1, "closed when the PKCE login timed out");
  const device = harness(emu, () => {});
  device.deps.opener = {
    open(url) {
      emu.approveDevice(userCodeOf(url));
      return Promise.resolve(handle);
    },
  };
  await deviceLogin(
    device.deps,
    await register(emu, "device_code"),
    () => Promise.reject(new Error("unused")),
  );
  assert.equal(closed, 2, "closed when the device login ended");
});
