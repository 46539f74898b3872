/**
 * `aws-sso doctor`: checks the setup and says what to do about each problem — one
 * line per check (config, secure store, SSO token, clock skew, `~/.aws/config` profiles, shell
 * completion), each `ok`, `warn` or `FAIL`, with a hint under the ones that are not ok. Exits 1
 * when a check fails. It never logs in, refreshes a token or changes a file; the only network
 * call is one request to the Identity Center OIDC endpoint, for its clock.
 *
 * @module
 */
import { Command, type CommandUnknownOpts } from "@commander-js/extra-typings";
import { endpointFor } from "../../lib/aws/endpoints.ts";
import {
  blockMarkers,
  extractManagedBlock,
  MissingEndMarkerError,
} from "../../lib/aws_config/managed_block.ts";
import { errorMessage, UsageError } from "../../lib/errors.ts";
import { knownError } from "../report.ts";
import { formatRfc3339 } from "../../lib/time_format.ts";
import { timeRemain } from "../../lib/time_remain.ts";
import { safeText } from "../../lib/safe_text.ts";
import type { SecureStore } from "../../lib/secure_store.ts";
import type { Context } from "../context.ts";
import type { App } from "../program.ts";
import { localOffsetMinutes } from "../host.ts";

/** How a check came out. */
export type CheckState = "ok" | "warn" | "fail" | "skip";

/** One line of the report. */
export interface CheckResult {
  /** Short name of the check. */
  name: string;
  /** The outcome. */
  state: CheckState;
  /** What was found. */
  detail: string;
  /** What to do (for warn and fail). */
  hint?: string;
}

/** Clock skew above this fails the check (AWS rejects signatures more than 5 minutes off). */
export const SKEW_FAIL_MS = 5 * 60_000;
/** Clock skew above this is worth a warning. */
export const SKEW_WARN_MS = 60_000;

function message(e: unknown): string {
  const text = errorMessage(e);
  return text.split("\n")[0] ?? text;
}

function hintOf(e: unknown): string | undefined {
  return knownError(e)?.hints[0];
}

async function checkConfig(ctx: Context): Promise<CheckResult> {
  const file = ctx.display(ctx.paths.configFile);
  let text: string;
  try {
    text = await Deno.readTextFile(ctx.paths.configFile);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      return {
        name: "config",
        state: "fail",
        detail: `no config file at ${file}`,
        hint: 'run "aws-sso setup wizard" to create one',
      };
    }
    return { name: "config", state: "fail", detail: `cannot read ${file}: ${message(e)}` };
  }
  try {
    const { loadSettings } = await import("../../lib/settings/load_settings.ts");
    const { warnings } = loadSettings(text, {
      file,
      configDir: ctx.paths.configDir,
      home: ctx.paths.home,
      remoteSession: ctx.remoteSession,
    });
    const instance = await ctx.instance();
    const detail = `${file} is valid; SSO instance ${instance.name} (${instance.startUrl}, ` +
      `${instance.ssoRegion})`;
    if (warnings.length > 0) {
      return {
        name: "config",
        state: "warn",
        detail: `${detail}; ${warnings.length} warning(s): ${warnings[0]!.message}`,
        hint: "fix or remove the keys named in the warnings",
      };
    }
    return { name: "config", state: "ok", detail };
  } catch (e) {
    return {
      name: "config",
      state: "fail",
      detail: message(e),
      hint: hintOf(e) ?? `fix ${file}`,
    };
  }
}

