/**
 * A process for a test to SIGKILL in the middle of writing cache.json or the secure store, using
 * the real writers (lib/roles/cache_file.ts updateRoleCache, lib/secure_store.ts over the real
 * `file` backend and lib/atomic_file.ts):
 *
 *   deno run -A tests/robustness/_killed_writer.ts <mode> <configDir> <password>
 *
 * | mode | where it stops |
 * |---|---|
 * | `cache-hold` | inside updateRoleCache, holding the cache lock, before the write |
 * | `cache-big` | writing a very large cache.json (the test kills it while the temp file grows) |
 * | `store-hold` | inside a store write, holding the store lock, as the file is about to be replaced |
 * | `store-big` | writing a very large store file (the test kills it while the temp file grows) |
 * | `store-first-hold` | as `store-hold`, creating the store, with the kernel keyring key cache |
 *
 * The hold modes create `<configDir>/writer-ready` when they stop, then wait forever.
 *
 * @module
 */
import { realFileIo } from "../../lib/atomic_file.ts";
import type { Clock } from "../../lib/clock.ts";
import { silentLogger } from "../../lib/logger.ts";
import { updateRoleCache } from "../../lib/roles/cache_file.ts";
import { SecureStore } from "../../lib/secure_store.ts";
import type { FileIo } from "../../stores/backend.ts";
import { EncryptedFileBackend, fileStorePath } from "../../stores/encrypted_file.ts";
import { type KeyCache, noKeyCache } from "../../stores/key_cache.ts";
import { KeyctlKeyCache } from "../../stores/keyctl_key_cache.ts";
import { SyscallKeyCache } from "../../stores/keyring_syscall.ts";
import { DenoCommandRunner } from "../../stores/command_runner.ts";

/** How large the "big" writes are. */
const BIG_BYTES = 96 * 1024 * 1024;

const clock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

function forever(): Promise<never> {
  return new Promise(() => setInterval(() => {}, 60_000));
}

async function ready(configDir: string): Promise<void> {
  await Deno.writeTextFile(`${configDir}/writer-ready`, `${Deno.pid}\n`);
}

function store(
  configDir: string,
  password: string,
  io: FileIo,
  keyCache: KeyCache = noKeyCache,
): SecureStore {
  return new SecureStore({
    backend: new EncryptedFileBackend({
      path: fileStorePath(configDir),
      fileIo: io,
      passwordSource: { password: () => Promise.resolve(password) },
      keyCache,
    }),
    lockPath: `${configDir}/storage.lock`,
    clock,
    logger: silentLogger,
  });
}

async function main(mode: string, configDir: string, password: string): Promise<void> {
  const cacheFile = {
    path: `${configDir}/cache.json`,
    lockPath: `${configDir}/locks/cache.lock`,
    clock,
    logger: silentLogger,
  };
  switch (mode) {
    case "cache-hold":
      await updateRoleCache(cacheFile, async () => {
        await ready(configDir);
        await forever();
      });
      return;
    case "cache-big":
      await updateRoleCache(cacheFile, (cache) => {
        const section = cache.sso.Default;
        if (section === undefined) throw new Error("no Default section to grow");
        const account = Object.values(section.accounts)[0]!;
        account.tags = { Padding: "x".repeat(BIG_BYTES) };
      });
      return;
    case "store-hold":
    case "store-first-hold": {
      const pausing: FileIo = {
        ...realFileIo,
        async writeFileAtomic() {
          await ready(configDir);
          return await forever();
        },
      };
      const runner = new DenoCommandRunner({ env: Deno.env.toObject(), os: Deno.build.os });
      const keyCache = mode === "store-hold"
        ? noKeyCache
        : new SyscallKeyCache(new KeyctlKeyCache(runner), Deno.build.arch);
      await store(configDir, password, pausing, keyCache)
        .putEcsBearerToken("written-by-a-killed-process");
      return;
    }
    case "store-big":
      await store(configDir, password, realFileIo).putEcsPrivateKey("k".repeat(BIG_BYTES));
      return;
  }
  throw new Error(`unknown mode ${mode}`);
}

if (import.meta.main) {
  const [mode, configDir, password] = Deno.args;
  await main(mode ?? "", configDir ?? "", password ?? "");
}
