import assert from "node:assert/strict";
import { runWizard } from "../../../cli/commands/setup_wizard.ts";
import { UsageError } from "../../../lib/errors.ts";
import { loadSettings } from "../../../lib/settings/load_settings.ts";
import { FRIENDLY_PROFILE_FORMAT } from "../../../lib/settings/settings.ts";
import { commandServices } from "../../fakes/command_services.ts";
import { scriptedPrompts } from "../../fakes/scripted_prompts.ts";

/** A start URL that answers 200 (the wizard checks it), and one that answers 404. */
async function withPortal(fn: (ok: string, missing: string) => Promise<void>) {
  await using server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    (req) => new Response("portal", { status: new URL(req.url).pathname === "/start" ? 200 : 404 }),
  );
  const base = `http://127.0.0.1:${server.addr.port}`;
  await fn(`${base}/start`, `${base}/gone`);
}

function settingsOf(text: string, home: string) {
  return loadSettings(text, {
    file: "config.yaml",
    configDir: `${home}/.config/aws-sso`,
    home,
    remoteSession: false,
  }).settings;
}

Deno.test("runWizard() first run asks the basic questions and writes a config.yaml that loads, mode 0600", async () => {
  await withPortal(async (startUrl, missing) => {
    const p = scriptedPrompts([
      [/AWS partition/, "AWS Commercial"],
      // Not a URL, then not https, then a URL that does not answer (kept? no), then the portal.
      [/start URL/, ["portal", "ftp://example.com/start", missing]],
      [/Keep .*gone anyway/, false],
      [/start URL/, startUrl],
      [/Region of your IAM Identity Center/, "eu-west-1"],
      [/ProfileFormat/, "Friendly"],
      [/UrlAction/, "print:"],
    ]);
    await using t = await commandServices({ terminal: true, prompts: p });
    await runWizard({ advanced: false }, t.services);
    p.assertDone();

    const start = p.asked.find((q) => q.kind === "input")!;
    assert.equal(start.refused!.length, 2);
    assert.match(start.refused![0]!, /not a URL/);
    assert.match(start.refused![1]!, /must use https/);
    const actions = p.asked.find((q) => /UrlAction/.test(q.message))!;
    assert.ok(actions.choices!.some((c) => c.startsWith("open:")), "a local session offers open");
    assert.ok(!actions.choices!.some((c) => c.startsWith("exec:")), "exec only with --advanced");

    const text = await Deno.readTextFile(t.configFile);
    assert.equal((await Deno.stat(t.configFile)).mode! & 0o777, 0o600);
    const s = settingsOf(text, t.home);
    assert.equal(s.ssoConfig.Default?.startUrl, startUrl);
    assert.equal(s.ssoConfig.Default?.ssoRegion, "eu-west-1");
    assert.equal(s.profileFormat, FRIENDLY_PROFILE_FORMAT);
    assert.equal(s.urlAction, "print");
    assert.match(t.output.stderr, /gone: it answered HTTP 404/);
    assert.match(t.output.stderr, /Awesome! {2}Saving the new ~\/\.config\/aws-sso\/config\.yaml/);
    assert.equal(t.output.stdout, "");
  });
});

Deno.test("runWizard() --advanced offers the portal from ~/.aws/config and asks every setting", async () => {
  const p = scriptedPrompts([
    [/Use an AWS access portal from ~\/\.aws\/config/, "https://corp.awsapps.com/start"],
    [/Name of this SSO instance/, ["bad name!", "Work"]],
    [/ProfileFormat/, "Account id"],
    [/DefaultRegion/, "eu-central-1"],
    [/CacheRefresh/, ["-1", "24"]],
    [/AutoConfigCheck/, true],
    [/FullTextSearch/, false],
    [/UrlAction/, "exec:"],
    [/Program to run with the URL/, ["/nonexistent/browser", Deno.execPath()]],
    [/Argument 1/, ["", "run"]],
    [/Argument 2/, "%s"],
    [/Argument 3/, ""],
    [/ConsoleDuration/, ["5", "60"]],
    [/HistoryLimit/, "3"],
    [/HistoryMinutes/, "0"],
    [/LogLevel/, "warn"],
  ]);
  await using t = await commandServices({ terminal: true, prompts: p });
  await Deno.mkdir(`${t.home}/.aws`);
  await Deno.writeTextFile(
    `${t.home}/.aws/config`,
    "[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = eu-central-1\n",
  );
  await runWizard({ advanced: true }, t.services);
  p.assertDone();
  const s = settingsOf(await Deno.readTextFile(t.configFile), t.home);
  assert.equal(s.defaultSso, "Work");
  assert.equal(s.ssoConfig.Work?.startUrl, "https://corp.awsapps.com/start");
  assert.equal(s.ssoConfig.Work?.ssoRegion, "eu-central-1");
  assert.equal(s.profileFormat, "{{ .AccountIdPad }}:{{ .RoleName }}");
  assert.equal(s.defaultRegion, "eu-central-1");
  assert.equal(s.cacheRefresh, 24);
  assert.equal(s.autoConfigCheck, true);
  assert.equal(s.fullTextSearch, false);
  assert.equal(s.urlAction, "exec");
  assert.deepEqual(s.urlExecCommand, [Deno.execPath(), "run", "%s"]);
  assert.equal(s.consoleDuration, 60);
  assert.equal(s.historyLimit, 3);
  assert.equal(s.historyMinutes, 0);
  assert.equal(s.logLevel, "warn");
});

