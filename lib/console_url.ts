/**
 * The AWS console sign-in URLs: the federation endpoint's `getSigninToken` request, the `login`
 * URL that carries the sign-in token, the console page to land on (`--region`, `--service`,
 * `--destination`), and the access portal's shortcut link (`console --portal`), which carries no
 * credential at all. Pure: no network, no environment.
 *
 * ```ts
 * import { endpointFor } from "./aws/endpoints.ts";
 * declare const creds: SessionCredentials;
 * declare const signinToken: string; // from fetching tokenUrl (lib/aws/federation_client.ts)
 * const fed = federationUrl(endpointFor("signin", "us-east-1"));
 * const tokenUrl = signinTokenUrl(fed, creds, { durationMinutes: 60, chained: false });
 * const destination = consoleDestination({ ssoRegion: "us-east-1", region: "eu-west-1", service: "s3" });
 * const issuer = "https://d-1234567890.awsapps.com/start";
 * const url = loginUrl(fed, { issuer, destination, signinToken });
 * ```
 *
 * @module
 */
import { consoleHomeUrl, partitionOf } from "./aws/endpoints.ts";
import { UsageError } from "./errors.ts";

/** The shortest console session `--duration` / `ConsoleDuration` allows, in minutes. */
export const MIN_CONSOLE_MINUTES = 15;
/** The longest console session `--duration` / `ConsoleDuration` allows, in minutes. */
export const MAX_CONSOLE_MINUTES = 720;

/** Temporary credentials as the federation endpoint's `Session` parameter wants them. */
export interface SessionCredentials {
  /** `AccessKeyId` (`sessionId`). */
  accessKeyId: string;
  /** `SecretAccessKey` (`sessionKey`). */
  secretAccessKey: string;
  /** `SessionToken` (`sessionToken`). */
  sessionToken: string;
}

/** Options of {@link signinTokenUrl}. */
export interface SigninTokenOptions {
  /** Console session length in minutes (sent as `SessionDuration` seconds unless chained). */
  durationMinutes: number;
  /**
   * True when the credentials came from role chaining (sts:AssumeRole with role credentials):
   * AWS refuses `SessionDuration` for those (aws-sso-cli #1205), so it is left out.
   */
  chained: boolean;
}

/** What the login URL carries. */
export interface LoginUrlParts {
  /** Where the user comes from (the SSO start URL); shown by the console on session expiry. */
  issuer: string;
  /** The console page to open (see {@link consoleDestination}). */
  destination: string;
  /** The token `getSigninToken` returned. */
  signinToken: string;
}

/** Where to land in the console. */
export interface DestinationOptions {
  /** Identity Center region: decides the partition and so the console host. */
  ssoRegion: string;
  /** Region shown in the console (`--region`, else the role's default region). */
  region: string;
  /** `--destination`: an https URL on the partition's console host, or a path on it. */
  destination?: string;
  /** `--service`: a console service such as `s3`, `ec2`, `cloudwatch`. */
  service?: string;
}

/**
 * The federation endpoint URL for a sign-in base URL (`endpointFor("signin", ...)` or
 * `AWS_ENDPOINT_URL_SIGNIN`): `/federation` is appended unless it is already there.
 *
 * @example
 * ```ts
 * federationUrl("https://us-east-1.signin.aws.amazon.com");
 * // "https://us-east-1.signin.aws.amazon.com/federation"
 * ```
 */
export function federationUrl(signinBase: string): string {
  const base = signinBase.replace(/\/+$/, "");
  return base.endsWith("/federation") ? base : `${base}/federation`;
}

/**
 * The `getSigninToken` request URL. The `Session` JSON is URL-encoded (secrets contain `+/=`);
 * `SessionDuration` is omitted for chained credentials. The result holds secrets: never log it.
 *
 * @example
 * ```ts
 * signinTokenUrl("https://x/federation", { accessKeyId: "A", secretAccessKey: "s+/=",
 *   sessionToken: "t" }, { durationMinutes: 60, chained: false });
 * // "https://x/federation?Action=getSigninToken&SessionDuration=3600&Session=%7B%22sessionId..."
 * ```
 */
export function signinTokenUrl(
  federation: string,
  credentials: SessionCredentials,
  options: SigninTokenOptions,
): string {
  const session = JSON.stringify({
    sessionId: credentials.accessKeyId,
    sessionKey: credentials.secretAccessKey,
    sessionToken: credentials.sessionToken,
  });
  const duration = options.chained
    ? ""
    : `&SessionDuration=${Math.round(options.durationMinutes * 60)}`;
  return `${federation}?Action=getSigninToken${duration}&Session=${encodeURIComponent(session)}`;
}

