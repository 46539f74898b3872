/**
 * The behaviour every SecretBackend must have, as one set of Deno tests per backend.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { SecretBackend } from "../../stores/backend.ts";

/** An isolated, initially empty place to store secrets; `open()` returns a new instance on it. */
export interface ContractLocation {
  /** A new backend instance on this location (a second process, as far as the backend knows). */
  open(): Promise<SecretBackend> | SecretBackend;
  /** Removes whatever the tests left. */
  dispose(): Promise<void>;
}

/** How to run the contract against one backend. */
export interface BackendFactory {
  /** Prefix of the test names, e.g. "json store". */
  name: string;
  /** Creates a fresh empty location for one test. */
  create(): Promise<ContractLocation>;
  /** True for stores kept in one file, where writers must merge (two writers, both survive). */
  fileBacked?: boolean;
  /** Skip every test (the real component is not available here). */
  ignore?: boolean;
  /** Passed to Deno.test (e.g. false for stores whose tools leave agents running). */
  sanitizeResources?: boolean;
}

const enc = (text: string) => new TextEncoder().encode(text);

/** Keys shaped like the ones lib/ uses, with `:` `/` `@` and the other ARN characters. */
export const CONTRACT_KEYS = [
  "client-data:Default",
  "token-response:Default",
  "role-credentials:arn:aws:iam::012345678901:role/path/to/Admin+=,.@-_",
  "ecs-bearer-token",
  "other/key@with:odd=chars",
];

function random(length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i += 65536) {
    crypto.getRandomValues(bytes.subarray(i, Math.min(length, i + 65536)));
  }
  return bytes;
}

/** Registers the contract tests for one backend. */
export function testBackendContract(factory: BackendFactory): void {
  const test = (name: string, fn: (loc: ContractLocation) => Promise<void>) =>
    Deno.test({
      name: `${factory.name}: ${name}`,
      ignore: factory.ignore ?? false,
      sanitizeResources: factory.sanitizeResources ?? true,
      async fn() {
        const loc = await factory.create();
        try {
          await fn(loc);
        } finally {
          await loc.dispose();
        }
      },
    });

  test("a missing key reads as undefined and an empty store lists no keys", async (loc) => {
    const store = await loc.open();
    assert.equal(await store.get("client-data:Default"), undefined);
    assert.deepEqual(await store.keys(), []);
  });

  test("set then get returns the same bytes, and set replaces the value", async (loc) => {
    const store = await loc.open();
    const first = enc(JSON.stringify({ accessToken: "at-1", expiresAt: 1700000000 }));
    await store.set("token-response:Default", first);
    assert.deepEqual(await store.get("token-response:Default"), first);
    const second = enc("second value, not JSON");
    await store.set("token-response:Default", second);
    assert.deepEqual(await store.get("token-response:Default"), second);
    assert.deepEqual(await store.keys(), ["token-response:Default"]);
  });

  test("delete removes a key and returns false when the key is missing", async (loc) => {
    const store = await loc.open();
    await store.set("ecs-bearer-token", enc("token"));
    await store.set("client-data:Default", enc("{}"));
    assert.equal(await store.delete("ecs-bearer-token"), true);
    assert.equal(await store.get("ecs-bearer-token"), undefined);
    assert.equal(await store.delete("ecs-bearer-token"), false);
    assert.equal(await store.delete("never-set"), false);
    assert.deepEqual(await store.keys(), ["client-data:Default"]);
  });

  test("binary values keep every byte: zero bytes, all 256 values, empty, 4 KB random", async (loc) => {
    const store = await loc.open();
    const values: Record<string, Uint8Array> = {
      "bin:zeros": new Uint8Array([0, 0, 0, 0]),
      "bin:all-bytes": Uint8Array.from({ length: 256 }, (_, i) => i),
      "bin:empty": new Uint8Array(0),
      "bin:4k": random(4096),
      "bin:newlines": enc("\nline one\r\nline two\n\n"),
      "bin:not-utf8": new Uint8Array([0xff, 0xfe, 0x00, 0xc3]),
    };
    for (const [key, value] of Object.entries(values)) await store.set(key, value);
    for (const [key, value] of Object.entries(values)) {
      assert.deepEqual(await store.get(key), value, key);
    }
  });

  test("keys with ':' '/' '@' and ARN characters are stored, listed sorted, and deleted", async (loc) => {
    const store = await loc.open();
    for (const [i, key] of CONTRACT_KEYS.entries()) await store.set(key, enc(`value ${i}`));
    assert.deepEqual(await store.keys(), [...CONTRACT_KEYS].sort());
    for (const [i, key] of CONTRACT_KEYS.entries()) {
      assert.deepEqual(await store.get(key), enc(`value ${i}`), key);
    }
    for (const key of CONTRACT_KEYS) assert.equal(await store.delete(key), true, key);
    assert.deepEqual(await store.keys(), []);
  });

  test("two instances on the same location see each other's writes", async (loc) => {
    const a = await loc.open();
    const b = await loc.open();
    await a.set("client-data:Default", enc("from a"));
    assert.deepEqual(await b.get("client-data:Default"), enc("from a"));
    await b.set("client-data:Default", enc("from b"));
    assert.deepEqual(await a.get("client-data:Default"), enc("from b"));
    assert.equal(await b.delete("client-data:Default"), true);
    assert.equal(await a.get("client-data:Default"), undefined);
  });

  if (factory.fileBacked) {
    test("two instances writing different keys in turn both survive", async (loc) => {
      const a = await loc.open();
      const b = await loc.open();
      await a.set("token-response:A", enc("a1"));
      await b.set("token-response:B", enc("b1"));
      await a.set("role-credentials:arn:aws:iam::111111111111:role/A", enc("a2"));
      await b.delete("token-response:A");
      await a.set("token-response:C", enc("a3"));
      const fresh = await loc.open();
      assert.deepEqual(await fresh.keys(), [
        "role-credentials:arn:aws:iam::111111111111:role/A",
        "token-response:B",
        "token-response:C",
      ]);
      assert.deepEqual(await fresh.get("token-response:B"), enc("b1"));
      assert.deepEqual(await fresh.get("token-response:C"), enc("a3"));
    });
  }
}
