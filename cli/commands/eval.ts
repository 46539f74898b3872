/**
 * `aws-sso eval` (reference §1.5 eval, §6.1; SPEC §2, §3.4): prints the statements that set a
 * role's credentials in the current shell — `eval "$(aws-sso eval -p <profile>)"` — in the
 * syntax of `--format` (default: from `$SHELL`), sorted and quoted so no value can run code.
 * `--clear` prints the statements that remove them again.
 *
 * @module
 */
import { Command, type CommandUnknownOpts, Option } from "@commander-js/extra-typings";
import { clearEnvVars } from "../../lib/creds/env_vars.ts";
import {
  defaultExportFormat,
  EXPORT_FORMATS,
  type ExportFormat,
  formatEnvExports,
} from "../../lib/creds/env_exports.ts";
import { AwsSsoError, UsageError } from "../../lib/errors.ts";
import type { Context } from "../context.ts";
import type { App } from "../program.ts";
import {
  addAwsProfileOptions,
  awsProfileEnvVars,
  awsProfileRequest,
} from "../services/aws_cli_profile.ts";

function exportFormat(ctx: Context, given: string | undefined): ExportFormat {
  if (given !== undefined) return given as ExportFormat;
  const format = defaultExportFormat({
    shell: ctx.env.SHELL,
    os: Deno.build.os,
    xonshVersion: ctx.env.XONSH_VERSION,
  });
  if (format !== undefined) return format;
  const shell = ctx.env.SHELL ?? "";
  throw new AwsSsoError(
    `${shell === "" ? "$SHELL is not set" : `unknown shell ${shell}`}: cannot tell which syntax ` +
      `to print; choose one with --format ${EXPORT_FORMATS.join("|")}`,
    { hints: ['e.g. eval "$(aws-sso eval --format bash -p <profile>)"'] },
  );
}

async function configuredEnvVarTags(ctx: Context): Promise<string[]> {
  try {
    return (await ctx.settings()).envVarTags;
  } catch (e) {
    // Clearing must work without a usable config.yaml: present AWS_SSO_TAG_* are cleared anyway.
    ctx.logger.debug(`not reading EnvVarTags: ${(e as Error).message}`);
    return [];
  }
}

/** Builds the `eval` command. */
export function evalCommand(app: App): CommandUnknownOpts {
  const evalCmd = new Command("eval")
    .description(
      'print shell statements that set a role\'s credentials: eval "$(aws-sso eval -p <profile>)"',
    )
    .option("-a, --arn <arn>", "role ARN (or <account>:<RoleName>)")
    .option("-A, --account <id>", "account id (with --role)")
    .option("-R, --role <name>", "role name (with --account)")
    .option("-p, --profile <name>", "profile name of the role")
    .option("-c, --clear", "print statements that unset the variables instead")
    .option("-n, --no-region", "do not set AWS_DEFAULT_REGION / AWS_REGION")
    .option("-O, --overwrite-region", "set the region even if you set AWS_DEFAULT_REGION yourself")
    .option("-r, --refresh", "new statements for the role of $AWS_SSO_ROLE_ARN")
    .addOption(
      new Option(
        "--format <format>",
        "output syntax (default: from $SHELL; required when $SHELL is unset or unknown)",
      ).choices(
        EXPORT_FORMATS,
      ),
    )
    .action(async (opts, cmd) => {
      const ctx = app.context(cmd);
      if (opts.clear === true) {
        const format = exportFormat(ctx, opts.format);
        const vars = clearEnvVars(ctx.env, {
          noRegion: opts.region === false,
          envVarTags: await configuredEnvVarTags(ctx),
        });
        ctx.output.out(formatEnvExports(vars, format));
        return;
      }
      const awsProfile = awsProfileRequest(cmd);
      if (awsProfile !== undefined) {
        const format = exportFormat(ctx, opts.format);
        const { vars } = await awsProfileEnvVars(ctx, awsProfile, {
          noRegion: opts.region === false,
          overwriteRegion: opts.overwriteRegion === true,
        });
        ctx.output.out(formatEnvExports(vars, format));
        return;
      }
      let args: { profile?: string; arn?: string; account?: string; role?: string };
      if (opts.refresh === true) {
        const current = ctx.env.AWS_SSO_ROLE_ARN ?? "";
        if (current === "") {
          throw new AwsSsoError(
            "unable to determine current IAM role: AWS_SSO_ROLE_ARN is not set",
            {
              hints: ["select the role with --profile, --arn, or --account and --role"],
            },
          );
        }
        args = { arn: current };
      } else if (
        opts.profile !== undefined || opts.arn !== undefined || opts.account !== undefined ||
        opts.role !== undefined
      ) {
        args = { profile: opts.profile, arn: opts.arn, account: opts.account, role: opts.role };
      } else {
        throw new UsageError(
          "please specify --refresh, --clear, --profile, --arn, --account and --role, or --aws-profile",
        );
      }
      // After the usage checks, before any AWS call.
      const format = exportFormat(ctx, opts.format);
      const [{ selectRole, roleCredentials }, { roleEnvVars }] = await Promise.all([
        import("../services/creds.ts"),
        import("../services/env.ts"),
      ]);
      const role = await selectRole(ctx, args, { allowPicker: false });
      const creds = await roleCredentials(ctx, role);
      const vars = await roleEnvVars(ctx, role, creds, {
        noRegion: opts.region === false,
        overwriteRegion: opts.overwriteRegion === true,
      });
      ctx.output.out(formatEnvExports(vars, format));
    });
  return addAwsProfileOptions(evalCmd);
}
