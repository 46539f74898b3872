/**
 * `aws-sso process` as the AWS tools run it: payload-only stdout, the store, --sts-refresh,
 * the not-logged-in failure, one fetch for 30 parallel calls, Via chains through AssumeRole,
 * and the real AWS CLI v2 using it as its credential_process.
 */
import assert from "node:assert/strict";
import type { HttpDeps } from "../../lib/aws/json_client.ts";
import { StsClient } from "../../lib/aws/sts_client.ts";
import { silentLogger } from "../../lib/logger.ts";
import { startEmulator } from "../emulator/emulator.ts";
import {
  cli,
  CONFIG_DIR,
  credsSession,
  E2E,
  FILE_PASSWORD,
  stderrLines,
} from "./_creds_session.ts";
import { realDenoDir } from "./run_cli.ts";

const ADMIN = "arn:aws:iam::012345678901:role/AdministratorAccess";
const MAIN = new URL("../../main.ts", import.meta.url).pathname;

interface Payload {
  Version: number;
  AccessKeyId: string;
  SecretAccessKey: string;
  SessionToken: string;
  Expiration: string;
  AccountId: string;
}

function payload(stdout: string): Payload {
  assert.ok(!stdout.endsWith("\n"), "no trailing newline");
  return JSON.parse(stdout) as Payload;
}

function stsDeps(): HttpDeps {
  return {
    fetch,
    clock: { now: () => Date.now(), sleep: () => Promise.resolve() },
    logger: silentLogger,
    retry: { maxAttempts: 1, maxBackoffMs: 1 },
  };
}

