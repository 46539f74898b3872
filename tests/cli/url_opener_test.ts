import assert from "node:assert/strict";
import type { UrlAction } from "../../lib/settings/url_action.ts";
import {
  createUrlOpener,
  LINK_REUSED_WARNING,
  type ProcessLauncher,
} from "../../cli/url_opener.ts";
import type { OneTimeUrlOptions } from "../../lib/one_time_url.ts";
import { RecordingLogger } from "../lib/sso/_fixtures.ts";

const URL_ = "https://oidc.us-east-1.amazonaws.com/authorize?client_id=a&state=b";
/** The one-time link the fake server hands out (the real one is tested below). */
const LINK = "http://127.0.0.1:9/one-time";

interface Recorded {
  spawned: { program: string; args: string[]; env?: Record<string, string> }[];
  piped: { program: string; args: string[]; input: string }[];
  notices: string[];
  logger: RecordingLogger;
  /** Targets of the one-time links served. */
  links: string[];
}

function opener(
  action: UrlAction,
  options: {
    browser?: string;
    execCommand?: string[];
    os?: typeof Deno.build.os;
    env?: Record<string, string>;
    installed?: string[];
    spawnFails?: boolean;
    realLinks?: boolean;
  } = {},
) {
  const rec: Recorded = {
    spawned: [],
    piped: [],
    notices: [],
    logger: new RecordingLogger(),
    links: [],
  };
  const fakeLink = (o: OneTimeUrlOptions) => {
    rec.links.push(o.target);
    return { url: LINK, fetched: new Promise<void>(() => {}), close: () => Promise.resolve() };
  };
  const launcher: ProcessLauncher = {
    spawnDetached(program, args, env) {
      if (options.spawnFails) throw new Deno.errors.NotFound(`${program} not found`);
      rec.spawned.push({ program, args, env });
    },
    runWithInput(program, args, input) {
      rec.piped.push({ program, args, input: new TextDecoder().decode(input) });
      return Promise.resolve(0);
    },
    available: (program) => Promise.resolve((options.installed ?? []).includes(program)),
  };
  const open = createUrlOpener({
    action,
    browser: options.browser,
    execCommand: options.execCommand ?? [],
    container: { name: "Default", color: "blue", icon: "fingerprint" },
    notice: (t) => rec.notices.push(t),
    logger: rec.logger,
    launcher,
    os: options.os ?? "linux",
    env: options.env ?? {},
    home: "/home/me",
    oneTimeUrl: options.realLinks ? undefined : fakeLink,
  });
  return { rec, open: (url = URL_) => open.open(url) };
}

Deno.test("print shows the URL between blank lines with the reference's wording", async () => {
  const { rec, open } = opener("print");
  await open();
  assert.deepEqual(rec.notices, [
    `Please open the following URL in your browser:\n\n${URL_}\n\n`,
  ]);
});

Deno.test("printurl shows only the URL", async () => {
  const { rec, open } = opener("printurl");
  await open();
  assert.deepEqual(rec.notices, [`${URL_}\n`]);
});

Deno.test("ansi-osc52 writes the clipboard escape", async () => {
  const { rec, open } = opener("ansi-osc52");
  await open();
  assert.deepEqual(rec.notices, [`\x1b]52;c;${btoa(URL_)}\x07`]);
});

Deno.test("open uses Browser when set, else xdg-open, wslview on WSL, open on macOS", async () => {
  let o = opener("open", { browser: "~/bin/firefox" });
  await o.open();
  assert.deepEqual(o.rec.spawned[0], {
    program: "/home/me/bin/firefox",
    args: [LINK],
    env: undefined,
  });
  assert.deepEqual(o.rec.links, [URL_]);
  o = opener("open", { env: { DISPLAY: ":0" } });
  await o.open();
  assert.equal(o.rec.spawned[0]?.program, "xdg-open");
  o = opener("open", { env: { WSL_DISTRO_NAME: "Ubuntu" } });
  await o.open();
  assert.equal(o.rec.spawned[0]?.program, "wslview");
  o = opener("open", { os: "darwin" });
  await o.open();
  assert.deepEqual(o.rec.spawned[0]?.args, [LINK]);
  assert.equal(o.rec.spawned[0]?.program, "open");
});

Deno.test("open falls back to printing the URL when no browser can be started", async () => {
  const { rec, open } = opener("open", { spawnFails: true, env: { DISPLAY: ":0" } });
  await open();
  assert.match(rec.notices.join(""), /Please open the following URL/);
  assert.ok(rec.notices.join("").includes(URL_), "the real URL is printed");
  assert.ok(rec.logger.lines.some((l) => l.startsWith("WARN Unable to open the URL")));
});

