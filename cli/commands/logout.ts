/**
 * `aws-sso logout`: deletes the cached role credentials of the
 * instance, deletes the SSO token and ends the portal session (which signs the browser out too).
 * The client registration is kept, so the next login needs no new registration. The `file`
 * store's data key leaves the kernel keyring: the next command asks for the password.
 *
 * @module
 */
import { Command, type CommandUnknownOpts } from "@commander-js/extra-typings";
import type { Context } from "../context.ts";
import type { App } from "../program.ts";
import { tokenManager } from "../services/auth.ts";

async function forgetRoleCredentials(ctx: Context): Promise<void> {
  const { flushRoleCredentials } = await import("../services/flush.ts");
  const deleted = (await flushRoleCredentials(ctx)).length;
  ctx.logger.info("Deleted cached AWS STS credentials", { count: deleted });
}

async function forgetStoreKey(ctx: Context): Promise<void> {
  const { forgetStoreKey } = await import("../services/flush.ts");
  await forgetStoreKey(ctx);
}

/**
 * Deletes the instance's cached role credentials and SSO token, ends the portal session and
 * forgets the `file` store's key (also when a step fails: the first error is thrown).
 */
export async function runLogout(services: Context): Promise<void> {
  try {
    await forgetRoleCredentials(services);
    const manager = await tokenManager(services, false);
    await manager.logout();
  } catch (e) {
    // Also when not logged in: the cached store key must not outlive a logout. The first
    // error is the one to report.
    await forgetStoreKey(services).catch(() => {});
    throw e;
  }
  await forgetStoreKey(services);
  services.logger.info(`Logged out of AWS SSO instance ${(await services.instance()).name}`);
}

/** Builds the `logout` command. */
export function logoutCommand(app: App): CommandUnknownOpts {
  return new Command("logout")
    .description("log out of AWS SSO: forget the session and the cached role credentials")
    .action(async (_opts, cmd) => await runLogout(app.context(cmd)));
}