Deno.test({
  name: "process prints credential_process JSON with AccountId and reuses stored credentials",
  ...E2E,
  async fn() {
    await using emu = await startEmulator({ accounts: 2 });
    const home = await credsSession(emu);
    try {
      const first = await cli(home, emu, ["process", "--arn", ADMIN]);
      assert.equal(first.code, 0, first.stderr);
      const p = payload(first.stdout);
      assert.deepEqual(Object.keys(p), [
        "Version",
        "AccessKeyId",
        "SecretAccessKey",
        "SessionToken",
        "Expiration",
        "AccountId",
      ]);
      assert.equal(p.Version, 1);
      assert.equal(p.AccountId, "012345678901");
      // TZ=UTC in the test environment: local RFC 3339 is written with Z.
      assert.match(p.Expiration, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      assert.ok(Date.parse(p.Expiration) > Date.now() + 55 * 60_000);
      assert.deepEqual(stderrLines(first), []);

      const second = await cli(home, emu, ["process", "-a", "012345678901:AdministratorAccess"]);
      assert.equal(second.code, 0, second.stderr);
      assert.equal(payload(second.stdout).AccessKeyId, p.AccessKeyId);
      assert.equal(emu.counters.GetRoleCredentials, 1);

      const store = await Deno.readTextFile(`${home}/${CONFIG_DIR}/store.json`);
      assert.ok(store.includes(p.AccessKeyId), "credentials were stored");
    } finally {
      await Deno.remove(home, { recursive: true });
    }
  },
});

Deno.test({
  name: "process --sts-refresh fetches new credentials even when stored ones are valid",
  ...E2E,
  async fn() {
    await using emu = await startEmulator({ accounts: 1 });
    const home = await credsSession(emu);
    try {
      const first = payload((await cli(home, emu, ["process", "--arn", ADMIN])).stdout);
      const refreshed = await cli(home, emu, ["process", "--arn", ADMIN, "--sts-refresh"]);
      assert.equal(refreshed.code, 0, refreshed.stderr);
      assert.notEqual(payload(refreshed.stdout).AccessKeyId, first.AccessKeyId);
      // The global form before the command name works too.
      const global = await cli(home, emu, ["--sts-refresh", "process", "--arn", ADMIN]);
      assert.equal(global.code, 0, global.stderr);
      assert.equal(emu.counters.GetRoleCredentials, 3);
    } finally {
      await Deno.remove(home, { recursive: true });
    }
  },
});

Deno.test({
  name: "process without an SSO session exits 1 with one line telling to log in, and no browser",
  ...E2E,
  async fn() {
    await using emu = await startEmulator({ accounts: 1 });
    const home = await credsSession(emu, { store: "file", token: false });
    try {
      const r = await cli(home, emu, ["process", "--arn", ADMIN], {
        AWS_SSO_FILE_PASSWORD: FILE_PASSWORD,
      });
      assert.equal(r.code, 1);
      assert.equal(r.stdout, "");
      const lines = r.stderr.split("\n").filter((l) => l !== "");
      assert.equal(lines.length, 1, r.stderr);
      assert.match(
        lines[0]!,
        /^aws-sso: error: .*arn:aws:iam::012345678901:role\/AdministratorAccess/,
      );
      assert.match(lines[0]!, /run "aws-sso login"/);
      // Nothing was asked of AWS SSO: no registration, no authorization, no device flow.
      assert.deepEqual(emu.counters, {});
    } finally {
      await Deno.remove(home, { recursive: true });
    }
  },
});

Deno.test({
  name: "process rejects missing and conflicting role flags as usage errors",
  ...E2E,
  async fn() {
    await using emu = await startEmulator({ accounts: 1 });
    const home = await credsSession(emu);
    try {
      const none = await cli(home, emu, ["process"]);
      assert.equal(none.code, 2);
      assert.match(none.stderr, /please specify --arn/);
      const both = await cli(home, emu, ["process", "--arn", ADMIN, "--profile", "x"]);
      assert.equal(both.code, 2);
      assert.match(both.stderr, /cannot be used with/);
      const half = await cli(home, emu, ["process", "--account", "012345678901"]);
      assert.equal(half.code, 2);
      assert.match(half.stderr, /Must specify both --account and --role/);
      assert.equal(none.stdout + both.stdout + half.stdout, "");
    } finally {
      await Deno.remove(home, { recursive: true });
    }
  },
});

Deno.test({
  name: "30 parallel process calls for one role make one GetRoleCredentials and agree",
  ...E2E,
  async fn() {
    await using emu = await startEmulator({ accounts: 1 });
    const home = await credsSession(emu);
    try {
      const results = await Promise.all(
        Array.from({ length: 30 }, () => cli(home, emu, ["process", "--arn", ADMIN])),
      );
      for (const r of results) assert.equal(r.code, 0, r.stderr);
      const keys = new Set(results.map((r) => payload(r.stdout).AccessKeyId));
      assert.equal(keys.size, 1, "every caller got the same credentials");
      assert.equal(emu.counters.GetRoleCredentials, 1);
    } finally {
      await Deno.remove(home, { recursive: true });
    }
  },
});

const CHAIN_YAML = `    Accounts:
      "123456789012":
        Roles:
          Middle:
            Via: arn:aws:iam::012345678901:role/AdministratorAccess
      "000001111111":
        Roles:
          Target:
            Via: arn:aws:iam::123456789012:role/Middle
            ExternalId: team-ext-id
            SourceIdentity: alice`;

Deno.test({
  name: "process gets a two-level Via role through AssumeRole, and caches the chain",
  ...E2E,
  async fn() {
    await using emu = await startEmulator({ accounts: 3 });
    const home = await credsSession(emu, { instanceYaml: CHAIN_YAML });
    try {
      const target = "arn:aws:iam::000001111111:role/Target";
      const r = await cli(home, emu, ["process", "--arn", target]);
      assert.equal(r.code, 0, r.stderr);
      const p = payload(r.stdout);
      assert.equal(p.AccountId, "000001111111");
      assert.equal(emu.counters.GetRoleCredentials, 1);
      assert.equal(emu.counters.AssumeRole, 2);
      const sts = new StsClient(stsDeps(), "us-east-1", { overrides: { sts: emu.url } });
      const identity = await sts.getCallerIdentity({
        accessKeyId: p.AccessKeyId,
        secretAccessKey: p.SecretAccessKey,
        sessionToken: p.SessionToken,
      });
      assert.equal(
        identity.arn,
        "arn:aws:sts::000001111111:assumed-role/Target/Middle@123456789012",
      );
      // Chained credentials last at most one hour.
      assert.ok(Date.parse(p.Expiration) <= Date.now() + 3600_000 + 1000);

      const again = await cli(home, emu, ["process", "--arn", target]);
      assert.equal(payload(again.stdout).AccessKeyId, p.AccessKeyId);
      assert.equal(emu.counters.AssumeRole, 2);
    } finally {
      await Deno.remove(home, { recursive: true });
    }
  },
});

Deno.test({
  name: "a Via loop is a clear error naming the chain, with no AWS call",
  ...E2E,
  async fn() {
    await using emu = await startEmulator({ accounts: 2 });
    const home = await credsSession(emu, {
      instanceYaml: `    Accounts:
      "012345678901":
        Roles:
          LoopA:
            Via: arn:aws:iam::123456789012:role/LoopB
      "123456789012":
        Roles:
          LoopB:
            Via: arn:aws:iam::012345678901:role/LoopA`,
    });
    try {
      const r = await cli(home, emu, ["process", "--arn", "012345678901:LoopA"]);
      assert.equal(r.code, 1);
      assert.equal(r.stdout, "");
      assert.match(
        r.stderr,
        /role chain loop: arn:aws:iam::012345678901:role\/LoopA -> arn:aws:iam::123456789012:role\/LoopB -> arn:aws:iam::012345678901:role\/LoopA/,
      );
      assert.deepEqual(emu.counters, {});
    } finally {
      await Deno.remove(home, { recursive: true });
    }
  },
});

const AWS_CLI = "/usr/bin/aws";
const HAS_AWS_CLI = (() => {
  try {
    return Deno.statSync(AWS_CLI).isFile;
  } catch {
    return false;
  }
})();
const CLI_NAME =
  "the AWS CLI v2 runs aws-sso process as credential_process for sts get-caller-identity";

Deno.test({
  name: HAS_AWS_CLI ? CLI_NAME : `${CLI_NAME} (skipped: ${AWS_CLI} is not installed)`,
  ignore: !HAS_AWS_CLI,
  ...E2E,
  async fn() {
    await using emu = await startEmulator({ accounts: 2 });
    const home = await credsSession(emu);
    try {
      const arn = "arn:aws:iam::123456789012:role/ReadOnlyAccess";
      await Deno.writeTextFile(
        `${home}/aws-config`,
        `[profile x]\ncredential_process = ${Deno.execPath()} run -A --quiet ${MAIN} process --arn ${arn}\n`,
      );
      const out = await new Deno.Command(AWS_CLI, {
        args: [
          "sts",
          "get-caller-identity",
          "--profile",
          "x",
          "--endpoint-url",
          emu.url,
          "--region",
          "us-east-1",
          "--output",
          "json",
          "--no-cli-pager",
        ],
        clearEnv: true,
        env: {
          ...emu.env,
          PATH: "/usr/bin:/bin",
          HOME: home,
          DENO_DIR: realDenoDir(),
          TZ: "UTC",
          NO_COLOR: "1",
          AWS_CONFIG_FILE: `${home}/aws-config`,
          AWS_SHARED_CREDENTIALS_FILE: `${home}/aws-credentials`,
          AWS_EC2_METADATA_DISABLED: "true",
        },
        stdout: "piped",
        stderr: "piped",
      }).output();
      const stderr = new TextDecoder().decode(out.stderr);
      assert.equal(out.code, 0, stderr);
      const identity = JSON.parse(new TextDecoder().decode(out.stdout));
      assert.equal(identity.Account, "123456789012");
      assert.match(
        identity.Arn,
        /^arn:aws:sts::123456789012:assumed-role\/AWSReservedSSO_ReadOnlyAccess_/,
      );
      assert.equal(emu.counters.GetRoleCredentials, 1);
    } finally {
      await Deno.remove(home, { recursive: true });
    }
  },
});