/**
 * The console login URL. Unlike the reference, `Issuer` and `Destination` are URL-encoded, so
 * a destination with its own query string (`?region=...&tab=...`) arrives whole.
 *
 * @example
 * ```ts
 * loginUrl("https://x/federation", { issuer: "https://d.awsapps.com/start",
 *   destination: "https://console.aws.amazon.com/console/home?region=us-east-1",
 *   signinToken: "tok" });
 * // "https://x/federation?Action=login&Issuer=https%3A%2F%2Fd.awsapps.com%2Fstart&Destination=...&SigninToken=tok"
 * ```
 */
export function loginUrl(federation: string, parts: LoginUrlParts): string {
  return `${federation}?Action=login&Issuer=${encodeURIComponent(parts.issuer)}` +
    `&Destination=${encodeURIComponent(parts.destination)}` +
    `&SigninToken=${encodeURIComponent(parts.signinToken)}`;
}

/**
 * Console paths that differ from the service's usual short name; every other service lives at
 * `/<service>/home`. Keys are what users type (`aws <service>` names and common short forms).
 */
const SERVICE_PATHS: Readonly<Record<string, string>> = {
  "cfn": "cloudformation",
  "cw": "cloudwatch",
  "logs": "cloudwatch",
  "ddb": "dynamodbv2",
  "dynamodb": "dynamodbv2",
  "identity-center": "singlesignon",
  "sso": "singlesignon",
  "sso-admin": "singlesignon",
  "ssm": "systems-manager",
  "route53": "route53/v2",
  "sns": "sns/v3",
  "stepfunctions": "states",
  "sfn": "states",
  "elb": "ec2",
  "elbv2": "ec2",
  "ebs": "ec2",
  "console": "console",
  "home": "console",
};

const SERVICE_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;

/**
 * The console path for a service, with the region: `/<service>/home?region=<r>`, for the few
 * services whose console lives elsewhere the known path. Throws UsageError on a malformed name.
 *
 * @example
 * ```ts
 * consoleServicePath("s3", "eu-west-1"); // "/s3/home?region=eu-west-1"
 * consoleServicePath("dynamodb", "us-east-1"); // "/dynamodbv2/home?region=us-east-1"
 * ```
 */
export function consoleServicePath(service: string, region: string): string {
  const name = service.trim().toLowerCase();
  if (!SERVICE_NAME.test(name)) {
    throw new UsageError(`invalid --service '${service}': expected a name like s3, ec2 or lambda`);
  }
  const path = SERVICE_PATHS[name] ?? name;
  return `/${path}/home?region=${encodeURIComponent(region)}`;
}

/** True when `host` is the partition's console host or one of its sub-domains. */
function isConsoleHost(host: string, consoleHost: string): boolean {
  const h = host.toLowerCase();
  return h === consoleHost || h.endsWith(`.${consoleHost}`);
}

/**
 * The console URL to land on: `--destination` (https URL on the partition's console host, or a
 * path joined to it), else `--service`'s page, else the console home, each for `region`.
 * Throws UsageError for a destination the federation endpoint would refuse.
 *
 * @example
 * ```ts
 * consoleDestination({ ssoRegion: "us-east-1", region: "eu-west-1", service: "ec2" });
 * // "https://console.aws.amazon.com/ec2/home?region=eu-west-1"
 * consoleDestination({ ssoRegion: "cn-north-1", region: "cn-north-1" });
 * // "https://console.amazonaws.cn/console/home?region=cn-north-1"
 * ```
 */
export function consoleDestination(options: DestinationOptions): string {
  const { consoleHost } = partitionOf(options.ssoRegion);
  const destination = options.destination?.trim() ?? "";
  const service = options.service?.trim() ?? "";
  if (destination !== "" && service !== "") {
    throw new UsageError("--destination and --service cannot be used together", {
      hints: ["use --service for a service's home page, --destination for any other page"],
    });
  }
  if (destination !== "") return checkedDestination(destination, consoleHost);
  if (service !== "") {
    return `https://${consoleHost}${consoleServicePath(service, options.region)}`;
  }
  return consoleHomeUrl(options.ssoRegion, options.region);
}

function checkedDestination(destination: string, consoleHost: string): string {
  const hint = `use a page on https://${consoleHost}/ or a path such as /ec2/home?region=us-east-1`;
  if (destination.startsWith("/")) {
    if (destination.startsWith("//")) {
      throw new UsageError(`invalid --destination '${destination}': a path must start with one /`, {
        hints: [hint],
      });
    }
    return `https://${consoleHost}${destination}`;
  }
  let url: URL;
  try {
    url = new URL(destination);
  } catch {
    throw new UsageError(
      `invalid --destination '${destination}': expected an https URL or a path starting with /`,
      { hints: [hint] },
    );
  }
  if (url.protocol !== "https:") {
    throw new UsageError(`invalid --destination '${destination}': the console needs https`, {
      hints: [hint],
    });
  }
  if (url.username !== "" || url.password !== "" || !isConsoleHost(url.hostname, consoleHost)) {
    throw new UsageError(
      `invalid --destination '${destination}': the sign-in endpoint only sends you to ${consoleHost}`,
      { hints: [hint] },
    );
  }
  return destination;
}

