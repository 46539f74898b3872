import assert from "node:assert/strict";
import { realFileIo } from "../../lib/atomic_file.ts";
import { DecryptionError, type PasswordSource, StoreError } from "../../stores/backend.ts";
import { DenoCommandRunner } from "../../stores/command_runner.ts";
import {
  EncryptedFileBackend,
  fileStorePath,
  MIN_KDF_ITERATIONS,
} from "../../stores/encrypted_file.ts";
import { type KeyCache, noKeyCache } from "../../stores/key_cache.ts";
import { KeyctlKeyCache } from "../../stores/keyctl_key_cache.ts";
import { testBackendContract } from "./contract.ts";

const enc = (text: string) => new TextEncoder().encode(text);
const PASSWORD = "correct horse battery staple";
const SECRET = "aws-secret-access-key-0123456789abcdefXYZ";

/** A password source that counts and records its calls. */
class CountingSource implements PasswordSource {
  readonly calls: { create: boolean; location: string }[] = [];
  constructor(public answer: string = PASSWORD) {}
  password(options: { create: boolean; location: string }): Promise<string> {
    this.calls.push(options);
    return Promise.resolve(this.answer);
  }
}

/** A KeyCache in a Map, shared by the instances of one test (like the kernel keyring). */
class MapKeyCache implements KeyCache {
  readonly items = new Map<string, Uint8Array>();
  get(id: string): Promise<Uint8Array | undefined> {
    return Promise.resolve(this.items.get(id)?.slice());
  }
  put(id: string, key: Uint8Array): Promise<void> {
    this.items.set(id, key.slice());
    return Promise.resolve();
  }
  forget(id: string): Promise<void> {
    this.items.delete(id);
    return Promise.resolve();
  }
}

interface Fixture {
  dir: string;
  path: string;
  open(
    options?: { source?: PasswordSource; cache?: KeyCache; iterations?: number },
  ): EncryptedFileBackend;
  bytes(): Promise<Uint8Array>;
  dispose(): Promise<void>;
}

async function fixture(defaults: { cache?: KeyCache } = {}): Promise<Fixture> {
  const dir = await Deno.makeTempDir({ prefix: "aws-sso-file-store-" });
  const path = fileStorePath(`${dir}/config`);
  return {
    dir,
    path,
    open: (o = {}) =>
      new EncryptedFileBackend({
        path,
        fileIo: realFileIo,
        passwordSource: o.source ?? new CountingSource(),
        keyCache: o.cache ?? defaults.cache ?? noKeyCache,
        iterations: o.iterations,
      }),
    bytes: () => Deno.readFile(path),
    dispose: () => Deno.remove(dir, { recursive: true }),
  };
}

async function withFixture(fn: (f: Fixture) => Promise<void>): Promise<void> {
  const f = await fixture();
  try {
    await fn(f);
  } finally {
    await f.dispose();
  }
}

interface SealedJson {
  iv: string;
  ciphertext: string;
}

/** The parts of the envelope the tamper tests touch. */
interface EnvelopeJson {
  kdf: { salt: string; iterations: number };
  wrappedKey: SealedJson;
  keyCheck: SealedJson;
  items: Record<string, SealedJson>;
}

/** Rewrites the store file through `edit` (a tamperer with write access). */
async function tamper(f: Fixture, edit: (doc: EnvelopeJson) => void): Promise<Uint8Array> {
  const doc = JSON.parse(new TextDecoder().decode(await f.bytes()));
  edit(doc);
  await Deno.writeTextFile(f.path, JSON.stringify(doc));
  return await f.bytes();
}

function flipBase64(text: string): string {
  const bytes = Uint8Array.fromBase64(text);
  bytes[bytes.length - 1]! ^= 0x01;
  return bytes.toBase64();
}

const keyctlRunner = new DenoCommandRunner({ env: Deno.env.toObject(), os: Deno.build.os });
const keyctlUsable = Deno.build.os === "linux" && await keyctlRunner.available("keyctl") &&
  (await keyctlRunner.run("keyctl", ["show", "@u"])).code === 0;

