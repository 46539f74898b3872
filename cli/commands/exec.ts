/**
 * `aws-sso exec` (docs/design.md §2.3): runs a command (default: your shell) with a
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
import { Command, type CommandUnknownOpts } from "@commander-js/extra-typings";
import { CONFLICTING_ENV_VARS } from "../../lib/creds/env_vars.ts";
import { AwsSsoError, errorMessage, UsageError } from "../../lib/errors.ts";
import type { Context } from "../context.ts";
import type { App } from "../program.ts";
import { addRoleOptions, type RoleSelection, roleSelection } from "../role_options.ts";
import { addAwsProfileOptions } from "../services/aws_cli_profile.ts";

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
function currentRole(ctx: Context, selection: RoleSelection): RoleSelection {
  if (selection.given.length > 0 || selection.awsProfile !== undefined) {
    throw new UsageError(
      `--env uses the role of $AWS_SSO_ROLE_ARN: it cannot be combined with ${
        selection.given.length > 0 ? `--${selection.given[0]}` : "--aws-profile"
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
  return { args: { arn }, given: [] };
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
    throw new AwsSsoError(`cannot run ${command}: ${errorMessage(e)}`, { cause: e });
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

/** What an `exec` run asked for. */
export interface ExecInput {
  /** The command to run (default: the user's shell). */
  command?: string;
  /** Its arguments. */
  args: string[];
  /** The role (`-a/-A/-R/-p`, their environment variables, or `--aws-profile`). */
  selection: RoleSelection;
  /** `--env`: the role of the current aws-sso shell, with fresh credentials. */
  reuseEnv: boolean;
  /** `--no-region`. */
  noRegion: boolean;
  /** `--overwrite-env`: drop every inherited `AWS_*` variable. */
  overwriteEnv: boolean;
}

/** Runs the command with the role's credentials in its environment; returns its exit code. */
export async function runExec(input: ExecInput, services: Context): Promise<number> {
  const ctx = services;
  const overwrite = input.overwriteEnv;
  const reuse = input.reuseEnv;
  const selection = reuse ? currentRole(ctx, input.selection) : input.selection;
  if (!overwrite) checkEnvironment(ctx, reuse);
  const regionFlags = { noRegion: input.noRegion, overwriteRegion: overwrite };
  const { credentialSource } = await import("../services/credential_source.ts");
  const source = await credentialSource(ctx, selection);
  const role = await source.role({ allowPicker: !reuse });
  const creds = await source.credentials(role);
  try {
    await source.recordUse(role);
  } catch (e) {
    // History is a convenience: it must not keep the command from running.
    ctx.logger.warn(`Unable to record the role in History: ${errorMessage(e)}`);
  }
  const vars = await source.envVars(role, creds, regionFlags);
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(ctx.env)) {
    if (overwrite && name.startsWith("AWS_")) continue;
    env[name] = value;
  }
  for (const [name, value] of vars) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  const program = input.command ?? defaultCommand(ctx);
  if (program === "") throw new UsageError("no command to run");
  ctx.logger.debug("running", { command: program, role: role.Arn });
  return await runChild(ctx, program, input.args, env);
}

/** Builds the `exec` command. */
export function execCommand(app: App): CommandUnknownOpts {
  const exec = addRoleOptions(
    new Command("exec")
      .description(
        "run a command (default: your shell) with a role's credentials in its environment",
      ),
    { env: true },
  )
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
      app.setExitCode(
        await runExec({
          command,
          args,
          selection: roleSelection(cmd),
          reuseEnv: opts.env === true,
          noRegion: opts.region === false,
          overwriteEnv: opts.overwriteEnv === true,
        }, ctx),
      );
    });
  return addAwsProfileOptions(exec);
}