const EXISTING = `# my settings
SSOConfig:
  Default:
    SSORegion: us-east-1
    StartUrl: https://d-1.awsapps.com/start # the portal
ProfileFormat: "{{ .AccountIdPad }}:{{ .RoleName }}"
UrlAction: open
`;

Deno.test("runWizard() on an existing config.yaml changes only the answers that changed, keeping comments", async () => {
  const p = scriptedPrompts([
    [/Back up ~\/\.config\/aws-sso\/config\.yaml first/, true],
    [/ProfileFormat/, "Friendly"],
    [/UrlAction/, "open:"],
  ]);
  await using t = await commandServices({ config: EXISTING, terminal: true, prompts: p });
  await Deno.chmod(t.configFile, 0o640);
  await runWizard({ advanced: false }, t.services);
  p.assertDone();
  const profileFormat = p.asked.find((q) => /ProfileFormat/.test(q.message))!;
  assert.equal(profileFormat.default, "{{ .AccountIdPad }}:{{ .RoleName }}", "the current value");

  const text = await Deno.readTextFile(t.configFile);
  assert.match(text, /^# my settings$/m);
  assert.match(text, /# the portal/);
  assert.equal(settingsOf(text, t.home).profileFormat, FRIENDLY_PROFILE_FORMAT);
  assert.equal((await Deno.stat(t.configFile)).mode! & 0o777, 0o640, "the mode is kept");
  assert.match(
    t.output.stderr,
    /Saved ~\/\.config\/aws-sso\/config\.yaml \(changed: ProfileFormat\)/,
  );
  const backups = [];
  for await (const e of Deno.readDir(`${t.home}/.config/aws-sso`)) {
    if (/^config\.\d{4}-\d{2}-\d{2}-\d{6}\.yaml$/.test(e.name)) backups.push(e.name);
  }
  assert.equal(backups.length, 1);
  assert.equal(await Deno.readTextFile(`${t.home}/.config/aws-sso/${backups[0]}`), EXISTING);
});

Deno.test("runWizard() with the same answers leaves config.yaml alone", async () => {
  const p = scriptedPrompts([
    [/Back up/, false],
    [/ProfileFormat/, "Account id"],
    [/UrlAction/, "open:"],
  ]);
  await using t = await commandServices({ config: EXISTING, terminal: true, prompts: p });
  const before = await Deno.stat(t.configFile);
  await runWizard({ advanced: false }, t.services);
  p.assertDone();
  assert.match(t.output.stderr, /No changes: ~\/\.config\/aws-sso\/config\.yaml stays as it is/);
  assert.equal(await Deno.readTextFile(t.configFile), EXISTING);
  assert.equal((await Deno.stat(t.configFile)).mtime?.getTime(), before.mtime?.getTime());
});

Deno.test("runWizard() refuses to edit a config.yaml that does not load, and asks nothing without a terminal", async () => {
  const p = scriptedPrompts([]);
  await using broken = await commandServices({
    config: "SSOConfig: [\n",
    terminal: true,
    prompts: p,
  });
  await assert.rejects(runWizard({ advanced: false }, broken.services), /cannot change/);
  assert.equal(await Deno.readTextFile(broken.configFile), "SSOConfig: [\n");

  await using t = await commandServices({ prompts: p });
  await assert.rejects(runWizard({ advanced: false }, t.services), (e) => {
    assert.ok(e instanceof UsageError);
    assert.match(e.message, /the setup wizard needs to ask questions/);
    return true;
  });
  assert.deepEqual(p.asked, []);
  await assert.rejects(Deno.stat(t.configFile), Deno.errors.NotFound);
});
