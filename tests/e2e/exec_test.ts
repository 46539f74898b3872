/**
 * `aws-sso exec`: the child's environment, its exit status and signals passed through, the
 * conflicting-variable and nesting checks, the default command, History.
 */
import assert from "node:assert/strict";
import { type Emulator, startEmulator } from "../emulator/emulator.ts";
import { cli, CONFIG_DIR, credsSession, E2E, stderrLines } from "./_creds_session.ts";

const ADMIN = "arn:aws:iam::012345678901:role/AdministratorAccess";

/** A session whose role cache is filled (so profiles resolve). */
async function cachedSession(emu: Emulator, instanceYaml?: string): Promise<string> {
  const home = await credsSession(emu, { instanceYaml, topYaml: "EnvVarTags: [Team]" });
  const r = await cli(home, emu, ["cache"]);
  assert.equal(r.code, 0, r.stderr);
  return home;
}

function envOf(stdout: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of stdout.split("\0")) {
    const i = entry.indexOf("=");
    if (i > 0) out[entry.slice(0, i)] = entry.slice(i + 1);
  }
  return out;
}

const PRINT_ENV = ["--", "sh", "-c", "env -0"];

Deno.test({
  name: "exec gives the child the role's variables and the rest of the environment",
  ...E2E,
  async fn() {
    await using emu = await startEmulator({ accounts: 2 });
    const home = await cachedSession(
      emu,
      `    DefaultRegion: eu-west-1
    Accounts:
      "012345678901":
        Tags:
          Team: "blue team"`,
    );
    try {
      const r = await cli(
        home,
        emu,
        ["exec", "-p", "production:AdministratorAccess", ...PRINT_ENV],
        {
          KEEP_ME: "yes",
        },
      );
      assert.equal(r.code, 0, r.stderr);
      const env = envOf(r.stdout);
      assert.equal(env.KEEP_ME, "yes");
      assert.match(env.AWS_ACCESS_KEY_ID ?? "", /^ASIA/);
      assert.ok((env.AWS_SECRET_ACCESS_KEY ?? "") !== "");
      assert.ok((env.AWS_SESSION_TOKEN ?? "") !== "");
      assert.equal(env.AWS_ACCOUNT_ID, "012345678901");
      assert.equal(env.AWS_SSO_ACCOUNT_ID, "012345678901");
      assert.equal(env.AWS_SSO_ROLE_NAME, "AdministratorAccess");
      assert.equal(env.AWS_SSO_ROLE_ARN, ADMIN);
      assert.equal(env.AWS_SSO_PROFILE, "production:AdministratorAccess");
      assert.equal(env.AWS_SSO, "Default");
      assert.equal(env.AWS_DEFAULT_REGION, "eu-west-1");
      assert.equal(env.AWS_REGION, "eu-west-1");
      assert.equal(env.AWS_SSO_DEFAULT_REGION, "eu-west-1");
      assert.equal(env.AWS_SSO_TAG_TEAM, "blue team");
      assert.match(env.AWS_CREDENTIAL_EXPIRATION ?? "", /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      assert.equal(env.AWS_SSO_SESSION_EXPIRATION, env.AWS_CREDENTIAL_EXPIRATION, "TZ=UTC");
      assert.equal(env.AWS_PROFILE, undefined);

      const cache = JSON.parse(await Deno.readTextFile(`${home}/${CONFIG_DIR}/cache.json`));
      assert.deepEqual(cache.SSO.Default.History, [ADMIN], "History recorded");
    } finally {
      await Deno.remove(home, { recursive: true });
    }
  },
});

Deno.test({
  name: "exec exits with the child's status, and 128+signal when the child is killed",
  ...E2E,
  async fn() {
    await using emu = await startEmulator({ accounts: 1 });
    const home = await credsSession(emu);
    try {
      const seven = await cli(home, emu, ["exec", "--arn", ADMIN, "--", "sh", "-c", "exit 7"]);
      assert.equal(seven.code, 7, seven.stderr);
      const ok = await cli(home, emu, ["exec", "--arn", ADMIN, "true"]);
      assert.equal(ok.code, 0, ok.stderr);
      const killed = await cli(home, emu, [
        "exec",
        "--arn",
        ADMIN,
        "--",
        "sh",
        "-c",
        "kill -TERM $$",
      ]);
      assert.equal(killed.code, 128 + 15, killed.stderr);
      assert.deepEqual(stderrLines(killed).filter((l) => /error/i.test(l)), []);
    } finally {
      await Deno.remove(home, { recursive: true });
    }
  },
});

Deno.test({
  name: "exec passes SIGTERM sent to aws-sso on to the child",
  ...E2E,
  async fn() {
    await using emu = await startEmulator({ accounts: 1 });
    const home = await credsSession(emu);
    try {
      const { baseEnv } = await import("./run_cli.ts");
      const main = new URL("../../main.ts", import.meta.url).pathname;
      const marker = `${home}/child-started`;
      const child = new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "-A",
          "--quiet",
          main,
          "exec",
          "--arn",
          ADMIN,
          "--",
          "sh",
          "-c",
          `trap 'echo got-term; exit 42' TERM; touch ${marker}; while :; do sleep 0.05; done`,
        ],
        env: { ...baseEnv(home), ...emu.env },
        clearEnv: true,
        stdin: "piped",
        stdout: "piped",
        stderr: "piped",
      }).spawn();
      for (let i = 0; i < 400; i++) {
        try {
          await Deno.stat(marker);
          break;
        } catch {
          await new Promise((r) => setTimeout(r, 25));
        }
      }
      child.kill("SIGTERM");
      const out = await child.output();
      assert.equal(out.code, 42, new TextDecoder().decode(out.stderr));
      assert.equal(new TextDecoder().decode(out.stdout), "got-term\n");
    } finally {
      await Deno.remove(home, { recursive: true });
    }
  },
});

