/**
 * Credential delivery benchmarks (issues 5 and 9):
 * - warm `process --arn` (credentials cached in the `file` store, data key in the kernel keyring)
 *   beside an empty `deno run` (goal ≤ 1.5x) and beside the AWS CLI's own SSO path,
 *   `/usr/bin/aws configure export-credentials` for the same role after `aws sso login` against
 *   the same emulator (goal ≥ 10x faster);
 * - `process` through the normal path (`-L error` skips the hot path) for comparison;
 * - warm `eval`.
 *
 * @module
 */
import { startEmulator } from "../../tests/emulator/emulator.ts";
import { createAwsCliDataPath } from "../../tests/emulator/aws_cli_data_path.ts";
import { realDenoDir } from "../../tests/e2e/run_cli.ts";
import type { BenchCommand, BenchScenario } from "../scenario.ts";

const MAIN = new URL("../../main.ts", import.meta.url).pathname;
const EMPTY = new URL("../empty.ts", import.meta.url).pathname;
const BROWSER = new URL("../../tests/emulator/browser.ts", import.meta.url).pathname;
const DENO = Deno.execPath();
const RUN = `${DENO} run -A --quiet ${MAIN}`;
const AWS = "/usr/bin/aws";
const ARN = "arn:aws:iam::012345678901:role/AdministratorAccess";

async function run(cmd: string, args: string[], env: Record<string, string>) {
  const out = await new Deno.Command(cmd, {
    args,
    env,
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stderr);
  if (out.code !== 0) throw new Error(`${cmd} ${args.join(" ")} failed: ${text}`);
  return new TextDecoder().decode(out.stdout);
}

async function awsCliPresent(): Promise<boolean> {
  try {
    return (await Deno.stat(AWS)).isFile;
  } catch {
    return false;
  }
}

/** The scenarios of this file. */
export const scenarios: BenchScenario[] = [
  {
    name: "warm process and eval (file store, credentials cached)",
    async setup() {
      const emu = await startEmulator({ accounts: 3, rolesPerAccount: 3 });
      const home = await Deno.makeTempDir({ prefix: "aws-sso-bench-" });
      const configDir = `${home}/.config/aws-sso`;
      await Deno.mkdir(configDir, { recursive: true, mode: 0o700 });
      await Deno.writeTextFile(
        `${configDir}/config.yaml`,
        `SecureStore: file\nUrlAction: exec\nUrlExecCommand: ["${DENO}", "run", "-A", "${BROWSER}", "%s"]\n` +
          `SSOConfig:\n  Default:\n    SSORegion: ${emu.region}\n    StartUrl: ${emu.startUrl}\n`,
      );
      const env: Record<string, string> = {
        HOME: home,
        PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
        DENO_DIR: realDenoDir(),
        NO_COLOR: "1",
        TZ: "UTC",
        SHELL: "/bin/bash",
        ...emu.env,
      };
      // Log in and fetch once with the password; afterwards the data key is in the kernel keyring
      // and the timed runs get no password at all.
      const withPassword = { ...env, AWS_SSO_FILE_PASSWORD: "bench password" };
      await run(DENO, ["run", "-A", "--quiet", MAIN, "login"], withPassword);
      await run(DENO, ["run", "-A", "--quiet", MAIN, "process", "--arn", ARN], withPassword);

      const commands: BenchCommand[] = [
        { name: "empty deno run", command: `${DENO} run -A --quiet ${EMPTY}` },
        {
          name: "aws-sso process --arn (warm)",
          command: `${RUN} process --arn ${ARN}`,
          goal: {
            maxRatioToBaseline: 1.5,
            fasterThan: {
              command: "aws configure export-credentials (AWS CLI v2, warm)",
              factor: 10,
            },
          },
        },
        {
          name: "aws-sso process --arn (normal path)",
          command: `${RUN} -L error process --arn ${ARN}`,
        },
        {
          name: "aws-sso eval --arn (warm)",
          command: `${RUN} eval --arn ${ARN}`,
        },
      ];
      if (await awsCliPresent()) {
        const dataPath = await createAwsCliDataPath(emu.url, `${home}/aws-data`);
        await Deno.mkdir(`${home}/.aws`, { recursive: true });
        await Deno.writeTextFile(
          `${home}/.aws/config`,
          `[profile bench]\nsso_start_url = ${emu.startUrl}\nsso_region = ${emu.region}\n` +
            `sso_account_id = 012345678901\nsso_role_name = AdministratorAccess\nregion = ${emu.region}\n`,
        );
        env.AWS_DATA_PATH = dataPath;
        const login = new Deno.Command(AWS, {
          args: ["sso", "login", "--no-browser", "--profile", "bench"],
          env,
          clearEnv: true,
          stdout: "null",
          stderr: "null",
        }).spawn();
        const deadline = Date.now() + 30_000;
        while (emu.pendingUserCodes().length === 0 && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 50));
        }
        const code = emu.pendingUserCodes()[0];
        if (code === undefined) throw new Error("aws sso login never started a device flow");
        emu.approveDevice(code);
        if ((await login.status).code !== 0) throw new Error("aws sso login failed");
        // Warm the AWS CLI's own credential cache too.
        await run(AWS, ["configure", "export-credentials", "--profile", "bench"], env);
        commands.push({
          name: "aws configure export-credentials (AWS CLI v2, warm)",
          command: `${AWS} configure export-credentials --profile bench`,
        });
      }
      return {
        commands,
        env,
        baseline: "empty deno run",
        async cleanup() {
          await emu.close();
          await Deno.remove(home, { recursive: true });
        },
      };
    },
  },
];
