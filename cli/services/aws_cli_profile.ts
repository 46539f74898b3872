/**
 * `--aws-profile <name>` for `process`, `exec`, `eval` and `console` (issue 10): role
 * credentials for a profile made by `aws configure sso`, from the AWS CLI's own SSO token cache
 * (`aws sso login`), with no aws-sso config.yaml needed.
 *
 * ```ts
 * // command definition
 * return addAwsProfileOptions(new Command("process") ... .action(...));
 * // in the action
 * const request = awsProfileRequest(cmd);             // undefined without --aws-profile
 * if (request !== undefined) {
 *   const { creds } = await awsProfileCredentials(ctx, request);
 * }
 * ```
 *
 * - `~/.aws/config` (`AWS_CONFIG_FILE`) is read with the AWS SDK's own parser; the settings
 *   resolve flag > environment > profile (lib/aws_config/sso_profile.ts).
 * - The SSO token comes from `~/.aws/sso/cache/<sha1>.json`, refreshed and written back in the
 *   AWS CLI's format when it nears expiry (lib/sso/aws_cli_token_provider.ts).
 * - Role credentials are cached in aws-sso's secure store under the role's ARN, with the same
 *   20/15-minute rules and cross-process single flight as the native path. Without config.yaml
 *   the store is the auto-detected one in the default config directory.
 *
 * @module
 */
import { type CommandUnknownOpts, Option } from "@commander-js/extra-typings";
import type { HttpDeps } from "../../lib/aws/json_client.ts";
import { retryPolicy } from "../../lib/aws/retry.ts";
import type { SsoProfile } from "../../lib/aws_config/sso_profile.ts";
import type { EnvVar } from "../../lib/creds/env_vars.ts";
import type { RoleCredentialProvider, RoleCredentials } from "../../lib/creds/role_credentials.ts";
import {
  AwsApiError,
  AwsSsoError,
  NotLoggedInError,
  ProfileNotFoundError,
  UsageError,
} from "../../lib/errors.ts";
import type { RoleFlat } from "../../lib/roles/role.ts";
import {
  assertSettingsUsable,
  type Settings,
  type SsoInstance,
} from "../../lib/settings/settings.ts";
import type { LoginInterface } from "../../lib/sso/login_flow.ts";
import { ConfigNotFoundError, type Context, keyedService, ServiceSlot } from "../context.ts";
import type { RegionFlags } from "./env.ts";
import { localOffsetMinutes } from "../local_time.ts";

/** What `--aws-profile` and its override flags asked for. */
export interface AwsProfileRequest {
  /** The AWS CLI profile name. */
  name: string;
  /** `--account`, `--role`, `--sso-start-url`, `--sso-region`, `--interactive`. */
  flags: {
    accountId?: string;
    roleName?: string;
    startUrl?: string;
    ssoRegion?: string;
    interactive?: boolean;
  };
}

/** Options of {@link awsProfileCredentials}. */
export interface AwsProfileCredentialsOptions {
  /** Fetch new role credentials whatever the store holds (default: `--sts-refresh`). */
  forceRefresh?: boolean;
}

/** Credentials of an AWS CLI profile, with the resolved profile. */
export interface AwsProfileCredentials {
  /** The profile as resolved (account, role, SSO settings). */
  profile: SsoProfile;
  /** The role credentials. */
  creds: RoleCredentials;
}

/** What `console --aws-profile` signs in with (the shape of console.ts's session). */
export interface AwsProfileConsoleSession {
  /** The credentials to exchange for a sign-in token. */
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken: string };
  /** Always false: the portal's credentials are not chained. */
  chained: boolean;
  /** The role, named by the profile (container name, region). */
  role: RoleFlat;
  /** Container name fallback. */
  fallbackName: string;
}

/** What `console --aws-profile` needs besides the credentials. */
export interface AwsProfileConsole {
  /** config.yaml's settings, or the defaults when there is none. */
  settings: Settings;
  /** The profile's SSO settings in the shape of an instance (federation region, issuer). */
  instance: SsoInstance;
  /** HTTP for the federation endpoint (config.yaml's retry policy, else the defaults). */
  http: HttpDeps;
  /** Fetches the credentials (after the caller has checked its other flags). */
  session(): Promise<AwsProfileConsoleSession>;
  /** The profile's role without credentials, for `console --portal`. */
  portalSession(): AwsProfilePortalSession;
}

