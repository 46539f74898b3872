/**
 * `list` never authenticates: with the encrypted file store locked (no cached data key, no
 * AWS_SSO_FILE_PASSWORD) it must list the roles from the cache on a terminal without asking for
 * the store's password — the token time in the header is optional. A wrong
 * AWS_SSO_FILE_PASSWORD is said in one WARN line, and the roles are still listed.
 */
import assert from "node:assert/strict";
import { startEmulator } from "../emulator/emulator.ts";
import { realFileIo } from "../../lib/atomic_file.ts";
import { EncryptedFileBackend, fileStorePath } from "../../stores/encrypted_file.ts";
import { dropUserKey, keyctlUsable } from "../stores/_kernel_keyring.ts";
import { baseEnv, runCli, tempHome, writeConfig } from "./run_cli.ts";

const MAIN = new URL("../../main.ts", import.meta.url).pathname;
const BROWSER = new URL("../emulator/browser.ts", import.meta.url).pathname;
const tools = Deno.build.os === "linux" &&
  (await new Deno.Command("sh", {
      args: ["-c", "command -v script && command -v keyctl && keyctl show @u"],
      stdout: "null",
      stderr: "null",
    }).output()).code === 0;

function quote(s: string): string {
  return `'${s.replaceAll("'", `'"'"'`)}'`;
}

Deno.test({
  name: "list on a terminal with a locked file store lists the roles without asking for a password",
  ignore: !tools,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    await using emu = await startEmulator({ accounts: 2, rolesPerAccount: 2 });
    const home = await tempHome();
    try {
      await writeConfig(
        home,
        `SecureStore: file\nUrlAction: exec\nUrlExecCommand: ["${Deno.execPath()}", "run", "-A", "${BROWSER}", "%s"]\n` +
          `SSOConfig:\n  Default:\n    SSORegion: us-east-1\n    StartUrl: ${emu.startUrl}\n`,
      );
      const login = await runCli(["login"], {
        home,
        env: { ...emu.env, AWS_SSO_FILE_PASSWORD: "locked store password" },
      });
      assert.equal(login.code, 0, login.stderr);
      // Lock the store: drop its data key from the kernel keyring.
      const snapshot = JSON.parse(
        await Deno.readTextFile(`${home}/.config/aws-sso/hot-path.json`),
      );
      const id: string = snapshot.store.keyCacheId;
      await new Deno.Command("sh", {
        args: ["-c", `keyctl invalidate $(keyctl search @u user ${quote(id)})`],
      }).output();

      const cli = [Deno.execPath(), "run", "-A", "--quiet", MAIN, "list"].map(quote).join(" ");
      const run = await new Deno.Command("script", {
        args: ["-q", "-e", "-c", cli, "/dev/null"],
        env: { ...baseEnv(home), ...emu.env, SHELL: "/bin/sh" },
        clearEnv: true,
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
        signal: AbortSignal.timeout(30_000),
      }).output();
      const text = new TextDecoder().decode(run.stdout);
      assert.equal(run.code, 0, text);
      assert.match(text, /List of AWS roles for SSO Instance: Default\r?\n/);
      assert.match(text, /AdministratorAccess/);
      assert.doesNotMatch(text, /password/i);
    } finally {
      await Deno.remove(home, { recursive: true });
    }
  },
});

Deno.test({
  name: "list with a wrong AWS_SSO_FILE_PASSWORD lists the roles and says so in one WARN line",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    await using emu = await startEmulator({ accounts: 2, rolesPerAccount: 2 });
    const home = await tempHome();
    const configDir = `${home}/.config/aws-sso`;
    const id = await new EncryptedFileBackend({
      path: fileStorePath(configDir),
      fileIo: realFileIo,
      passwordSource: { password: () => Promise.reject(new Error("not asked")) },
    }).keyCacheId();
    try {
      await writeConfig(
        home,
        `SecureStore: file\nUrlAction: exec\nUrlExecCommand: ["${Deno.execPath()}", "run", "-A", "${BROWSER}", "%s"]\n` +
          `SSOConfig:\n  Default:\n    SSORegion: us-east-1\n    StartUrl: ${emu.startUrl}\n`,
      );
      const login = await runCli(["login"], {
        home,
        env: { ...emu.env, AWS_SSO_FILE_PASSWORD: "the right password" },
      });
      assert.equal(login.code, 0, login.stderr);
      // Without the cached data key the store needs the password.
      if (keyctlUsable) await dropUserKey(id);

      const run = await runCli(["list"], {
        home,
        env: { ...emu.env, AWS_SSO_FILE_PASSWORD: "a wrong password" },
      });
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, /AdministratorAccess/);
      const warnings = run.stderr.split("\n").filter((l) => /WARN/.test(l));
      assert.equal(warnings.length, 1, run.stderr);
      assert.match(warnings[0]!, /wrong password/);
      assert.doesNotMatch(run.stderr, /a wrong password|the right password/);
    } finally {
      if (keyctlUsable) await dropUserKey(id);
      await Deno.remove(home, { recursive: true });
    }
  },
});
