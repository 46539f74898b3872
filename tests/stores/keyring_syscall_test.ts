import assert from "node:assert/strict";
import { KeyctlKeyCache } from "../../stores/keyctl_key_cache.ts";
import { readUserKeySync, SyscallKeyCache } from "../../stores/keyring_syscall.ts";
import { DenoCommandRunner } from "../../stores/command_runner.ts";

const runner = new DenoCommandRunner({ env: Deno.env.toObject(), os: Deno.build.os });
const usable = Deno.build.os === "linux" && await runner.available("keyctl") &&
  (await runner.run("keyctl", ["show", "@u"])).code === 0 &&
  (Deno.build.arch === "x86_64" || Deno.build.arch === "aarch64");

Deno.test({
  name: "readUserKeySync() reads a key the keyctl program stored, and misses unknown ones",
  ignore: !usable,
  async fn() {
    const id = `aws-sso-test:${crypto.randomUUID()}`;
    const cache = new KeyctlKeyCache(runner, { timeoutSeconds: 60 });
    const key = crypto.getRandomValues(new Uint8Array(32));
    key[5] = 0; // binary payloads with zero bytes survive
    await cache.put(id, key);
    try {
      assert.deepEqual(readUserKeySync(id, Deno.build.arch), key);
      assert.deepEqual(await new SyscallKeyCache(cache, Deno.build.arch).get(id), key);
      assert.equal(readUserKeySync(`${id}-missing`, Deno.build.arch), undefined);
    } finally {
      await cache.forget(id);
    }
    assert.equal(readUserKeySync(id, Deno.build.arch), undefined);
  },
});

Deno.test("readUserKeySync() answers undefined on an architecture it has no system call for", () => {
  assert.equal(readUserKeySync("anything", "mips"), undefined);
});