/** What `console --portal --aws-profile` opens: the profile's account and permission set. */
export interface AwsProfilePortalSession extends Omit<AwsProfileConsoleSession, "credentials"> {
  /** The account and permission set the access portal signs in as. */
  identityCenterRole: { accountId: string; roleName: string };
}

/**
 * Adds `--aws-profile` and its companions to `command` (whose `-A/--account` and `-R/--role`
 * then override the profile's account and role).
 */
export function addAwsProfileOptions<T extends CommandUnknownOpts>(command: T): T {
  command
    .addOption(
      new Option(
        "--aws-profile <name>",
        "use this AWS CLI SSO profile of ~/.aws/config and the token of `aws sso login` " +
          "(no config.yaml needed)",
      ),
    )
    .addOption(
      new Option(
        "--sso-start-url <url>",
        "with --aws-profile: SSO start URL (default: $AWS_SSO_START_URL, then the profile)",
      ),
    )
    .addOption(
      new Option(
        "--sso-region <region>",
        "with --aws-profile: IAM Identity Center region (default: $AWS_SSO_REGION, then the profile)",
      ),
    )
    .addOption(
      new Option(
        "--interactive",
        "with --aws-profile: log in in the browser when there is no valid token",
      ),
    )
    .addOption(
      new Option(
        "--no-interactive",
        "with --aws-profile: never open a browser (overrides $AWS_SSO_INTERACTIVE_AUTH)",
      ),
    );
  return command;
}

function fromCli(cmd: CommandUnknownOpts, name: string): string | undefined {
  if (cmd.getOptionValueSource(name) !== "cli") return undefined;
  const v = cmd.getOptionValue(name);
  return typeof v === "string" ? v : undefined;
}

/**
 * The `--aws-profile` request of a command run, or undefined when `--aws-profile` was not
 * given. Throws UsageError when it is combined with a flag that names another role, or when a
 * companion flag comes without it.
 */
export function awsProfileRequest(cmd: CommandUnknownOpts): AwsProfileRequest | undefined {
  const name = fromCli(cmd, "awsProfile");
  const startUrl = fromCli(cmd, "ssoStartUrl");
  const ssoRegion = fromCli(cmd, "ssoRegion");
  const interactiveValue = cmd.getOptionValueSource("interactive") === "cli"
    ? cmd.getOptionValue("interactive")
    : undefined;
  if (name === undefined) {
    const stray = [
      startUrl !== undefined ? "--sso-start-url" : undefined,
      ssoRegion !== undefined ? "--sso-region" : undefined,
      interactiveValue === true ? "--interactive" : undefined,
      interactiveValue === false ? "--no-interactive" : undefined,
    ].filter((f) => f !== undefined);
    if (stray.length > 0) throw new UsageError(`${stray.join(", ")} requires --aws-profile`);
    return undefined;
  }
  if (name.trim() === "") throw new UsageError("--aws-profile needs a profile name");
  for (
    const [option, flag] of [
      ["profile", "--profile"],
      ["arn", "--arn"],
      ["refresh", "--refresh"],
      ["prompt", "--prompt"],
    ] as const
  ) {
    if (cmd.getOptionValueSource(option) === "cli" && cmd.getOptionValue(option) !== undefined) {
      throw new UsageError(`--aws-profile cannot be combined with ${flag}`, {
        hints: ["the profile names the role; override it with --account and --role"],
      });
    }
  }
  const autoLogin = cmd.getOptionValueSource("autoLogin") === "cli" &&
    cmd.getOptionValue("autoLogin") === true;
  return {
    name: name.trim(),
    flags: {
      accountId: fromCli(cmd, "account"),
      roleName: fromCli(cmd, "role"),
      startUrl,
      ssoRegion,
      interactive: typeof interactiveValue === "boolean"
        ? interactiveValue
        : autoLogin
        ? true
        : undefined,
    },
  };
}

/** config.yaml's settings, or undefined when there is no config.yaml. */
async function optionalSettings(ctx: Context): Promise<Settings | undefined> {
  try {
    return await ctx.settings();
  } catch (e) {
    if (e instanceof ConfigNotFoundError) return undefined;
    throw e;
  }
}

