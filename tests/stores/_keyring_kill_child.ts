/**
 * A process for a test to SIGKILL in the middle of caching a key in the kernel keyring, using the
 * real key caches of stores/keyring_syscall.ts and stores/keyctl_key_cache.ts:
 *
 *   deno run -A tests/stores/_keyring_kill_child.ts <path> <step> <description> <readyFile>
 *
 * | path | where it stops |
 * |---|---|
 * | `syscall` | just before the keyctl(2) operation `<step>` (`SET_TIMEOUT`, `LINK`, `UNLINK`) |
 * | `program` | when the `keyctl` program is run with the sub-command `<step>` (`timeout`, `link`) |
 *
 * At the stop it writes `<readyFile>` and blocks: the `syscall` path inside the system-call
 * wrapper (so nothing after it runs), the `program` path by replacing the `keyctl` it was run as
 * with `sleep`; that file then holds the pids to kill (this process, and for `program` the
 * stopped `keyctl` and its shell).
 *
 * @module
 */
import { DenoCommandRunner } from "../../stores/command_runner.ts";
import { KeyctlKeyCache } from "../../stores/keyctl_key_cache.ts";
import {
  KEYCTL_OPS,
  type KeyringCalls,
  libcKeyringCalls,
  SyscallKeyCache,
} from "../../stores/keyring_syscall.ts";
import { noKeyCache } from "../../stores/key_cache.ts";

function stopForever(readyFile: string): never {
  Deno.writeTextFileSync(readyFile, `${Deno.pid}\n`);
  // Blocks this thread synchronously: nothing after the stop point can run.
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
  throw new Error("unreachable");
}

async function main(path: string, step: string, description: string, readyFile: string) {
  const key = crypto.getRandomValues(new Uint8Array(32));
  if (path === "syscall") {
    const real = libcKeyringCalls(Deno.build.arch);
    if (real === undefined) throw new Error("no keyctl(2) here");
    const stopAt = KEYCTL_OPS[step as keyof typeof KEYCTL_OPS];
    const calls: KeyringCalls = {
      ...real,
      keyctl: (op, a, b) => op === stopAt ? stopForever(readyFile) : real.keyctl(op, a, b),
    };
    await new SyscallKeyCache(noKeyCache, Deno.build.arch, { calls, timeoutSeconds: 300 })
      .put(description, key);
  } else {
    // A keyctl that stops (as `sleep`, in the same session keyring) at the named sub-command.
    const wrapper = `${readyFile}.keyctl`;
    await Deno.writeTextFile(
      wrapper,
      `#!/bin/sh\nif [ "$1" = ${step} ]; then echo "${Deno.pid} $$ $PPID" > ${readyFile}; ` +
        `exec sleep 600; fi\nexec keyctl "$@"\n`,
    );
    await Deno.chmod(wrapper, 0o700);
    const runner = new DenoCommandRunner({ env: Deno.env.toObject(), os: Deno.build.os });
    await new KeyctlKeyCache(runner, { program: wrapper, timeoutSeconds: 300 })
      .put(description, key);
  }
  await Deno.writeTextFile(readyFile, "finished\n");
}

if (import.meta.main) {
  const [path, step, description, readyFile] = Deno.args;
  await main(path ?? "", step ?? "", description ?? "", readyFile ?? "");
}
