/**
 * macOS keychain store: the `security` argv/stdin contract against a fake that plays
 * `security`, plus the contract on a throwaway real keychain on macOS runners.
 */
import assert from "node:assert/strict";
import { BackendUnavailableError, StoreError } from "../../stores/backend.ts";
import { DenoCommandRunner } from "../../stores/command_runner.ts";
import { MacosKeychainBackend, parseKeychainDump } from "../../stores/macos_keychain.ts";
import { testBackendContract } from "./contract.ts";
import { type RecordedCall, RecordingRunner, result } from "./recording_runner.ts";

const enc = (text: string) => new TextEncoder().encode(text);
const dec = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

/** Splits a `security -i` line into words, honouring double quotes (as security does). */
function words(line: string): string[] {
  return [...line.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]!);
}

/** Plays `security` over a Map of service/account → {label, password}; checks every argv shape. */
function fakeSecurity() {
  const items = new Map<
    string,
    { service: string; account: string; label: string; password: string }
  >();
  const id = (s: string, a: string) => `${s}\u0000${a}`;
  const notFound = () =>
    result(
      44,
      "",
      "security: SecKeychainSearchCopyNext: The specified item could not be found in the keychain.\n",
    );
  const rr = new RecordingRunner((call: RecordedCall) => {
    const [op, ...rest] = call.args;
    switch (op) {
      case "find-generic-password": {
        assert.deepEqual([rest[0], rest[2], rest[4]], ["-s", "-a", "-w"]);
        const item = items.get(id(rest[1]!, rest[3]!));
        return item ? result(0, `${item.password}\n`) : notFound();
      }
      case "delete-generic-password": {
        assert.deepEqual([rest[0], rest[2]], ["-s", "-a"]);
        return items.delete(id(rest[1]!, rest[3]!))
          ? result(0, "password has been deleted.\n")
          : notFound();
      }
      case "-i": {
        assert.equal(rest.length, 0, "security -i takes no other argument");
        for (const line of dec(call.stdin!).split("\n").filter((l) => l !== "")) {
          const w = words(line);
          assert.deepEqual([w[0], w[1], w[2], w[4], w[6], w[8]], [
            "add-generic-password",
            "-U",
            "-s",
            "-a",
            "-l",
            "-w",
          ]);
          assert.equal(w.length, 10);
          items.set(id(w[3]!, w[5]!), {
            service: w[3]!,
            account: w[5]!,
            label: w[7]!,
            password: w[9]!,
          });
        }
        return result(0);
      }
      case "dump-keychain": {
        const blocks = [...items.values()].map((i) =>
          [
            'keychain: "/Users/me/Library/Keychains/login.keychain-db"',
            "version: 512",
            'class: "genp"',
            "attributes:",
            '    0x00000007 <blob>="' + i.label + '"',
            '    "acct"<blob>="' + i.account + '"',
            '    "cdat"<timedate>=0x32303236313132313232343030305A00  "20261121224000Z\\000"',
            '    "svce"<blob>="' + i.service + '"',
          ].join("\n")
        );
        return result(0, `${blocks.join("\n")}\n`);
      }
      default:
        return result(1, "", `unexpected ${op}`);
    }
  }, ["security"]);
  return { rr, items };
}

testBackendContract({
  name: "keychain store (fake security)",
  create() {
    const { rr } = fakeSecurity();
    return Promise.resolve({
      open: () => new MacosKeychainBackend({ runner: rr }),
      dispose: () => Promise.resolve(),
    });
  },
});

Deno.test("keychain store: exact security argv, the secret only on stdin of security -i", async () => {
  const { rr, items } = fakeSecurity();
  const store = new MacosKeychainBackend({ runner: rr });
  const value = enc("very secret session token");
  const key = "role-credentials:arn:aws:iam::012345678901:role/Admin";
  await store.set(key, value);
  assert.deepEqual(await store.get(key), value);
  assert.deepEqual(await store.keys(), [key]);
  assert.equal(await store.delete(key), true);
  assert.equal(await store.delete(key), false);
  assert.equal(await store.get(key), undefined);
  assert.deepEqual(rr.calls.map((c) => [c.command, ...c.args]), [
    ["security", "-i"],
    ["security", "find-generic-password", "-s", "aws-sso-cli", "-a", key, "-w"],
    ["security", "dump-keychain"],
    ["security", "delete-generic-password", "-s", "aws-sso-cli", "-a", key],
    ["security", "delete-generic-password", "-s", "aws-sso-cli", "-a", key],
    ["security", "find-generic-password", "-s", "aws-sso-cli", "-a", key, "-w"],
  ]);
  assert.equal(
    dec(rr.calls[0]!.stdin!),
    `add-generic-password -U -s "aws-sso-cli" -a "${key}" -l "aws-sso-cli ${key}" -w "${value.toBase64()}"\n`,
  );
  rr.assertNeverOnArgv(value.toBase64());
  rr.assertNeverOnArgv("very secret");
  assert.equal(items.size, 0);
});

