import assert from "node:assert/strict";
import { MemoryBackend } from "../../stores/memory.ts";
import { testBackendContract } from "./contract.ts";

testBackendContract({
  name: "memory store",
  create() {
    const shared = new MemoryBackend();
    return Promise.resolve({ open: () => shared, dispose: () => Promise.resolve() });
  },
});

Deno.test("memory store: a value changed by the caller after set() or get() is not changed inside", async () => {
  const store = new MemoryBackend();
  const value = new Uint8Array([1, 2, 3]);
  await store.set("k", value);
  value[0] = 9;
  const read = await store.get("k");
  assert.deepEqual(read, new Uint8Array([1, 2, 3]));
  read![1] = 9;
  assert.deepEqual(await store.get("k"), new Uint8Array([1, 2, 3]));
});
