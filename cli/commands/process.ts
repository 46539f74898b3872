/**
 * `aws-sso process` (reference §1.5 process, §6.2): the `credential_process` helper the AWS
 * SDKs and CLI run. stdout carries only the JSON payload; it never opens a browser unless
 * `--auto-login` or `AutoLogin: true`; without an SSO session it fails with one line on stderr.
 *
 * @module
 */
import { Command, type CommandUnknownOpts, Option } from "@commander-js/extra-typings";
import { formatCredentialProcess } from "../../lib/creds/credential_process.ts";
import { NotLoggedInError, UsageError } from "../../lib/errors.ts";
import type { App } from "../program.ts";
import {
  addAwsProfileOptions,
  awsProfileCredentials,
  awsProfileRequest,
} from "../services/aws_cli_profile.ts";
import { localOffsetMinutes } from "../local_time.ts";

/** Builds the `process` command. */
export function processCommand(app: App): CommandUnknownOpts {
  const processCmd = new Command("process")
    .description(
      "print role credentials as credential_process JSON (for ~/.aws/config profiles)",
    )
    .addOption(
      new Option("-a, --arn <arn>", "role ARN (or <account>:<RoleName>)").conflicts([
        "account",
        "role",
        "profile",
      ]),
    )
    .addOption(new Option("-A, --account <id>", "account id (with --role)").conflicts("profile"))
    .addOption(new Option("-R, --role <name>", "role name (with --account)").conflicts("profile"))
    .option("-p, --profile <name>", "profile name of the role")
    .option("--auto-login", "log in (browser) when there is no valid AWS SSO session")
    .action(async (opts, cmd) => {
      const ctx = app.context(cmd);
      const awsProfile = awsProfileRequest(cmd);
      if (awsProfile !== undefined) {
        const { creds } = await awsProfileCredentials(ctx, awsProfile);
        ctx.output.out(formatCredentialProcess(creds, {
          tzOffsetMinutes: localOffsetMinutes(creds.expiration),
        }));
        return;
      }
      if (
        opts.profile === undefined && opts.arn === undefined && opts.account === undefined &&
        opts.role === undefined
      ) {
        throw new UsageError(
          "please specify --arn, --profile, --account and --role, or --aws-profile",
        );
      }
      const { selectRole, roleCredentials } = await import("../services/creds.ts");
      const role = await selectRole(ctx, opts, {
        allowPicker: false,
        useCache: opts.profile !== undefined,
      });
      let creds;
      try {
        creds = await roleCredentials(ctx, role, { interactive: opts.autoLogin === true });
      } catch (e) {
        // A credential_process failure is shown by the AWS tool as is: one line that says
        // what to do, without the extra hint lines.
        if (e instanceof NotLoggedInError) {
          const hint = e.hints[0] ?? 'run "aws-sso login"';
          throw new NotLoggedInError(`${e.message}; ${hint}`, { cause: e });
        }
        throw e;
      }
      ctx.output.out(formatCredentialProcess(creds, {
        tzOffsetMinutes: localOffsetMinutes(creds.expiration),
      }));
    });
  return addAwsProfileOptions(processCmd);
}
