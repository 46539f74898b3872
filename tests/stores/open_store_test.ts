import assert from "node:assert/strict";
import { realFileIo } from "../../lib/atomic_file.ts";
import { BackendUnavailableError } from "../../stores/backend.ts";
import { EncryptedFileBackend } from "../../stores/encrypted_file.ts";
import { JsonFileBackend } from "../../stores/json_file.ts";
import { noKeyCache } from "../../stores/key_cache.ts";
import { KWalletBackend } from "../../stores/kwallet.ts";
import { MacosKeychainBackend } from "../../stores/macos_keychain.ts";
import { detectKind, openBackend, type OpenBackendOptions } from "../../stores/open_store.ts";
import { PassBackend } from "../../stores/pass.ts";
import { SecretServiceBackend } from "../../stores/secret_service.ts";
import { WindowsDpapiBackend } from "../../stores/windows_dpapi.ts";
import { type RecordedCall, RecordingRunner, result } from "./recording_runner.ts";

function options(
  overrides: Partial<OpenBackendOptions> & {
    installed?: string[];
    handler?: (call: RecordedCall) => ReturnType<typeof result>;
  } = {},
) {
  const warnings: string[] = [];
  const runner = new RecordingRunner(
    overrides.handler ?? (() => result(0)),
    overrides.installed ?? [],
  );
  const opts: OpenBackendOptions = {
    kind: undefined,
    configDir: "/nonexistent/aws-sso",
    os: "linux",
    runner,
    fileIo: realFileIo,
    passwordSource: { password: () => Promise.resolve("pw") },
    warn: (m) => warnings.push(m),
    ...overrides,
  };
  return { opts, runner, warnings };
}

Deno.test("openBackend() auto-detects the macOS keychain on macOS", async () => {
  const { opts, runner } = options({ os: "darwin", installed: ["security", "secret-tool"] });
  assert.ok(await openBackend(opts) instanceof MacosKeychainBackend);
  assert.equal(runner.calls.length, 0);
});

Deno.test("openBackend() auto-detects DPAPI on Windows", async () => {
  const { opts } = options({ os: "windows", installed: ["powershell.exe"] });
  const store = await openBackend(opts);
  assert.ok(store instanceof WindowsDpapiBackend);
  assert.equal(store.path, "/nonexistent/aws-sso/secure/dpapi-store.json");
});

Deno.test("openBackend() picks secret-service on Linux only when a Secret Service answers, with a short timeout", async () => {
  const answering = options({ installed: ["secret-tool"], handler: () => result(0) });
  assert.ok(await openBackend(answering.opts) instanceof SecretServiceBackend);
  assert.deepEqual(answering.runner.calls.map((c) => [c.command, ...c.args]), [
    ["secret-tool", "search", "service", "aws-sso-cli-probe"],
  ]);
  assert.ok(answering.runner.calls[0]!.timeoutMs! <= 5000);

  const silent = options({
    installed: ["secret-tool"],
    handler: () => result(1, "", "secret-tool: Cannot autolaunch D-Bus without X11 $DISPLAY\n"),
  });
  assert.ok(await openBackend(silent.opts) instanceof EncryptedFileBackend);

  const hanging = options({
    installed: ["secret-tool"],
    handler: () => result(124, "", "timed out"),
  });
  assert.ok(await openBackend(hanging.opts) instanceof EncryptedFileBackend);

  const none = options({ installed: [] });
  assert.ok(await openBackend(none.opts) instanceof EncryptedFileBackend);
  assert.equal(none.runner.calls.length, 0);
});

Deno.test("openBackend() falls back to the file store on macOS and Windows without their tools", async () => {
  assert.equal(await detectKind(options({ os: "darwin" }).opts), "file");
  assert.equal(await detectKind(options({ os: "windows" }).opts), "file");
  const { opts } = options({ os: "darwin" });
  const store = await openBackend(opts);
  assert.ok(store instanceof EncryptedFileBackend);
  assert.equal(store.path, "/nonexistent/aws-sso/secure/aws-sso-store.json");
});

Deno.test("openBackend() refuses an explicitly named store that cannot work here, with a hint", async () => {
  const cases: [Partial<Parameters<typeof options>[0]>, RegExp][] = [
    [{ kind: "keychain", os: "linux", installed: ["security"] }, /only on macOS/],
    [{ kind: "keychain", os: "darwin" }, /security program/],
    [{ kind: "wincred", os: "linux" }, /only on Windows/],
    [{ kind: "wincred", os: "windows" }, /powershell\.exe/],
    [{ kind: "secret-service", os: "linux" }, /secret-tool/],
    [{ kind: "pass", os: "linux" }, /pass is not on PATH/],
    [
      { kind: "pass", os: "linux", installed: ["pass"], passwordStoreDir: "/nonexistent/store" },
      /not initialised/,
    ],
  ];
  for (const [overrides, message] of cases) {
    const { opts } = options(overrides);
    await assert.rejects(() => openBackend(opts), (e: unknown) => {
      assert.ok(e instanceof BackendUnavailableError, String(e));
      assert.match(e.message, message);
      assert.ok(e.hints.length > 0);
      return true;
    });
  }
});

Deno.test("openBackend() opens an explicit secret-service store without probing D-Bus", async () => {
  const { opts, runner } = options({ kind: "secret-service", installed: ["secret-tool"] });
  assert.ok(await openBackend(opts) instanceof SecretServiceBackend);
  assert.equal(runner.calls.length, 0);
});

