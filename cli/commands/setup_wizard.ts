/**
 * `aws-sso setup wizard`: writes config.yaml by asking a few questions — the
 * AWS partition, the access portal's start URL, the Identity Center region, the profile name
 * format and what to do with URLs (only what works over SSH on a remote host); `--advanced`
 * asks the rest. It offers the sso-sessions and SSO profiles already in `~/.aws/config`.
 *
 * Run again on an existing config.yaml, it asks only the questions that do not define the
 * instance and changes just the keys whose value changed, keeping the user's comments and
 * layout (the reference rewrote the whole file). Also run on first use when there is no
 * config.yaml and a terminal to ask on.
 *
 * @module
 */
import { Command, type CommandUnknownOpts } from "@commander-js/extra-typings";
import { AwsSsoError, ConfigError, errorMessage } from "../../lib/errors.ts";
import type { Context } from "../context.ts";
import type { App } from "../program.ts";
import type { Choice, Prompts } from "../prompts.ts";
import type { Settings } from "../../lib/settings/settings.ts";
import type { UrlAction } from "../../lib/settings/url_action.ts";
import type { ConfigValue } from "../../lib/settings/edit_config.ts";
import type { PartitionChoice } from "../../lib/aws/regions.ts";

/** Options of {@link runWizard}. */
export interface WizardOptions {
  /** Ask every question. */
  advanced: boolean;
}

const ACCOUNT_ID_FORMAT = "{{ .AccountIdPad }}:{{ .RoleName }}";
const INSTANCE_NAME = /^[a-zA-Z0-9\-_@:]+$/;

