import assert from "node:assert/strict";
import { DenoCommandRunner } from "../../stores/command_runner.ts";
import { KeyctlKeyCache } from "../../stores/keyctl_key_cache.ts";
import { RecordingRunner, result } from "./recording_runner.ts";

const runner = new DenoCommandRunner({ env: Deno.env.toObject(), os: Deno.build.os });
const keyctlUsable = Deno.build.os === "linux" && await runner.available("keyctl") &&
  (await runner.run("keyctl", ["show", "@u"])).code === 0;

const uniqueId = () => `aws-sso:test-${crypto.randomUUID()}`;

Deno.test("keyctl cache: put, get and forget round-trip binary key bytes in the user keyring", {
  ignore: !keyctlUsable,
}, async () => {
  const cache = new KeyctlKeyCache(runner, { timeoutSeconds: 120 });
  const id = uniqueId();
  const key = crypto.getRandomValues(new Uint8Array(32));
  key[0] = 0;
  key[17] = 0;
  key[31] = 0x0a;
  try {
    assert.equal(await cache.get(id), undefined);
    await cache.put(id, key);
    assert.deepEqual(await cache.get(id), key);
    const replacement = crypto.getRandomValues(new Uint8Array(32));
    await cache.put(id, replacement);
    assert.deepEqual(await cache.get(id), replacement);
  } finally {
    await cache.forget(id);
  }
  assert.equal(await cache.get(id), undefined);
});

Deno.test(
  "keyctl cache: a cached key has a timeout and is readable by the same uid from any session",
  {
    ignore: !keyctlUsable,
  },
  async () => {
    const cache = new KeyctlKeyCache(runner, { timeoutSeconds: 120 });
    const id = uniqueId();
    try {
      await cache.put(id, new Uint8Array([1, 2, 3]));
      const serial = new TextDecoder().decode(
        (await runner.run("keyctl", ["search", "@u", "user", id])).stdout,
      ).trim();
      const hex = Number(serial).toString(16).padStart(8, "0");
      const line = (await Deno.readTextFile("/proc/keys")).split("\n").find((l) =>
        l.startsWith(hex)
      );
      assert.ok(line, "key listed in /proc/keys");
      // Columns: serial flags usage expiry perm uid gid type description.
      const [, , , expiry, perm] = line.split(/\s+/);
      assert.notEqual(expiry, "perm", "the key has an expiry");
      assert.equal(perm, "3f3f0000");
      // A new anonymous session keyring does not possess @u: reading relies on the user bits.
      const other = await runner.run("keyctl", ["session", "-", "keyctl", "pipe", serial]);
      assert.equal(other.code, 0);
      assert.deepEqual(other.stdout, new Uint8Array([1, 2, 3]));
    } finally {
      await cache.forget(id);
    }
  },
);

Deno.test("keyctl cache: the key bytes travel only on stdin, with the exact keyctl commands", async () => {
  const key = new Uint8Array([0xde, 0xad, 0xbe, 0xef]);
  const rr = new RecordingRunner((call) => {
    switch (call.args[0]) {
      case "session":
        return result(0, "123\n");
      case "search":
        return result(0, "123\n");
      case "pipe":
        return result(0, key);
      default:
        return result(0);
    }
  });
  const cache = new KeyctlKeyCache(rr, { timeoutSeconds: 900 });
  await cache.put("aws-sso:abc", key);
  assert.deepEqual(await cache.get("aws-sso:abc"), key);
  await cache.forget("aws-sso:abc");
  assert.deepEqual(rr.calls.map((c) => [c.command, ...c.args]), [
    [
      "keyctl",
      "session",
      "-",
      "sh",
      "-c",
      rr.calls[0]!.args[4]!,
      "keyctl",
      "aws-sso:abc",
      "0x3f3f0000",
      "900",
    ],
    ["keyctl", "search", "@u", "user", "aws-sso:abc"],
    ["keyctl", "pipe", "123"],
    ["keyctl", "search", "@u", "user", "aws-sso:abc"],
    ["keyctl", "invalidate", "123"],
  ]);
  assert.deepEqual(rr.calls[0]!.stdin, key);
  assert.ok(rr.calls.slice(1).every((c) => c.stdin === undefined));
});

Deno.test("keyctl cache: a miss or a failing keyctl reads as undefined", async () => {
  const miss = new RecordingRunner(() =>
    result(1, "", "keyctl_search: Required key not available\n")
  );
  assert.equal(await new KeyctlKeyCache(miss).get("aws-sso:x"), undefined);
  assert.equal(miss.calls.length, 1);
  const denied = new RecordingRunner((c) => c.args[0] === "search" ? result(0, "7\n") : result(1));
  assert.equal(await new KeyctlKeyCache(denied).get("aws-sso:x"), undefined);
});

Deno.test("keyctl cache: a failing padd is reported, not ignored", async () => {
  const rr = new RecordingRunner(() => result(1, "", "add_key: Operation not permitted\n"));
  await assert.rejects(
    () => new KeyctlKeyCache(rr).put("aws-sso:x", new Uint8Array(32)),
    /keyctl failed to cache the key/,
  );
});