Deno.test({
  name: "exec refuses to run over AWS credentials or AWS_PROFILE, unless --overwrite-env",
  ...E2E,
  async fn() {
    await using emu = await startEmulator({ accounts: 1 });
    const home = await credsSession(emu);
    try {
      const refused = await cli(home, emu, ["exec", "--arn", ADMIN, "true"], { AWS_PROFILE: "" });
      assert.equal(refused.code, 1);
      assert.match(refused.stderr, /conflicting environment variable 'AWS_PROFILE' is set/);
      assert.match(refused.stderr, /--overwrite-env/);
      assert.equal(emu.counters.GetRoleCredentials, undefined);

      const overwritten = await cli(home, emu, ["exec", "-O", "--arn", ADMIN, ...PRINT_ENV], {
        AWS_PROFILE: "mine",
        AWS_SECRET_ACCESS_KEY: "users-own",
        AWS_DEFAULT_REGION: "ap-south-1",
      });
      assert.equal(overwritten.code, 0, overwritten.stderr);
      const env = envOf(overwritten.stdout);
      assert.equal(env.AWS_PROFILE, undefined, "inherited AWS_* variables dropped");
      assert.notEqual(env.AWS_SECRET_ACCESS_KEY, "users-own");
      // The emulator's endpoint variables are AWS_* too: -O drops every one.
      assert.equal(env.AWS_ENDPOINT_URL_STS, undefined);
      assert.equal(
        env.AWS_DEFAULT_REGION,
        "us-east-1",
        "top-level DefaultRegion, region overwritten",
      );
    } finally {
      await Deno.remove(home, { recursive: true });
    }
  },
});

Deno.test({
  name: "exec refuses to nest inside another aws-sso shell and says which role it is in",
  ...E2E,
  async fn() {
    await using emu = await startEmulator({ accounts: 1 });
    const home = await credsSession(emu);
    try {
      const inner = await cli(home, emu, ["exec", "true"], {
        AWS_ACCESS_KEY_ID: "ASIAOUTER",
        AWS_SSO_ROLE_ARN: ADMIN,
        AWS_SSO_PROFILE: "production:AdministratorAccess",
      });
      assert.equal(inner.code, 1);
      assert.match(
        inner.stderr,
        /Already running with the credentials of arn:aws:iam::012345678901:role\/AdministratorAccess \(profile production:AdministratorAccess\)/,
      );
      assert.match(inner.stderr, /exit that shell first/);
    } finally {
      await Deno.remove(home, { recursive: true });
    }
  },
});

Deno.test({
  name:
    "exec runs $SHELL by default and takes the role from AWS_SSO_ACCOUNT_ID and AWS_SSO_ROLE_NAME",
  ...E2E,
  async fn() {
    await using emu = await startEmulator({ accounts: 2 });
    const home = await credsSession(emu);
    try {
      const shell = `${home}/fake-shell`;
      await Deno.writeTextFile(shell, '#!/bin/sh\necho "shell for $AWS_SSO_ROLE_ARN args:$#"\n');
      await Deno.chmod(shell, 0o755);
      const r = await cli(home, emu, ["exec"], {
        SHELL: shell,
        AWS_SSO_ACCOUNT_ID: "123456789012",
        AWS_SSO_ROLE_NAME: "ReadOnlyAccess",
      });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, "shell for arn:aws:iam::123456789012:role/ReadOnlyAccess args:0\n");

      // A flag on the command line beats the role in the environment.
      const flag = await cli(home, emu, ["exec", "--arn", ADMIN], {
        SHELL: shell,
        AWS_SSO_ACCOUNT_ID: "123456789012",
        AWS_SSO_ROLE_NAME: "ReadOnlyAccess",
      });
      assert.equal(flag.stdout, `shell for ${ADMIN} args:0\n`, flag.stderr);
    } finally {
      await Deno.remove(home, { recursive: true });
    }
  },
});

Deno.test({
  name: "exec keeps a region the user set, and sets none with --no-region",
  ...E2E,
  async fn() {
    await using emu = await startEmulator({ accounts: 1 });
    const home = await credsSession(emu, { instanceYaml: "    DefaultRegion: eu-west-1" });
    try {
      const own = envOf(
        (await cli(home, emu, ["exec", "--arn", ADMIN, ...PRINT_ENV], {
          AWS_DEFAULT_REGION: "ap-south-1",
        })).stdout,
      );
      assert.equal(own.AWS_DEFAULT_REGION, "ap-south-1");
      assert.equal(own.AWS_REGION, undefined);
      assert.equal(own.AWS_SSO_DEFAULT_REGION, undefined);

      const none = envOf(
        (await cli(home, emu, ["exec", "-n", "--arn", ADMIN, ...PRINT_ENV])).stdout,
      );
      assert.equal(none.AWS_DEFAULT_REGION, undefined);
      assert.equal(none.AWS_REGION, undefined);
      assert.match(none.AWS_ACCESS_KEY_ID ?? "", /^ASIA/);
    } finally {
      await Deno.remove(home, { recursive: true });
    }
  },
});

Deno.test({
  name: "exec without a role and without a terminal names the flags to use",
  ...E2E,
  async fn() {
    await using emu = await startEmulator({ accounts: 1 });
    const home = await cachedSession(emu);
    try {
      const r = await cli(home, emu, ["exec", "true"]);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /--profile/);
      const missing = await cli(home, emu, ["exec", "-p", "no-such-profile", "true"]);
      assert.equal(missing.code, 1);
      assert.match(missing.stderr, /Invalid --profile no-such-profile/);
    } finally {
      await Deno.remove(home, { recursive: true });
    }
  },
});
