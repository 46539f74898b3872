import assert from "node:assert/strict";
import { startEmulator } from "./emulator.ts";
import { roleCredentials } from "./_sdk_clients.ts";
import { createAwsCliDataPath } from "./aws_cli_data_path.ts";
import { AWS_CLI, awsCliPresent, runAwsCli } from "./aws_cli.ts";

const cliPresent = awsCliPresent;
const aws = runAwsCli;

const SKIP_NOTE = ` (skipped: ${AWS_CLI} is not installed)`;
const NAME = "the AWS CLI v2 accepts the emulator for STS, the SSO portal and SSO OIDC";

Deno.test({
  name: cliPresent() ? NAME : NAME + SKIP_NOTE,
  ignore: !cliPresent(),
  async fn() {
    await using emu = await startEmulator({ accounts: 5 });
    const home = await Deno.makeTempDir({ prefix: "aws-sso-emu-cli-" });
    try {
      const { accessToken } = emu.issueToken();
      const creds = await roleCredentials(emu, accessToken, "012345678901", "ReadOnlyAccess");
      const [identity, accounts, register] = await Promise.all([
        aws(emu, home, ["sts", "get-caller-identity"], {
          AWS_ACCESS_KEY_ID: creds.accessKeyId,
          AWS_SECRET_ACCESS_KEY: creds.secretAccessKey,
          AWS_SESSION_TOKEN: creds.sessionToken,
        }),
        // botocore's paginator follows the +/= next tokens over three pages.
        aws(emu, home, ["sso", "list-accounts", "--access-token", accessToken, "--page-size", "2"]),
        aws(emu, home, [
          "sso-oidc",
          "register-client",
          "--client-name",
          "cli",
          "--client-type",
          "public",
        ]),
      ]);
      assert.equal(identity.code, 0, identity.stderr);
      const id = JSON.parse(identity.stdout);
      assert.equal(id.Account, "012345678901");
      assert.match(id.Arn, /:assumed-role\/AWSReservedSSO_ReadOnlyAccess_[0-9a-f]{16}\//);

      assert.equal(accounts.code, 0, accounts.stderr);
      const ids = JSON.parse(accounts.stdout).accountList.map((a: { accountId: string }) =>
        a.accountId
      );
      assert.deepEqual(ids, emu.accounts().map((a) => a.accountId));
      assert.equal(emu.counters["ListAccounts"], 3);

      assert.equal(register.code, 0, register.stderr);
      const reg = JSON.parse(register.stdout);
      const start = await aws(emu, home, [
        "sso-oidc",
        "start-device-authorization",
        `--client-id=${reg.clientId}`,
        `--client-secret=${reg.clientSecret}`,
        "--start-url",
        emu.startUrl,
      ]);
      assert.equal(start.code, 0, start.stderr);
      const dev = JSON.parse(start.stdout);
      const pending = await aws(emu, home, [
        "sso-oidc",
        "create-token",
        // `--name=value`: a random base64url value may start with "-", which argparse would
        // read as an option.
        `--client-id=${reg.clientId}`,
        `--client-secret=${reg.clientSecret}`,
        "--grant-type",
        "urn:ietf:params:oauth:grant-type:device_code",
        `--device-code=${dev.deviceCode}`,
      ]);
      assert.notEqual(pending.code, 0);
      assert.match(pending.stderr, /AuthorizationPendingException/);
    } finally {
      await Deno.remove(home, { recursive: true });
    }
  },
});

const LOGIN = "the AWS CLI v2 completes `aws sso login` against the emulator and uses the role";

Deno.test({
  name: cliPresent() ? LOGIN : LOGIN + SKIP_NOTE,
  ignore: !cliPresent(),
  async fn() {
    await using emu = await startEmulator();
    const home = await Deno.makeTempDir({ prefix: "aws-sso-emu-cli-" });
    try {
      const dataPath = await createAwsCliDataPath(emu.url, `${home}/data`);
      await Deno.writeTextFile(
        `${home}/config`,
        `[profile p]\nsso_start_url = ${emu.startUrl}\nsso_region = ${emu.region}\n` +
          `sso_account_id = 012345678901\nsso_role_name = Developer\nregion = ${emu.region}\n`,
      );
      const env = { AWS_DATA_PATH: dataPath };
      const login = aws(emu, home, ["sso", "login", "--no-browser", "--profile", "p"], env, false);
      // The user approves as soon as the CLI has started the device authorization.
      const deadline = Date.now() + 20_000;
      while (emu.pendingUserCodes().length === 0 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 50));
      }
      const [userCode] = emu.pendingUserCodes();
      assert.ok(userCode, "the CLI never started a device authorization");
      emu.approveDevice(userCode);
      const loggedIn = await login;
      assert.equal(loggedIn.code, 0, loggedIn.stderr);
      assert.match(loggedIn.stdout, /Successfully logged into Start URL/);

      const id = await aws(emu, home, ["sts", "get-caller-identity", "--profile", "p"], env, false);
      assert.equal(id.code, 0, id.stderr);
      assert.match(JSON.parse(id.stdout).Arn, /assumed-role\/AWSReservedSSO_Developer_/);
      assert.equal(emu.counters["GetRoleCredentials"], 1);
    } finally {
      await Deno.remove(home, { recursive: true });
    }
  },
});