testBackendContract({
  name: "file store (no key cache)",
  fileBacked: true,
  async create() {
    const f = await fixture();
    return { open: () => f.open(), dispose: f.dispose };
  },
});

testBackendContract({
  name: "file store (keyctl key cache)",
  fileBacked: true,
  ignore: !keyctlUsable,
  async create() {
    const cache = new KeyctlKeyCache(keyctlRunner, { timeoutSeconds: 60 });
    const f = await fixture({ cache });
    return {
      open: () => f.open(),
      async dispose() {
        await f.dispose();
        // The description the store uses: aws-sso:<sha256(path) prefix>.
        const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", enc(f.path)));
        await cache.forget(`aws-sso:${digest.toHex().slice(0, 32)}`);
      },
    };
  },
});

Deno.test("file store: a new store asks for a new password once, with create=true and its location", async () => {
  await withFixture(async (f) => {
    const source = new CountingSource();
    const store = f.open({ source });
    assert.equal(await store.get("k"), undefined);
    assert.equal(source.calls.length, 0, "reading a store that does not exist asks nothing");
    await store.set("k", enc("v"));
    await store.set("k2", enc("v2"));
    assert.deepEqual(source.calls, [{ create: true, location: f.path }]);
    const other = new CountingSource();
    assert.deepEqual(await f.open({ source: other }).get("k2"), enc("v2"));
    assert.deepEqual(other.calls, [{ create: false, location: f.path }]);
  });
});

Deno.test("file store: the wrong password is a DecryptionError with a hint and leaves the file intact", async () => {
  await withFixture(async (f) => {
    await f.open().set("token-response:Default", enc(SECRET));
    const before = await f.bytes();
    const wrong = f.open({ source: new CountingSource("not the password") });
    for (
      const attempt of [() => wrong.get("token-response:Default"), () => wrong.set("x", enc("y"))]
    ) {
      await assert.rejects(attempt, (e: unknown) => {
        assert.ok(e instanceof DecryptionError);
        assert.match(e.message, /wrong password/);
        assert.ok(e.hints.some((h) => h.includes("AWS_SSO_FILE_PASSWORD")));
        return true;
      });
    }
    await assert.rejects(() => wrong.delete("token-response:Default"), DecryptionError);
    assert.deepEqual(await f.bytes(), before);
  });
});

Deno.test("file store: tampered ciphertext, swapped items, a changed IV and a truncated file are DecryptionErrors", async () => {
  await withFixture(async (f) => {
    const store = f.open();
    await store.set("a", enc("value of a"));
    await store.set("b", enc("value of b"));
    const original = await f.bytes();
    const cases: [string, (doc: EnvelopeJson) => void, string][] = [
      ["ciphertext", (d) => (d.items.a!.ciphertext = flipBase64(d.items.a!.ciphertext)), "a"],
      ["swap", (d) => ([d.items.a, d.items.b] = [d.items.b!, d.items.a!]), "a"],
      ["iv", (d) => (d.items.b!.iv = flipBase64(d.items.b!.iv)), "b"],
      ["key check", (d) => (d.keyCheck.ciphertext = flipBase64(d.keyCheck.ciphertext)), "a"],
      ["wrapped key", (d) => (d.wrappedKey.ciphertext = flipBase64(d.wrappedKey.ciphertext)), "a"],
      ["salt", (d) => (d.kdf.salt = flipBase64(d.kdf.salt)), "a"],
    ];
    for (const [what, edit, key] of cases) {
      await Deno.writeFile(f.path, original);
      const tampered = await tamper(f, edit);
      await assert.rejects(() => f.open().get(key), DecryptionError, what);
      assert.deepEqual(await f.bytes(), tampered, `${what}: file unchanged`);
    }
    const truncated = original.subarray(0, Math.floor(original.length / 2));
    await Deno.writeFile(f.path, truncated);
    await assert.rejects(() => f.open().get("a"), (e: unknown) => {
      assert.ok(e instanceof DecryptionError);
      assert.match(e.message, /damaged/);
      return true;
    });
    await assert.rejects(() => f.open().set("c", enc("c")), DecryptionError);
    assert.deepEqual(await f.bytes(), truncated);
  });
});

