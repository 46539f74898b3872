/**
 * `aws-sso doctor` against the emulator: every check ok on a complete setup, a failed token
 * check with its hint when not logged in, the clock check following the emulator's Date header,
 * and the later checks skipped without a config.yaml.
 */
import assert from "node:assert/strict";
import { realFileIo } from "../../lib/atomic_file.ts";
import { silentLogger } from "../../lib/logger.ts";
import { SecureStore } from "../../lib/secure_store.ts";
import { rfc3339Utc } from "../../lib/sso/token_manager.ts";
import { EncryptedFileBackend, fileStorePath } from "../../stores/encrypted_file.ts";
import { type Emulator, startEmulator } from "../emulator/emulator.ts";
import { cli, CONFIG_DIR, credsSession, E2E, FILE_PASSWORD } from "./_creds_session.ts";
import { runCli, tempHome } from "./run_cli.ts";

/** The report's lines by check name: [state, rest of the line]. */
function report(stdout: string): Map<string, { state: string; line: string }> {
  const out = new Map<string, { state: string; line: string }>();
  for (const line of stdout.split("\n")) {
    const m = line.match(
      /^(ok|warn|FAIL|skip)\s+(config|store|token|clock|aws config|completions)\s+/,
    );
    if (m) out.set(m[2]!, { state: m[1]!, line });
  }
  return out;
}

/** A HOME with the encrypted file store holding a session with `leftMs` left. */
async function fileStoreHome(emu: Emulator, leftMs: number | undefined): Promise<string> {
  const home = await credsSession(emu, { store: "file" });
  if (leftMs !== undefined) {
    const store = new SecureStore({
      backend: new EncryptedFileBackend({
        path: fileStorePath(`${home}/${CONFIG_DIR}`),
        fileIo: realFileIo,
        passwordSource: { password: () => Promise.resolve(FILE_PASSWORD) },
      }),
      lockPath: `${home}/${CONFIG_DIR}/storage.lock`,
      clock: { now: () => Date.now(), sleep: (ms) => new Promise((r) => setTimeout(r, ms)) },
      logger: silentLogger,
    });
    const t = emu.issueToken();
    await store.putToken("Default", {
      accessToken: t.accessToken,
      expiresIn: 3600,
      expiresAt: rfc3339Utc(Date.now() + leftMs),
      tokenType: "Bearer",
    });
  }
  return home;
}

const env = { AWS_SSO_FILE_PASSWORD: FILE_PASSWORD, SHELL: "/bin/bash" };

Deno.test({
  name: "doctor reports every check ok on a complete setup and exits 0",
  ...E2E,
  async fn() {
    await using emu = await startEmulator({ accounts: 1 });
    const home = await fileStoreHome(emu, 3600_000);
    try {
      for (const args of [["setup", "profiles", "--force"], ["setup", "completions", "-I"]]) {
        const r = await cli(home, emu, args, env);
        assert.equal(r.code, 0, r.stderr);
      }
      const r = await cli(home, emu, ["doctor"], env);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      const lines = report(r.stdout);
      assert.deepEqual([...lines.keys()], [
        "config",
        "store",
        "token",
        "clock",
        "aws config",
        "completions",
      ]);
      for (const [name, { state, line }] of lines) assert.equal(state, "ok", `${name}: ${line}`);
      assert.match(
        lines.get("store")!.line,
        /file, picked automatically|file, named by SecureStore/,
      );
      assert.match(lines.get("token")!.line, /valid for (59|60)m/);
      assert.match(
        lines.get("aws config")!.line,
        /~\/\.aws\/config has the 3 profile\(s\) of Default/,
      );
      assert.match(lines.get("completions")!.line, /installed for bash in ~\/\.bashrc/);
      assert.match(r.stdout, /^All checks passed\.$/m);
    } finally {
      await Deno.remove(home, { recursive: true });
    }
  },
});

Deno.test({
  name: "doctor fails the token check with the login hint when not logged in",
  ...E2E,
  async fn() {
    await using emu = await startEmulator({ accounts: 1 });
    const home = await fileStoreHome(emu, undefined);
    try {
      const r = await cli(home, emu, ["doctor"], env);
      assert.equal(r.code, 1, r.stdout + r.stderr);
      const lines = report(r.stdout);
      assert.equal(lines.get("token")?.state, "FAIL");
      assert.match(
        r.stdout,
        /not logged in to SSO instance Default\n\s+hint: run "aws-sso login"\n/,
      );
      assert.equal(lines.get("aws config")?.state, "warn", "no roles cached");
      assert.equal(lines.get("completions")?.state, "warn");
      assert.match(r.stdout, /^1 failed, \d warning\(s\)\.$/m);
    } finally {
      await Deno.remove(home, { recursive: true });
    }
  },
});

Deno.test({
  name: "doctor measures the clock against the SSO endpoint's Date header",
  ...E2E,
  async fn() {
    await using emu = await startEmulator({ accounts: 1 });
    const home = await fileStoreHome(emu, 3600_000);
    try {
      emu.setFaults({ clockSkewMs: 10 * 60_000 });
      const far = await cli(home, emu, ["doctor"], env);
      assert.equal(far.code, 1);
      const clock = report(far.stdout).get("clock")!;
      assert.equal(clock.state, "FAIL");
      assert.match(
        clock.line,
        /the local clock is (599|600|601)s behind http:\/\/127\.0\.0\.1:\d+/,
      );
      assert.match(far.stdout, /hint: set the system clock right/);

      emu.setFaults({ clockSkewMs: -2 * 60_000 });
      const near = await cli(home, emu, ["doctor"], env);
      assert.equal(report(near.stdout).get("clock")?.state, "warn");
      assert.match(report(near.stdout).get("clock")!.line, /(119|120|121)s ahead of/);
    } finally {
      await Deno.remove(home, { recursive: true });
    }
  },
});

Deno.test({
  name:
    "doctor without config.yaml fails that check, skips those that need it, and still checks completion",
  ...E2E,
  async fn() {
    const home = await tempHome();
    try {
      const r = await runCli(["doctor"], { home, env: { SHELL: "/usr/bin/zsh" } });
      assert.equal(r.code, 1, r.stderr);
      const lines = report(r.stdout);
      assert.equal(lines.get("config")?.state, "FAIL");
      assert.match(r.stdout, /hint: run "aws-sso setup wizard" to create one/);
      for (const name of ["store", "token", "clock", "aws config"]) {
        assert.equal(lines.get(name)?.state, "skip", name);
      }
      assert.equal(lines.get("completions")?.state, "warn");
      assert.match(lines.get("completions")!.line, /not installed for zsh/);
    } finally {
      await Deno.remove(home, { recursive: true });
    }
  },
});