Deno.test("openBackend() opens an initialised pass store", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/.gpg-id`, "ABCDEF\n");
    const { opts } = options({ kind: "pass", installed: ["pass"], passwordStoreDir: dir });
    assert.ok(await openBackend(opts) instanceof PassBackend);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("openBackend() reports 1password as unsupported in this build and lists the stores", async () => {
  const { opts } = options({ kind: "1password" });
  await assert.rejects(() => openBackend(opts), (e: unknown) => {
    assert.ok(e instanceof BackendUnavailableError);
    assert.match(e.message, /"1password".*not supported in this build/);
    assert.ok(
      e.hints.some((h) =>
        h.includes("file, json, secret-service, keychain, wincred, pass, kwallet")
      ),
    );
    return true;
  });
  await assert.rejects(
    () => openBackend(options({ kind: "vault" }).opts),
    /Unknown SecureStore "vault"/,
  );
});

Deno.test("openBackend() opens an explicit kwallet store without probing D-Bus, and needs its two programs", async () => {
  const { opts, runner } = options({ kind: "kwallet", installed: ["dbus-send", "kwallet-query"] });
  assert.ok(await openBackend(opts) instanceof KWalletBackend);
  assert.equal(runner.calls.length, 0);
  for (const missing of ["dbus-send", "kwallet-query"]) {
    const installed = ["dbus-send", "kwallet-query"].filter((p) => p !== missing);
    await assert.rejects(
      () => openBackend(options({ kind: "kwallet", installed }).opts),
      (e: unknown) => {
        assert.ok(e instanceof BackendUnavailableError);
        assert.match(
          e.message,
          new RegExp(`"kwallet" is not available: ${missing} is not on PATH`),
        );
        return true;
      },
    );
  }
});

Deno.test("openBackend() auto-picks kwallet on Linux after secret-service and before file (reference §5.4)", async () => {
  // No Secret Service answers; kwalletd5 does (kwalletd6 is not there).
  const kde = options({
    installed: ["secret-tool", "dbus-send", "kwallet-query"],
    handler: (call) => {
      if (call.command === "secret-tool") return result(1, "", "no such service");
      if (call.args.includes("--dest=org.kde.kwalletd5")) {
        return result(0, "method return time=1 sender=:1.1\n   boolean true\n");
      }
      return result(1, "", "org.freedesktop.DBus.Error.ServiceUnknown");
    },
  });
  assert.ok(await openBackend(kde.opts) instanceof KWalletBackend);
  assert.deepEqual(kde.runner.calls.map((c) => c.command), [
    "secret-tool",
    "dbus-send",
    "dbus-send",
  ]);
  assert.ok(kde.runner.calls.every((c) => c.timeoutMs! <= 5000));

  // A Secret Service that answers wins without asking KWallet.
  const both = options({
    installed: ["secret-tool", "dbus-send", "kwallet-query"],
    handler: () => result(0, "method return\n   boolean true\n"),
  });
  assert.ok(await openBackend(both.opts) instanceof SecretServiceBackend);
  assert.deepEqual(both.runner.calls.map((c) => c.command), ["secret-tool"]);

  // No kwalletd answers: the file store.
  const none = options({
    installed: ["dbus-send", "kwallet-query"],
    handler: () => result(1, "", "org.freedesktop.DBus.Error.ServiceUnknown"),
  });
  assert.equal(await detectKind(none.opts), "file");
  // Not on Linux-likes: KWallet is never asked.
  const mac = options({ os: "darwin", installed: ["dbus-send", "kwallet-query"] });
  assert.equal(await detectKind(mac.opts), "file");
  assert.equal(mac.runner.calls.length, 0);
});

Deno.test("openBackend() warns on every open of the json store and uses JsonStore", async () => {
  const { opts, warnings } = options({ kind: "json", jsonStorePath: "/tmp/x/store.json" });
  const store = await openBackend(opts);
  assert.ok(store instanceof JsonFileBackend);
  assert.equal(store.path, "/tmp/x/store.json");
  await openBackend(opts);
  assert.deepEqual(warnings, [
    "Using insecure json file for SecureStore file=/tmp/x/store.json",
    "Using insecure json file for SecureStore file=/tmp/x/store.json",
  ]);
  const byDefault = options({ kind: "json" });
  assert.equal(
    (await openBackend(byDefault.opts) as JsonFileBackend).path,
    "/nonexistent/aws-sso/store.json",
  );
});

Deno.test("openBackend() gives the file store the keyctl cache on Linux when keyctl is installed", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const handler = (call: RecordedCall) =>
      call.args[0] === "session" ? result(0, "42\n") : result(1);
    const withKeyctl = options({ kind: "file", configDir: dir, installed: ["keyctl"], handler });
    await (await openBackend(withKeyctl.opts)).set("k", new Uint8Array([1]));
    const put = withKeyctl.runner.calls.find((c) => c.args[0] === "session");
    assert.ok(put, "the key is cached through keyctl");
    assert.deepEqual(put.args.slice(0, 4), ["session", "-", "sh", "-c"]);
    assert.deepEqual(put.args.slice(5), ["keyctl", put.args[6], "0x3f3f0000", "3600"]);
    assert.match(put.args[6]!, /^aws-sso:[0-9a-f]{32}$/);

    await Deno.remove(`${dir}/secure`, { recursive: true });
    const explicit = options({
      kind: "file",
      configDir: dir,
      installed: ["keyctl"],
      keyCache: noKeyCache,
    });
    await (await openBackend(explicit.opts)).set("k", new Uint8Array([1]));
    assert.equal(explicit.runner.calls.length, 0);

    await Deno.remove(`${dir}/secure`, { recursive: true });
    const mac = options({ kind: "file", os: "darwin", configDir: dir, installed: ["keyctl"] });
    await (await openBackend(mac.opts)).set("k", new Uint8Array([1]));
    assert.equal(mac.runner.calls.length, 0);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