async function checkStoreAndToken(ctx: Context): Promise<CheckResult[]> {
  const [{ secureStore }, { tokenRemainingMs, VALID_MARGIN_MS }] = await Promise.all([
    import("../services/store.ts"),
    import("../../lib/sso/token_manager.ts"),
  ]);
  const settings = await ctx.settings();
  const instance = await ctx.instance();
  const how = settings.secureStore === undefined
    ? "picked automatically (SecureStore is not set)"
    : "named by SecureStore in config.yaml";
  let token;
  let kind: string;
  let store;
  try {
    store = await secureStore(ctx);
    kind = store.kind;
    token = await store.getToken(instance);
  } catch (e) {
    return [
      {
        name: "store",
        state: "fail",
        detail: `secure store ${settings.secureStore ?? "(automatic)"}: ${message(e)}`,
        hint: hintOf(e) ?? "choose another SecureStore in config.yaml",
      },
      { name: "token", state: "skip", detail: "needs the secure store" },
    ];
  }
  const results: CheckResult[] = [];
  results.push(
    kind === "json"
      ? {
        name: "store",
        state: "warn",
        detail: `json, ${how}: secrets are kept in clear text in ${
          ctx.display(settings.jsonStore)
        }`,
        hint: "remove SecureStore from config.yaml to use your OS keyring or an encrypted file",
      }
      : { name: "store", state: "ok", detail: `${kind}, ${how}; readable` },
  );
  const now = ctx.clock.now();
  if (token === undefined) {
    results.push({
      name: "token",
      state: "fail",
      detail: `not logged in to SSO instance ${instance.name}`,
      hint: loginHint(settings, instance.name),
    });
  } else {
    const left = tokenRemainingMs(token, now);
    const at = Date.parse(token.expiresAt);
    const until = Number.isNaN(at) ? token.expiresAt : localTime(at);
    if (left > VALID_MARGIN_MS) {
      results.push({
        name: "token",
        state: "ok",
        detail:
          `logged in to ${instance.name}; the access token is valid for ${
            timeRemain(at, now, false)
          } (until ${until})` +
          (token.RefreshToken !== undefined ? " and is refreshed before it ends" : ""),
      });
    } else if (token.RefreshToken !== undefined) {
      results.push({
        name: "token",
        state: "warn",
        detail: `the access token of ${instance.name} expired at ${until}; the next command ` +
          "will refresh it if your Identity Center session is still valid",
        hint: `if that fails, ${loginHint(settings, instance.name)}`,
      });
    } else {
      results.push({
        name: "token",
        state: "fail",
        detail: `the SSO session of ${instance.name} expired at ${until}`,
        hint: loginHint(settings, instance.name),
      });
    }
  }
  const previous = await checkReferenceSession(ctx, store, token === undefined);
  if (previous !== undefined) results.push(previous);
  return results;
}

/** The AWS SSO CLI's session in the same kind of store: imported, importable, or why not. */
async function checkReferenceSession(
  ctx: Context,
  store: SecureStore,
  noSession: boolean,
): Promise<CheckResult | undefined> {
  const name = "aws-sso-cli";
  const instance = await ctx.instance();
  let found;
  try {
    const { referenceSessionFinding } = await import("../services/reference_session.ts");
    found = await referenceSessionFinding(ctx, instance, store);
  } catch (e) {
    return { name, state: "warn", detail: `cannot read the AWS SSO CLI store: ${message(e)}` };
  }
  if (found === undefined) return undefined;
  const { location, finding, importedAt } = found;
  if (importedAt !== undefined) {
    return {
      name,
      state: "ok",
      detail:
        `the AWS SSO CLI session was imported on ${importedAt}; ${location} was left as it was`,
    };
  }
  if (!noSession) return undefined;
  switch (finding.state) {
    case "absent":
    case "no-session":
      return undefined;
    case "usable":
      return {
        name,
        state: "ok",
        detail: `${location} holds a session for ${instance.name}; the next command imports it`,
      };
    case "expired":
      return {
        name,
        state: "warn",
        detail:
          `the AWS SSO CLI session in ${location} expired at ${finding.expiresAt}; it cannot be imported`,
        hint: 'run "aws-sso login"',
      };
    case "locked":
      return {
        name,
        state: "warn",
        detail: `found ${location}, but AWS_SSO_FILE_PASSWORD is not set`,
        hint: "set AWS_SSO_FILE_PASSWORD to the AWS SSO CLI's password to import its session",
      };
    case "undecryptable":
      return {
        name,
        state: "warn",
        detail: `cannot read ${location}: ${finding.detail}`,
        hint: 'check AWS_SSO_FILE_PASSWORD, or run "aws-sso login"',
      };
  }
}

