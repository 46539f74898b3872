/**
 * `aws-sso process` (docs/design.md §2.3): the `credential_process` helper the AWS
 * SDKs and CLI run. stdout carries only the JSON payload; it never opens a browser unless
 * `--auto-login` or `AutoLogin: true`; without an SSO session it fails with one line on stderr.
 *
 * @module
 */
import { Command, type CommandUnknownOpts } from "@commander-js/extra-typings";
import { formatCredentialProcess } from "../../lib/creds/credential_process.ts";
import { NotLoggedInError, UsageError } from "../../lib/errors.ts";
import type { Context } from "../context.ts";
import { localOffsetMinutes } from "../host.ts";
import type { App } from "../program.ts";
import { addRoleOptions, type RoleSelection, roleSelection } from "../role_options.ts";
import { addAwsProfileOptions } from "../services/aws_cli_profile.ts";

/** What a `process` run asked for. */
export interface ProcessInput {
  /** The role (`-a/-A/-R/-p` or `--aws-profile`). */
  selection: RoleSelection;
  /** `--auto-login`: a missing SSO session may start a browser login. */
  autoLogin: boolean;
}

/** Prints the role's credentials as credential_process JSON (no newline). */
export async function runProcess(input: ProcessInput, services: Context): Promise<void> {
  const { selection } = input;
  const { args } = selection;
  if (
    selection.awsProfile === undefined && args.profile === undefined &&
    args.arn === undefined && args.account === undefined && args.role === undefined
  ) {
    throw new UsageError(
      "please specify --arn, --profile, --account and --role, or --aws-profile",
    );
  }
  const { credentialSource } = await import("../services/credential_source.ts");
  const source = await credentialSource(services, selection);
  // Only --profile needs the role cache: an ARN is enough to get credentials.
  const role = await source.role({ allowPicker: false, useCache: args.profile !== undefined });
  let creds;
  try {
    creds = await source.credentials(role, { interactive: input.autoLogin });
  } catch (e) {
    // A credential_process failure is shown by the AWS tool as is: one line that says what to
    // do, without the extra hint lines (--aws-profile's errors already are one line).
    if (e instanceof NotLoggedInError && e.hints.length > 0) {
      throw new NotLoggedInError(`${e.message}; ${e.hints[0]}`, { cause: e });
    }
    throw e;
  }
  services.output.out(formatCredentialProcess(creds, {
    tzOffsetMinutes: localOffsetMinutes(creds.expiration),
  }));
}

/** Builds the `process` command. */
export function processCommand(app: App): CommandUnknownOpts {
  const processCmd = addRoleOptions(
    new Command("process")
      .description(
        "print role credentials as credential_process JSON (for ~/.aws/config profiles)",
      ),
    { env: false, exclusive: true },
  )
    .option("--auto-login", "log in (browser) when there is no valid AWS SSO session")
    .action(async (opts, cmd) => {
      const ctx = app.context(cmd);
      await runProcess({ selection: roleSelection(cmd), autoLogin: opts.autoLogin === true }, ctx);
    });
  return addAwsProfileOptions(processCmd);
}
