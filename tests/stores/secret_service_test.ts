/**
 * Secret Service store tests. The real ones run only inside a D-Bus session with a Secret
 * Service (tests/stores/run_secret_service_tests.sh provides a throwaway GNOME Keyring);
 * elsewhere they are reported as ignored. The argv/stdin contract runs everywhere.
 */
import assert from "node:assert/strict";
import { BackendUnavailableError, type CommandRunner } from "../../stores/backend.ts";
import { DenoCommandRunner } from "../../stores/command_runner.ts";
import { SecretServiceBackend } from "../../stores/secret_service.ts";
import { testBackendContract } from "./contract.ts";
import { RecordingRunner, result } from "./recording_runner.ts";

const enc = (text: string) => new TextEncoder().encode(text);
const dec = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

const runner = new DenoCommandRunner({ env: Deno.env.toObject(), os: Deno.build.os });
const inSession = Deno.build.os === "linux" &&
  Deno.env.get("DBUS_SESSION_BUS_ADDRESS") !== undefined &&
  await SecretServiceBackend.probe(runner, 5000);

/** A service attribute of its own per test, so nothing else in the keyring is touched. */
function realStore(options: { collection?: string } = {}) {
  const service = `aws-sso-cli-test-${crypto.randomUUID()}`;
  const open = () => new SecretServiceBackend({ runner, service, timeoutMs: 20_000, ...options });
  return {
    service,
    open,
    async dispose() {
      const store = open();
      for (const key of await store.keys()) await store.delete(key);
    },
  };
}

testBackendContract({
  name: "secret-service store (real keyring)",
  ignore: !inSession,
  create: () => Promise.resolve(realStore()),
});

Deno.test("secret-service store: items hold base64 text under the service and key attributes", {
  ignore: !inSession,
}, async () => {
  const loc = realStore();
  try {
    await loc.open().set("role-credentials:arn:aws:iam::1:role/A", new Uint8Array([0, 255, 10]));
    const out = await runner.run("secret-tool", [
      "lookup",
      "service",
      loc.service,
      "key",
      "role-credentials:arn:aws:iam::1:role/A",
    ]);
    assert.equal(out.code, 0);
    assert.equal(dec(out.stdout), "AP8K");
    const search = await runner.run("secret-tool", ["search", "--all", "service", loc.service]);
    assert.match(
      dec(search.stdout),
      new RegExp(`label = ${loc.service} role-credentials:arn:aws:iam::1:role/A`),
    );
  } finally {
    await loc.dispose();
  }
});

Deno.test(
  "secret-service store: an existing collection named by its object path receives the items",
  {
    ignore: !inSession,
  },
  async () => {
    // The throwaway keyring has only "login"; a missing collection fails (next test).
    const loc = realStore({ collection: "/org/freedesktop/secrets/collection/login" });
    try {
      await loc.open().set("k", enc("v"));
      assert.deepEqual(await loc.open().get("k"), enc("v"));
    } finally {
      await loc.dispose();
    }
  },
);

Deno.test(
  "secret-service store: a collection the user named that does not exist is an error with a hint",
  {
    ignore: !inSession,
  },
  async () => {
    const loc = realStore({ collection: "awsssocli_missing" });
    await assert.rejects(() => loc.open().set("k", enc("v")), (e: unknown) => {
      assert.ok(e instanceof BackendUnavailableError);
      assert.match(e.message, /awsssocli_missing/);
      assert.ok(e.hints.some((h) => h.includes("SecretServiceCollection")));
      return true;
    });
    assert.deepEqual(await loc.open().keys(), []);
  },
);

Deno.test("secret-service store: keys() lists over D-Bus without any secret reaching aws-sso", {
  ignore: !inSession || !await runner.available("dbus-send"),
}, async () => {
  const seen: { command: string; args: string[]; output: string }[] = [];
  const recording: CommandRunner = {
    available: (command) => runner.available(command),
    async run(command, args, options) {
      const out = await runner.run(command, args, options);
      seen.push({ command, args, output: dec(out.stdout) + dec(out.stderr) });
      return out;
    },
  };
  const service = `aws-sso-cli-test-${crypto.randomUUID()}`;
  const store = new SecretServiceBackend({ runner, service, timeoutMs: 20_000 });
  const keys = [
    'role-credentials:arn:aws:iam::111111111111:role/Odd "quoted" name',
    "token-response:Default",
  ];
  const secret = (i: number) => enc(`secret-${i}-${crypto.randomUUID()}`);
  const values = keys.map((_, i) => secret(i));
  try {
    for (const [i, key] of keys.entries()) await store.set(key, values[i]!);
    const listed = await new SecretServiceBackend({ runner: recording, service, timeoutMs: 20_000 })
      .keys();
    assert.deepEqual(listed, [...keys].sort());
    assert.ok(seen.length >= 3, "a search and one attribute read per item");
    assert.ok(seen.every((c) => c.command === "dbus-send"), "secret-tool search is not used");
    for (const value of values) {
      for (const form of [dec(value), value.toBase64()]) {
        assert.ok(seen.every((c) => !c.output.includes(form)), "no secret in any reply");
      }
    }
  } finally {
    for (const key of keys) await store.delete(key);
  }
});

// ---- argv / stdin contract (no D-Bus needed) ----

