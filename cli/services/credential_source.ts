/**
 * Where a command's role credentials come from: the roles of config.yaml's SSO instance, or an
 * AWS CLI profile (`--aws-profile`, cli/services/aws_cli_profile.ts). Commands ask for the
 * source of their options once and then use it the same way either way:
 *
 * ```ts
 * import type { Context } from "../context.ts";
 * declare const ctx: Context;
 * import type { RoleSelection } from "../role_options.ts";
 * declare const selection: RoleSelection;
 * const source = await credentialSource(ctx, selection);
 * const role = await source.role({ allowPicker: true });
 * const creds = await source.credentials(role);
 * const vars = await source.envVars(role, creds, { noRegion: false, overwriteRegion: false });
 * ```
 *
 * @module
 */
import type { HttpDeps } from "../../lib/aws/json_client.ts";
import type { EnvVar } from "../../lib/creds/env_vars.ts";
import type { RoleCredentials } from "../../lib/creds/role_credentials.ts";
import type { RoleFlat } from "../../lib/roles/role.ts";
import type { Settings, SsoInstance } from "../../lib/settings/settings.ts";
import type { Context } from "../context.ts";
import type { RoleSelection } from "../role_options.ts";
import type { RoleCredentialsOptions, SelectRoleOptions } from "./creds.ts";
import type { RegionFlags } from "./env.ts";

/** The role credentials of one command run, from config.yaml's roles or an AWS CLI profile. */
export interface CredentialSource {
  /** Settings (config.yaml's; for an AWS CLI profile without config.yaml, the defaults). */
  settings(): Promise<Settings>;
  /** The SSO instance (for an AWS CLI profile, its SSO settings in the shape of one). */
  instance(): Promise<SsoInstance>;
  /** HTTP for AWS calls with the retry policy of {@link settings}. */
  http(): Promise<HttpDeps>;
  /**
   * The role the options name. An AWS CLI profile names exactly one; for config.yaml's roles
   * see `selectRole` (cli/services/creds.ts) for `options`.
   */
  role(options: SelectRoleOptions): Promise<RoleFlat>;
  /**
   * Valid credentials for `role` (cached while 20 minutes remain, else fetched and stored). An
   * AWS CLI profile's login policy comes from the profile and `--interactive`, not `options`.
   */
  credentials(role: RoleFlat, options?: RoleCredentialsOptions): Promise<RoleCredentials>;
  /** The environment variables of `creds` for `exec` and `eval`. */
  envVars(role: RoleFlat, creds: RoleCredentials, flags: RegionFlags): Promise<EnvVar[]>;
  /** Records `role` in History (an AWS CLI profile's role has none: nothing is recorded). */
  recordUse(role: RoleFlat): Promise<void>;
}

/** config.yaml's roles: selection as the reference tool does it, credentials as docs/design.md §2.3 says. */
function configSource(ctx: Context, selection: RoleSelection): CredentialSource {
  return {
    settings: () => ctx.settings(),
    instance: () => ctx.instance(),
    http: () => ctx.http(),
    async role(options) {
      const { selectRole } = await import("./creds.ts");
      return await selectRole(ctx, selection.args, options);
    },
    async credentials(role, options) {
      const { roleCredentials } = await import("./creds.ts");
      return await roleCredentials(ctx, role, options);
    },
    async envVars(role, creds, flags) {
      const { roleEnvVars } = await import("./env.ts");
      return await roleEnvVars(ctx, role, creds, flags);
    },
    async recordUse(role) {
      const { recordRoleUse } = await import("./roles.ts");
      await recordRoleUse(ctx, role.Arn);
    },
  };
}

/** The credential source of `selection`: its `--aws-profile` when given, else config.yaml. */
export async function credentialSource(
  ctx: Context,
  selection: RoleSelection,
): Promise<CredentialSource> {
  if (selection.awsProfile === undefined) return configSource(ctx, selection);
  const { awsProfileSource } = await import("./aws_cli_profile.ts");
  return awsProfileSource(ctx, selection.awsProfile);
}
