/**
 * Windows DPAPI store: the PowerShell argv/stdin contract against a fake that plays the script,
 * plus the contract against real DPAPI on Windows runners.
 */
import assert from "node:assert/strict";
import { realFileIo } from "../../lib/atomic_file.ts";
import { DecryptionError } from "../../stores/backend.ts";
import { DenoCommandRunner } from "../../stores/command_runner.ts";
import {
  DPAPI_ARGS,
  DPAPI_SCRIPT,
  dpapiStorePath,
  WindowsDpapiBackend,
} from "../../stores/windows_dpapi.ts";
import { testBackendContract } from "./contract.ts";
import { type RecordedCall, RecordingRunner, result } from "./recording_runner.ts";

const enc = (text: string) => new TextEncoder().encode(text);
const dec = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

/**
 * Plays the DPAPI script: "protects" by wrapping data and entropy in a tagged JSON blob, and
 * refuses (exit 3) to unprotect with other entropy, like DPAPI does.
 */
function fakePowershell() {
  return new RecordingRunner((call: RecordedCall) => {
    assert.equal(call.command, "powershell.exe");
    assert.deepEqual(call.args, [...DPAPI_ARGS]);
    const [op, entropy, data, rest] = dec(call.stdin!).split("\n");
    assert.equal(rest, "", "three lines and a final newline");
    if (op === "protect") {
      return result(0, enc(JSON.stringify({ fake: "dpapi", entropy, data })).toBase64());
    }
    assert.equal(op, "unprotect");
    const blob = JSON.parse(dec(Uint8Array.fromBase64(data!)));
    if (blob.entropy !== entropy) return result(3, "", "The parameter is incorrect.");
    return result(0, blob.data);
  }, ["powershell.exe"]);
}

async function tempDir(): Promise<{ dir: string; path: string; dispose(): Promise<void> }> {
  const dir = await Deno.makeTempDir({ prefix: "aws-sso-dpapi-" });
  return {
    dir,
    path: dpapiStorePath(`${dir}/config`),
    dispose: () => Deno.remove(dir, { recursive: true }),
  };
}

testBackendContract({
  name: "wincred store (fake PowerShell)",
  fileBacked: true,
  async create() {
    const t = await tempDir();
    const runner = fakePowershell();
    return {
      open: () => new WindowsDpapiBackend({ runner, fileIo: realFileIo, path: t.path }),
      dispose: t.dispose,
    };
  },
});

Deno.test("wincred store: the PowerShell argv is fixed and the value only goes on stdin", async () => {
  const t = await tempDir();
  try {
    const runner = fakePowershell();
    const store = new WindowsDpapiBackend({ runner, fileIo: realFileIo, path: t.path });
    const value = enc("the secret access key");
    await store.set("role-credentials:arn:aws:iam::1:role/A", value);
    assert.deepEqual(await store.get("role-credentials:arn:aws:iam::1:role/A"), value);
    assert.equal(runner.calls.length, 2);
    const plain = new Uint8Array([1, ...value]).toBase64();
    assert.equal(
      dec(runner.calls[0]!.stdin!),
      `protect\n${
        enc("aws-sso-cli:role-credentials:arn:aws:iam::1:role/A").toBase64()
      }\n${plain}\n`,
    );
    runner.assertNeverOnArgv(plain);
    runner.assertNeverOnArgv(value.toBase64());
    runner.assertNeverOnArgv("role-credentials");
    const file = await Deno.readTextFile(t.path);
    assert.equal(JSON.parse(file).format, "aws-sso-dpapi-store");
  } finally {
    await t.dispose();
  }
});

Deno.test("wincred store: -EncodedCommand carries exactly the DPAPI script as UTF-16LE", () => {
  assert.deepEqual(DPAPI_ARGS.slice(0, 4), [
    "-NoLogo",
    "-NoProfile",
    "-NonInteractive",
    "-EncodedCommand",
  ]);
  const bytes = Uint8Array.fromBase64(DPAPI_ARGS[4]!);
  assert.equal(new TextDecoder("utf-16le").decode(bytes), DPAPI_SCRIPT);
  assert.match(DPAPI_SCRIPT, /DataProtectionScope\]::CurrentUser/);
  assert.match(DPAPI_SCRIPT, /\[Console\]::In\.ReadToEnd\(\)/);
});

Deno.test("wincred store: a blob moved to another key fails to decrypt (the key name is the entropy)", async () => {
  const t = await tempDir();
  try {
    const runner = fakePowershell();
    const store = new WindowsDpapiBackend({ runner, fileIo: realFileIo, path: t.path });
    await store.set("a", enc("value a"));
    await store.set("b", enc("value b"));
    const doc = JSON.parse(await Deno.readTextFile(t.path));
    [doc.items.a, doc.items.b] = [doc.items.b, doc.items.a];
    await Deno.writeTextFile(t.path, JSON.stringify(doc));
    const before = await Deno.readFile(t.path);
    await assert.rejects(() => store.get("a"), DecryptionError);
    assert.deepEqual(await Deno.readFile(t.path), before);
  } finally {
    await t.dispose();
  }
});

Deno.test("wincred store: a damaged store file is a DecryptionError and is left alone", async () => {
  const t = await tempDir();
  try {
    await Deno.mkdir(`${t.dir}/config/secure`, { recursive: true });
    await Deno.writeTextFile(t.path, '{"format":"aws-sso-dpapi-st');
    const store = new WindowsDpapiBackend({
      runner: fakePowershell(),
      fileIo: realFileIo,
      path: t.path,
    });
    await assert.rejects(() => store.set("k", enc("v")), DecryptionError);
    assert.equal(await Deno.readTextFile(t.path), '{"format":"aws-sso-dpapi-st');
  } finally {
    await t.dispose();
  }
});

// ---- real DPAPI (Windows runners only) ----

const onWindows = Deno.build.os === "windows";

testBackendContract({
  name: "wincred store (real DPAPI through PowerShell)",
  ignore: !onWindows,
  fileBacked: true,
  async create() {
    const t = await tempDir();
    const runner = new DenoCommandRunner({
      env: Deno.env.toObject(),
      pathExt: Deno.env.get("PATHEXT"),
      os: Deno.build.os,
    });
    return {
      open: () => new WindowsDpapiBackend({ runner, fileIo: realFileIo, path: t.path }),
      dispose: t.dispose,
    };
  },
});
