/**
 * Role selection and role credentials as commands use them (`process`, `exec`, `eval`,
 * `credentials`, `console`, `ecs`):
 *
 * ```ts
 * import type { Context } from "../context.ts";
 * declare const ctx: Context;
 * const role = await selectRole(ctx, { profile: "prod:Admin" }, { allowPicker: true });
 * const creds = await roleCredentials(ctx, role); // 20/15-minute rules, Via chains
 * const fresh = await roleCredentials(ctx, role, { forceRefresh: true, interactive: true });
 * ```
 *
 * @module
 */
import { isAccountId, normalizeAccountId } from "../../lib/account_id.ts";
import { parseRoleArn, roleArn, type RoleRef } from "../../lib/arn.ts";
import {
  type ChainLink,
  type RoleCredentialProvider,
  type RoleCredentials,
} from "../../lib/creds/role_credentials.ts";
import { AwsApiError, errorMessage, ProfileNotFoundError, UsageError } from "../../lib/errors.ts";
import type { RoleFlat } from "../../lib/roles/role.ts";
import type { SsoInstance } from "../../lib/settings/settings.ts";
import { portalError } from "../../lib/sso/portal_error.ts";
import { type Context, ServiceSlot } from "../context.ts";

export type { RoleCredentials } from "../../lib/creds/role_credentials.ts";

/** The role-selecting flags of a command (already merged with their environment variables). */
export interface RoleArgs {
  /** `--profile`. */
  profile?: string;
  /** `--arn` (full ARN or `<account>:<RoleName>`). */
  arn?: string;
  /** `--account`. */
  account?: string;
  /** `--role`. */
  role?: string;
}

/** Options of {@link selectRole}. */
export interface SelectRoleOptions {
  /** Show the interactive picker when no flag names a role. */
  allowPicker: boolean;
  /**
   * Look `--arn` / `--account`+`--role` up in the role cache (default true). `process` passes
   * false: it needs only the ARN, and the cache may hold thousands of roles.
   */
  useCache?: boolean;
}

/** Options of {@link roleCredentials}. */
export interface RoleCredentialsOptions {
  /** Fetch new credentials whatever the store holds (default: the `--sts-refresh` flag). */
  forceRefresh?: boolean;
  /** May a missing SSO session start a browser login (`--auto-login`; AutoLogin always may). */
  interactive?: boolean;
}

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v === "" ? undefined : v;
}

async function cachedRoles(ctx: Context) {
  const { roleCache } = await import("./roles.ts");
  return (await roleCache(ctx, { refreshIfExpired: false })).roles;
}

/**
 * Resolves the role as the reference tool does: `--profile`, then `--arn`, then
 * `--account` + `--role` (only one of them is a UsageError), else the picker when allowed, else a
 * UsageError naming the flags. A role given by ARN or account + role that is not in the cache is
 * still returned (built from config.yaml; its `ProfileName` is then "").
 */
export async function selectRole(
  ctx: Context,
  args: RoleArgs,
  options: SelectRoleOptions,
): Promise<RoleFlat> {
  const profile = nonEmpty(args.profile);
  const arn = nonEmpty(args.arn);
  const account = nonEmpty(args.account);
  const role = nonEmpty(args.role);
  const useCache = options.useCache !== false;
  if (profile !== undefined) {
    const roles = await cachedRoles(ctx);
    const found = roles.byProfile(profile);
    if (found === undefined) {
      // The name may be one ProfileFormat failed to give: say why instead of "not found".
      if (roles.profileError !== undefined) throw roles.profileError;
      throw new ProfileNotFoundError(
        `Invalid --profile ${profile}: no role has that profile name`,
        {
          hints: [
            'run "aws-sso list" to see the profile names',
            'run "aws-sso cache" if the role is new',
          ],
        },
      );
    }
    return found;
  }
  let ref: RoleRef | undefined;
  if (arn !== undefined) {
    try {
      ref = parseRoleArn(arn);
    } catch (e) {
      throw new UsageError(`Invalid --arn: ${errorMessage(e)}`);
    }
  } else if (account !== undefined || role !== undefined) {
    if (account === undefined || role === undefined) {
      throw new UsageError("Must specify both --account and --role");
    }
    if (!isAccountId(account)) {
      throw new UsageError(`Invalid --account ${account}: expected a 12-digit account id`);
    }
    ref = { accountId: normalizeAccountId(account), roleName: role };
  }
  if (ref !== undefined) {
    const found = useCache
      ? (await cachedRoles(ctx)).byArn(roleArn(ref.accountId, ref.roleName))
      : undefined;
    if (found !== undefined) return found;
    // Lazily: role.ts brings the template engine, which `process --arn` does not need.
    const [{ roleFromConfig }, instance] = await Promise.all([
      import("../../lib/roles/role.ts"),
      ctx.instance(),
    ]);
    return roleFromConfig(ref, instance);
  }
  if (!options.allowPicker) {
    throw new UsageError("no role selected", {
      hints: [
        "name the role with --profile <name>, --arn <arn>, or --account <id> and --role <name>",
      ],
    });
  }
  const [{ roleCache }, { pickRole }] = await Promise.all([
    import("./roles.ts"),
    import("../picker.ts"),
  ]);
  const { roles } = await roleCache(ctx, { refreshIfExpired: true });
  return await pickRole(ctx, roles);
}

