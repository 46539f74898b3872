/**
 * `--aws-profile <name>` for `process`, `exec`, `eval` and `console` (issue 10): role
 * credentials for a profile made by `aws configure sso`, from the AWS CLI's own SSO token cache
 * (`aws sso login`), with no aws-sso config.yaml needed.
 *
 * ```ts
 * import { Command } from "@commander-js/extra-typings";
 * import type { Context } from "../context.ts";
 * declare const ctx: Context;
 * // command definition
 * const cmd = addAwsProfileOptions(new Command("process"));
 * // in the action
 * const request = awsProfileRequest(cmd); // undefined without --aws-profile
 * if (request !== undefined) {
 *   const source = awsProfileSource(ctx, request); // a CredentialSource
 *   const creds = await source.credentials(await source.role({ allowPicker: false }));
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
import { roleArn } from "../../lib/arn.ts";
import type { RoleCredentialProvider } from "../../lib/creds/role_credentials.ts";
import { AwsSsoError, errorMessage, ProfileNotFoundError, UsageError } from "../../lib/errors.ts";
import type { RoleFlat } from "../../lib/roles/role.ts";
import { assertSettingsUsable, type Settings } from "../../lib/settings/settings.ts";
import type { LoginInterface } from "../../lib/sso/login_flow.ts";
import { portalError } from "../../lib/sso/portal_error.ts";
import { ConfigNotFoundError, type Context, keyedService, ServiceSlot } from "../context.ts";
import type { CredentialSource } from "./credential_source.ts";
import { localOffsetMinutes } from "../host.ts";

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
      throw new AwsSsoError(`cannot read ${ctx.display(file)}: ${errorMessage(e)}`, {
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
          throw portalError(e, {
            what: `AWS profile ${profile.name}`,
            role: `role ${profile.roleName} in account ${profile.accountId}`,
            loginCommand: profile.loginCommand,
            // One line, like every "not logged in" of credential_process.
            oneLine: true,
            noAccessHint: "check sso_account_id and sso_role_name of the profile",
          });
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

/** The role an AWS CLI profile names, as a role record (it is not in aws-sso's cache). */
function profileRole(profile: SsoProfile): RoleFlat {
  return {
    Id: -1,
    AccountId: Number(profile.accountId),
    AccountIdPad: profile.accountId,
    AccountName: "",
    AccountAlias: "",
    EmailAddress: "",
    ExpiresEpoch: 0,
    Expires: "",
    Arn: roleArn(profile.accountId, profile.roleName),
    RoleName: profile.roleName,
    Profile: profile.name,
    DefaultRegion: profile.region ?? "",
    SSO: profile.sessionName ?? profile.name,
    SSORegion: profile.ssoRegion,
    StartUrl: profile.startUrl,
    Tags: {},
    Via: "",
    ProfileName: profile.name,
  };
}

/**
 * The credential source of `--aws-profile`: the role of an AWS CLI profile, its credentials
 * fetched with the AWS CLI's SSO token (refreshed, or logged in when the profile is
 * interactive) and cached in aws-sso's secure store with the same 20/15-minute rules as
 * config.yaml's roles. Without a usable token it throws NotLoggedInError with one line naming
 * `aws sso login --profile <name>`. Its environment variables name the AWS profile
 * (`AWS_SSO_PROFILE`) and its sso-session (`AWS_SSO`, else the profile name), with the region of
 * the profile's `region`; settings are config.yaml's, else the defaults.
 */
export function awsProfileSource(ctx: Context, request: AwsProfileRequest): CredentialSource {
  const profile = () => loadAwsProfile(ctx, request);
  return {
    async settings() {
      const loaded = await optionalSettings(ctx);
      if (loaded !== undefined) return loaded;
      const { defaultSettings } = await import("../../lib/settings/load_settings.ts");
      const settings = defaultSettings({
        file: ctx.display(ctx.paths.configFile),
        configDir: ctx.paths.configDir,
        remoteSession: ctx.remoteSession,
      });
      if ((ctx.globals.browser ?? "") !== "") settings.browser = ctx.globals.browser;
      return settings;
    },
    async instance() {
      const [p, settings] = await Promise.all([profile(), this.settings()]);
      return {
        name: p.sessionName ?? p.name,
        startUrl: p.startUrl,
        ssoRegion: p.ssoRegion,
        authUrlAction: settings.urlAction,
        accounts: {},
      };
    },
    http: () => httpDeps(ctx),
    async role() {
      return profileRole(await profile());
    },
    async credentials(role, options = {}) {
      const provider = await roleProvider(ctx, await profile());
      return await provider.get(role.Arn, {
        forceRefresh: options.forceRefresh ?? ctx.globals.stsRefresh,
      });
    },
    async envVars(_role, creds, flags) {
      const [p, { credentialEnvVars, defaultRegion }] = await Promise.all([
        profile(),
        import("../../lib/creds/env_vars.ts"),
      ]);
      const { region, reason } = defaultRegion({
        candidates: [p.region],
        env: ctx.env,
        noRegion: flags.noRegion,
        overwrite: flags.overwriteRegion,
      });
      ctx.logger.debug("region", { region, reason });
      return credentialEnvVars({
        creds,
        instance: p.sessionName ?? p.name,
        profile: p.name,
        region,
        tags: {},
        envVarTags: [],
        tzOffsetMinutes: localOffsetMinutes(creds.expiration),
      });
    },
    // The AWS CLI's profiles have no History.
    recordUse: () => Promise.resolve(),
  };
}
