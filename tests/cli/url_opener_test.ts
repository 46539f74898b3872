import assert from "node:assert/strict";
import type { UrlAction } from "../../lib/settings/url_action.ts";
import { createUrlOpener, type ProcessLauncher } from "../../cli/url_opener.ts";
import { RecordingLogger } from "../lib/sso/_fixtures.ts";

const URL_ = "https://oidc.us-east-1.amazonaws.com/authorize?client_id=a&state=b";

interface Recorded {
  spawned: { program: string; args: string[]; env?: Record<string, string> }[];
  piped: { program: string; args: string[]; input: string }[];
  notices: string[];
  logger: RecordingLogger;
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
  } = {},
) {
  const rec: Recorded = { spawned: [], piped: [], notices: [], logger: new RecordingLogger() };
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
    args: [URL_],
    env: undefined,
  });
  o = opener("open", { env: { DISPLAY: ":0" } });
  await o.open();
  assert.equal(o.rec.spawned[0]?.program, "xdg-open");
  o = opener("open", { env: { WSL_DISTRO_NAME: "Ubuntu" } });
  await o.open();
  assert.equal(o.rec.spawned[0]?.program, "wslview");
  o = opener("open", { os: "darwin" });
  await o.open();
  assert.deepEqual(o.rec.spawned[0]?.args, [URL_]);
  assert.equal(o.rec.spawned[0]?.program, "open");
});

Deno.test("open falls back to printing the URL when no browser can be started", async () => {
  const { rec, open } = opener("open", { spawnFails: true, env: { DISPLAY: ":0" } });
  await open();
  assert.match(rec.notices.join(""), /Please open the following URL/);
  assert.ok(rec.logger.lines.some((l) => l.startsWith("WARN Unable to open the URL")));
});

Deno.test("open prints the URL on Linux without a graphical display (an SSH session)", async () => {
  const { rec, open } = opener("open");
  await open();
  assert.deepEqual(rec.spawned, []);
  assert.match(rec.notices.join(""), /Please open the following URL/);
  assert.ok(rec.logger.lines.some((l) => /no graphical display/.test(l)));
});

Deno.test("exec runs UrlExecCommand with the URL in place of %s and HOME set", async () => {
  const { rec, open } = opener("exec", { execCommand: ["firefox", "--new-tab", "%s"] });
  await open();
  assert.deepEqual(rec.spawned, [
    { program: "firefox", args: ["--new-tab", URL_], env: { HOME: "/home/me" } },
  ]);
});

Deno.test("the container actions pass a container URL to UrlExecCommand", async () => {
  const { rec, open } = opener("open-url-in-container", { execCommand: ["firefox", "%s"] });
  await open();
  assert.match(
    rec.spawned[0]!.args[0]!,
    /^ext\+container:name=Default&url=https%3A%2F%2F.*&color=blue&icon=fingerprint$/,
  );
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