Deno.test("open prints the URL on Linux without a graphical display (an SSH session)", async () => {
  const { rec, open } = opener("open");
  await open();
  assert.deepEqual(rec.spawned, []);
  assert.match(rec.notices.join(""), /Please open the following URL/);
  assert.ok(rec.logger.lines.some((l) => /no graphical display/.test(l)));
});

Deno.test("exec runs UrlExecCommand with a one-time link to the URL in place of %s", async () => {
  const { rec, open } = opener("exec", { execCommand: ["firefox", "--new-tab", "%s"] });
  const opened = await open();
  assert.deepEqual(rec.spawned, [
    { program: "firefox", args: ["--new-tab", LINK], env: { HOME: "/home/me" } },
  ]);
  assert.deepEqual(rec.links, [URL_]);
  assert.ok(opened?.fetched !== undefined);
});

Deno.test("the container actions pass a container URL to UrlExecCommand", async () => {
  const { rec, open } = opener("open-url-in-container", { execCommand: ["firefox", "%s"] });
  await open();
  assert.equal(
    rec.spawned[0]!.args[0]!,
    "ext+container:name=Default&url=http%3A%2F%2F127.0.0.1%3A9%2Fone-time&color=blue&icon=fingerprint",
  );
  assert.deepEqual(rec.links, [URL_]);
  const g = opener("granted-containers", { execCommand: ["firefox", "%s"] });
  await g.open();
  assert.match(g.rec.spawned[0]!.args[0]!, /^ext\+granted-containers:name=Default&url=/);
});

Deno.test("exec without a usable UrlExecCommand fails with a clear message", async () => {
  const { open } = opener("exec", { execCommand: ["firefox"] });
  await assert.rejects(open(), /fewer than 2 arguments/);
});

Deno.test("clip pipes the URL to the first clipboard program installed", async () => {
  const { rec, open } = opener("clip", { installed: ["xsel", "xclip"] });
  await open();
  assert.deepEqual(rec.piped, [{
    program: "xclip",
    args: ["-selection", "clipboard"],
    input: URL_,
  }]);
  assert.ok(rec.logger.lines.includes("INFO Please open URL copied to clipboard."));
  const w = opener("clip", {
    installed: ["wl-copy", "xclip"],
    env: { WAYLAND_DISPLAY: "wayland-0" },
  });
  await w.open();
  assert.equal(w.rec.piped[0]?.program, "wl-copy");
  const mac = opener("clip", { os: "darwin", installed: ["pbcopy"] });
  await mac.open();
  assert.equal(mac.rec.piped[0]?.program, "pbcopy");
});

Deno.test("clip without any clipboard program says what to install", async () => {
  const { open } = opener("clip");
  await assert.rejects(open(), /no clipboard program found/);
});

Deno.test("print, printurl, clip and OSC 52 show the real URL and serve no one-time link", async () => {
  for (const action of ["print", "printurl", "clip", "ansi-osc52"] as const) {
    const { rec, open } = opener(action, { installed: ["xclip"] });
    const opened = await open();
    assert.equal(opened, undefined, action);
    assert.deepEqual(rec.links, [], action);
  }
});

Deno.test("a started browser gets a one-time link: it redirects once, then 410 and one warning", async () => {
  const { rec, open } = opener("exec", { execCommand: ["firefox", "%s"], realLinks: true });
  const opened = await open();
  assert.ok(opened !== undefined);
  try {
    const link = rec.spawned[0]!.args[0]!;
    assert.match(link, /^http:\/\/127\.0\.0\.1:\d+\/[A-Za-z0-9_-]{43}$/);
    assert.ok(!link.includes("state="));
    const head = await fetch(link, { method: "HEAD" });
    assert.equal(head.status, 405, "a HEAD does not use the link up");
    const other = await fetch(new URL("/favicon.ico", link), { redirect: "manual" });
    await other.body?.cancel();
    assert.equal(other.status, 404);
    const first = await fetch(link, { redirect: "manual" });
    await first.body?.cancel();
    assert.equal(first.status, 302);
    assert.equal(first.headers.get("location"), URL_);
    await opened.fetched;
    assert.deepEqual(rec.notices, []);
    for (let i = 0; i < 2; i++) {
      const again = await fetch(link, { redirect: "manual" });
      assert.equal(again.status, 410);
      assert.equal(again.headers.get("location"), null);
      assert.ok(!(await again.text()).includes("state="));
    }
    assert.deepEqual(rec.notices, [LINK_REUSED_WARNING], "warned once, in one line");
    assert.ok(!LINK_REUSED_WARNING.trimEnd().includes("\n"));
  } finally {
    await opened.close();
  }
  await assert.rejects(fetch(rec.spawned[0]!.args[0]!), "closed: refused");
});