function localTime(ms: number): string {
  return formatRfc3339(ms, localOffsetMinutes(ms));
}

function loginHint(settings: { ssoConfig: Record<string, unknown> }, instance: string): string {
  return Object.keys(settings.ssoConfig).length > 1
    ? `run "aws-sso login --sso ${instance}"`
    : 'run "aws-sso login"';
}

/** Measures the local clock against an AWS endpoint's `Date` header. */
async function checkClock(ctx: Context): Promise<CheckResult> {
  const instance = await ctx.instance();
  const url = endpointFor("oidc", instance.ssoRegion, ctx.endpointOptions());
  const before = ctx.clock.now();
  let date: string | null;
  try {
    const res = await ctx.fetch(url, { method: "GET", signal: AbortSignal.timeout(5000) });
    await res.body?.cancel();
    date = res.headers.get("date");
  } catch (e) {
    return {
      name: "clock",
      state: "warn",
      detail: `cannot reach ${url} to compare clocks: ${message(e)}`,
      hint: "check your network connection and proxy settings (HTTPS_PROXY)",
    };
  }
  const after = ctx.clock.now();
  const server = date === null ? NaN : Date.parse(date);
  if (Number.isNaN(server)) {
    return { name: "clock", state: "warn", detail: `${url} sent no usable Date header` };
  }
  // The header has whole seconds: the server's time was somewhere in [server, server + 1 s).
  const skew = server + 500 - (before + after) / 2;
  const abs = Math.abs(skew);
  const seconds = Math.round(abs / 1000);
  const side = skew > 0 ? "behind" : "ahead of";
  const detail = abs < 2000
    ? `the local clock agrees with ${url}`
    : `the local clock is ${seconds}s ${side} ${url}`;
  if (abs > SKEW_FAIL_MS) {
    return {
      name: "clock",
      state: "fail",
      detail,
      hint: "set the system clock right (enable NTP); AWS rejects requests more than 5 minutes off",
    };
  }
  if (abs > SKEW_WARN_MS) {
    return { name: "clock", state: "warn", detail, hint: "enable time synchronisation (NTP)" };
  }
  return { name: "clock", state: "ok", detail };
}

async function checkAwsConfig(ctx: Context): Promise<CheckResult> {
  const [{ roleCache }, { planProfiles }] = await Promise.all([
    import("../services/roles.ts"),
    import("../services/aws_config.ts"),
  ]);
  const name = "aws config";
  try {
    const loaded = await roleCache(ctx, { refreshIfExpired: false });
    const count = loaded.roles.roles.length;
    if (count === 0) {
      return {
        name,
        state: "warn",
        detail: `the role cache has no roles for ${loaded.instance.name}, so no profiles to check`,
        hint: 'run "aws-sso cache" (after "aws-sso login")',
      };
    }
    const plan = await planProfiles(ctx, loaded);
    const present = extractManagedBlock(plan.before.text, blockMarkers(plan.instance));
    if (present === undefined) {
      return {
        name,
        state: "warn",
        detail: `${plan.display} has no aws-sso profiles for SSO instance ${plan.instance}`,
        hint: 'run "aws-sso setup profiles" to add them (needed for the AWS CLI and SDKs)',
      };
    }
    if (plan.diff !== "") {
      const changed = plan.diff.split("\n").filter((l) => /^[-+][^-+]/.test(l)).length;
      return {
        name,
        state: "warn",
        detail:
          `the aws-sso profiles in ${plan.display} are out of date (${changed} line(s) differ)`,
        hint: 'run "aws-sso setup profiles" (add --diff to see the changes first)',
      };
    }
    return {
      name,
      state: "ok",
      detail: `${plan.display} has the ${count} profile(s) of ${plan.instance}, up to date`,
    };
  } catch (e) {
    return {
      name,
      state: e instanceof MissingEndMarkerError ? "fail" : "warn",
      detail: message(e),
      hint: hintOf(e),
    };
  }
}