Deno.test("keychain store: a throwaway keychain file is passed to every command", async () => {
  const { rr } = fakeSecurity();
  const handler = rr;
  const seen: string[][] = [];
  const wrapped = new RecordingRunner((call) => {
    seen.push(call.args);
    // Drop the keychain argument before the fake checks the shape.
    const args = call.args[0] === "-i" ? call.args : call.args.slice(0, -1);
    const stdin = call.stdin && enc(dec(call.stdin).replace(/ "\/tmp\/test\.keychain"\n/, "\n"));
    return handler.run(call.command, args, { stdin });
  }, ["security"]);
  const store = new MacosKeychainBackend({ runner: wrapped, keychain: "/tmp/test.keychain" });
  await store.set("k", enc("v"));
  await store.get("k");
  await store.keys();
  await store.delete("k");
  assert.ok(dec(wrapped.calls[0]!.stdin!).endsWith(' "/tmp/test.keychain"\n'));
  for (const args of seen.slice(1)) assert.equal(args.at(-1), "/tmp/test.keychain");
});

Deno.test("keychain store: security -i reporting an error on stderr fails the write, without the secret", async () => {
  const rr = new RecordingRunner(
    (c) =>
      result(
        0,
        "",
        `add-generic-password: ${dec(c.stdin!)} SecKeychainItemCreateFromContent: failed\n`,
      ),
    ["security"],
  );
  await assert.rejects(
    () => new MacosKeychainBackend({ runner: rr }).set("k", enc("hunter2hunter2")),
    (e: unknown) => {
      assert.ok(e instanceof StoreError);
      assert.ok(!e.message.includes(enc("hunter2hunter2").toBase64()));
      return true;
    },
  );
});

Deno.test("keychain store: a locked keychain is BackendUnavailableError with a hint", async () => {
  const rr = new RecordingRunner(
    () => result(36, "", "security: SecKeychainSearchCopyNext: User interaction is not allowed.\n"),
    ["security"],
  );
  await assert.rejects(() => new MacosKeychainBackend({ runner: rr }).get("k"), (e: unknown) => {
    assert.ok(e instanceof BackendUnavailableError);
    assert.ok(e.hints.some((h) => h.includes("unlock")));
    return true;
  });
});

Deno.test("keychain store: keys that security -i could not quote are refused before running anything", async () => {
  const rr = new RecordingRunner(() => result(0), ["security"]);
  const store = new MacosKeychainBackend({ runner: rr });
  for (const key of ['a"b', "a\\b", "a\nb"]) {
    await assert.rejects(() => store.set(key, enc("v")), StoreError);
  }
  assert.equal(rr.calls.length, 0);
});

Deno.test("parseKeychainDump() keeps only generic passwords of the service, hex-encoded names included", () => {
  const dump = [
    'keychain: "/k"',
    'class: "genp"',
    "attributes:",
    '    "acct"<blob>="client-data:Default"',
    '    "svce"<blob>="aws-sso-cli"',
    'keychain: "/k"',
    'class: "genp"',
    "attributes:",
    '    "acct"<blob>=0x6F74686572206B6579  "other key"',
    '    "svce"<blob>="aws-sso-cli"',
    'keychain: "/k"',
    'class: "genp"',
    "attributes:",
    '    "acct"<blob>="someone"',
    '    "svce"<blob>="another-app"',
    'keychain: "/k"',
    'class: "inet"',
    "attributes:",
    '    "acct"<blob>="web"',
    '    "svce"<blob>="aws-sso-cli"',
    'keychain: "/k"',
    'class: "genp"',
    "attributes:",
    '    "acct"<blob>=<NULL>',
    '    "svce"<blob>="aws-sso-cli"',
  ].join("\n");
  assert.deepEqual(parseKeychainDump(dump, "aws-sso-cli"), ["client-data:Default", "other key"]);
});

// ---- the real keychain (macOS runners only) ----

const onMac = Deno.build.os === "darwin";
const realRunner = new DenoCommandRunner({ env: Deno.env.toObject(), os: Deno.build.os });

testBackendContract({
  name: "keychain store (real security, throwaway keychain)",
  ignore: !onMac,
  async create() {
    const dir = await Deno.makeTempDir({ prefix: "aws-sso-kc-" });
    const keychain = `${dir}/test.keychain-db`;
    // A test-only keychain with a throwaway password; the user's keychains are not touched.
    for (
      const args of [["create-keychain", "-p", "test", keychain], [
        "unlock-keychain",
        "-p",
        "test",
        keychain,
      ]]
    ) {
      const out = await realRunner.run("security", args);
      assert.equal(out.code, 0, dec(out.stderr));
    }
    const service = `aws-sso-cli-test-${crypto.randomUUID()}`;
    return {
      open: () => new MacosKeychainBackend({ runner: realRunner, service, keychain }),
      async dispose() {
        await realRunner.run("security", ["delete-keychain", keychain]);
        await Deno.remove(dir, { recursive: true });
      },
    };
  },
});
