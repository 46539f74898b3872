/**
 * The cached data key is never in the kernel keyring without its timeout, whatever moment the
 * caching process is killed at (issue 14, item 5). A child process runs the real key cache and
 * stops just before a step; the test SIGKILLs it there and reads what the kernel kept
 * (/proc/keys shows each key's expiry, `perm` for none).
 */
import assert from "node:assert/strict";
import { libcKeyringCalls } from "../../stores/keyring_syscall.ts";
import { dropUserKey, keyctlUsable, keyLines, userKeySerial } from "./_kernel_keyring.ts";

const CHILD = new URL("./_keyring_kill_child.ts", import.meta.url).pathname;
const syscallUsable = keyctlUsable && libcKeyringCalls(Deno.build.arch) !== undefined;

async function killAtStep(path: string, step: string, description: string): Promise<void> {
  const dir = await Deno.makeTempDir();
  const ready = `${dir}/ready`;
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", CHILD, path, step, description, ready],
    stdout: "null",
    stderr: "piped",
  }).spawn();
  try {
    const deadline = Date.now() + 30_000;
    let pids: number[] = [];
    while (pids.length === 0) {
      if (Date.now() > deadline) throw new Error(`the child never reached ${step}`);
      const text = await Deno.readTextFile(ready).catch(() => "");
      assert.notEqual(text.trim(), "finished", "the child ran past the stop");
      if (text.endsWith("\n")) pids = text.trim().split(" ").map(Number);
      else await new Promise((r) => setTimeout(r, 20));
    }
    for (const pid of pids) Deno.kill(pid, "SIGKILL");
    assert.equal((await child.status).signal, "SIGKILL");
  } finally {
    await child.stderr.cancel();
    await Deno.remove(dir, { recursive: true });
  }
}

/** Waits (up to 5 s) for the kernel's garbage collector to settle on `description`. */
async function settled(description: string, published: boolean): Promise<string[][]> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const lines = await keyLines(description);
    if (lines.length === (published ? 1 : 0) || Date.now() > deadline) return lines;
    await new Promise((r) => setTimeout(r, 50));
  }
}

const cases: { path: string; step: string; published: boolean; ignore: boolean }[] = [
  { path: "syscall", step: "SET_TIMEOUT", published: false, ignore: !syscallUsable },
  { path: "syscall", step: "LINK", published: false, ignore: !syscallUsable },
  { path: "syscall", step: "UNLINK", published: true, ignore: !syscallUsable },
  { path: "program", step: "timeout", published: false, ignore: !keyctlUsable },
  { path: "program", step: "link", published: false, ignore: !keyctlUsable },
];

for (const { path, step, published, ignore } of cases) {
  Deno.test({
    name: `key cache (${path}): killed just before ${step}, the keyring holds ${
      published ? "the key with its timeout" : "no key"
    }, never a permanent one`,
    ignore,
    async fn() {
      const description = `aws-sso:kill-test-${crypto.randomUUID()}`;
      try {
        await killAtStep(path, step, description);
        const lines = await settled(description, published);
        for (const cols of lines) assert.notEqual(cols[3], "perm", `no timeout: ${cols.join(" ")}`);
        assert.equal(lines.length, published ? 1 : 0, lines.map((c) => c.join(" ")).join("\n"));
        assert.equal(await userKeySerial(description) !== undefined, published);
      } finally {
        await dropUserKey(description);
      }
    },
  });
}