/** Plays secret-tool over a Map; the default collection `awsssocli` does not exist. */
function fakeSecretTool(existingCollections: string[] = []) {
  const items = new Map<string, string>();
  const rr = new RecordingRunner((call) => {
    const [op, ...rest] = call.args;
    const attrs = rest.filter((a) => !a.startsWith("--"));
    const key = attrs[3] ?? "";
    switch (op) {
      case "store": {
        const collection = rest.find((a) => a.startsWith("--collection="))?.slice(13);
        if (collection !== undefined && !existingCollections.includes(collection)) {
          return result(1, "", `secret-tool: Object does not exist at path “${collection}”\n`);
        }
        items.set(key, dec(call.stdin!));
        return result(0);
      }
      case "lookup":
        return items.has(key) ? result(0, items.get(key)) : result(1);
      case "clear":
        return items.delete(key) ? result(0) : result(1);
      case "search":
        return result(
          0,
          "",
          [...items.keys()].map((k) => `attribute.key = ${k}\nattribute.service = x\n`).join(""),
        );
      default:
        return result(2, "", "unexpected");
    }
  }, ["secret-tool"]);
  return { rr, items };
}

Deno.test("secret-service store: exact secret-tool argv, the secret only on stdin, every call time-limited", async () => {
  const { rr } = fakeSecretTool(["/org/freedesktop/secrets/collection/awsssocli"]);
  const store = new SecretServiceBackend({ runner: rr });
  const value = enc("top secret value");
  await store.set("token-response:Default", value);
  assert.deepEqual(await store.get("token-response:Default"), value);
  assert.deepEqual(await store.keys(), ["token-response:Default"]);
  assert.equal(await store.delete("token-response:Default"), true);
  assert.equal(await store.delete("token-response:Default"), false);
  const attrs = ["service", "aws-sso-cli", "key", "token-response:Default"];
  assert.deepEqual(rr.calls.map((c) => [c.command, ...c.args]), [
    [
      "secret-tool",
      "store",
      "--label=aws-sso-cli token-response:Default",
      "--collection=/org/freedesktop/secrets/collection/awsssocli",
      ...attrs,
    ],
    ["secret-tool", "lookup", ...attrs],
    ["secret-tool", "search", "--all", "service", "aws-sso-cli"],
    ["secret-tool", "clear", ...attrs],
    ["secret-tool", "clear", ...attrs],
  ]);
  assert.equal(dec(rr.calls[0]!.stdin!), value.toBase64());
  rr.assertNeverOnArgv(value.toBase64());
  rr.assertNeverOnArgv("top secret");
  assert.ok(rr.calls.every((c) => (c.timeoutMs ?? 0) > 0));
});

Deno.test("secret-service store: without the default collection, items go to the default one from then on", async () => {
  const { rr, items } = fakeSecretTool();
  const store = new SecretServiceBackend({ runner: rr });
  await store.set("a", enc("1"));
  await store.set("b", enc("2"));
  assert.deepEqual([...items.keys()], ["a", "b"]);
  const stores = rr.calls.filter((c) => c.args[0] === "store");
  assert.equal(stores.length, 3);
  assert.ok(stores[0]!.args.some((a) => a.startsWith("--collection=")));
  assert.ok(!stores[1]!.args.some((a) => a.startsWith("--collection=")));
  assert.ok(!stores[2]!.args.some((a) => a.startsWith("--collection=")));
});

Deno.test("secret-service store: a failing secret-tool is BackendUnavailableError with a hint and no secret", async () => {
  const rr = new RecordingRunner(
    (c) =>
      result(
        1,
        "",
        `secret-tool: Cannot autolaunch D-Bus without X11 $DISPLAY ${
          dec(c.stdin ?? new Uint8Array())
        }\n`,
      ),
  );
  const store = new SecretServiceBackend({ runner: rr });
  await assert.rejects(() => store.get("k"), BackendUnavailableError);
  await assert.rejects(() => store.set("k", enc("hunter2-hunter2")), (e: unknown) => {
    assert.ok(e instanceof BackendUnavailableError);
    assert.ok(!e.message.includes(enc("hunter2-hunter2").toBase64()), "secret echoed in message");
    assert.ok(e.hints.length > 0);
    return true;
  });
});

Deno.test("secret-service store: a collection name that is not a D-Bus path element is refused before running anything", async () => {
  const { rr } = fakeSecretTool();
  const store = new SecretServiceBackend({ runner: rr, collection: "my-keyring" });
  await assert.rejects(() => store.set("k", enc("v")), (e: unknown) => {
    assert.ok(e instanceof BackendUnavailableError);
    assert.match(e.message, /my-keyring/);
    return true;
  });
  assert.equal(rr.calls.length, 0);
});

Deno.test("secret-service probe: answers false without secret-tool, and uses a short timeout", async () => {
  const none = new RecordingRunner(() => result(0), []);
  assert.equal(await SecretServiceBackend.probe(none), false);
  assert.equal(none.calls.length, 0);
  const slow = new RecordingRunner(() => result(124, "", "timed out"), ["secret-tool"]);
  assert.equal(await SecretServiceBackend.probe(slow, 1500), false);
  assert.deepEqual(slow.calls[0]!.args, ["search", "service", "aws-sso-cli-probe"]);
  assert.equal(slow.calls[0]!.timeoutMs, 1500);
  const ok = new RecordingRunner(() => result(0), ["secret-tool"]);
  assert.equal(await SecretServiceBackend.probe(ok), true);
});
