/**
 * `pass` store tests against the real `pass` and `gpg`, each test with a throwaway GNUPGHOME
 * (a passphrase-less key) and PASSWORD_STORE_DIR; skipped when either program is missing.
 */
import assert from "node:assert/strict";
import { realFileIo } from "../../lib/atomic_file.ts";
import { BackendUnavailableError } from "../../stores/backend.ts";
import { DenoCommandRunner } from "../../stores/command_runner.ts";
import { decodePassSegment, encodePassSegment, PassBackend } from "../../stores/pass.ts";
import { CONTRACT_KEYS, testBackendContract } from "./contract.ts";
import { RecordingRunner, result } from "./recording_runner.ts";

const enc = (text: string) => new TextEncoder().encode(text);
const dec = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

const runner = new DenoCommandRunner({ env: Deno.env.toObject(), os: Deno.build.os });
const havePass = Deno.build.os !== "windows" && await runner.available("pass") &&
  await runner.available("gpg");

interface PassFixture {
  dir: string;
  storeDir: string;
  env: Record<string, string>;
  open(): PassBackend;
  dispose(): Promise<void>;
}

/** A temp GNUPGHOME with a fresh key, and a password store (initialised unless told not to). */
async function passFixture(init = true): Promise<PassFixture> {
  const dir = await Deno.makeTempDir({ prefix: "aws-sso-pass-" });
  const gnupgHome = `${dir}/gnupg`;
  const storeDir = `${dir}/store`;
  await Deno.mkdir(gnupgHome, { mode: 0o700 });
  const env = { GNUPGHOME: gnupgHome, PASSWORD_STORE_DIR: storeDir };
  const dispose = async () => {
    await runner.run("gpgconf", ["--kill", "gpg-agent"], { env });
    await Deno.remove(dir, { recursive: true });
  };
  try {
    const gen = await runner.run("gpg", [
      "--batch",
      "--passphrase",
      "",
      "--quick-gen-key",
      "aws-sso test <aws-sso-test@example.invalid>",
      "future-default",
      "default",
      "never",
    ], { env });
    assert.equal(gen.code, 0, dec(gen.stderr));
    const list = await runner.run("gpg", ["--list-keys", "--with-colons"], { env });
    const fpr = /^fpr:+([0-9A-F]{40}):/m.exec(dec(list.stdout))?.[1];
    assert.ok(fpr, "key fingerprint");
    if (init) {
      const out = await runner.run("pass", ["init", fpr], { env });
      assert.equal(out.code, 0, dec(out.stderr));
    }
  } catch (e) {
    await dispose();
    throw e;
  }
  return {
    dir,
    storeDir,
    env,
    open: () =>
      new PassBackend({ runner, fileIo: realFileIo, storeDir, env: { GNUPGHOME: gnupgHome } }),
    dispose,
  };
}

testBackendContract({
  name: "pass store (real pass and gpg)",
  ignore: !havePass,
  create: () => passFixture(),
});

Deno.test("pass store: entries are GPG files named by the encoded key, holding base64", {
  ignore: !havePass,
}, async () => {
  const f = await passFixture();
  try {
    const key = "role-credentials:arn:aws:iam::012345678901:role/Admin";
    await f.open().set(key, new Uint8Array([0, 1, 2, 255]));
    const names = [...Deno.readDirSync(`${f.storeDir}/aws-sso-cli`)].map((e) => e.name);
    assert.deepEqual(names, [`${encodePassSegment(key)}.gpg`]);
    const raw = await Deno.readFile(`${f.storeDir}/aws-sso-cli/${names[0]}`);
    assert.ok(!dec(raw).includes("AAEC/w=="), "the entry is encrypted");
    const shown = await runner.run("pass", ["show", `aws-sso-cli/${encodePassSegment(key)}`], {
      env: f.env,
    });
    assert.equal(dec(shown.stdout).trim(), "AAEC/w==");
  } finally {
    await f.dispose();
  }
});

Deno.test(
  "pass store: an uninitialised store is unusable and writing to it says to run pass init",
  {
    ignore: !havePass,
  },
  async () => {
    const f = await passFixture(false);
    try {
      assert.equal(await PassBackend.isUsable(runner, realFileIo, f.storeDir), false);
      await assert.rejects(() => f.open().set("k", enc("v")), (e: unknown) => {
        assert.ok(e instanceof BackendUnavailableError);
        assert.ok(e.hints.some((h) => h.includes("pass init")));
        return true;
      });
    } finally {
      await f.dispose();
    }
  },
);

Deno.test("pass store: key names map to one safe path segment and back", () => {
  for (const key of [...CONTRACT_KEYS, "../../etc/passwd", ".hidden", "%41", "ümlaut key", ""]) {
    const segment = encodePassSegment(key);
    assert.match(segment, /^(?:[A-Za-z0-9_-]|%[0-9A-F]{2})*$/);
    assert.equal(decodePassSegment(segment), key);
  }
  assert.equal(encodePassSegment("client-data:Default"), "client-data%3ADefault");
  assert.equal(decodePassSegment("not encoded.txt"), undefined);
  assert.equal(decodePassSegment("%ZZ"), undefined);
});

Deno.test("pass store: exact pass argv, with the secret only on stdin", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const storeDir = `${dir}/store`;
    const entry = "aws-sso-cli/token-response%3ADefault";
    const rr = new RecordingRunner(async (call) => {
      if (call.args[0] === "insert") {
        await Deno.mkdir(`${storeDir}/aws-sso-cli`, { recursive: true });
        await Deno.writeTextFile(`${storeDir}/${entry}.gpg`, "encrypted");
        return result(0, "Enter contents of ...\n");
      }
      if (call.args[0] === "show") return result(0, "c2VjcmV0IHZhbHVl\n");
      return result(0);
    }, ["pass"]);
    const store = new PassBackend({
      runner: rr,
      fileIo: realFileIo,
      storeDir,
      env: { GNUPGHOME: "/g" },
    });
    await store.set("token-response:Default", enc("secret value"));
    assert.deepEqual(await store.get("token-response:Default"), enc("secret value"));
    assert.deepEqual(await store.keys(), ["token-response:Default"]);
    assert.equal(await store.delete("token-response:Default"), true);
    assert.deepEqual(rr.calls.map((c) => [c.command, ...c.args]), [
      ["pass", "insert", "-m", "-f", entry],
      ["pass", "show", entry],
      ["pass", "rm", "-f", entry],
    ]);
    assert.equal(dec(rr.calls[0]!.stdin!), "c2VjcmV0IHZhbHVl\n");
    assert.deepEqual(rr.calls[0]!.env, { GNUPGHOME: "/g", PASSWORD_STORE_DIR: storeDir });
    rr.assertNeverOnArgv("c2VjcmV0IHZhbHVl");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("pass store: a missing entry is answered without running pass", async () => {
  const rr = new RecordingRunner(() => result(0), ["pass"]);
  const store = new PassBackend({ runner: rr, fileIo: realFileIo, storeDir: "/nonexistent/store" });
  assert.equal(await store.get("k"), undefined);
  assert.equal(await store.delete("k"), false);
  assert.deepEqual(await store.keys(), []);
  assert.equal(rr.calls.length, 0);
});
