/**
 * `deno task install` (.github/scripts/install.ts): the launcher it writes runs the checkout from
 * any directory and shell, survives the deno it recorded going away, and is what `setup profiles`
 * writes into `credential_process`.
 */
import assert from "node:assert/strict";
import { findOnPath, renderShellLauncher } from "../../.github/scripts/install.ts";
import { startEmulator } from "../emulator/emulator.ts";
import { credsSession, E2E } from "../e2e/_creds_session.ts";
import { baseEnv } from "../e2e/run_cli.ts";

const INSTALL = new URL("../../.github/scripts/install.ts", import.meta.url).pathname;
const MAIN = new URL("../../main.ts", import.meta.url).pathname;

async function run(
  cmd: string,
  args: string[],
  env: Record<string, string>,
  cwd?: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = await new Deno.Command(cmd, {
    args,
    env,
    clearEnv: true,
    cwd,
    stdout: "piped",
    stderr: "piped",
  })
    .output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

Deno.test({
  name:
    "deno task install writes a launcher under --root that runs version, and setup profiles writes its path",
  ...E2E,
  ignore: Deno.build.os === "windows",
  async fn() {
    await using emu = await startEmulator({ accounts: 1 });
    const home = await credsSession(emu);
    const root = await Deno.makeTempDir({ prefix: "aws-sso-install-" });
    try {
      const env = { ...baseEnv(home), ...emu.env };
      const installed = await run(Deno.execPath(), ["run", "-A", INSTALL, "--root", root], env);
      assert.equal(installed.code, 0, installed.stderr);
      const launcher = `${root}/bin/aws-sso`;
      assert.match(installed.stdout, new RegExp(`Installed ${launcher}`));
      assert.equal((await Deno.stat(launcher)).mode! & 0o777, 0o755);
      const text = await Deno.readTextFile(launcher);
      assert.ok(text.includes(MAIN), text);
      assert.ok(!text.includes(" -A "), "the binary's permissions, not -A");

      // Found on PATH from another directory, as a shell or credential_process would run it.
      const pathEnv = { ...env, PATH: `${root}/bin:${env.PATH}` };
      const version = await run("sh", ["-c", "aws-sso version"], pathEnv, root);
      assert.equal(version.code, 0, version.stderr);
      assert.match(version.stdout, /^aws-sso \d+\.\d+\.\d+ /);

      const print = await run("sh", ["-c", "aws-sso setup profiles --print"], pathEnv, root);
      assert.equal(print.code, 0, print.stderr);
      const line = print.stdout.split("\n").find((l) => l.startsWith("credential_process = "));
      assert.ok(
        line?.startsWith(`credential_process = ${launcher} -S "Default" process --arn `),
        line,
      );
      assert.ok(!print.stdout.includes(Deno.execPath()), print.stdout);
      assert.ok(!print.stdout.includes("main.ts"), print.stdout);

      // The line works as an SDK runs it: by itself, without the launcher's directory on PATH.
      const creds = await run("sh", ["-c", line!.slice("credential_process = ".length)], env, root);
      assert.equal(creds.code, 0, creds.stderr);
      assert.match(JSON.parse(creds.stdout).AccessKeyId, /^ASIA/);
    } finally {
      await Deno.remove(home, { recursive: true });
      await Deno.remove(root, { recursive: true });
    }
  },
});

Deno.test({
  name: "the launcher finds deno on PATH at run time when the recorded deno is gone (an upgrade)",
  ignore: Deno.build.os === "windows",
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "aws-sso-launcher-" });
    try {
      const launcher = `${dir}/aws-sso`;
      await Deno.writeTextFile(
        launcher,
        renderShellLauncher({ deno: `${dir}/gone/deno`, main: MAIN, path: launcher }),
        { mode: 0o755 },
      );
      const denoDir = Deno.execPath().replace(/\/[^/]+$/, "");
      const env = { ...baseEnv(dir), PATH: `${denoDir}:/usr/bin:/bin` };
      const ok = await run(launcher, ["version"], env);
      assert.equal(ok.code, 0, ok.stderr);
      assert.match(ok.stdout, /^aws-sso /);
      const none = await run(launcher, ["version"], { ...env, PATH: "/nonexistent" });
      assert.equal(none.code, 127);
      assert.match(none.stderr, /deno not found \(was .*gone\/deno\)/);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test("findOnPath() keeps the PATH entry (a link an upgrade keeps), not its target", () => {
  const files = new Set(["/home/me/.deno/bin/deno", "/usr/bin/deno"]);
  const found = findOnPath("/nope::/home/me/.deno/bin:/usr/bin", "linux", (f) => files.has(f));
  assert.equal(found, "/home/me/.deno/bin/deno");
  assert.equal(findOnPath("/nope", "linux", (f) => files.has(f)), "");
});
