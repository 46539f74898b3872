/**
 * Set-up shared by the in-process tests of the role-using commands (process, exec, eval,
 * credentials, console, ecs load): config.yaml for the emulator's instance, the services of a
 * run with a signed-in session, the role cache filled from the emulator, role selections.
 *
 * @module
 */
import type { CommandUnknownOpts } from "@commander-js/extra-typings";
import type { Context } from "../../../cli/context.ts";
import type { App } from "../../../cli/program.ts";
import type { RoleSelection } from "../../../cli/role_options.ts";
import type { AwsProfileRequest } from "../../../cli/services/aws_cli_profile.ts";
import type { RoleArgs } from "../../../cli/services/creds.ts";
import { refreshRoles } from "../../../cli/services/roles.ts";
import {
  awsCliTimestamp,
  awsCliTokenCacheDir,
  awsCliTokenCachePath,
  renderAwsCliToken,
} from "../../../lib/sso/aws_cli_token_cache.ts";
import type { Emulator } from "../../emulator/emulator.ts";
import {
  type CommandServices,
  commandServices,
  type CommandServicesOptions,
} from "../../fakes/command_services.ts";
import { storeSignedInSession } from "../../fakes/signed_in_session.ts";

/** The emulator's first role. */
export const ADMIN = "arn:aws:iam::012345678901:role/AdministratorAccess";
/** Its profile name under the default (friendly) ProfileFormat. */
export const ADMIN_PROFILE = "production:AdministratorAccess";
/** Another role of the emulator. */
export const READONLY = "arn:aws:iam::123456789012:role/ReadOnlyAccess";
/** Its profile name. */
export const READONLY_PROFILE = "staging:ReadOnlyAccess";

/** config.yaml for the emulator's instance `Default`; `instanceYaml` goes under it. */
export function emulatorConfig(emu: Emulator, instanceYaml = "", topYaml = ""): string {
  return `${topYaml}
SSOConfig:
  Default:
    SSORegion: us-east-1
    StartUrl: ${emu.startUrl}
${instanceYaml}`;
}

/** Options of {@link roleRun}. */
export interface RoleRunOptions extends Omit<CommandServicesOptions, "emulator"> {
  /** Store a signed-in SSO session (default true). */
  signedIn?: boolean;
  /** Fill the role cache from the emulator (default true; needs `signedIn`). */
  cache?: boolean;
}

/** The services of a run against `emu` with config.yaml, a session and the role cache. */
export async function roleRun(
  emu: Emulator,
  options: RoleRunOptions = {},
): Promise<CommandServices> {
  const t = await commandServices({ config: emulatorConfig(emu), ...options, emulator: emu });
  if (options.signedIn !== false) {
    await storeSignedInSession(emu, t.store, 3600_000);
    if (options.cache !== false) await refreshRoles(t.next());
  }
  emu.resetCounters();
  t.output.stdout = "";
  t.output.stderr = "";
  return t;
}

/** A role selection as `roleSelection()` parses it, with the flags given on the command line. */
export function selection(args: RoleArgs = {}, awsProfile?: AwsProfileRequest): RoleSelection {
  const given = (["profile", "arn", "account", "role"] as const).filter((k) =>
    args[k] !== undefined
  );
  return { args, given: [...given], awsProfile };
}

/** The AWS CLI profile {@link writeAwsCliProfile} writes: role Developer in 012345678901. */
export const AWS_PROFILE_ROLE = "arn:aws:iam::012345678901:role/Developer";

/**
 * Writes `~/.aws/config` with profile `p` (sso-session `corp`, role Developer, region
 * eu-west-1) and, unless `token` is false, the AWS CLI's cached token of `aws sso login`.
 */
export async function writeAwsCliProfile(
  emu: Emulator,
  home: string,
  options: { token?: boolean } = {},
): Promise<AwsProfileRequest> {
  await Deno.mkdir(`${home}/.aws`, { recursive: true });
  await Deno.writeTextFile(
    `${home}/.aws/config`,
    `[sso-session corp]
sso_start_url = ${emu.startUrl}
sso_region = ${emu.region}
sso_registration_scopes = sso:account:access

[profile p]
sso_session = corp
sso_account_id = 012345678901
sso_role_name = Developer
region = eu-west-1
`,
  );
  if (options.token !== false) {
    const issued = emu.issueToken();
    const path = await awsCliTokenCachePath(awsCliTokenCacheDir(home), "corp");
    await Deno.mkdir(path.slice(0, path.lastIndexOf("/")), { recursive: true });
    await Deno.writeTextFile(
      path,
      renderAwsCliToken({
        startUrl: emu.startUrl,
        region: emu.region,
        accessToken: issued.accessToken,
        expiresAt: awsCliTimestamp(Date.now() + 3600_000),
      }),
      { mode: 0o600 },
    );
  }
  return { name: "p", flags: {} };
}

/** An App whose commands run over `services`, recording the exit code they set. */
export function appOver(services: Context): App & { exitCode?: number } {
  const app: App & { exitCode?: number } = {
    context: () => services,
    setExitCode(code) {
      app.exitCode = code;
    },
  };
  return app;
}

/** Parses `args` with `command` (built for {@link appOver}) and runs its action in-process. */
export async function runWired(command: CommandUnknownOpts, args: string[]): Promise<void> {
  command.exitOverride().configureOutput({ writeErr: () => {}, writeOut: () => {} });
  await command.parseAsync(args, { from: "user" });
}
