import assert from "node:assert/strict";
import { realDenoDir } from "./run_cli.ts";

const DEMO = new URL("../emulator/demo.ts", import.meta.url).pathname;

async function readUntil(reader: ReadableStreamDefaultReader<Uint8Array>, marker: string) {
  let text = "";
  const decoder = new TextDecoder();
  while (!text.includes(marker)) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
  }
  return text;
}

Deno.test("deno task demo starts the emulator and its printed commands work", async () => {
  const demo = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", DEMO, "--accounts", "2", "--roles", "2"],
    env: { DENO_DIR: realDenoDir(), NO_COLOR: "1" },
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const reader = demo.stdout.getReader();
  try {
    const text = await readUntil(reader, "Press Ctrl-C");
    const envFile = text.match(/source (\S+env\.sh)/)?.[1];
    assert.ok(envFile, `no env.sh in:\n${text}`);
    // `aws-sso` inside the exec shell: a function from env.sh would not reach it.
    const script = `set -e
source ${envFile}
aws-sso --help
cat "$HOME/.config/aws-sso/config.yaml"
aws-sso login
aws-sso exec -p demo-prod:AdministratorAccess -- sh -c 'echo "inside: $(aws-sso time)"'
`;
    const run = await new Deno.Command("bash", {
      args: ["-c", script],
      env: { PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin" },
      clearEnv: true,
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stdout = new TextDecoder().decode(run.stdout);
    assert.equal(run.code, 0, new TextDecoder().decode(run.stderr));
    assert.match(stdout, /Usage: aws-sso/);
    assert.match(stdout, /StartUrl: http:\/\/127\.0\.0\.1:\d+\/start/);
    assert.match(stdout, /^inside: (\d+h)?\d+m$/m);
  } finally {
    demo.kill("SIGTERM");
    await reader.cancel();
    const status = await demo.status;
    assert.equal(status.code, 0);
  }
});
