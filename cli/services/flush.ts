/**
 * Forgetting cached secrets without ending the AWS SSO session (`flush`, the 1.x command):
 * the role credentials of the selected instance, or its SSO token. `logout` does both and also
 * signs out at AWS.
 *
 * ```ts
 * import type { Context } from "../context.ts";
 * declare const ctx: Context;
 * const arns = await flushRoleCredentials(ctx); // the ARNs whose credentials were deleted
 * const had = await flushSsoToken(ctx);         // false when no token was stored
 * await forgetStoreKey(ctx);                     // the next process asks for the password
 * ```
 *
 * @module
 */
import type { RoleSet } from "../../lib/roles/role.ts";
import type { Context } from "../context.ts";
import { secureStore } from "./store.ts";
import { errorMessage } from "../../lib/errors.ts";

async function instanceRoles(ctx: Context): Promise<RoleSet | undefined> {
  const { roleCache } = await import("./roles.ts");
  try {
    return (await roleCache(ctx, { refreshIfExpired: false })).roles;
  } catch (e) {
    ctx.logger.warn(`Cannot read the role cache: ${errorMessage(e)}`);
    return undefined;
  }
}

/**
 * Deletes the stored role credentials of the selected instance — those of the roles in its
 * cache, or every stored one when config.yaml has only this instance (credentials are stored
 * by ARN alone) — and clears the `Expires` of its roles in cache.json (and of the deleted roles
 * in other instances' sections). The credential_process hot path reads the same store items, so
 * it stops serving them too. Returns the ARNs deleted.
 */
export async function flushRoleCredentials(ctx: Context): Promise<string[]> {
  const [store, settings] = await Promise.all([secureStore(ctx), ctx.settings()]);
  const onlyInstance = Object.keys(settings.ssoConfig).length === 1;
  const stored = await store.listRoleCredentialArns();
  const roles = onlyInstance || stored.length === 0 ? undefined : await instanceRoles(ctx);
  const arns = stored.filter((arn) => onlyInstance || roles?.byArn(arn) !== undefined);
  if (arns.length > 0) await store.deleteRoleCredentialsMany(arns);
  const { roleCacheFile, updateInstanceCache } = await import("./roles.ts");
  await updateInstanceCache(ctx, (section) => {
    for (const account of Object.values(section.accounts)) {
      for (const role of Object.values(account.roles)) delete role.expires;
    }
  });
  if (!onlyInstance && arns.length > 0) {
    // Instances that share an Identity Center list the same roles.
    const [{ updateRoleCache }, instance] = await Promise.all([
      import("../../lib/roles/cache_file.ts"),
      ctx.instance(),
    ]);
    const deleted = new Set(arns);
    await updateRoleCache(roleCacheFile(ctx), (cache) => {
      for (const [name, section] of Object.entries(cache.sso)) {
        if (name === instance.name) continue;
        for (const account of Object.values(section.accounts)) {
          for (const role of Object.values(account.roles)) {
            if (deleted.has(role.arn)) delete role.expires;
          }
        }
      }
    });
  }
  return arns;
}

/**
 * Deletes the selected instance's stored SSO token (the client registration stays, and the
 * session is not ended at AWS). Returns false when no token was stored.
 */
export async function flushSsoToken(ctx: Context): Promise<boolean> {
  const [store, instance] = await Promise.all([secureStore(ctx), ctx.instance()]);
  return await store.deleteToken(instance);
}

/**
 * Drops the `file` store's data key from the kernel keyring (`logout`, `flush --type all`), so
 * no later process reads the store without the password; other stores keep no such key.
 */
export async function forgetStoreKey(ctx: Context): Promise<void> {
  await (await secureStore(ctx)).forgetCachedKey();
}
