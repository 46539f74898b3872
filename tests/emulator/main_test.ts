import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";

const MAIN = fileURLToPath(new URL("./main.ts", import.meta.url));

async function waitForFile(path: string, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      return await Deno.readTextFile(path);
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new Error(`${path} did not appear within ${timeoutMs} ms`);
}

Deno.test({
  name: "main.ts runs the emulator as a process, writes the ready file and stops on SIGTERM",
  ignore: Deno.build.os === "windows",
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "aws-sso-emu-main-" });
    const readyFile = `${dir}/ready.json`;
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", MAIN, "--accounts", "7", "--roles=2", "--ready-file", readyFile],
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    try {
      const env = JSON.parse(await waitForFile(readyFile, 15_000));
      const url = env.AWS_ENDPOINT_URL_SSO;
      assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.deepEqual(Object.keys(env).sort(), [
        "AWS_ENDPOINT_URL_SIGNIN",
        "AWS_ENDPOINT_URL_SSO",
        "AWS_ENDPOINT_URL_SSO_OIDC",
        "AWS_ENDPOINT_URL_STS",
      ]);
      const accounts = await (await fetch(`${url}/_emulator/accounts`)).json();
      assert.equal(accounts.length, 7);
      assert.equal(accounts[0].roles.length, 2);
    } finally {
      child.kill("SIGTERM");
      const out = await child.output();
      assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
      assert.equal(new TextDecoder().decode(out.stderr), "");
      const printed = JSON.parse(new TextDecoder().decode(out.stdout));
      assert.deepEqual(printed, JSON.parse(await Deno.readTextFile(readyFile)));
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test("main.ts rejects an unknown flag with exit code 2", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, "--bogus", "1"],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(out.code, 2);
  assert.match(new TextDecoder().decode(out.stderr), /unknown option --bogus/);
});