async function httpDeps(ctx: Context): Promise<HttpDeps> {
  if (await optionalSettings(ctx) !== undefined) return await ctx.http();
  return { fetch: ctx.fetch, clock: ctx.clock, logger: ctx.logger, retry: retryPolicy() };
}

/** Resolved profiles by request, and their credential providers by profile, for this run. */
const PROFILES = new ServiceSlot<Map<string, Promise<SsoProfile>>>("AWS CLI profiles");
const PROVIDERS = new ServiceSlot<Map<string, Promise<RoleCredentialProvider>>>(
  "AWS CLI profile credentials",
);

/**
 * Reads profile `request.name` from `~/.aws/config` with the AWS SDK's parser and resolves it
 * with the flags and environment (once per run).
 */
export function loadAwsProfile(ctx: Context, request: AwsProfileRequest): Promise<SsoProfile> {
  return keyedService(ctx, PROFILES, JSON.stringify(request), async () => {
    const file = ctx.paths.awsConfigFile;
    const [{ loadSharedConfigFiles, loadSsoSessionData }, { resolveSsoProfile, shellWord }] =
      await Promise.all([
        import("@smithy/core/config"),
        import("../../lib/aws_config/sso_profile.ts"),
      ]);
    // The SDK's loader reads a missing or unreadable file as an empty one: check it first, so
    // the message says what is wrong with the file rather than "no such profile".
    try {
      using handle = await Deno.open(file, { read: true });
      if (!(await handle.stat()).isFile) {
        throw new AwsSsoError(`cannot read ${ctx.display(file)}: it is not a file`);
      }
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) {
        throw new ProfileNotFoundError(
          `AWS profile ${request.name} is not in ${ctx.display(file)}: the file does not exist`,
          {
            hints: [
              `create the profile with "aws configure sso --profile ${shellWord(request.name)}"`,
            ],
          },
        );
      }
      if (e instanceof AwsSsoError) throw e;
      throw new AwsSsoError(`cannot read ${ctx.display(file)}: ${(e as Error).message}`, {
        cause: e,
      });
    }
    // The credentials file is not needed: point the loader at the config file twice (it reads
    // a path once per process), so ~/.aws/credentials is never opened.
    const [files, sessions] = await Promise.all([
      loadSharedConfigFiles({ configFilepath: file, filepath: file }),
      loadSsoSessionData({ configFilepath: file }),
    ]);
    const profiles: Record<string, Record<string, string | undefined>> = {};
    for (const [key, section] of Object.entries(files.configFile)) {
      // The SDK keeps `[sso-session x]` and `[services y]` among the profiles, prefixed.
      if (key.startsWith("sso-session.") || key.startsWith("services.")) continue;
      profiles[key] = section;
    }
    const profile = resolveSsoProfile(
      request.name,
      { profiles, ssoSessions: sessions },
      request.flags,
      ctx.env,
      ctx.display(file),
    );
    ctx.logger.debug("AWS CLI profile", {
      profile: profile.name,
      ssoSession: profile.sessionName,
      startUrl: `${profile.startUrl} (${profile.sources.startUrl})`,
      ssoRegion: `${profile.ssoRegion} (${profile.sources.ssoRegion})`,
      account: `${profile.accountId} (${profile.sources.accountId})`,
      role: `${profile.roleName} (${profile.sources.roleName})`,
      interactive: `${profile.interactive} (${profile.sources.interactive})`,
    });
    return profile;
  });
}

/** How an interactive login talks to the user (config.yaml's URL settings when there is one). */
async function loginInterface(
  ctx: Context,
  profile: SsoProfile,
  settings: Settings | undefined,
): Promise<LoginInterface> {
  const [{ promptTerminal }, { urlOpenerFor }] = await Promise.all([
    import("../tty.ts"),
    import("../url_opener.ts"),
  ]);
  const terminal = promptTerminal(ctx);
  if (ctx.globals.urlAction === undefined && settings !== undefined) {
    assertSettingsUsable(settings, "UrlAction");
  }
  const opener = urlOpenerFor(ctx, {
    action: ctx.globals.urlAction ?? settings?.urlAction ?? "open",
    browser: ctx.globals.browser ?? settings?.browser,
    execCommand: settings?.urlExecCommand ?? [],
    container: { name: profile.name, color: "blue", icon: "fingerprint" },
    notice: (text) => terminal.notice(text),
  });
  return { opener, notify: (text) => terminal.notice(text) };
}

