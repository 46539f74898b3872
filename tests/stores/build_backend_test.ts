import assert from "node:assert/strict";
import { realFileIo } from "../../lib/atomic_file.ts";
import type { PasswordSource } from "../../stores/backend.ts";
import { buildBackend, type BuildBackendOptions } from "../../stores/build_backend.ts";
import type { KeyCache } from "../../stores/key_cache.ts";
import { MemoryBackend } from "../../stores/memory.ts";
import { RecordingRunner, result } from "./recording_runner.ts";

/** A key cache in a map, recording the ids it is asked for. */
function mapCache(): KeyCache & { ids: string[] } {
  const keys = new Map<string, Uint8Array>();
  const ids: string[] = [];
  return {
    ids,
    get: (id) => {
      ids.push(id);
      return Promise.resolve(keys.get(id)?.slice());
    },
    put: (id, key) => {
      keys.set(id, key.slice());
      return Promise.resolve();
    },
    forget: (id) => {
      keys.delete(id);
      return Promise.resolve();
    },
  };
}

function neverAsk(): PasswordSource & { asked: number } {
  const source = {
    asked: 0,
    password: () => {
      source.asked++;
      return Promise.reject(new Error("locked"));
    },
  };
  return source;
}

function options(configDir: string, extra: Partial<BuildBackendOptions>): BuildBackendOptions {
  return {
    configDir,
    os: "linux",
    runner: new RecordingRunner(() => result(127)),
    fileIo: realFileIo,
    passwordSource: { password: () => Promise.resolve("correct horse") },
    warn: () => {},
    ...extra,
  };
}

Deno.test("buildBackend() gives the file store the key cache and id it is handed: the hot path's read needs no password", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const cache = mapCache();
    const value = new TextEncoder().encode("{}");
    const writer = await buildBackend(
      "file",
      options(dir, { keyCache: cache, keyCacheId: "id-1" }),
    );
    await writer.set("role-credentials:x", value);
    // A second process unlocks with the password; the data key lands in the cache under id-1.
    const reader = await buildBackend(
      "file",
      options(dir, { keyCache: cache, keyCacheId: "id-1" }),
    );
    assert.deepEqual(await reader.get("role-credentials:x"), value);

    const never = neverAsk();
    const fast = await buildBackend(
      "file",
      options(dir, { keyCache: cache, keyCacheId: "id-1", passwordSource: never }),
    );
    assert.deepEqual(await fast.get("role-credentials:x"), value);
    assert.equal(never.asked, 0);

    // Another id finds nothing cached: the read fails instead of prompting.
    const locked = await buildBackend(
      "file",
      options(dir, { keyCache: cache, keyCacheId: "id-2", passwordSource: never }),
    );
    await assert.rejects(locked.get("role-credentials:x"), /locked/);
    assert.ok(cache.ids.includes("id-2"));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("buildBackend() loads each other kind on demand; json warns, pass needs its directory", async () => {
  const warnings: string[] = [];
  const json = await buildBackend(
    "json",
    options("/nonexistent/aws-sso", { warn: (m) => warnings.push(m) }),
  );
  assert.equal(json.kind, "json");
  assert.deepEqual(warnings, [
    "Using insecure json file for SecureStore file=/nonexistent/aws-sso/store.json",
  ]);
  assert.ok(await buildBackend("memory", options("/x", {})) instanceof MemoryBackend);
  assert.equal((await buildBackend("secret-service", options("/x", {}))).kind, "secret-service");
  assert.equal((await buildBackend("keychain", options("/x", {}))).kind, "keychain");
  assert.equal((await buildBackend("wincred", options("/x", {}))).kind, "wincred");
  assert.equal((await buildBackend("kwallet", options("/x", {}))).kind, "kwallet");
  await assert.rejects(
    buildBackend("pass", options("/x", {})),
    /needs the password store directory/,
  );
  assert.equal(
    (await buildBackend("pass", options("/x", { passwordStoreDir: "/x/.password-store" }))).kind,
    "pass",
  );
});