/** What an access-portal shortcut link names (`console --portal`). */
export interface PortalShortcut {
  /** The instance's `StartUrl`: the AWS access portal. */
  startUrl: string;
  /** The 12-digit account id. */
  accountId: string;
  /** The Identity Center role name, which is the permission set's name. */
  roleName: string;
  /**
   * The console page to land on ({@link portalDestination}). Without one the portal opens the
   * permission set's relay state, else the console home.
   */
  destination?: string;
}

/** Where a shortcut link lands: {@link DestinationOptions} with `--region` optional. */
export interface PortalDestinationOptions {
  /** Identity Center region: decides the partition and so the console host. */
  ssoRegion: string;
  /** `--region`, when given. */
  region?: string;
  /** Region for `--service` without `--region`: the role's DefaultRegion, else DefaultRegion. */
  defaultRegion: string;
  /** `--destination`: an https URL on the partition's console host, or a path on it. */
  destination?: string;
  /** `--service`: a console service such as `s3`, `ec2`, `cloudwatch`. */
  service?: string;
}

/**
 * The `destination` of a shortcut link: undefined unless `--destination`, `--service` or
 * `--region` asks for a page, so that the permission set's relay state (set by the
 * administrator) still applies by default; otherwise the page {@link consoleDestination} gives.
 *
 * @example
 * ```ts
 * portalDestination({ ssoRegion: "us-east-1", defaultRegion: "eu-west-1" }); // undefined
 * portalDestination({ ssoRegion: "us-east-1", defaultRegion: "eu-west-1", service: "s3" });
 * // "https://console.aws.amazon.com/s3/home?region=eu-west-1"
 * ```
 */
export function portalDestination(options: PortalDestinationOptions): string | undefined {
  const region = options.region?.trim() ?? "";
  if (
    (options.destination?.trim() ?? "") === "" && (options.service?.trim() ?? "") === "" &&
    region === ""
  ) {
    return undefined;
  }
  return consoleDestination({
    ssoRegion: options.ssoRegion,
    region: region === "" ? options.defaultRegion : region,
    destination: options.destination,
    service: options.service,
  });
}

/**
 * The AWS access portal's shortcut link to the console (IAM Identity Center user guide, "Create
 * shortcut links"): `<StartUrl>/#/console?account_id=<id>&role_name=<role>` and, when given,
 * `&destination=<URL-encoded console URL>`. The browser's portal session signs in, so the link
 * holds no credential and no sign-in token, and the console's multi-session support applies.
 * A fragment or trailing slashes of the start URL are dropped; each value is URL-encoded
 * (`+` in a role name would otherwise read as a space).
 *
 * @example
 * ```ts
 * portalShortcutUrl({ startUrl: "https://d-1234567890.awsapps.com/start",
 *   accountId: "012345678901", roleName: "AdministratorAccess",
 *   destination: "https://console.aws.amazon.com/s3/home?region=eu-west-1" });
 * // "https://d-1234567890.awsapps.com/start/#/console?account_id=012345678901
 * //   &role_name=AdministratorAccess&destination=https%3A%2F%2Fconsole.aws.amazon.com%2Fs3..."
 * ```
 */
export function portalShortcutUrl(shortcut: PortalShortcut): string {
  let url: URL;
  try {
    url = new URL(shortcut.startUrl.trim());
  } catch {
    throw new UsageError(`the start URL '${shortcut.startUrl}' is not a URL`, {
      hints: ["set StartUrl to your AWS access portal URL, e.g. https://example.awsapps.com/start"],
    });
  }
  url.hash = "";
  url.pathname = url.pathname.replace(/\/*$/, "/");
  const destination = shortcut.destination === undefined
    ? ""
    : `&destination=${encodeURIComponent(shortcut.destination)}`;
  return `${url.href}#/console?account_id=${encodeURIComponent(shortcut.accountId)}` +
    `&role_name=${encodeURIComponent(shortcut.roleName)}${destination}`;
}

/**
 * Checks a console session length in minutes (15..720) and returns it; `source` names where it
 * came from for the message (`--duration`, `ConsoleDuration`). Throws UsageError otherwise.
 *
 * @example
 * ```ts
 * checkConsoleDuration(60); // 60
 * checkConsoleDuration(5); // throws "invalid --duration 5.  Must be between 15 and 720"
 * ```
 */
export function checkConsoleDuration(minutes: number, source = "--duration"): number {
  if (
    !Number.isInteger(minutes) || minutes < MIN_CONSOLE_MINUTES || minutes > MAX_CONSOLE_MINUTES
  ) {
    throw new UsageError(
      `invalid ${source} ${minutes}.  Must be between ${MIN_CONSOLE_MINUTES} and ${MAX_CONSOLE_MINUTES}`,
    );
  }
  return minutes;
}
