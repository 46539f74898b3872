import assert from "node:assert/strict";
import {
  CONTAINER_COLORS,
  CONTAINER_ICONS,
  containerUrl,
  execArgv,
  osc52,
  pickFromName,
  queryEscape,
} from "../../lib/url_action_format.ts";

Deno.test("pickFromName() picks by the byte sum of the name, as the reference does", () => {
  assert.equal(pickFromName("a", CONTAINER_COLORS), "turquoise");
  assert.equal(pickFromName("aa", CONTAINER_COLORS), "green");
  assert.equal(pickFromName("2d", CONTAINER_COLORS), "pink");
  assert.equal(pickFromName("Testy", CONTAINER_COLORS), "turquoise");
  assert.equal(pickFromName("Testy", CONTAINER_ICONS), "briefcase");
});

Deno.test("queryEscape() escapes like Go's url.QueryEscape", () => {
  assert.equal(queryEscape("a b&c=d/e?f~g_h.i-j"), "a+b%26c%3Dd%2Fe%3Ff~g_h.i-j");
  assert.equal(queryEscape("(*)!'"), "%28%2A%29%21%27");
  assert.equal(queryEscape("é"), "%C3%A9");
});

Deno.test("containerUrl() builds both container URL kinds with a valid colour and icon", () => {
  const url = "https://oidc.us-east-1.amazonaws.com/authorize?client_id=x&state=y";
  assert.equal(
    containerUrl("open-url-in-container", url, {
      name: "Default",
      color: "blue",
      icon: "fingerprint",
    }),
    "ext+container:name=Default&url=https%3A%2F%2Foidc.us-east-1.amazonaws.com%2Fauthorize%3F" +
      "client_id%3Dx%26state%3Dy&color=blue&icon=fingerprint",
  );
  assert.ok(
    containerUrl("granted-containers", url, { name: "Default" }).startsWith(
      "ext+granted-containers:name=Default&url=",
    ),
  );
});

Deno.test("containerUrl() replaces an invalid colour or icon by the name's pick and warns", () => {
  const warnings: string[] = [];
  const out = containerUrl(
    "open-url-in-container",
    "https://x/",
    { name: "Testy", color: "mauve", icon: "" },
    (m) => warnings.push(m),
  );
  assert.ok(out.endsWith("&color=turquoise&icon=briefcase"), out);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, /mauve/);
});

Deno.test("execArgv() puts the URL where %s is and expands ~ in the program", () => {
  assert.deepEqual(
    execArgv(["~/bin/browser", "--new-window", "--url=%s"], "https://a/?b=c", "/home/me"),
    { program: "/home/me/bin/browser", args: ["--new-window", "--url=https://a/?b=c"] },
  );
});

Deno.test("execArgv() rejects commands that cannot open a URL, with the reference's messages", () => {
  assert.throws(() => execArgv(["firefox"], "u", "/h"), /fewer than 2 arguments/);
  assert.throws(() => execArgv(["firefox", "--new-tab"], "u", "/h"), /no `%s` for URL/);
  assert.throws(() => execArgv([], "u", "/h"), /UrlExecCommand is empty/);
});

Deno.test("osc52() wraps the base64 URL in the clipboard escape", () => {
  assert.equal(osc52("https://a/"), `\x1b]52;c;${btoa("https://a/")}\x07`);
});
