/**
 * KWallet store tests. The real ones start their own throwaway KDE Wallet: a private D-Bus
 * session bus (`dbus-daemon`), `kwalletd5` on it with the offscreen Qt platform and a temp HOME,
 * and a wallet created through kwalletd's `pamOpen` (as pam_kwallet does at login), so no
 * dialog is shown. They are reported as ignored where kwalletd5 is not installed (Debian:
 * libkf5wallet-bin). The dbus-send / kwallet-query contract runs everywhere against a fake.
 */
import assert from "node:assert/strict";
import {
  BackendUnavailableError,
  type CommandResult,
  type CommandRunner,
  StoreError,
} from "../../stores/backend.ts";
import { DenoCommandRunner } from "../../stores/command_runner.ts";
import { KWALLET_FOLDER, KWalletBackend, PLACEHOLDER } from "../../stores/kwallet.ts";
import { testBackendContract } from "./contract.ts";
import { type RecordedCall, RecordingRunner, result } from "./recording_runner.ts";

const enc = (text: string) => new TextEncoder().encode(text);
const dec = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

const hostRunner = new DenoCommandRunner({ env: Deno.env.toObject(), os: Deno.build.os });
const canRunReal = Deno.build.os === "linux" &&
  (await Promise.all(
    ["dbus-daemon", "dbus-send", "kwalletd5", "kwallet-query"].map((p) => hostRunner.available(p)),
  )).every(Boolean);

/** A runner that passes every call to `inner` and records it (to check argv and env). */
class SpyRunner implements CommandRunner {
  readonly calls: RecordedCall[] = [];
  constructor(readonly inner: CommandRunner) {}
  run(
    command: string,
    args: string[],
    options: { stdin?: Uint8Array; env?: Record<string, string>; timeoutMs?: number } = {},
  ): Promise<CommandResult> {
    this.calls.push({ command, args: [...args], ...options });
    return this.inner.run(command, args, options);
  }
  available(command: string): Promise<boolean> {
    return this.inner.available(command);
  }
}