Deno.test("file store: the file is 0600 in 0700 directories and holds no plaintext", {
  ignore: Deno.build.os === "windows",
}, async () => {
  await withFixture(async (f) => {
    const value = enc(JSON.stringify({ secretAccessKey: SECRET }));
    await f.open().set("role-credentials:arn:aws:iam::012345678901:role/Admin", value);
    assert.equal((await Deno.stat(f.path)).mode! & 0o777, 0o600);
    assert.equal((await Deno.stat(`${f.dir}/config/secure`)).mode! & 0o777, 0o700);
    assert.equal((await Deno.stat(`${f.dir}/config`)).mode! & 0o777, 0o700);
    const text = new TextDecoder().decode(await f.bytes());
    for (const needle of [SECRET, value.toBase64(), enc(SECRET).toBase64(), PASSWORD]) {
      assert.ok(!text.includes(needle), `file contains ${needle}`);
    }
  });
});

Deno.test("file store: the envelope records PBKDF2-SHA256 with at least 600,000 iterations and a random salt", async () => {
  await withFixture(async (f) => {
    await f.open().set("k", enc("v"));
    const doc = JSON.parse(new TextDecoder().decode(await f.bytes()));
    assert.equal(doc.format, "aws-sso-file-store");
    assert.equal(doc.version, 1);
    assert.equal(doc.kdf.name, "PBKDF2-SHA256");
    assert.ok(doc.kdf.iterations >= 600_000);
    assert.ok(Uint8Array.fromBase64(doc.kdf.salt).length >= 16);
    const g = await fixture();
    try {
      await g.open().set("k", enc("v"));
      const other = JSON.parse(new TextDecoder().decode(await g.bytes()));
      assert.notEqual(other.kdf.salt, doc.kdf.salt);
    } finally {
      await g.dispose();
    }
  });
});

Deno.test("file store: every write uses a fresh IV", async () => {
  await withFixture(async (f) => {
    const store = f.open();
    await store.set("k", enc("same"));
    const first = JSON.parse(new TextDecoder().decode(await f.bytes())).items.k;
    await store.set("k", enc("same"));
    const second = JSON.parse(new TextDecoder().decode(await f.bytes())).items.k;
    assert.notEqual(first.iv, second.iv);
    assert.notEqual(first.ciphertext, second.ciphertext);
  });
});

Deno.test("file store: fewer than 600,000 iterations are refused", () => {
  assert.throws(
    () =>
      new EncryptedFileBackend({
        path: "/nonexistent/x.json",
        fileIo: realFileIo,
        passwordSource: new CountingSource(),
        iterations: MIN_KDF_ITERATIONS - 1,
      }),
    StoreError,
  );
});

Deno.test("file store: a store opened with more iterations is re-wrapped on the next write", async () => {
  await withFixture(async (f) => {
    await f.open().set("k", enc("v"));
    const raised = MIN_KDF_ITERATIONS + 1000;
    const store = f.open({ iterations: raised });
    assert.deepEqual(await store.get("k"), enc("v"));
    await store.set("k2", enc("v2"));
    const doc = JSON.parse(new TextDecoder().decode(await f.bytes()));
    assert.equal(doc.kdf.iterations, raised);
    const source = new CountingSource();
    assert.deepEqual(await f.open({ source }).get("k"), enc("v"));
    assert.equal(source.calls.length, 1);
  });
});

Deno.test("file store: a key cache hit opens the store without asking for the password", async () => {
  await withFixture(async (f) => {
    const cache = new MapKeyCache();
    await f.open({ cache }).set("k", enc("v"));
    assert.equal(cache.items.size, 1);
    const [id] = cache.items.keys();
    assert.match(id!, /^aws-sso:[0-9a-f]{32}$/);
    const source = new CountingSource();
    const second = f.open({ source, cache });
    assert.deepEqual(await second.get("k"), enc("v"));
    await second.set("k2", enc("v2"));
    assert.equal(await second.delete("k"), true);
    assert.equal(source.calls.length, 0);
  });
});

