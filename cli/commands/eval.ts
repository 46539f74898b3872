/**
 * `aws-sso eval` (docs/design.md §2.3): prints the statements that set a
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
import { AwsSsoError, errorMessage, UsageError } from "../../lib/errors.ts";
import type { Context } from "../context.ts";
import type { App } from "../program.ts";
import { addRoleOptions, type RoleSelection, roleSelection } from "../role_options.ts";
import { addAwsProfileOptions } from "../services/aws_cli_profile.ts";

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
    ctx.logger.debug(`not reading EnvVarTags: ${errorMessage(e)}`);
    return [];
  }
}

/** What an `eval` run asked for. */
export interface EvalInput {
  /** The role (`-a/-A/-R/-p` or `--aws-profile`). */
  selection: RoleSelection;
  /** `--clear`: statements that unset the variables. */
  clear: boolean;
  /** `--refresh`: the role of `$AWS_SSO_ROLE_ARN`. */
  refresh: boolean;
  /** `--no-region`. */
  noRegion: boolean;
  /** `--overwrite-region`. */
  overwriteRegion: boolean;
  /** `--format` (default: from `$SHELL`). */
  format?: ExportFormat;
}

/** Prints the statements that set (or, with `clear`, unset) a role's credentials. */
export async function runEval(input: EvalInput, services: Context): Promise<void> {
  const ctx = services;
  const region = { noRegion: input.noRegion, overwriteRegion: input.overwriteRegion };
  if (input.clear) {
    const format = exportFormat(ctx, input.format);
    const vars = clearEnvVars(ctx.env, {
      noRegion: input.noRegion,
      envVarTags: await configuredEnvVarTags(ctx),
    });
    ctx.output.out(formatEnvExports(vars, format));
    return;
  }
  let selection = input.selection;
  if (selection.awsProfile === undefined) {
    const { args } = selection;
    if (input.refresh) {
      const current = ctx.env.AWS_SSO_ROLE_ARN ?? "";
      if (current === "") {
        throw new AwsSsoError(
          "unable to determine current IAM role: AWS_SSO_ROLE_ARN is not set",
          {
            hints: ["select the role with --profile, --arn, or --account and --role"],
          },
        );
      }
      selection = { args: { arn: current }, given: [] };
    } else if (
      args.profile === undefined && args.arn === undefined && args.account === undefined &&
      args.role === undefined
    ) {
      throw new UsageError(
        "please specify --refresh, --clear, --profile, --arn, --account and --role, or --aws-profile",
      );
    }
  }
  // After the usage checks, before any AWS call.
  const format = exportFormat(ctx, input.format);
  const { credentialSource } = await import("../services/credential_source.ts");
  const source = await credentialSource(ctx, selection);
  const role = await source.role({ allowPicker: false });
  const creds = await source.credentials(role);
  ctx.output.out(formatEnvExports(await source.envVars(role, creds, region), format));
}

/** Builds the `eval` command. */
export function evalCommand(app: App): CommandUnknownOpts {
  const evalCmd = addRoleOptions(
    new Command("eval")
      .description(
        'print shell statements that set a role\'s credentials: eval "$(aws-sso eval -p <profile>)"',
      ),
    { env: false },
  )
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
      // --clear needs no role: a stray --aws-profile companion is not an error there.
      const clear = opts.clear === true;
      await runEval({
        selection: clear ? { args: {}, given: [] } : roleSelection(cmd),
        clear,
        refresh: opts.refresh === true,
        noRegion: opts.region === false,
        overwriteRegion: opts.overwriteRegion === true,
        format: opts.format,
      }, ctx);
    });
  return addAwsProfileOptions(evalCmd);
}