/** The `Via` links of the selected instance's roles, from config.yaml. */
function chainLinks(instance: SsoInstance): (arn: string) => ChainLink | undefined {
  return (arn) => {
    const ref = parseRoleArn(arn);
    const config = instance.accounts[ref.accountId]?.roles[ref.roleName];
    if (config?.via === undefined || config.via === "") return undefined;
    return {
      via: config.via,
      externalId: config.externalId,
      sourceIdentity: config.sourceIdentity,
    };
  };
}

const PROVIDER = new ServiceSlot<Promise<RoleCredentialProvider>>("role credentials");
const PROVIDER_INTERACTIVE = new ServiceSlot<Promise<RoleCredentialProvider>>(
  "role credentials (may log in)",
);

function provider(ctx: Context, interactive: boolean): Promise<RoleCredentialProvider> {
  return ctx.service(interactive ? PROVIDER_INTERACTIVE : PROVIDER, async () => {
    const [settings, instance, http, { secureStore }, { RoleCredentialProvider }] = await Promise
      .all([
        ctx.settings(),
        ctx.instance(),
        ctx.http(),
        import("./store.ts"),
        import("../../lib/creds/role_credentials.ts"),
      ]);
    const store = await secureStore(ctx);
    const endpoints = ctx.endpointOptions();
    return new RoleCredentialProvider({
      store,
      async accessToken(arn) {
        const { accessToken } = await import("./auth.ts");
        return await accessToken(ctx, { interactive, purpose: `get credentials for ${arn}` });
      },
      async getRoleCredentials(token, accountId, roleName) {
        const { PortalClient } = await import("../../lib/sso/portal_client.ts");
        const portal = new PortalClient(http, instance.ssoRegion, endpoints);
        try {
          return await portal.getRoleCredentials(token, accountId, roleName);
        } catch (e) {
          if (e instanceof AwsApiError && e.code === "UnauthorizedException") {
            const { tokenRejected } = await import("./auth.ts");
            await tokenRejected(ctx, token);
          }
          const login = Object.keys(settings.ssoConfig).length > 1
            ? `aws-sso login --sso ${instance.name}`
            : "aws-sso login";
          throw portalError(e, {
            what: roleArn(accountId, roleName),
            role: "this role",
            loginCommand: login,
            oneLine: false,
            noAccessHint: 'run "aws-sso cache" to refresh the roles you can use',
          });
        }
      },
      async assumeRole(source, request) {
        const { StsClient } = await import("../../lib/aws/sts_client.ts");
        return await new StsClient(http, instance.ssoRegion, endpoints).assumeRole(source, request);
      },
      chainOf: chainLinks(instance),
      clock: ctx.clock,
      logger: ctx.logger,
      lockDir: ctx.paths.lockDir,
      onLockWait: (holder) =>
        ctx.output.err(`Waiting for another aws-sso process to finish: ${holder}\n`),
      async onFetched(creds) {
        const { setRoleExpiry } = await import("./roles.ts");
        await setRoleExpiry(ctx, creds.arn, Math.floor(creds.expiration / 1000));
      },
    });
  });
}

/**
 * Valid credentials for `role`: from the secure store while at least 20 minutes remain, else
 * fetched (sso:GetRoleCredentials, or sts:AssumeRole through `Via`) once across processes and
 * stored; the role's `Expires` is recorded in the cache. Throws NotLoggedInError when a fetch is
 * needed and there is no SSO session (a login starts only with `interactive` or AutoLogin).
 */
export async function roleCredentials(
  ctx: Context,
  role: RoleFlat,
  options: RoleCredentialsOptions = {},
): Promise<RoleCredentials> {
  const p = await provider(ctx, options.interactive === true);
  return await p.get(role.Arn, { forceRefresh: options.forceRefresh ?? ctx.globals.stsRefresh });
}