Deno.test("file store: a stale cached key falls back to the password and is replaced", async () => {
  await withFixture(async (f) => {
    const cache = new MapKeyCache();
    await f.open({ cache }).set("k", enc("v"));
    const [id] = cache.items.keys();
    cache.items.set(id!, crypto.getRandomValues(new Uint8Array(32)));
    const source = new CountingSource();
    assert.deepEqual(await f.open({ source, cache }).get("k"), enc("v"));
    assert.equal(source.calls.length, 1);
    const again = new CountingSource();
    assert.deepEqual(await f.open({ source: again, cache }).get("k"), enc("v"));
    assert.equal(again.calls.length, 0, "the good key went back into the cache");
  });
});

Deno.test("file store: a cached key of the wrong length or a failing cache falls back to the password", async () => {
  await withFixture(async (f) => {
    const cache = new MapKeyCache();
    await f.open({ cache }).set("k", enc("v"));
    const [id] = cache.items.keys();
    cache.items.set(id!, new Uint8Array(5));
    const source = new CountingSource();
    assert.deepEqual(await f.open({ source, cache }).get("k"), enc("v"));
    assert.equal(source.calls.length, 1);
    const broken: KeyCache = {
      get: () => Promise.reject(new Error("keyring gone")),
      put: () => Promise.reject(new Error("keyring gone")),
      forget: () => Promise.reject(new Error("keyring gone")),
    };
    const other = new CountingSource();
    assert.deepEqual(await f.open({ source: other, cache: broken }).get("k"), enc("v"));
    assert.equal(other.calls.length, 1);
  });
});

Deno.test("file store: getIfUnlocked() reads through the cache and never asks for a password", async () => {
  await withFixture(async (f) => {
    const cache = new MapKeyCache();
    await f.open({ cache }).set("k", enc("v"));
    const source = new CountingSource();
    assert.deepEqual(await f.open({ source, cache }).getIfUnlocked("k"), {
      locked: false,
      value: enc("v"),
    });
    assert.deepEqual(await f.open({ source, cache }).getIfUnlocked("missing"), {
      locked: false,
      value: undefined,
    });
    assert.deepEqual(await f.open({ source }).getIfUnlocked("k"), { locked: true });
    assert.equal(source.calls.length, 0);
  });
});

Deno.test("file store: an empty password is refused when creating the store", async () => {
  await withFixture(async (f) => {
    await assert.rejects(
      () => f.open({ source: new CountingSource("") }).set("k", enc("v")),
      StoreError,
    );
    assert.equal(await realFileIo.readFile(f.path), undefined);
  });
});

Deno.test("file store: a store replaced by another process is unlocked again", async () => {
  await withFixture(async (f) => {
    const source = new CountingSource();
    const a = f.open({ source });
    await a.set("k", enc("v1"));
    await Deno.remove(f.path);
    await f.open({ source: new CountingSource("another password") }).set("k", enc("v2"));
    await assert.rejects(() => a.get("k"), DecryptionError, "the old password no longer opens it");
    source.answer = "another password";
    assert.deepEqual(await a.get("k"), enc("v2"));
  });
});

Deno.test("file store: keys() lists names without the password", async () => {
  await withFixture(async (f) => {
    await f.open().set("b", enc("1"));
    await f.open().set("a", enc("2"));
    const source = new CountingSource();
    assert.deepEqual(await f.open({ source }).keys(), ["a", "b"]);
    assert.equal(source.calls.length, 0);
  });
});

Deno.test("file store: the keyctl cache makes a second process skip the password", {
  ignore: !keyctlUsable,
}, async () => {
  const cache = new KeyctlKeyCache(keyctlRunner, { timeoutSeconds: 60 });
  const f = await fixture({ cache });
  try {
    await f.open().set("k", enc(SECRET));
    const source = new CountingSource();
    assert.deepEqual(
      await f.open({ source, cache: new KeyctlKeyCache(keyctlRunner) }).get("k"),
      enc(SECRET),
    );
    assert.equal(source.calls.length, 0);
  } finally {
    await f.dispose();
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", enc(f.path)));
    await cache.forget(`aws-sso:${digest.toHex().slice(0, 32)}`);
  }
});