function portalError(e: unknown, profile: SsoProfile): unknown {
  if (!(e instanceof AwsApiError)) return e;
  const what = `Cannot get credentials for AWS profile ${profile.name}`;
  if (e.code === "UnauthorizedException") {
    // One line, like every "not logged in" of credential_process.
    return new NotLoggedInError(
      `${what}: AWS SSO rejected the token (the session was ended or expired); run "${profile.loginCommand}"`,
      { cause: e },
    );
  }
  if (e.code === "ForbiddenException") {
    return new AwsApiError(
      `${what}: you have no access to role ${profile.roleName} in account ${profile.accountId}`,
      { code: e.code, status: e.status },
      { hints: ["check sso_account_id and sso_role_name of the profile"], cause: e },
    );
  }
  return e;
}

function roleProvider(ctx: Context, profile: SsoProfile): Promise<RoleCredentialProvider> {
  return keyedService(ctx, PROVIDERS, `${profile.name}:${profile.tokenCacheKey}`, async () => {
    const [
      settings,
      http,
      { secureStore },
      { RoleCredentialProvider },
      { PortalClient },
      { OidcClient },
      { AwsCliTokenProvider },
      { awsCliTokenCacheDir, awsCliTokenCachePath },
    ] = await Promise.all([
      optionalSettings(ctx),
      httpDeps(ctx),
      import("./store.ts"),
      import("../../lib/creds/role_credentials.ts"),
      import("../../lib/sso/portal_client.ts"),
      import("../../lib/sso/oidc_client.ts"),
      import("../../lib/sso/aws_cli_token_provider.ts"),
      import("../../lib/sso/aws_cli_token_cache.ts"),
    ]);
    const store = await secureStore(ctx, { configOptional: true });
    const endpoints = ctx.endpointOptions();
    const cachePath = await awsCliTokenCachePath(
      awsCliTokenCacheDir(ctx.paths.home),
      profile.tokenCacheKey,
    );
    const cacheName = cachePath.slice(cachePath.lastIndexOf("/") + 1).replace(/\.json$/, "");
    const onLockWait = (holder: string) =>
      ctx.output.err(`Waiting for another aws-sso process to finish: ${holder}\n`);
    const tokens = new AwsCliTokenProvider({
      profile,
      cachePath,
      lockPath: `${ctx.paths.lockDir}/aws-cli-sso-${cacheName}.lock`,
      oidc: new OidcClient(http, profile.ssoRegion, endpoints),
      endpoints,
      clock: ctx.clock,
      logger: ctx.logger,
      login: profile.interactive
        ? {
          ...await loginInterface(ctx, profile, settings),
          workflow: settings?.authWorkflow ?? (ctx.remoteSession ? "device_code" : "pkce"),
        }
        : undefined,
      onLockWait,
    });
    const portal = new PortalClient(http, profile.ssoRegion, endpoints);
    return new RoleCredentialProvider({
      store,
      accessToken: () => tokens.accessToken({ interactive: profile.interactive }),
      async getRoleCredentials(token, accountId, roleName) {
        try {
          return await portal.getRoleCredentials(token, accountId, roleName);
        } catch (e) {
          throw portalError(e, profile);
        }
      },
      assumeRole: () =>
        Promise.reject(new AwsSsoError("role chaining (Via) is not available with --aws-profile")),
      chainOf: () => undefined,
      clock: ctx.clock,
      logger: ctx.logger,
      lockDir: ctx.paths.lockDir,
      onLockWait,
    });
  });
}

/**
 * Valid credentials for the role of an AWS CLI profile: from aws-sso's secure store while at
 * least 20 minutes remain, else fetched with the AWS CLI's SSO token (refreshed, or logged in
 * when the profile is interactive) and stored. Throws NotLoggedInError with one line naming
 * `aws sso login --profile <name>` when there is no usable token.
 */
export async function awsProfileCredentials(
  ctx: Context,
  request: AwsProfileRequest,
  options: AwsProfileCredentialsOptions = {},
): Promise<AwsProfileCredentials> {
  const profile = await loadAwsProfile(ctx, request);
  const [provider, { roleArn }] = await Promise.all([
    roleProvider(ctx, profile),
    import("../../lib/arn.ts"),
  ]);
  const creds = await provider.get(roleArn(profile.accountId, profile.roleName), {
    forceRefresh: options.forceRefresh ?? ctx.globals.stsRefresh,
  });
  return { profile, creds };
}