/** A private session bus with a kwalletd5 holding an open, empty `kdewallet`. */
async function startKWallet() {
  const tmp = await Deno.makeTempDir({ prefix: "aws-sso-kwallet-" });
  const env: Record<string, string> = {
    PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
    HOME: `${tmp}/home`,
    XDG_RUNTIME_DIR: `${tmp}/run`,
    XDG_CONFIG_HOME: `${tmp}/home/.config`,
    XDG_DATA_HOME: `${tmp}/home/.local/share`,
    QT_QPA_PLATFORM: "offscreen",
    LANG: "C.UTF-8",
  };
  for (const dir of [env.HOME!, env.XDG_RUNTIME_DIR!, env.XDG_CONFIG_HOME!]) {
    await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
  }
  // No first-use wizard and no "allow this application?" prompt.
  await Deno.writeTextFile(
    `${env.XDG_CONFIG_HOME}/kwalletrc`,
    "[Wallet]\nEnabled=true\nFirst Use=false\nPrompt on Open=false\n",
  );
  const bus = new Deno.Command("dbus-daemon", {
    args: ["--session", "--nofork", "--print-address=1"],
    env,
    clearEnv: true,
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const reader = bus.stdout.getReader();
  let address = "";
  while (!address.includes("\n")) {
    const chunk = await reader.read();
    if (chunk.done) break;
    address += dec(chunk.value);
  }
  await reader.cancel();
  env.DBUS_SESSION_BUS_ADDRESS = address.trim();
  const daemon = new Deno.Command("kwalletd5", {
    env,
    clearEnv: true,
    stdout: "null",
    stderr: "null",
  }).spawn();
  const runner = new DenoCommandRunner({ env, os: "linux" });
  const stop = async () => {
    for (const child of [daemon, bus]) {
      try {
        child.kill("SIGTERM");
      } catch {
        // Already gone.
      }
      await child.status;
    }
    await Deno.remove(tmp, { recursive: true });
  };
  try {
    // Wait for kwalletd5 to own its name (NameHasOwner never starts a second one by activation).
    const deadline = Date.now() + 20_000;
    for (;;) {
      const out = await runner.run("dbus-send", [
        "--session",
        "--print-reply",
        "--dest=org.freedesktop.DBus",
        "/org/freedesktop/DBus",
        "org.freedesktop.DBus.NameHasOwner",
        "string:org.kde.kwalletd5",
      ]);
      if (dec(out.stdout).includes("boolean true")) break;
      if (Date.now() > deadline) throw new Error("kwalletd5 did not start");
      await new Promise((r) => setTimeout(r, 100));
    }
    const hash = [...crypto.getRandomValues(new Uint8Array(56))].join(",");
    const opened = await runner.run("dbus-send", [
      "--session",
      "--print-reply",
      "--dest=org.kde.kwalletd5",
      "/modules/kwalletd5",
      "org.kde.KWallet.pamOpen",
      "string:kdewallet",
      `array:byte:${hash}`,
      "int32:0",
    ]);
    assert.equal(opened.code, 0, dec(opened.stderr));
  } catch (e) {
    await stop();
    throw e;
  }
  return { runner, stop, dataDir: env.XDG_DATA_HOME! };
}

testBackendContract({
  name: "kwallet store (real kwalletd5)",
  ignore: !canRunReal,
  async create() {
    const kw = await startKWallet();
    return {
      open: () => new KWalletBackend({ runner: kw.runner, timeoutMs: 20_000 }),
      dispose: kw.stop,
    };
  },
});

Deno.test(
  "kwallet store (real kwalletd5): the secret is only on kwallet-query's stdin, and the entry holds base64 in the aws-sso-cli folder",
  {
    ignore: !canRunReal,
  },
  async () => {
    const kw = await startKWallet();
    try {
      const spy = new SpyRunner(kw.runner);
      const secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETKEY";
      const store = new KWalletBackend({ runner: spy, timeoutMs: 20_000 });
      await store.set("role-credentials:arn:aws:iam::1:role/A", enc(secret));
      await store.set("role-credentials:arn:aws:iam::1:role/A", enc(`${secret}-2`));
      const encoded = [secret, `${secret}-2`].map((s) => btoa(s));
      for (const call of spy.calls) {
        const visible = [call.command, ...call.args, ...Object.values(call.env ?? {})].join("\n");
        for (const s of [secret, ...encoded]) assert.ok(!visible.includes(s), call.args.join(" "));
      }
      const writes = spy.calls.filter((c) => c.command === "kwallet-query");
      assert.deepEqual(writes.map((c) => dec(c.stdin!)), encoded);
      // What another program reading the wallet sees: the base64 text, in the folder.
      const read = await kw.runner.run("kwallet-query", [
        "-f",
        KWALLET_FOLDER,
        "-r",
        "role-credentials:arn:aws:iam::1:role/A",
        "kdewallet",
      ]);
      assert.equal(dec(read.stdout).trim(), encoded[1]);
      // The wallet file on disk is encrypted: the value is not in it.
      for await (const f of Deno.readDir(`${kw.dataDir}/kwalletd`)) {
        const bytes = dec(await Deno.readFile(`${kw.dataDir}/kwalletd/${f.name}`));
        assert.ok(!bytes.includes(encoded[1]!) && !bytes.includes(secret), f.name);
      }
    } finally {
      await kw.stop();
    }
  },
);

Deno.test("kwallet store (real kwalletd5): probe() finds the daemon; without one it is false", {
  ignore: !canRunReal,
}, async () => {
  const kw = await startKWallet();
  try {
    assert.equal(await KWalletBackend.probe(kw.runner, 5000), true);
  } finally {
    await kw.stop();
  }
  const noBus = new DenoCommandRunner({
    env: { PATH: Deno.env.get("PATH") ?? "", DBUS_SESSION_BUS_ADDRESS: "unix:path=/nonexistent" },
    os: "linux",
  });
  assert.equal(await KWalletBackend.probe(noBus, 5000), false);
});

// ---- the command contract, against a fake kwalletd + kwallet-query ----

/** Plays kwalletd (over dbus-send) and kwallet-query; checks every argv shape as it goes. */
function fakeKWallet(options: { daemons?: string[]; queryFails?: boolean } = {}) {
  const daemons = options.daemons ?? ["kwalletd5"];
  const folders = new Map<string, Map<string, string>>();
  const reply = (...lines: string[]) =>
    result(0, ["method return time=1 sender=:1.1 -> destination=:1.2", ...lines].join("\n") + "\n");
  const str = (arg: string | undefined) => {
    assert.ok(arg?.startsWith("string:"), `expected a string argument, got ${arg}`);
    return arg!.slice("string:".length);
  };
  const rr = new RecordingRunner((call: RecordedCall) => {
    if (call.command === "kwallet-query") {
      const [f, folder, w, key, wallet, ...rest] = call.args;
      assert.deepEqual([f, w, wallet, rest.length], ["-f", "-w", "kdewallet", 0]);
      if (options.queryFails) return result(0, "", "Failed to write entry\n");
      const entries = folders.get(folder!);
      // Like the real one: it only replaces an entry that exists, and still exits 0.
      if (entries?.has(key!)) entries.set(key!, dec(call.stdin!).replace(/\n$/, ""));
      return result(0);
    }
    assert.equal(call.command, "dbus-send");
    const [session, print, dest, path, member, ...args] = call.args;
    assert.deepEqual([session, print], ["--session", "--print-reply"]);
    const daemon = dest!.replace("--dest=org.kde.", "");
    assert.equal(path, `/modules/${daemon}`);
    if (!daemons.includes(daemon)) {
      return result(1, "", "Error org.freedesktop.DBus.Error.ServiceUnknown\n");
    }
    const method = member!.replace("org.kde.KWallet.", "");
    if (method === "isEnabled") return reply("   boolean true");
    if (method === "networkWallet") return reply('   string "kdewallet"');
    if (method === "open") {
      assert.deepEqual(args, ["string:kdewallet", "int64:0", "string:aws-sso-cli"]);
      return reply("   int32 7");
    }
    assert.equal(args[0], "int32:7");
    assert.equal(args.at(-1), "string:aws-sso-cli");
    const folder = str(args[1]);
    const entries = folders.get(folder);
    switch (method) {
      case "createFolder":
        if (entries) return reply("   boolean false");
        folders.set(folder, new Map());
        return reply("   boolean true");
      case "hasEntry":
        return reply(`   boolean ${entries?.has(str(args[2])) ?? false}`);
      case "readPassword":
        return reply(`   string "${entries?.get(str(args[2])) ?? ""}"`);
      case "writePassword":
        assert.equal(args.length, 5);
        if (!entries) return reply("   int32 -1");
        entries.set(str(args[2]), str(args[3]));
        return reply("   int32 0");
      case "removeEntry":
        return reply(`   int32 ${entries?.delete(str(args[2])) ? 0 : -3}`);
      case "entryList":
        return reply(
          "   array [",
          ...[...entries?.keys() ?? []].map((k) => `      string "${k}"`),
          "   ]",
        );
    }
    throw new Error(`unexpected method ${method}`);
  }, ["dbus-send", "kwallet-query"]);
  return { rr, folders };
}

testBackendContract({
  name: "kwallet store (fake kwalletd)",
  create() {
    const { rr } = fakeKWallet();
    return Promise.resolve({
      open: () => new KWalletBackend({ runner: rr }),
      dispose: () => Promise.resolve(),
    });
  },
});

Deno.test("kwallet store: a new key is created holding the placeholder, then kwallet-query writes the secret from stdin", async () => {
  const { rr, folders } = fakeKWallet();
  const store = new KWalletBackend({ runner: rr });
  await store.set("token-response:Default", enc("the-access-token"));
  rr.assertNeverOnArgv("the-access-token");
  rr.assertNeverOnArgv(btoa("the-access-token"));
  assert.deepEqual(
    rr.calls.map((c) => c.command === "dbus-send" ? c.args[4] : `${c.command} ${c.args[2]}`),
    [
      "org.kde.KWallet.isEnabled", // kwalletd6: not there
      "org.kde.KWallet.isEnabled", // kwalletd5
      "org.kde.KWallet.networkWallet",
      "org.kde.KWallet.open",
      "org.kde.KWallet.hasEntry",
      "org.kde.KWallet.createFolder",
      "org.kde.KWallet.writePassword",
      "kwallet-query -w",
    ],
  );
  const placeholder = rr.calls.find((c) => c.args[4] === "org.kde.KWallet.writePassword")!;
  assert.equal(placeholder.args[8], `string:${PLACEHOLDER}`);
  const write = rr.calls.at(-1)!;
  assert.equal(dec(write.stdin!), btoa("the-access-token"));
  assert.ok(rr.calls.every((c) => c.env === undefined), "no helper gets extra environment");
  assert.equal(folders.get("aws-sso-cli")?.get("token-response:Default"), btoa("the-access-token"));

  // A second write to the same key goes straight to kwallet-query.
  rr.calls.length = 0;
  await store.set("token-response:Default", enc("next"));
  assert.deepEqual(rr.calls.map((c) => c.command), ["dbus-send", "kwallet-query"]);
});

Deno.test("kwallet store: an entry still holding the placeholder reads as absent", async () => {
  const { rr, folders } = fakeKWallet();
  folders.set("aws-sso-cli", new Map([["client-data:Default", PLACEHOLDER]]));
  assert.equal(await new KWalletBackend({ runner: rr }).get("client-data:Default"), undefined);
});

Deno.test("kwallet store: kwalletd6 is used first when it runs", async () => {
  const { rr } = fakeKWallet({ daemons: ["kwalletd6", "kwalletd5"] });
  await new KWalletBackend({ runner: rr }).keys();
  assert.ok(rr.calls.every((c) => c.args[2] === "--dest=org.kde.kwalletd6"));
});

Deno.test("kwallet store: kwallet-query reporting a failure on stderr (with exit 0) fails the write, without the secret", async () => {
  const { rr } = fakeKWallet({ queryFails: true });
  await assert.rejects(
    () => new KWalletBackend({ runner: rr }).set("k", enc("s3cret")),
    (e: unknown) => {
      assert.ok(e instanceof StoreError);
      assert.match(e.message, /kwallet-query -w failed.*Failed to write entry/);
      assert.ok(!e.message.includes(btoa("s3cret")));
      return true;
    },
  );
});

Deno.test("kwallet store: no kwalletd on the bus is BackendUnavailableError with a hint", async () => {
  const { rr } = fakeKWallet({ daemons: [] });
  await assert.rejects(
    () => new KWalletBackend({ runner: rr }).get("k"),
    (e: unknown) => {
      assert.ok(e instanceof BackendUnavailableError);
      assert.match(e.message, /No KDE Wallet daemon/);
      return true;
    },
  );
  assert.equal(await KWalletBackend.probe(rr), false);
});

Deno.test("kwallet store: a value that is not base64 is refused with a hint", async () => {
  const { rr, folders } = fakeKWallet();
  folders.set("aws-sso-cli", new Map([["k", "not base64!"]]));
  await assert.rejects(() => new KWalletBackend({ runner: rr }).get("k"), /not base64/);
});
