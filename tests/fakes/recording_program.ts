/**
 * A fake helper program (browser, `UrlExecCommand`, secret-tool, docker...) as a real executable:
 * a shell script that records the argv and the whole environment of every call, then runs
 * `then` (shell code: exit with a status, print what the real program would, or hand over to
 * the emulator's browser). Put it on PATH or name it in config.yaml; read the calls back with
 * `calls()`. Unix only.
 *
 * @module
 */

/** One recorded call. */
export interface RecordedCall {
  /** The arguments (without the program name). */
  argv: string[];
  /** The environment the program started with. */
  env: Record<string, string>;
}

/** A fake program written to disk. */
export interface RecordingProgram {
  /** Absolute path of the executable. */
  path: string;
  /** Every call so far, in no particular order. */
  calls(): Promise<RecordedCall[]>;
  /** Waits until at least `n` calls were recorded (rejects after `timeoutMs`). */
  waitForCalls(n: number, timeoutMs?: number): Promise<RecordedCall[]>;
}

function shellQuote(s: string): string {
  return `'${s.replaceAll("'", `'"'"'`)}'`;
}

function nulSeparated(bytes: Uint8Array): string[] {
  const parts = new TextDecoder().decode(bytes).split("\0");
  if (parts.at(-1) === "") parts.pop();
  return parts;
}

/** The Deno command line that runs the emulator's browser on `$url` (for `then`). */
export function browseCommand(urlVariable = '"$1"'): string {
  const browser = new URL("../emulator/browser.ts", import.meta.url).pathname;
  return `exec ${shellQuote(Deno.execPath())} run -A --quiet ${shellQuote(browser)} ${urlVariable}`;
}

/** Writes an executable `path` that records each call into `<path>.calls/`, then runs `then`. */
export async function writeRecordingProgram(
  path: string,
  then = "exit 0",
): Promise<RecordingProgram> {
  const dir = `${path}.calls`;
  await Deno.mkdir(dir, { recursive: true });
  await Deno.writeTextFile(
    path,
    `#!/bin/sh
f=${shellQuote(dir)}/$$-$(date +%s%N)
printf '%s\\0' "$@" > "$f.argv"
env -0 > "$f.env"
mv "$f.argv" "$f.args"
${then}
`,
    { mode: 0o755 },
  );
  const calls = async (): Promise<RecordedCall[]> => {
    const out: RecordedCall[] = [];
    for await (const e of Deno.readDir(dir)) {
      if (!e.name.endsWith(".args")) continue;
      const base = `${dir}/${e.name.slice(0, -".args".length)}`;
      const env: Record<string, string> = {};
      for (const line of nulSeparated(await Deno.readFile(`${base}.env`))) {
        const i = line.indexOf("=");
        env[line.slice(0, i)] = line.slice(i + 1);
      }
      out.push({ argv: nulSeparated(await Deno.readFile(`${base}.args`)), env });
    }
    return out;
  };
  return {
    path,
    calls,
    async waitForCalls(n, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (true) {
        const found = await calls();
        if (found.length >= n) return found;
        if (Date.now() > deadline) throw new Error(`${path} was called ${found.length} times`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
  };
}