/**
 * The environment variables of an AWS CLI profile's credentials for `exec` / `eval`: the same
 * set as for an aws-sso role, with `AWS_SSO_PROFILE` = the AWS profile, `AWS_SSO` = its
 * sso-session (else the profile name), and the region from the profile's `region`.
 */
export async function awsProfileEnvVars(
  ctx: Context,
  request: AwsProfileRequest,
  flags: RegionFlags,
): Promise<{ vars: EnvVar[]; arn: string }> {
  const [{ profile, creds }, { credentialEnvVars, defaultRegion }] = await Promise.all([
    awsProfileCredentials(ctx, request),
    import("../../lib/creds/env_vars.ts"),
  ]);
  const { region, reason } = defaultRegion({
    candidates: [profile.region],
    env: ctx.env,
    noRegion: flags.noRegion,
    overwrite: flags.overwriteRegion,
  });
  ctx.logger.debug("region", { region, reason });
  const vars = credentialEnvVars({
    creds,
    instance: profile.sessionName ?? profile.name,
    profile: profile.name,
    region,
    tags: {},
    envVarTags: [],
    tzOffsetMinutes: localOffsetMinutes(creds.expiration),
  });
  return { vars, arn: creds.arn };
}

/**
 * What `console --aws-profile` needs: settings (config.yaml's, else the defaults), the profile's
 * SSO settings as an instance, and a function that fetches the credentials.
 */
export async function awsProfileConsole(
  ctx: Context,
  request: AwsProfileRequest,
): Promise<AwsProfileConsole> {
  const [profile, loaded, http, { roleArn }] = await Promise.all([
    loadAwsProfile(ctx, request),
    optionalSettings(ctx),
    httpDeps(ctx),
    import("../../lib/arn.ts"),
  ]);
  let settings = loaded;
  if (settings === undefined) {
    const { defaultSettings } = await import("../../lib/settings/load_settings.ts");
    settings = defaultSettings({
      file: ctx.display(ctx.paths.configFile),
      configDir: ctx.paths.configDir,
      remoteSession: ctx.remoteSession,
    });
    if ((ctx.globals.browser ?? "") !== "") settings.browser = ctx.globals.browser;
  }
  const instance: SsoInstance = {
    name: profile.sessionName ?? profile.name,
    startUrl: profile.startUrl,
    ssoRegion: profile.ssoRegion,
    authUrlAction: settings.urlAction,
    accounts: {},
  };
  /** The profile's role as `console` shows it; `expiration` (epoch ms) when credentials exist. */
  const profileRole = (accountId: string, roleName: string, expiration?: number): RoleFlat => ({
    Id: -1,
    AccountId: Number(accountId),
    AccountIdPad: accountId,
    AccountName: "",
    AccountAlias: "",
    EmailAddress: "",
    ExpiresEpoch: expiration === undefined ? 0 : Math.floor(expiration / 1000),
    Expires: expiration === undefined ? "" : new Date(expiration).toISOString(),
    Arn: roleArn(accountId, roleName),
    RoleName: roleName,
    Profile: profile.name,
    DefaultRegion: profile.region ?? "",
    SSO: instance.name,
    SSORegion: profile.ssoRegion,
    StartUrl: profile.startUrl,
    Tags: {},
    Via: "",
    ProfileName: profile.name,
  });
  return {
    settings,
    instance,
    http,
    portalSession() {
      const { accountId, roleName } = profile;
      return {
        chained: false,
        role: profileRole(accountId, roleName),
        fallbackName: `${accountId}:${roleName}`,
        identityCenterRole: { accountId, roleName },
      };
    },
    async session() {
      const { creds } = await awsProfileCredentials(ctx, request);
      const role = profileRole(creds.accountId, creds.roleName, creds.expiration);
      return {
        credentials: {
          accessKeyId: creds.accessKeyId,
          secretAccessKey: creds.secretAccessKey,
          sessionToken: creds.sessionToken,
        },
        chained: false,
        role,
        fallbackName: `${creds.accountId}:${creds.roleName}`,
      };
    },
  };
}
