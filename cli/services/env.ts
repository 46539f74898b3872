/**
 * The environment variables of a role's credentials (docs/design.md §2.3) for `exec` and
 * `eval`: region decided from config.yaml and the current environment, `EnvVarTags`, the
 * profile name, the local time zone.
 *
 * @module
 */
import { credentialEnvVars, defaultRegion, type EnvVar } from "../../lib/creds/env_vars.ts";
import type { RoleCredentials } from "../../lib/creds/role_credentials.ts";
import type { RoleFlat } from "../../lib/roles/role.ts";
import type { Context } from "../context.ts";
import { localOffsetMinutes } from "../host.ts";

/** Region flags. */
export interface RegionFlags {
  /** `--no-region`. */
  noRegion: boolean;
  /** `--overwrite-region` (eval) / `--overwrite-env` (exec). */
  overwriteRegion: boolean;
}

/** The variables to set (and unset) for `role`'s credentials, sorted by name. */
export async function roleEnvVars(
  ctx: Context,
  role: RoleFlat,
  creds: RoleCredentials,
  flags: RegionFlags,
): Promise<EnvVar[]> {
  const [settings, instance] = await Promise.all([ctx.settings(), ctx.instance()]);
  const account = instance.accounts[creds.accountId];
  const { region, reason } = defaultRegion({
    candidates: [
      account?.roles[creds.roleName]?.defaultRegion,
      account?.defaultRegion,
      instance.defaultRegion,
      settings.defaultRegion,
    ],
    env: ctx.env,
    noRegion: flags.noRegion,
    overwrite: flags.overwriteRegion,
  });
  ctx.logger.debug("region", { region, reason });
  if (role.ProfileName === "") {
    ctx.logger.warn(
      `${role.Arn} is not in the role cache, so AWS_SSO_PROFILE is not set (run "aws-sso cache")`,
    );
  }
  return credentialEnvVars({
    creds,
    instance: instance.name,
    profile: role.ProfileName === "" ? undefined : role.ProfileName,
    region,
    tags: role.Tags,
    envVarTags: settings.envVarTags,
    tzOffsetMinutes: localOffsetMinutes(creds.expiration),
  });
}
