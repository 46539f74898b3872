/**
 * `aws-sso logout` (reference §1.5 logout, §4.6): deletes the cached role credentials of the
 * instance, deletes the SSO token and ends the portal session (which signs the browser out too).
 * The client registration is kept, so the next login needs no new registration.
 *
 * @module
 */
import { Command, type CommandUnknownOpts } from "@commander-js/extra-typings";
import type { RoleSet } from "../../lib/roles/role.ts";
import type { Context } from "../context.ts";
import type { App } from "../program.ts";
import { tokenManager } from "../services/auth.ts";
import { secureStore } from "../services/store.ts";

async function instanceRoles(ctx: Context): Promise<RoleSet | undefined> {
  const { roleCache } = await import("../services/roles.ts");
  try {
    return (await roleCache(ctx, { refreshIfExpired: false })).roles;
  } catch (e) {
    ctx.logger.warn(`Cannot read the role cache: ${(e as Error).message}`);
    return undefined;
  }
}

async function forgetRoleCredentials(ctx: Context): Promise<void> {
  const [store, settings] = await Promise.all([secureStore(ctx), ctx.settings()]);
  const roles = await instanceRoles(ctx);
  // Credentials are stored by ARN only; with one instance every stored ARN is its own.
  const onlyInstance = Object.keys(settings.ssoConfig).length === 1;
  const arns = (await store.listRoleCredentialArns())
    .filter((arn) => onlyInstance || roles?.byArn(arn) !== undefined);
  const deleted = arns.length === 0 ? 0 : await store.deleteRoleCredentialsMany(arns);
  const { updateInstanceCache } = await import("../services/roles.ts");
  await updateInstanceCache(ctx, (section) => {
    for (const account of Object.values(section.accounts)) {
      for (const role of Object.values(account.roles)) delete role.expires;
    }
  });
  ctx.logger.info("Deleted cached AWS STS credentials", { count: deleted });
}

/** Builds the `logout` command. */
export function logoutCommand(app: App): CommandUnknownOpts {
  return new Command("logout")
    .description("log out of AWS SSO: forget the session and the cached role credentials")
    .action(async (_opts, cmd) => {
      const ctx = app.context(cmd);
      await forgetRoleCredentials(ctx);
      const manager = await tokenManager(ctx, false);
      await manager.logout();
      ctx.logger.info(`Logged out of AWS SSO instance ${(await ctx.instance()).name}`);
    });
}
