/**
 * The helpers aws-sso starts never see its secret variables: a fake `secret-tool` and a fake
 * `docker` on PATH record the environment they were started with while the real CLI runs with
 * the store password, AWS credentials and an ECS token in its own environment.
 */
import assert from "node:assert/strict";
import { SECRET_ENV_VARS } from "../../stores/child_env.ts";
import { type RecordedCall, writeRecordingProgram } from "../fakes/recording_program.ts";
import { runCli, tempHome, writeConfig } from "./run_cli.ts";

const SECRETS: Record<string, string> = {
  AWS_SSO_FILE_PASSWORD: "store-password-value",
  AWS_ACCESS_KEY_ID: "ASIAEXAMPLEKEYVALUE",
  AWS_SECRET_ACCESS_KEY: "secret-access-key-value",
  AWS_SESSION_TOKEN: "session-token-value",
  AWS_CONTAINER_AUTHORIZATION_TOKEN: "Bearer ecs-token-value",
};

function assertNoSecret(calls: RecordedCall[], program: string): void {
  assert.ok(calls.length > 0, `${program} was never run`);
  for (const call of calls) {
    assert.equal(call.env.KEPT_VARIABLE, "kept", `${program} lost the ordinary environment`);
    for (const name of SECRET_ENV_VARS) {
      assert.equal(call.env[name], undefined, `${program} ${call.argv[0]} got ${name}`);
    }
    const all = Object.values(call.env).join("\n");
    for (const value of Object.values(SECRETS)) assert.ok(!all.includes(value));
  }
}

async function setup(config: string) {
  const home = await tempHome();
  await writeConfig(
    home,
    `${config}SSOConfig:\n  Default:\n    SSORegion: us-east-1\n    StartUrl: https://d-0000000000.awsapps.com/start\n`,
  );
  const bin = `${home}/bin`;
  await Deno.mkdir(bin);
  return {
    home,
    bin,
    env: { ...SECRETS, KEPT_VARIABLE: "kept", PATH: `${bin}:${Deno.env.get("PATH")}` },
  };
}

Deno.test("secret-tool and dbus-send run without the store password or credentials in its environment", async () => {
  const t = await setup("SecureStore: secret-service\n");
  // A keyring with nothing in it: lookups find nothing, and listing over D-Bus finds no item.
  const tool = await writeRecordingProgram(`${t.bin}/secret-tool`, "exit 1");
  const dbus = await writeRecordingProgram(
    `${t.bin}/dbus-send`,
    "printf 'method return\\n   array [\\n   ]\\n   array [\\n   ]\\n'",
  );
  const r = await runCli(["logout"], { home: t.home, env: t.env });
  assert.notEqual(r.code, 0, "an empty keyring has no session");
  assertNoSecret(await tool.calls(), "secret-tool");
  assertNoSecret(await dbus.calls(), "dbus-send");
  await Deno.remove(t.home, { recursive: true });
});

Deno.test("docker runs without the store password or credentials in its environment", async () => {
  const t = await setup("SecureStore: json\n");
  const docker = await writeRecordingProgram(
    `${t.bin}/docker`,
    'case "$1" in info) echo 27.0.0;; *) echo "fake docker: no" >&2; exit 1;; esac',
  );
  const r = await runCli(["ecs", "docker", "start"], { home: t.home, env: t.env });
  assert.notEqual(r.code, 0);
  const calls = await docker.calls();
  assert.ok(calls.some((c) => c.argv[0] === "info"), r.stderr);
  assertNoSecret(calls, "docker");
  await Deno.remove(t.home, { recursive: true });
});