function timestamp(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}-${p(d.getHours())}${
    p(d.getMinutes())
  }${p(d.getSeconds())}`;
}

/** Reachability check of a start URL: any answer below 400 within 5 s. */
async function startUrlAnswers(ctx: Context, url: string): Promise<string | undefined> {
  try {
    const res = await ctx.fetch(url, { redirect: "follow", signal: AbortSignal.timeout(5000) });
    await res.body?.cancel();
    return res.status < 400 ? undefined : `it answered HTTP ${res.status}`;
  } catch (e) {
    return `it could not be reached (${errorMessage(e)})`;
  }
}

function checkStartUrl(value: string, partition: PartitionChoice): string | true {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return `not a URL; expected something like ${partition.startUrlExample}`;
  }
  const local = url.hostname === "localhost" || url.hostname === "127.0.0.1";
  if (url.protocol !== "https:" && !(local && url.protocol === "http:")) {
    return `the start URL must use https, like ${partition.startUrlExample}`;
  }
  return true;
}

async function askStartUrl(ctx: Context, p: Prompts, partition: PartitionChoice): Promise<string> {
  while (true) {
    const url = (await p.input(`AWS access portal start URL (e.g. ${partition.startUrlExample})`, {
      validate: (v) => checkStartUrl(v, partition),
    })).trim();
    // The reference refuses a URL that does not answer 200. A network that is down or a proxy
    // that blocks the check must not stop the setup, so a failure is a question, not a refusal.
    const problem = await startUrlAnswers(ctx, url);
    if (problem === undefined) return url;
    ctx.logger.warn(`${url}: ${problem}`);
    if (await p.confirm(`Keep ${url} anyway?`, false)) return url;
  }
}

interface ImportChoice {
  startUrl: string;
  region: string;
}

async function importable(
  ctx: Context,
): Promise<{ origin: string; startUrl: string; region: string }[]> {
  try {
    const [{ loadSharedConfigFiles, loadSsoSessionData }, { ssoSources }] = await Promise.all([
      import("@smithy/core/config"),
      import("../../lib/aws_config/sso_sources.ts"),
    ]);
    const configFilepath = ctx.paths.awsConfigFile;
    const [files, sessions] = await Promise.all([
      loadSharedConfigFiles({ configFilepath, filepath: `${configFilepath}.aws-sso-unused` }),
      loadSsoSessionData({ configFilepath }),
    ]);
    return ssoSources(
      files.configFile as Record<string, Record<string, string | undefined>>,
      sessions as Record<string, Record<string, string | undefined>>,
    );
  } catch (e) {
    ctx.logger.debug(`cannot read ${ctx.display(ctx.paths.awsConfigFile)}`, {
      reason: errorMessage(e),
    });
    return [];
  }
}

async function askImport(ctx: Context, p: Prompts): Promise<ImportChoice | undefined> {
  const found = await importable(ctx);
  if (found.length === 0) return undefined;
  const choices: Choice<ImportChoice | undefined>[] = found.map((s) => ({
    value: { startUrl: s.startUrl, region: s.region },
    name: `${s.startUrl} (${s.region})`,
    description: `from [${s.origin}] in ${ctx.display(ctx.paths.awsConfigFile)}`,
  }));
  choices.push({ value: undefined, name: "No, enter another start URL" });
  return await p.select(
    `Use an AWS access portal from ${ctx.display(ctx.paths.awsConfigFile)}?`,
    choices,
    choices[0]!.value,
  );
}

async function askProfileFormat(p: Prompts, current?: string): Promise<string> {
  const { FRIENDLY_PROFILE_FORMAT } = await import("../../lib/settings/settings.ts");
  const choices: Choice<string>[] = [
    {
      value: FRIENDLY_PROFILE_FORMAT,
      name: "Friendly: account name and role, e.g. production:AdministratorAccess",
      description: FRIENDLY_PROFILE_FORMAT,
    },
    {
      value: ACCOUNT_ID_FORMAT,
      name: "Account id and role, e.g. 012345678901:AdministratorAccess",
      description: ACCOUNT_ID_FORMAT,
    },
  ];
  const normalized = current === "" ? ACCOUNT_ID_FORMAT : current;
  if (normalized !== undefined && !choices.some((c) => c.value === normalized)) {
    choices.push({
      value: normalized,
      name: `Keep your own: ${normalized}`,
      description: normalized,
    });
  }
  return await p.select(
    "Profile names (ProfileFormat)",
    choices,
    normalized ?? FRIENDLY_PROFILE_FORMAT,
  );
}

const ACTION_TEXT: Record<UrlAction, string> = {
  open: "open it in your browser",
  print: "print it with instructions",
  printurl: "print only the URL",
  clip: "copy it to the clipboard",
  "ansi-osc52": "copy it to your local clipboard through the terminal (OSC 52, works over SSH)",
  exec: "run a command of your choice (UrlExecCommand)",
  "open-url-in-container": "open it in a Firefox container (UrlExecCommand)",
  "granted-containers": "open it in a Granted container (UrlExecCommand)",
};

async function askUrlAction(
  ctx: Context,
  p: Prompts,
  advanced: boolean,
  current?: UrlAction,
): Promise<UrlAction> {
  // On a remote host (SSH, WSL) there is no local browser or clipboard to hand the URL to.
  const remote = ctx.remoteSession;
  const actions: UrlAction[] = remote
    ? ["print", "printurl", "ansi-osc52", ...(advanced ? ["exec" as const] : [])]
    : [
      "open",
      "print",
      "printurl",
      "clip",
      "ansi-osc52",
      ...(advanced ? ["exec", "open-url-in-container", "granted-containers"] as const : []),
    ];
  const fallback = remote ? "print" : "open";
  const def = current !== undefined && actions.includes(current) ? current : fallback;
  return await p.select(
    remote
      ? "What to do with login and console URLs (this looks like a remote session)"
      : "What to do with login and console URLs (UrlAction)",
    actions.map((a) => ({ value: a, name: `${a}: ${ACTION_TEXT[a]}` })),
    def,
  );
}

async function isExecutable(path: string): Promise<boolean> {
  try {
    const info = await Deno.stat(path);
    return info.isFile && (Deno.build.os === "windows" || ((info.mode ?? 0) & 0o111) !== 0);
  } catch {
    return false;
  }
}

async function askExecCommand(
  ctx: Context,
  p: Prompts,
  action: UrlAction,
  current: string[],
): Promise<string[]> {
  const { expandHome } = await import("../../lib/paths.ts");
  const firefox = Deno.build.os === "darwin"
    ? "/Applications/Firefox.app/Contents/MacOS/firefox"
    : Deno.build.os === "windows"
    ? "C:\\Program Files\\Mozilla Firefox\\firefox.exe"
    : "/usr/bin/firefox";
  const container = action !== "exec";
  const program = await p.input(
    container ? "Path of Firefox" : "Program to run with the URL",
    {
      default: current[0] ?? (container ? firefox : undefined),
      validate: async (v) =>
        await isExecutable(expandHome(v.trim(), ctx.paths.home)) ||
        `${v.trim()} is not an executable file`,
    },
  );
  if (container) return [program.trim(), "%s"];
  const args: string[] = [];
  ctx.output.err(
    "Its arguments, one per line; %s stands for the URL. An empty line ends the list.\n",
  );
  while (true) {
    const arg = await p.input(`Argument ${args.length + 1}`, {
      validate: (v) =>
        v !== "" || args.some((a) => a.includes("%s")) || "one argument must contain %s",
    });
    if (arg === "") break;
    args.push(arg);
  }
  return [program.trim(), ...args];
}

function intValidator(min: number, max = Number.MAX_SAFE_INTEGER) {
  return (v: string): string | true => {
    const n = Number(v.trim());
    return Number.isInteger(n) && n >= min && n <= max
      ? true
      : `enter a whole number from ${min}${max === Number.MAX_SAFE_INTEGER ? " up" : ` to ${max}`}`;
  };
}

async function askNumber(p: Prompts, message: string, current: number, min: number, max?: number) {
  return Number((await p.input(message, {
    default: String(current),
    validate: intValidator(min, max),
  })).trim());
}

/** The answers to the questions both first run and re-run ask. */
async function commonAnswers(
  ctx: Context,
  p: Prompts,
  advanced: boolean,
  current: Settings | undefined,
  regions: readonly string[],
): Promise<Record<string, ConfigValue | undefined>> {
  const out: Record<string, ConfigValue | undefined> = {};
  const defaults = {
    cacheRefresh: current?.cacheRefresh ?? 168,
    autoConfigCheck: current?.autoConfigCheck ?? false,
    fullTextSearch: current?.fullTextSearch ?? true,
    consoleDuration: current?.consoleDuration ?? 720,
    historyLimit: current?.historyLimit ?? 10,
    historyMinutes: current?.historyMinutes ?? 1440,
  };
  out.ProfileFormat = await askProfileFormat(p, current?.profileFormat);
  if (advanced) {
    const none = "(not set: us-east-1)";
    const picked = await p.search(
      "Default region for your roles (DefaultRegion)",
      [none, ...regions],
      current?.defaultRegion ?? none,
    );
    if (picked !== none) out.DefaultRegion = picked;
    out.CacheRefresh = await askNumber(
      p,
      "Hours before the role cache is refreshed (CacheRefresh, 0 = never)",
      defaults.cacheRefresh,
      0,
    );
    out.AutoConfigCheck = (out.CacheRefresh as number) > 0
      ? await p.confirm(
        "Update ~/.aws/config when the role cache finds new or removed roles (AutoConfigCheck)?",
        defaults.autoConfigCheck,
      )
      : false;
    out.FullTextSearch = await p.confirm(
      "Match anywhere in a name when picking roles (FullTextSearch)?",
      defaults.fullTextSearch,
    );
  } else if (current === undefined) {
    out.CacheRefresh = defaults.cacheRefresh;
    out.AutoConfigCheck = defaults.autoConfigCheck;
    out.FullTextSearch = defaults.fullTextSearch;
  }
  const action = await askUrlAction(ctx, p, advanced, current?.urlAction);
  out.UrlAction = action;
  if (action === "exec" || action === "open-url-in-container" || action === "granted-containers") {
    out.UrlExecCommand = await askExecCommand(ctx, p, action, current?.urlExecCommand ?? []);
  }
  if (advanced && action === "open") {
    const browser = (await p.input("Browser to open URLs with (empty: the system default)", {
      default: current?.browser ?? "",
      validate: async (v) =>
        v.trim() === "" || await isExecutable(v.trim()) || `${v.trim()} is not an executable file`,
    })).trim();
    out.Browser = browser === "" ? undefined : browser;
  }
  if (advanced) {
    out.ConsoleDuration = await askNumber(
      p,
      "Console session length in minutes (ConsoleDuration)",
      defaults.consoleDuration,
      15,
      720,
    );
    out.HistoryLimit = await askNumber(
      p,
      "Recently used roles to remember (HistoryLimit, 0 = none)",
      defaults.historyLimit,
      0,
    );
    out.HistoryMinutes = await askNumber(
      p,
      "Forget a recently used role after this many minutes (HistoryMinutes, 0 = never)",
      defaults.historyMinutes,
      0,
    );
    const { LOG_LEVELS } = await import("../../lib/logger.ts");
    out.LogLevel = await p.select(
      "Log level (LogLevel)",
      LOG_LEVELS.map((l) => ({ value: l, name: l })),
      current?.logLevel ?? "info",
    );
  } else if (current === undefined) {
    out.ConsoleDuration = defaults.consoleDuration;
    out.HistoryLimit = defaults.historyLimit;
    out.HistoryMinutes = defaults.historyMinutes;
  }
  return out;
}

async function validated(ctx: Context, text: string): Promise<Settings> {
  const { loadSettings } = await import("../../lib/settings/load_settings.ts");
  return loadSettings(text, {
    file: ctx.display(ctx.paths.configFile),
    configDir: ctx.paths.configDir,
    home: ctx.paths.home,
    remoteSession: ctx.remoteSession,
  }).settings;
}

async function save(ctx: Context, text: string, mode: number): Promise<void> {
  const { writeTarget, writeTextFileAtomic } = await import("../../lib/atomic_file.ts");
  await writeTextFileAtomic(await writeTarget(ctx.paths.configFile), text, mode);
}

async function firstRun(ctx: Context, p: Prompts, options: WizardOptions): Promise<void> {
  const [{ PARTITIONS, partitionForRegion }, { newConfigText }] = await Promise.all([
    import("../../lib/aws/regions.ts"),
    import("../../lib/settings/edit_config.ts"),
  ]);
  let startUrl: string;
  let ssoRegion: string;
  let partition: PartitionChoice;
  const imported = await askImport(ctx, p);
  if (imported !== undefined) {
    startUrl = imported.startUrl;
    ssoRegion = imported.region;
    partition = partitionForRegion(ssoRegion);
  } else {
    partition = await p.select(
      "AWS partition",
      PARTITIONS.map((x) => ({ value: x, name: x.label })),
      PARTITIONS[0],
    );
    startUrl = await askStartUrl(ctx, p, partition);
    ssoRegion = await p.search(
      "Region of your IAM Identity Center (SSORegion; type to filter)",
      partition.regions,
      partition.regions[0],
    );
  }
  const name = options.advanced
    ? (await p.input("Name of this SSO instance (SSOConfig key)", {
      default: "Default",
      validate: (v) => INSTANCE_NAME.test(v.trim()) || "use letters, digits and - _ @ : only",
    })).trim()
    : "Default";
  const answers = await commonAnswers(ctx, p, options.advanced, undefined, partition.regions);
  const top: Record<string, ConfigValue | undefined> = {
    DefaultSSO: name === "Default" ? undefined : name,
    ...answers,
  };
  const text = newConfigText({ name, startUrl, ssoRegion }, top);
  await validated(ctx, text);
  ctx.output.err(`Awesome!  Saving the new ${ctx.display(ctx.paths.configFile)}\n`);
  await save(ctx, text, 0o600);
  ctx.output.err(
    'Next: "aws-sso login" to sign in, then "aws-sso setup profiles" to add your roles to ' +
      '~/.aws/config and "aws-sso setup completions --install" for tab completion.\n',
  );
}

async function rerun(
  ctx: Context,
  p: Prompts,
  options: WizardOptions,
  text: string,
): Promise<void> {
  const [{ editConfigText }, { PARTITIONS, partitionForRegion }] = await Promise.all([
    import("../../lib/settings/edit_config.ts"),
    import("../../lib/aws/regions.ts"),
  ]);
  const display = ctx.display(ctx.paths.configFile);
  let current: Settings;
  try {
    current = await validated(ctx, text);
  } catch (e) {
    if (e instanceof ConfigError) {
      throw new AwsSsoError(`cannot change ${display}: ${e.message}`, {
        hints: ["fix the file by hand, or move it away to start with a new one"],
        cause: e,
      });
    }
    throw e;
  }
  if (await p.confirm(`Back up ${display} first?`, false)) {
    const file = ctx.paths.configFile;
    const dot = file.lastIndexOf(".");
    const backup = dot > file.lastIndexOf("/")
      ? `${file.slice(0, dot)}.${timestamp(ctx.clock.now())}${file.slice(dot)}`
      : `${file}.${timestamp(ctx.clock.now())}`;
    await Deno.copyFile(file, backup);
    await Deno.chmod(backup, 0o600).catch(() => {});
    ctx.output.err(`Saved a copy as ${ctx.display(backup)}\n`);
  }
  const ssoRegion = Object.values(current.ssoConfig)[0]?.ssoRegion ?? "us-east-1";
  const regions = partitionForRegion(ssoRegion).regions ?? PARTITIONS[0]!.regions;
  const answers = await commonAnswers(ctx, p, options.advanced, current, regions);
  const edits: Record<string, ConfigValue | undefined> = {};
  const now: Record<string, unknown> = {
    ProfileFormat: current.profileFormat,
    DefaultRegion: current.defaultRegion,
    CacheRefresh: current.cacheRefresh,
    AutoConfigCheck: current.autoConfigCheck,
    FullTextSearch: current.fullTextSearch,
    UrlAction: current.urlAction,
    UrlExecCommand: current.urlExecCommand,
    Browser: current.browser,
    ConsoleDuration: current.consoleDuration,
    HistoryLimit: current.historyLimit,
    HistoryMinutes: current.historyMinutes,
    LogLevel: current.logLevel,
  };
  for (const [key, value] of Object.entries(answers)) {
    if (JSON.stringify(value) !== JSON.stringify(now[key])) edits[key] = value;
  }
  // Deprecated keys become their replacements, as config.yaml loading does (docs/config.md).
  if (/^\s*FirefoxOpenUrlInContainer\s*:/mi.test(text)) {
    edits.FirefoxOpenUrlInContainer = undefined;
    edits.UrlAction = answers.UrlAction;
  }
  if (/^\s*ConfigUrlAction\s*:/mi.test(text)) {
    edits.ConfigUrlAction = undefined;
    edits.ConfigProfilesUrlAction = current.configProfilesUrlAction;
  }
  if (Object.keys(edits).length === 0) {
    ctx.output.err(`No changes: ${display} stays as it is\n`);
    return;
  }
  const next = editConfigText(text, edits, display);
  await validated(ctx, next);
  let mode = 0o600;
  try {
    mode = ((await Deno.stat(ctx.paths.configFile)).mode ?? 0o600) & 0o777;
  } catch {
    // Keep 0600.
  }
  await save(ctx, next, mode);
  ctx.output.err(`Saved ${display} (changed: ${Object.keys(edits).join(", ")})\n`);
}

/**
 * Runs the wizard: creates config.yaml, or edits the existing one. The questions come from
 * cli/prompts.ts (a UsageError without a terminal).
 */
export async function runWizard(options: WizardOptions, ctx: Context): Promise<void> {
  const { prompts } = await import("../prompts.ts");
  const p = await prompts(ctx, "the setup wizard");
  const { readTextFileIfExists } = await import("../../lib/atomic_file.ts");
  const text = await readTextFileIfExists(ctx.paths.configFile);
  ctx.output.err(
    "aws-sso setup: a few questions to write " + ctx.display(ctx.paths.configFile) +
      ". Every setting is described in docs/config.md.\n\n",
  );
  if (text === undefined) await firstRun(ctx, p, options);
  else await rerun(ctx, p, options, text);
}

/** Builds `setup wizard`. */
export function setupWizardCommand(app: App): CommandUnknownOpts {
  return new Command("wizard")
    .description("create or change config.yaml by answering a few questions")
    .option("--advanced", "ask about every setting")
    .action(async (opts, cmd) => {
      await runWizard({ advanced: opts.advanced === true }, app.context(cmd));
    }) as unknown as CommandUnknownOpts;
}
