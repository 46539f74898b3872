/**
 * The credential_process hot path (cli/fast_process.ts): a warm `process --arn` is answered
 * without the command graph or config.yaml parsing, gives the same payload as the normal path,
 * and falls back to the normal path whenever it cannot be sure.
 */
import assert from "node:assert/strict";
import { startEmulator } from "../emulator/emulator.ts";
import { plainProcessArn } from "../../cli/fast_process.ts";
import { runCli, tempHome, writeConfig } from "./run_cli.ts";

const BROWSER = new URL("../emulator/browser.ts", import.meta.url).pathname;
const PASSWORD = "fast path password";
const keyctl = Deno.build.os === "linux" &&
  // The kernel keyring must be usable (some containers deny it), not just the program present.
  (await new Deno.Command("sh", {
      args: ["-c", "command -v keyctl && keyctl show @u"],
      stdout: "null",
      stderr: "null",
    }).output()).code === 0;

Deno.test("plainProcessArn() accepts only the plain credential_process command line", () => {
  const arn = "arn:aws:iam::012345678901:role/Admin";
  assert.equal(plainProcessArn(["process", "--arn", arn]), arn);
  assert.equal(plainProcessArn(["-S", "Default", "process", "--arn", arn]), arn);
  assert.equal(plainProcessArn(["--sso=Work", "process", "-a", arn]), arn);
  assert.equal(plainProcessArn(["process", `--arn=${arn}`]), arn);
  assert.equal(plainProcessArn(["process", "--profile", "x"]), undefined);
  assert.equal(plainProcessArn(["process", "--arn", arn, "--sts-refresh"]), undefined);
  assert.equal(plainProcessArn(["-L", "debug", "process", "--arn", arn]), undefined);
  assert.equal(plainProcessArn(["process"]), undefined);
  assert.equal(plainProcessArn(["eval", "--arn", arn]), undefined);
});

Deno.test({
  name:
    "a warm process --arn is served without reading config.yaml, same payload as the normal path",
  ignore: !keyctl,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    await using emu = await startEmulator({ accounts: 2, rolesPerAccount: 2 });
    const home = await tempHome();
    try {
      const yaml =
        `SecureStore: file\nUrlAction: exec\nUrlExecCommand: ["${Deno.execPath()}", "run", "-A", "${BROWSER}", "%s"]\n` +
        `SSOConfig:\n  Default:\n    SSORegion: us-east-1\n    StartUrl: ${emu.startUrl}\n`;
      const configFile = await writeConfig(home, yaml);
      const env = { ...emu.env, AWS_SSO_FILE_PASSWORD: PASSWORD };
      const login = await runCli(["login"], { home, env });
      assert.equal(login.code, 0, login.stderr);
      const arn = "arn:aws:iam::012345678901:role/AdministratorAccess";

      const slow = await runCli(["process", "--arn", arn], { home, env });
      assert.equal(slow.code, 0, slow.stderr);
      assert.equal(emu.counters.GetRoleCredentials, 1);

      // Same size, same mtime, but no longer YAML: only the hot path can still answer, and it
      // must not need the password (the data key comes from the kernel keyring).
      const stat = await Deno.stat(configFile);
      await Deno.writeTextFile(configFile, "!".repeat(stat.size));
      await Deno.utime(configFile, stat.atime!, stat.mtime!);
      const fast = await runCli(["process", "--arn", arn], { home, env: emu.env });
      assert.equal(fast.code, 0, fast.stderr);
      assert.equal(fast.stdout, slow.stdout);
      assert.equal(fast.stderr, "");
      assert.equal(emu.counters.GetRoleCredentials, 1);

      // Any edit that changes the mtime invalidates the snapshot: the normal path runs and
      // reports the broken config.
      await Deno.utime(configFile, new Date(), new Date());
      const stale = await runCli(["process", "--arn", arn], { home, env: emu.env });
      assert.equal(stale.code, 1);
      assert.equal(stale.stdout, "");
      assert.match(stale.stderr, /config\.yaml/);
    } finally {
      await Deno.remove(home, { recursive: true });
    }
  },
});

Deno.test({
  name:
    "the hot path leaves credentials with fewer than 20 minutes to the normal path, which refreshes them",
  ignore: !keyctl,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    // Role credentials live 19 minutes: never good enough for the hot path.
    await using emu = await startEmulator({ credentialLifetimeSec: 19 * 60 });
    const home = await tempHome();
    try {
      await writeConfig(
        home,
        `SecureStore: file\nUrlAction: exec\nUrlExecCommand: ["${Deno.execPath()}", "run", "-A", "${BROWSER}", "%s"]\n` +
          `SSOConfig:\n  Default:\n    SSORegion: us-east-1\n    StartUrl: ${emu.startUrl}\n`,
      );
      const env = { ...emu.env, AWS_SSO_FILE_PASSWORD: PASSWORD };
      assert.equal((await runCli(["login"], { home, env })).code, 0);
      const arn = "arn:aws:iam::012345678901:role/AdministratorAccess";
      const first = await runCli(["process", "--arn", arn], { home, env });
      const second = await runCli(["process", "--arn", arn], { home, env });
      assert.equal(first.code, 0, first.stderr);
      assert.equal(second.code, 0, second.stderr);
      assert.equal(emu.counters.GetRoleCredentials, 2);
      assert.notEqual(JSON.parse(first.stdout).AccessKeyId, JSON.parse(second.stdout).AccessKeyId);
    } finally {
      await Deno.remove(home, { recursive: true });
    }
  },
});
