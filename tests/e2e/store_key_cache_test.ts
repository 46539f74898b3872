/**
 * The `file` store's data key in the kernel keyring (issue 14, item 5), with the real CLI and
 * the real keyring: a real login leaves it with a timeout, `logout` and `flush --type all` drop
 * it, and a process killed while creating the store leaves no key for a store that never existed.
 */
import assert from "node:assert/strict";
import { realFileIo } from "../../lib/atomic_file.ts";
import { EncryptedFileBackend, fileStorePath } from "../../stores/encrypted_file.ts";
import { startEmulator } from "../emulator/emulator.ts";
import { dropUserKey, keyctlUsable, keyLines, userKeySerial } from "../stores/_kernel_keyring.ts";
import { CONFIG_DIR, E2E, FILE_PASSWORD } from "./_creds_session.ts";
import { runCli, tempHome, writeConfig } from "./run_cli.ts";

const BROWSER = new URL("../emulator/browser.ts", import.meta.url).pathname;
const WRITER = new URL("../robustness/_killed_writer.ts", import.meta.url).pathname;

/** The key cache id of the `file` store under `configDir` (the product's own derivation). */
function cacheId(configDir: string): Promise<string> {
  return new EncryptedFileBackend({
    path: fileStorePath(configDir),
    fileIo: realFileIo,
    passwordSource: { password: () => Promise.reject(new Error("not asked")) },
  }).keyCacheId();
}

async function assertCachedWithTimeout(id: string): Promise<void> {
  assert.ok(await userKeySerial(id), "the data key is cached");
  const lines = await keyLines(id);
  assert.ok(lines.length > 0);
  for (const cols of lines) assert.notEqual(cols[3], "perm", `no timeout: ${cols.join(" ")}`);
}

Deno.test({
  name: "a real login caches the store key with a timeout; logout and flush --type all drop it",
  ignore: !keyctlUsable,
  ...E2E,
  async fn() {
    await using emu = await startEmulator({ accounts: 1 });
    const home = await tempHome();
    const id = await cacheId(`${home}/${CONFIG_DIR}`);
    const env = { ...emu.env, AWS_SSO_FILE_PASSWORD: FILE_PASSWORD };
    const cli = (...args: string[]) => runCli(args, { home, env });
    try {
      await writeConfig(
        home,
        `SecureStore: file\nUrlAction: exec\nUrlExecCommand: ["${Deno.execPath()}", "run", "-A", "${BROWSER}", "%s"]\n` +
          `SSOConfig:\n  Default:\n    SSORegion: us-east-1\n    StartUrl: ${emu.startUrl}\n`,
      );
      assert.equal(await userKeySerial(id), undefined);
      let r = await cli("login");
      assert.equal(r.code, 0, r.stderr);
      await assertCachedWithTimeout(id);

      r = await cli("logout");
      assert.equal(r.code, 0, r.stderr);
      assert.equal(await userKeySerial(id), undefined, "logout drops the key");

      r = await cli("login");
      assert.equal(r.code, 0, r.stderr);
      await assertCachedWithTimeout(id);
      r = await cli("flush", "--type", "sso");
      assert.equal(r.code, 0, r.stderr);
      assert.ok(await userKeySerial(id), "flush --type sso keeps the key");
      r = await cli("flush", "--type", "all");
      assert.equal(r.code, 0, r.stderr);
      assert.equal(await userKeySerial(id), undefined, "flush --type all drops the key");

      // A logout while logged out still drops a key cached by, say, `cache` or `list`.
      r = await cli("login");
      assert.equal(r.code, 0, r.stderr);
      assert.equal((await cli("flush", "--type", "sso")).code, 0);
      assert.ok(await userKeySerial(id));
      await cli("logout");
      assert.equal(await userKeySerial(id), undefined, "logout when logged out drops the key");
    } finally {
      await dropUserKey(id);
      await Deno.remove(home, { recursive: true });
    }
  },
});

Deno.test({
  name: "a process killed while creating the file store leaves no store file and no cached key",
  ignore: !keyctlUsable,
  ...E2E,
  async fn() {
    const configDir = await Deno.makeTempDir();
    const id = await cacheId(configDir);
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "--quiet", WRITER, "store-first-hold", configDir, FILE_PASSWORD],
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).spawn();
    try {
      const deadline = Date.now() + 30_000;
      while (!await Deno.stat(`${configDir}/writer-ready`).then(() => true, () => false)) {
        assert.ok(Date.now() < deadline, "the writer never reached the write");
        await new Promise((r) => setTimeout(r, 20));
      }
      // Stopped inside the first write of the store: the data key exists only in that process.
      assert.equal(await userKeySerial(id), undefined, "no key before the store file exists");
      child.kill("SIGKILL");
      await child.status;
      await assert.rejects(Deno.stat(fileStorePath(configDir)), Deno.errors.NotFound);
      assert.equal(await userKeySerial(id), undefined);
    } finally {
      await dropUserKey(id);
      await Deno.remove(configDir, { recursive: true });
    }
  },
});