async function checkCompletions(ctx: Context): Promise<CheckResult> {
  const { completionStatus } = await import("../services/completions.ts");
  const name = "completions";
  try {
    const status = await completionStatus(ctx);
    const where = status.files.map((f) => ctx.display(f)).join(", ");
    switch (status.state) {
      case "current":
        return { name, state: "ok", detail: `installed for ${status.shell} in ${where}` };
      case "stale":
        return {
          name,
          state: "warn",
          detail: `installed for ${status.shell} in ${where}, but for another aws-sso or version`,
          hint: 'run "aws-sso setup completions --install" to update it',
        };
      case "missing":
        return {
          name,
          state: "warn",
          detail: `not installed for ${status.shell}`,
          hint: 'run "aws-sso setup completions --install" for tab completion and aws-sso-profile',
        };
    }
  } catch (e) {
    if (e instanceof UsageError) {
      return {
        name,
        state: "ok",
        detail: `${message(e)}: nothing to check (bash, zsh and fish have it)`,
      };
    }
    return { name, state: "warn", detail: message(e), hint: hintOf(e) };
  }
}

/** Runs every check in order; later checks are skipped when the config does not load. */
export async function runChecks(ctx: Context): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  const config = await checkConfig(ctx);
  results.push(config);
  if (config.state === "fail") {
    for (const name of ["store", "token", "clock", "aws config"]) {
      results.push({ name, state: "skip", detail: "needs a valid config.yaml" });
    }
  } else {
    const [storeAndToken, clock, awsConfig] = await Promise.all([
      checkStoreAndToken(ctx),
      checkClock(ctx),
      checkAwsConfig(ctx),
    ]);
    results.push(...storeAndToken, clock, awsConfig);
  }
  results.push(await checkCompletions(ctx));
  return results;
}

const LABEL: Record<CheckState, string> = { ok: "ok", warn: "warn", fail: "FAIL", skip: "skip" };

/** The report text: one line per check, hints indented under it, and a summary line. */
export function formatReport(
  results: readonly CheckResult[],
  style?: (s: CheckState, t: string) => string,
): string {
  const width = Math.max(...results.map((r) => r.name.length));
  const paint = style ?? ((_s: CheckState, t: string) => t);
  let out = "";
  for (const r of results) {
    // Details and hints quote config.yaml, AWS and the system: one safe line each.
    out += `${paint(r.state, LABEL[r.state].padEnd(4))}  ${r.name.padEnd(width)}  ${
      safeText(r.detail)
    }\n`;
    if (r.hint !== undefined && (r.state === "warn" || r.state === "fail")) {
      out += `${" ".repeat(6 + width + 2)}hint: ${safeText(r.hint)}\n`;
    }
  }
  const fails = results.filter((r) => r.state === "fail").length;
  const warns = results.filter((r) => r.state === "warn").length;
  out += fails === 0 && warns === 0
    ? "All checks passed.\n"
    : `${fails} failed, ${warns} warning(s).\n`;
  return out;
}

/** Runs the checks and prints the report; returns the exit code (1 when a check failed). */
export async function runDoctor(services: Context): Promise<number> {
  const results = await runChecks(services);
  const colors = { ok: "green", warn: "yellow", fail: "red", skip: "dim" } as const;
  const output = services.output;
  const paint = output.stdoutIsTerminal
    ? (s: CheckState, t: string) => output.style(colors[s], t)
    : undefined;
  output.out(formatReport(results, paint));
  return results.some((r) => r.state === "fail") ? 1 : 0;
}

/** Builds `doctor`. */
export function doctorCommand(app: App): CommandUnknownOpts {
  return new Command("doctor")
    .description("check the setup (config, store, login, clock, profiles, completion) and explain")
    .action(async (_opts, cmd) => {
      const code = await runDoctor(app.context(cmd));
      if (code !== 0) app.setExitCode(code);
    }) as unknown as CommandUnknownOpts;
}
