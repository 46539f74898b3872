/**
 * `aws-sso exec` (reference §1.5 exec, SPEC §2): runs a command (default: your shell) with a
 * role's credentials in its environment, and exits with the command's status (128 + signal when
 * it was killed).
 *
 * Nesting: inside a shell started by `aws-sso exec` (or after `aws-sso eval`),
 * `AWS_SSO_ROLE_ARN` and `AWS_ACCESS_KEY_ID` are set; a second `exec` refuses to start there
 * unless `--overwrite-env`, which drops every inherited `AWS_*` variable first.
 *
 * `--env` / `-e` (1.x): run with the role of the current aws-sso shell (`$AWS_SSO_ROLE_ARN`),
 * with its credentials fetched again (or taken from the cache) instead of the inherited ones;
 * the inherited aws-sso variables are replaced, so it works inside an exec shell.
 *
 * @module
 */
import { Command, type CommandUnknownOpts, Option } from "@commander-js/extra-typings";
import { CONFLICTING_ENV_VARS, type EnvVar } from "../../lib/creds/env_vars.ts";
import { AwsSsoError, UsageError } from "../../lib/errors.ts";
import type { Context } from "../context.ts";
import type { App } from "../program.ts";
import {
  addAwsProfileOptions,
  awsProfileEnvVars,
  awsProfileRequest,
} from "../services/aws_cli_profile.ts";
import type { RoleArgs } from "../services/creds.ts";

const SELECTORS = ["profile", "arn", "account", "role"] as const;

/**
 * The role flags with their environment fallbacks, where a selector given on the command line
 * beats every value that only came from the environment (so `--account X --role Y` works inside
 * an exec shell whose `AWS_SSO_ROLE_ARN` names another role).
 */
export function roleArgsFrom(cmd: CommandUnknownOpts, opts: RoleArgs): RoleArgs {
  const fromCli = SELECTORS.some((k) => cmd.getOptionValueSource(k) === "cli");
  const out: RoleArgs = {};
  for (const k of SELECTORS) {
    const source = cmd.getOptionValueSource(k);
    if (fromCli && source !== "cli") continue;
    out[k] = opts[k];
  }
  return out;
}

/**
 * Refuses to run inside another aws-sso environment, or over the user's own credentials. With
 * `reuse` (`--env`), the credentials of the aws-sso environment are expected: they are replaced.
 */
function checkEnvironment(ctx: Context, reuse: boolean): void {
  const env = ctx.env;
  const inAwsSso = (env.AWS_SSO_ROLE_ARN ?? "") !== "";
  if (!reuse && inAwsSso && env.AWS_ACCESS_KEY_ID !== undefined) {
    throw new AwsSsoError(
      `Already running with the credentials of ${env.AWS_SSO_ROLE_ARN}${
        (env.AWS_SSO_PROFILE ?? "") === "" ? "" : ` (profile ${env.AWS_SSO_PROFILE})`
      } from aws-sso exec or eval`,
      {
        hints: [
          "exit that shell first, or run aws-sso exec --overwrite-env to replace its credentials",
        ],
      },
    );
  }
  for (const name of CONFLICTING_ENV_VARS) {
    // Under --env, the key pair in an aws-sso environment is aws-sso's own.
    if (reuse && inAwsSso && name !== "AWS_PROFILE") continue;
    if (env[name] !== undefined) {
      throw new AwsSsoError(`conflicting environment variable '${name}' is set`, {
        hints: [`unset ${name}, or run aws-sso exec --overwrite-env to ignore it`],
      });
    }
  }
}

/** `--env`: the role of the current aws-sso environment; no role flag may be given with it. */
function currentRole(ctx: Context, cmd: CommandUnknownOpts): RoleArgs {
  const given = SELECTORS.filter((k) => cmd.getOptionValueSource(k) === "cli");
  if (given.length > 0 || awsProfileRequest(cmd) !== undefined) {
    throw new UsageError(
      `--env uses the role of $AWS_SSO_ROLE_ARN: it cannot be combined with ${
        given.length > 0 ? `--${given[0]}` : "--aws-profile"
      }`,
    );
  }
  const arn = ctx.env.AWS_SSO_ROLE_ARN ?? "";
  if (arn === "") {
    throw new AwsSsoError("unable to determine current IAM role: AWS_SSO_ROLE_ARN is not set", {
      hints: [
        "--env works in a shell started by aws-sso exec or set up by aws-sso eval",
        "or select the role with --profile, --arn, or --account and --role",
      ],
    });
  }
  return { arn };
}

/** The default command: `$SHELL`; cmd.exe on Windows; xonsh under xonsh. */
function defaultCommand(ctx: Context): string {
  if ((ctx.env.XONSH_VERSION ?? "") !== "") return "xonsh";
  const shell = ctx.env.SHELL ?? "";
  if (shell !== "") return shell;
  return Deno.build.os === "windows" ? (ctx.env.COMSPEC ?? "cmd.exe") : "/bin/sh";
}

