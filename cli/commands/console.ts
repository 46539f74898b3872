/**
 * `aws-sso console`: sign in to the AWS web console as a role. Role credentials are exchanged for a sign-in token at the federation endpoint
 * (`AWS_ENDPOINT_URL_SIGNIN`, default the SSO region's sign-in host) and the login URL goes
 * through the URL action; stdout stays empty. With `--portal` (or `ConsolePortal: true`) the URL
 * is the access portal's shortcut link instead, and no credentials are fetched
 * (cli/services/console_portal.ts).
 *
 * The role comes from, in order: `--prompt` (picker); `--profile`, `--arn`, `--account` +
 * `--role` (or their env vars); credentials in `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` /
 * `AWS_SESSION_TOKEN`; `AWS_PROFILE`; the picker.
 *
 * @module
 */
import { Command, type CommandUnknownOpts, Option } from "@commander-js/extra-typings";
import type { HttpDeps } from "../../lib/aws/json_client.ts";
import type { SessionCredentials } from "../../lib/console_url.ts";
import {
  AwsSsoError,
  errorMessage,
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
import { URL_ACTIONS } from "../../lib/settings/url_action.ts";
import type { Context } from "../context.ts";
import type { App } from "../program.ts";
import { addRoleOptions, type RoleSelection, roleSelection } from "../role_options.ts";
import { addAwsProfileOptions } from "../services/aws_cli_profile.ts";
import type { IdentityCenterRole } from "../services/console_portal.ts";
import type { CredentialSource } from "../services/credential_source.ts";

/** What `console` signs in with. */
interface ConsoleSession {
  /** The credentials to exchange for a sign-in token (none with `--portal`). */
  credentials?: SessionCredentials;
  /** Who the access portal signs in as; undefined for a role it cannot open (`Via`, non-SSO). */
  identityCenterRole?: IdentityCenterRole;
  /** Role chaining: the federation endpoint refuses `SessionDuration`. */
  chained: boolean;
  /** The cached role, when known (region, container name and colour, History). */
  role?: RoleFlat;
  /** Container name when the role is not in the cache. */
  fallbackName: string;
}

const REGION = /^[a-z]{2,}(-[a-z0-9]+)+-\d+$/;

type CheckDuration = (minutes: number, source: string) => number;

/** `-d/--duration`: 0 or absent means ConsoleDuration; anything else must be 15..720. */
function durationMinutes(
  value: string | undefined,
  settings: Settings,
  check: CheckDuration,
): number {
  if (value === undefined) return check(settings.consoleDuration, "ConsoleDuration");
  const n = /^\s*-?\d+\s*$/.test(value) ? Number(value) : NaN;
  if (n === 0) return check(settings.consoleDuration, "ConsoleDuration");
  if (Number.isNaN(n)) {
    throw new UsageError(`invalid --duration ${value}.  Must be between 15 and 720`);
  }
  return check(n, "--duration");
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value.trim();
}

/** What a `console` run asked for. */
export interface ConsoleInput {
  /** The role (`-a/-A/-R/-p`, their environment variables, or `--aws-profile`). */
  selection: RoleSelection;
  /** `--prompt`: pick the role even when the environment names one. */
  prompt: boolean;
  /** `--duration` as given (minutes). */
  duration?: string;
  /** `--region` / `AWS_DEFAULT_REGION`. */
  region?: string;
  /** Where `region` came from (`cli`, `env`), for the message about a bad one. */
  regionSource?: string;
  /** `--destination`. */
  destination?: string;
  /** `--service`. */
  service?: string;
  /** `--auto-login`. */
  autoLogin: boolean;
  /** `--portal` (true) / `--no-portal` (false); undefined: `ConsolePortal`. */
  portal?: boolean;
}

/** Signs in to the AWS console as the selected role and hands the URL to the URL action. */
export async function runConsole(input: ConsoleInput, services: Context): Promise<void> {
  const ctx = services;
  const { credentialSource } = await import("../services/credential_source.ts");
  const source = await credentialSource(ctx, input.selection);
  const [settings, instance, consoleUrl] = await Promise.all([
    source.settings(),
    source.instance(),
    import("../../lib/console_url.ts"),
  ]);
  const minutes = durationMinutes(input.duration, settings, consoleUrl.checkConsoleDuration);
  const region = nonEmpty(input.region);
  if (region !== undefined && !REGION.test(region)) {
    const name = input.regionSource === "env" ? "AWS_DEFAULT_REGION" : "--region";
    throw new UsageError(`invalid ${name} '${region}': expected a region like eu-west-1`);
  }
  // Check --destination / --service now, before any network call (the region comes later).
  consoleUrl.consoleDestination({
    ssoRegion: instance.ssoRegion,
    region: settings.defaultRegion,
    destination: input.destination,
    service: input.service,
  });

  const { consolePortalEnabled, consolePortalUrl } = await import(
    "../services/console_portal.ts"
  );
  const portal = consolePortalEnabled(input.portal, settings, instance);
  if (portal && input.duration !== undefined) {
    ctx.logger.warn("--duration is ignored with --portal: the permission set sets the length");
  }

  const session = await selectSession(ctx, source, input, portal);
  if (portal) {
    const url = consolePortalUrl(instance, session.identityCenterRole, session.fallbackName, {
      region,
      defaultRegion: nonEmpty(session.role?.DefaultRegion) ?? settings.defaultRegion,
      destination: input.destination,
      service: input.service,
    });
    await openUrl(ctx, settings, session, url);
    return;
  }
  if (session.chained && input.duration !== undefined) {
    ctx.logger.debug(
      "role-chained credentials: AWS sets the console session length, --duration is not sent",
    );
  }
  const destination = consoleUrl.consoleDestination({
    ssoRegion: instance.ssoRegion,
    region: region ?? nonEmpty(session.role?.DefaultRegion) ?? settings.defaultRegion,
    destination: input.destination,
    service: input.service,
  });
  const url = await signinUrl(ctx, instance, session, minutes, destination, await source.http());
  await openUrl(ctx, settings, session, url);
}

/** Builds the `console` command. */
export function consoleCommand(app: App): CommandUnknownOpts {
  const consoleCmd = addRoleOptions(
    new Command("console")
      .description("open the AWS web console as a role (prints nothing on stdout)")
      .option(
        "-d, --duration <minutes>",
        "console session length, 15..720 minutes (default: ConsoleDuration, 60)",
      )
      .option("-P, --prompt", "pick the role interactively, even when the environment names one")
      .addOption(
        new Option("-r, --region <region>", "region to show (default: the role's DefaultRegion)")
          .env("AWS_DEFAULT_REGION"),
      )
      .option(
        "--destination <url|path>",
        "console page to open: an https URL on the console host, or a path like /ec2/home",
      )
      .option("--service <name>", "open this service's console page, e.g. s3, ec2, lambda")
      .option("--sts-refresh", "fetch new role credentials even when cached ones are valid")
      .addOption(
        new Option("-u, --url-action <action>", "what to do with the URL (default: UrlAction)")
          .choices(URL_ACTIONS),
      ),
    { env: true },
  )
    .option("--auto-login", "log in to AWS SSO in the browser when the session has expired")
    .option(
      "--portal",
      "open the access portal's shortcut link: no credentials, multi-session (default: ConsolePortal)",
    )
    .option("--no-portal", "sign in with the role's credentials even when ConsolePortal is true")
    .action(async (opts, cmd) => {
      const ctx = app.context(cmd);
      await runConsole({
        selection: roleSelection(cmd),
        prompt: opts.prompt === true,
        duration: opts.duration,
        region: opts.region,
        regionSource: cmd.getOptionValueSource("region"),
        destination: opts.destination,
        service: opts.service,
        autoLogin: opts.autoLogin === true,
        portal: opts.portal,
      }, ctx);
    });
  return addAwsProfileOptions(consoleCmd);
}

/**
 * The session to sign in with: the AWS CLI profile's role; else, in order, `--prompt` (picker),
 * the role flags (or their environment variables), credentials in `AWS_ACCESS_KEY_ID` /
 * `AWS_SECRET_ACCESS_KEY` / `AWS_SESSION_TOKEN`, `AWS_PROFILE`, the picker.
 */
async function selectSession(
  ctx: Context,
  source: CredentialSource,
  input: ConsoleInput,
  portal: boolean,
): Promise<ConsoleSession> {
  const sel = { interactive: input.autoLogin, portal };
  if (input.selection.awsProfile !== undefined) {
    return await roleSession(ctx, source, await source.role({ allowPicker: false }), sel);
  }
  if (input.prompt) {
    return await roleSession(ctx, source, await pickedRole(ctx), sel);
  }
  const { args } = input.selection;
  const named = {
    profile: nonEmpty(args.profile),
    arn: nonEmpty(args.arn),
    account: nonEmpty(args.account),
    role: nonEmpty(args.role),
  };
  if (Object.values(named).some((v) => v !== undefined)) {
    if (named.profile !== undefined) {
      // Profile names live in the cache: bring an out-of-date one up to date first.
      const { roleCache } = await import("../services/roles.ts");
      await roleCache(ctx, { refreshIfExpired: true });
    }
    const { selectRole } = await import("../services/creds.ts");
    const role = await selectRole(ctx, named, { allowPicker: false });
    return await roleSession(ctx, source, role, sel);
  }
  const env = ctx.env;
  const accessKeyId = nonEmpty(env.AWS_ACCESS_KEY_ID);
  const secretAccessKey = nonEmpty(env.AWS_SECRET_ACCESS_KEY);
  const sessionToken = nonEmpty(env.AWS_SESSION_TOKEN);
  if (accessKeyId !== undefined && secretAccessKey !== undefined && sessionToken !== undefined) {
    return await envSession(ctx, { accessKeyId, secretAccessKey, sessionToken });
  }
  const profile = nonEmpty(env.AWS_PROFILE);
  if (profile !== undefined) {
    const { roleCache } = await import("../services/roles.ts");
    const { roles } = await roleCache(ctx, { refreshIfExpired: true });
    const role = roles.byProfile(profile);
    if (role === undefined) {
      throw new ProfileNotFoundError(`AWS_PROFILE=${profile} was not found in our cache`, {
        hints: [
          'unset AWS_PROFILE, or name the role with --profile (see "aws-sso list")',
          'run "aws-sso cache" if the role is new',
        ],
      });
    }
    return await roleSession(ctx, source, role, sel);
  }
  return await roleSession(ctx, source, await pickedRole(ctx), sel);
}

async function pickedRole(ctx: Context): Promise<RoleFlat> {
  const { selectRole } = await import("../services/creds.ts");
  return await selectRole(ctx, {}, { allowPicker: true });
}

/**
 * A role's session: its credentials (cached or fetched), History recorded. With `--portal` no
 * credentials: only who the portal signs in as (none for a `Via` role, which it refuses).
 */
async function roleSession(
  ctx: Context,
  source: CredentialSource,
  role: RoleFlat,
  sel: { interactive: boolean; portal: boolean },
): Promise<ConsoleSession> {
  const fallbackName = `${role.AccountIdPad}:${role.RoleName}`;
  const identityCenterRole = role.Via === ""
    ? { accountId: role.AccountIdPad, roleName: role.RoleName }
    : undefined;
  if (sel.portal) {
    // A Via role is refused by consolePortalUrl: nothing to record then.
    if (identityCenterRole !== undefined) await source.recordUse(role);
    return { chained: role.Via !== "", role, fallbackName, identityCenterRole };
  }
  await source.recordUse(role);
  const creds = await source.credentials(role, {
    forceRefresh: ctx.globals.stsRefresh,
    interactive: sel.interactive,
  });
  return {
    credentials: {
      accessKeyId: creds.accessKeyId,
      secretAccessKey: creds.secretAccessKey,
      sessionToken: creds.sessionToken,
    },
    chained: creds.roleChaining,
    role,
    fallbackName,
    identityCenterRole,
  };
}

/**
 * Credentials from the environment (e.g. inside `aws-sso exec`): `sts:GetCallerIdentity` says
 * whose they are. An Identity Center role (`AWSReservedSSO_<PermissionSet>_<hex>`) comes straight
 * from GetRoleCredentials, so it is not chained. Any other assumed role is chained when the
 * cache says it is reached through `Via`; when it is not in the cache we cannot tell, so
 * `SessionDuration` is left out (AWS accepts that for every kind of role credentials and picks
 * the session length itself) rather than risk the federation endpoint's refusal.
 */
async function envSession(ctx: Context, credentials: SessionCredentials): Promise<ConsoleSession> {
  for (const s of Object.values(credentials)) ctx.logger.secret(s);
  const [{ parseCallerArn }, { roleCache, recordRoleUse }] = await Promise.all([
    import("../../lib/caller_arn.ts"),
    import("../services/roles.ts"),
  ]);
  const arn = await callerArn(ctx, credentials);
  ctx.logger.debug("console for the credentials in the environment", { caller: arn });
  const caller = parseCallerArn(arn);
  const roleName = caller.permissionSet ?? caller.iamRoleName;
  let role: RoleFlat | undefined;
  try {
    const { roles } = await roleCache(ctx, { refreshIfExpired: true });
    role = roles.byAccountRole(caller.accountId, roleName);
  } catch (e) {
    // The credentials work without an SSO session; only the role's details are missing.
    if (!(e instanceof NotLoggedInError)) throw e;
    ctx.logger.debug("no AWS SSO session to refresh the role cache", { reason: e.message });
  }
  const chained = caller.permissionSet === undefined && (role === undefined || role.Via !== "");
  if (role !== undefined) await recordRoleUse(ctx, role.Arn);
  else ctx.logger.debug("the role is not in the cache", { account: caller.accountId, roleName });
  const identityCenterRole = caller.permissionSet === undefined
    ? undefined
    : { accountId: caller.accountId, roleName: caller.permissionSet };
  return {
    credentials,
    chained,
    role,
    fallbackName: `${caller.accountId}:${roleName}`,
    identityCenterRole,
  };
}

/** The caller ARN of `credentials` (sts:GetCallerIdentity in the SSO region). */
async function callerArn(ctx: Context, credentials: SessionCredentials): Promise<string> {
  const [instance, http, { StsClient }] = await Promise.all([
    ctx.instance(),
    ctx.http(),
    import("../../lib/aws/sts_client.ts"),
  ]);
  const sts = new StsClient(http, instance.ssoRegion, ctx.endpointOptions());
  return (await sts.getCallerIdentity(credentials)).arn;
}

async function signinUrl(
  ctx: Context,
  instance: SsoInstance,
  session: ConsoleSession,
  minutes: number,
  destination: string,
  httpDeps: HttpDeps,
): Promise<string> {
  if (session.credentials === undefined) {
    throw new AwsSsoError("no role credentials to sign in with");
  }
  const [{ endpointFor }, { federationUrl, loginUrl }, { getSigninToken }, http] = await Promise
    .all([
      import("../../lib/aws/endpoints.ts"),
      import("../../lib/console_url.ts"),
      import("../../lib/aws/federation_client.ts"),
      httpDeps,
    ]);
  const federation = federationUrl(
    endpointFor("signin", instance.ssoRegion, ctx.endpointOptions()),
  );
  const signinToken = await getSigninToken(http, {
    federation,
    credentials: session.credentials,
    durationMinutes: minutes,
    chained: session.chained,
  });
  return loginUrl(federation, { issuer: instance.startUrl, destination, signinToken });
}

/**
 * How long `console` serves the one-time link it gives the browser (or `UrlExecCommand`) before
 * giving up: a browser that starts needs seconds, not a minute. The link is served until its
 * first fetch, so the SigninToken never sits on a command line and is handed out once.
 */
export const CONSOLE_LINK_TIMEOUT_MS = 60_000;

/**
 * Hands the URL to the URL action. print / printurl write it to stderr unmasked on purpose:
 * the sign-in token is a credential (registered as a secret, so no log line shows it), and the
 * URL is the one place the user asked to see it. A started program gets a one-time loopback
 * link instead, served until its first fetch or {@link CONSOLE_LINK_TIMEOUT_MS}.
 */
async function openUrl(
  ctx: Context,
  settings: Settings,
  session: ConsoleSession,
  url: string,
): Promise<void> {
  const { urlOpenerFor } = await import("../url_opener.ts");
  const role = session.role;
  if (ctx.globals.urlAction === undefined) assertSettingsUsable(settings, "UrlAction");
  const opener = urlOpenerFor(ctx, {
    action: ctx.globals.urlAction ?? settings.urlAction,
    browser: settings.browser,
    execCommand: settings.urlExecCommand,
    container: {
      name: role?.ProfileName || session.fallbackName,
      color: role?.Tags.Color,
      icon: role?.Tags.Icon,
    },
    notice: (text) => ctx.output.err(text),
  });
  let opened;
  try {
    opened = await opener.open(url);
  } catch (e) {
    if (e instanceof AwsSsoError) throw e;
    throw new AwsSsoError(`unable to open the console URL: ${errorMessage(e)}`, { cause: e });
  }
  if (opened?.fetched === undefined) return;
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const fetched = await Promise.race([
      opened.fetched.then(() => true),
      new Promise<false>((resolve) =>
        timer = setTimeout(() => resolve(false), CONSOLE_LINK_TIMEOUT_MS)
      ),
    ]);
    if (!fetched) {
      throw new AwsSsoError(
        `The browser did not open the console link within ${
          CONSOLE_LINK_TIMEOUT_MS / 1000
        } seconds`,
        { hints: ["use --url-action print (or clip) and open the URL yourself"] },
      );
    }
  } finally {
    clearTimeout(timer);
    await opened.close();
  }
}