/** The signals passed on to the child while it runs. */
function forwardedSignals(stdinIsTerminal: boolean): Deno.Signal[] {
  if (Deno.build.os === "windows") return ["SIGINT"];
  // Ctrl-C on a terminal reaches the child directly (same process group); passing it on as
  // well would deliver it twice.
  return stdinIsTerminal ? ["SIGTERM", "SIGHUP"] : ["SIGINT", "SIGTERM", "SIGHUP"];
}

async function runChild(
  ctx: Context,
  command: string,
  args: string[],
  env: Record<string, string>,
): Promise<number> {
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command(command, {
      args,
      env,
      clearEnv: true,
      stdin: "inherit",
      stdout: "inherit",
      stderr: "inherit",
    }).spawn();
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      throw new AwsSsoError(`cannot run ${command}: command not found`, { cause: e });
    }
    if (e instanceof Deno.errors.PermissionDenied) {
      throw new AwsSsoError(`cannot run ${command}: permission denied`, { cause: e });
    }
    throw new AwsSsoError(`cannot run ${command}: ${(e as Error).message}`, { cause: e });
  }
  const forward = forwardedSignals(ctx.output.stdinIsTerminal);
  // SIGINT is always caught, so that Ctrl-C ends the child and not aws-sso while it runs.
  const handlers = new Map<Deno.Signal, () => void>();
  for (const sig of new Set<Deno.Signal>(["SIGINT", ...forward])) {
    const handler = () => {
      if (!forward.includes(sig)) return;
      try {
        child.kill(sig);
      } catch {
        // The child is already gone.
      }
    };
    try {
      Deno.addSignalListener(sig, handler);
      handlers.set(sig, handler);
    } catch {
      // Not supported on this platform.
    }
  }
  try {
    const status = await child.status;
    // Deno reports a child killed by signal N as code 128 + N, the shells' convention.
    return status.code;
  } finally {
    for (const [sig, handler] of handlers) Deno.removeSignalListener(sig, handler);
  }
}

/** Builds the `exec` command. */
export function execCommand(app: App): CommandUnknownOpts {
  const exec = new Command("exec")
    .description("run a command (default: your shell) with a role's credentials in its environment")
    .addOption(
      new Option("-a, --arn <arn>", "role ARN (or <account>:<RoleName>)").env("AWS_SSO_ROLE_ARN"),
    )
    .addOption(
      new Option("-A, --account <id>", "account id (with --role)").env("AWS_SSO_ACCOUNT_ID"),
    )
    .addOption(
      new Option("-R, --role <name>", "role name (with --account)").env("AWS_SSO_ROLE_NAME"),
    )
    .option("-p, --profile <name>", "profile name of the role")
    .option(
      "-e, --env",
      "use the role of this aws-sso shell ($AWS_SSO_ROLE_ARN) with fresh credentials (1.x)",
    )
    .option("-n, --no-region", "do not set AWS_DEFAULT_REGION / AWS_REGION")
    .option(
      "-O, --overwrite-env",
      "run even if AWS credentials are set: drop every inherited AWS_* variable",
    )
    .argument("[command]", "command to run (default: $SHELL)")
    .argument("[args...]", "its arguments (put -- before them when they start with -)")
    .passThroughOptions()
    .action(async (command, args, opts, cmd) => {
      const ctx = app.context(cmd);
      const overwrite = opts.overwriteEnv === true;
      const reuse = opts.env === true;
      const selection = reuse ? currentRole(ctx, cmd) : roleArgsFrom(cmd, opts);
      if (!overwrite) checkEnvironment(ctx, reuse);
      const regionFlags = { noRegion: opts.region === false, overwriteRegion: overwrite };
      const awsProfile = awsProfileRequest(cmd);
      let vars: EnvVar[];
      let arn: string;
      if (awsProfile !== undefined) {
        ({ vars, arn } = await awsProfileEnvVars(ctx, awsProfile, regionFlags));
      } else {
        const [{ selectRole, roleCredentials }, { recordRoleUse }] = await Promise.all([
          import("../services/creds.ts"),
          import("../services/roles.ts"),
        ]);
        const role = await selectRole(ctx, selection, { allowPicker: !reuse });
        const creds = await roleCredentials(ctx, role);
        try {
          await recordRoleUse(ctx, role.Arn);
        } catch (e) {
          // History is a convenience: it must not keep the command from running.
          ctx.logger.warn(`Unable to record the role in History: ${(e as Error).message}`);
        }
        const { roleEnvVars } = await import("../services/env.ts");
        vars = await roleEnvVars(ctx, role, creds, regionFlags);
        arn = role.Arn;
      }
      const env: Record<string, string> = {};
      for (const [name, value] of Object.entries(ctx.env)) {
        if (overwrite && name.startsWith("AWS_")) continue;
        env[name] = value;
      }
      for (const [name, value] of vars) {
        if (value === undefined) delete env[name];
        else env[name] = value;
      }
      const program = command ?? defaultCommand(ctx);
      if (program === "") throw new UsageError("no command to run");
      ctx.logger.debug("running", { command: program, role: arn });
      app.setExitCode(await runChild(ctx, program, args, env));
    });
  return addAwsProfileOptions(exec);
}
