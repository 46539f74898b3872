/**
 * Parses and validates config.yaml. Every error names the file, line and column; unknown keys
 * warn and are ignored; deprecated keys are rewritten like the reference does (docs/config.md).
 * Keys match case-insensitively, as the reference's decoder does.
 *
 * Like the reference, only what every command depends on stops the load: YAML syntax, value
 * types, `exec` mixed with a container action, AuthWorkflow, and the account/role overlays.
 * A bad value of a setting that only some commands use (SecureStore, UrlAction, an instance's
 * StartUrl or SSORegion, UrlExecCommand ...) is recorded in `Settings.problems` and reported
 * by the command that uses it; a harmless one (LogLevel, Threads ...) warns and is ignored.
 *
 * @module
 */
import { isMap, isScalar, isSeq, LineCounter, parseDocument } from "yaml";
import type { Node, Pair, YAMLMap } from "yaml";
import { normalizeAccountId } from "../account_id.ts";
import { parseRoleArn, roleArn } from "../arn.ts";
import { isKnownRegion, isRegionName } from "../aws/regions.ts";
import { DEFAULT_MAX_BACKOFF_SECONDS, DEFAULT_MAX_RETRY } from "../aws/retry.ts";
import { ConfigError } from "../errors.ts";
import { isLogLevel, type LogLevel } from "../logger.ts";
import { DEPRECATED_LIST_FIELDS } from "../roles/list_fields.ts";
import {
  type AccountConfig,
  type AuthWorkflow,
  DEFAULT_ACCOUNT_PRIMARY_TAG,
  DEFAULT_LIST_FIELDS,
  FRIENDLY_PROFILE_FORMAT,
  type RoleConfig,
  SECURE_STORE_NAMES,
  type SettingProblem,
  type Settings,
  type SsoInstance,
} from "./settings.ts";
import {
  CONFIG_PROFILES_URL_ACTIONS,
  isContainerAction,
  isUrlAction,
  URL_ACTIONS,
  type UrlAction,
} from "./url_action.ts";

/** Inputs besides the YAML text. */
export interface LoadSettingsOptions {
  /** Path of the file (for messages). */
  file: string;
  /** Directory holding cache.json etc., for defaults such as JsonStore. */
  configDir: string;
  /** Home directory, to expand `~` in paths. */
  home: string;
  /** True when `SSH_TTY` or `WSL_DISTRO_NAME` is set (device-code default). */
  remoteSession: boolean;
}

/** A non-fatal problem found while loading. */
export interface SettingsWarning {
  /** `file:line:col: text`. */
  message: string;
}

/** The loaded settings and the warnings to show. */
export interface LoadedSettings {
  /** Validated settings. */
  settings: Settings;
  /** Unknown keys, deprecated keys, ignored values. */
  warnings: SettingsWarning[];
}

type Pos = { line?: number; column?: number };

class Loader {
  readonly warnings: SettingsWarning[] = [];
  readonly problems: Record<string, SettingProblem> = {};
  constructor(readonly file: string, readonly text: string, readonly lines: LineCounter) {}

  pos(node: Node | Pair | null | undefined): Pos {
    const n = node as { range?: [number, number, number] | null; key?: unknown } | null;
    let range = n?.range ?? null;
    if (!range && n && "key" in n) {
      range = (n.key as { range?: [number, number, number] } | null)?.range ?? null;
    }
    if (!range) return {};
    const p = this.lines.linePos(range[0]);
    return { line: p.line, column: p.col };
  }

  fail(node: Node | Pair | null | undefined, problem: string, hints?: string[]): never {
    throw new ConfigError(this.file, this.pos(node), problem, { hints });
  }

  /** Records a problem for the commands that use setting `key` (see Settings.problems). */
  defer(key: string, node: Node | Pair | null | undefined, problem: string, hints: string[]): void {
    this.problems[key] ??= { ...this.pos(node), problem, hints };
  }

  warn(node: Node | Pair | null | undefined, problem: string): void {
    const p = this.pos(node);
    const where = p.line === undefined ? this.file : `${this.file}:${p.line}:${p.column}`;
    this.warnings.push({ message: `${where}: ${problem}` });
  }

  /** Text of a scalar as written (keeps leading zeros of unquoted numbers). */
  sourceText(node: Node): string {
    if (isScalar(node)) {
      if (typeof node.value === "string") return node.value;
      if (node.range && (node.type === "PLAIN" || node.type === undefined)) {
        return this.text.slice(node.range[0], node.range[1]).trim();
      }
      return String(node.value);
    }
    return "";
  }

  keyText(pair: Pair): string {
    const key = pair.key as Node | null;
    if (key === null || !isScalar(key)) this.fail(pair, "map keys must be plain values");
    return this.sourceText(key);
  }

  isNull(node: unknown): boolean {
    return node === null || node === undefined || (isScalar(node) && node.value === null);
  }

  mapPairs(node: unknown, what: string): Pair[] {
    if (this.isNull(node)) return [];
    if (!isMap(node)) this.fail(node as Node, `${what} must be a map of keys to values`);
    return (node as YAMLMap).items as Pair[];
  }

  string(node: unknown, what: string): string | undefined {
    if (this.isNull(node)) return undefined;
    if (!isScalar(node)) {
      this.fail(node as Node, `${what} must be a single value, not a list or map`);
    }
    return this.sourceText(node);
  }

  bool(node: unknown, what: string): boolean | undefined {
    if (this.isNull(node)) return undefined;
    if (isScalar(node)) {
      if (typeof node.value === "boolean") return node.value;
      const t = String(node.value).toLowerCase();
      if (t === "true" || t === "yes" || t === "on" || t === "1") return true;
      if (t === "false" || t === "no" || t === "off" || t === "0") return false;
    }
    return this.fail(node as Node, `${what} must be true or false`);
  }

  int(node: unknown, what: string): number | undefined {
    if (this.isNull(node)) return undefined;
    if (isScalar(node)) {
      const v = typeof node.value === "number" ? node.value : Number(String(node.value).trim());
      if (Number.isInteger(v)) return v;
    }
    return this.fail(node as Node, `${what} must be a whole number`);
  }

  stringList(node: unknown, what: string): string[] | undefined {
    if (this.isNull(node)) return undefined;
    if (isScalar(node)) return [this.sourceText(node)];
    if (!isSeq(node)) this.fail(node as Node, `${what} must be a list of values`);
    return node.items.map((item) => {
      const s = this.string(item, `each item of ${what}`);
      return s ?? "";
    });
  }

  /** A map of string values; also accepts a list of one-key maps (seen in real configs). */
  stringMap(node: unknown, what: string): Record<string, string> {
    const out: Record<string, string> = {};
    if (this.isNull(node)) return out;
    if (isSeq(node)) {
      for (const item of node.items) {
        for (const pair of this.mapPairs(item, `each item of ${what}`)) {
          out[this.keyText(pair)] = this.goValue(pair.value as Node);
        }
      }
      return out;
    }
    for (const pair of this.mapPairs(node, what)) {
      out[this.keyText(pair)] = this.goValue(pair.value as Node);
    }
    return out;
  }

  /** Formats a YAML value like Go's `%v` does for the decoded value. */
  goValue(node: Node | null): string {
    if (this.isNull(node)) return "";
    if (isScalar(node)) {
      if (typeof node.value === "boolean") return node.value ? "true" : "false";
      if (typeof node.value === "number") return this.sourceText(node);
      return String(node.value);
    }
    if (isSeq(node)) return `[${node.items.map((i) => this.goValue(i as Node)).join(" ")}]`;
    if (isMap(node)) {
      const entries = (node.items as Pair[]).map((p) =>
        [this.keyText(p), this.goValue(p.value as Node)] as const
      ).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      return `map[${entries.map(([k, v]) => `${k}:${v}`).join(" ")}]`;
    }
    return "";
  }

  /**
   * A URL action; an invalid one is `undefined` (the reference falls back to `open`) and its
   * problem is recorded under `key`, or only warned about without a key.
   */
  urlAction(
    node: unknown,
    what: string,
    key: string | undefined,
    allowed?: readonly string[],
  ): UrlAction | undefined {
    const v = this.string(node, what);
    if (v === undefined || v === "") return undefined;
    if (!isUrlAction(v) || (allowed !== undefined && !allowed.includes(v))) {
      const options = (allowed ?? URL_ACTIONS).join(", ");
      const problem = `invalid ${what} '${v}': must be one of ${options}`;
      if (key === undefined) this.warn(node as Node, `${problem}; ignored`);
      else this.defer(key, node as Node, problem, [`fix ${what} in config.yaml`]);
      return undefined;
    }
    return v;
  }
}

/** Dispatches the keys of a YAML map case-insensitively; unknown keys warn. */
function eachKey(
  loader: Loader,
  node: unknown,
  what: string,
  handlers: Record<string, (value: Node, pair: Pair) => void>,
): void {
  const byLower = new Map(Object.entries(handlers).map(([k, f]) => [k.toLowerCase(), f]));
  for (const pair of loader.mapPairs(node, what)) {
    const key = loader.keyText(pair);
    const handler = byLower.get(key.toLowerCase());
    if (handler === undefined) {
      loader.warn(pair, `unknown key '${key}' in ${what} is ignored`);
      continue;
    }
    handler(pair.value as Node, pair);
  }
}

function expandTilde(path: string, home: string): string {
  return path === "~" ? home : path.startsWith("~/") ? home + path.slice(1) : path;
}

/**
 * The settings of an empty config: every default, no SSO instance (for commands that can run
 * without config.yaml, such as `--aws-profile`).
 */
export function defaultSettings(
  options: Pick<LoadSettingsOptions, "file" | "configDir" | "remoteSession">,
): Settings {
  return {
    file: options.file,
    ssoConfig: {},
    defaultSso: "Default",
    defaultRegion: "us-east-1",
    authWorkflow: options.remoteSession ? "device_code" : "pkce",
    autoLogin: false,
    cacheRefresh: 168,
    autoConfigCheck: false,
    threads: 5,
    maxRetry: DEFAULT_MAX_RETRY,
    maxBackoff: DEFAULT_MAX_BACKOFF_SECONDS,
    urlAction: "open",
    configProfilesUrlAction: "open",
    urlExecCommand: [],
    consoleDuration: 60,
    consolePortal: false,
    profileFormat: FRIENDLY_PROFILE_FORMAT,
    configVariables: {},
    logLevel: "info",
    logLines: false,
    historyLimit: 10,
    historyMinutes: 1440,
    jsonStore: `${options.configDir}/store.json`,
    onePassword: {},
    fullTextSearch: true,
    accountPrimaryTag: [...DEFAULT_ACCOUNT_PRIMARY_TAG],
    promptColors: {},
    listFields: [...DEFAULT_LIST_FIELDS],
    envVarTags: [],
    problems: {},
  };
}

/** Parses config.yaml text into validated {@link Settings}. Throws ConfigError with a position. */
export function loadSettings(text: string, options: LoadSettingsOptions): LoadedSettings {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const loader = new Loader(options.file, text, lines);
  const firstError = doc.errors[0];
  if (firstError !== undefined) {
    const p = lines.linePos(firstError.pos[0]);
    const message = firstError.message.split("\n")[0]?.replace(/\s*at line \d+, column \d+:?$/, "")
      .trim() ?? "invalid YAML";
    const tabHint = /tab/i.test(message) ? ["indent with spaces; YAML does not allow tabs"] : [];
    throw new ConfigError(
      options.file,
      { line: p.line, column: p.col },
      `YAML syntax error: ${message}`,
      {
        hints: tabHint,
      },
    );
  }
  const root = doc.contents as Node | null;
  if (root === null || loader.isNull(root)) {
    throw new ConfigError(options.file, {}, "the file is empty", {
      hints: ['run "aws-sso setup wizard" to create a configuration'],
    });
  }
  if (!isMap(root)) loader.fail(root, "the top level must be a map of settings (Key: value)");

  const s: Settings = defaultSettings(options);
  let ssoConfigNode: Node | undefined;
  let urlActionNode: Node | undefined;
  let profilesActionNode: Node | undefined;
  let firefoxContainer = false;
  let legacyConfigUrlAction: UrlAction | undefined;
  let profilesActionSet = false;
  let urlActionSet = false;

  // The reference uses MaxRetry / MaxBackoff only when > 0 (0 means its default) and ignores
  // Threads: a value of 0 or less is no reason to stop a command.
  const positive = (v: number | undefined, node: Node, what: string): number | undefined => {
    if (v === undefined || v > 0) return v;
    if (v < 0 || what === "Threads") {
      loader.warn(node, `${what} ${v} is not greater than 0; using the default`);
    }
    return undefined;
  };

  eachKey(loader, root, "the configuration", {
    SSOConfig: (v) => (ssoConfigNode = v),
    DefaultSSO: (v) => (s.defaultSso = (loader.string(v, "DefaultSSO") ?? "Default").trim()),
    DefaultRegion: (v) => (s.defaultRegion = loader.string(v, "DefaultRegion") ?? s.defaultRegion),
    AuthWorkflow: (v) => {
      const w = loader.string(v, "AuthWorkflow");
      if (w === undefined || w === "") return;
      if (w !== "pkce" && w !== "device_code") {
        loader.fail(v, `invalid AuthWorkflow '${w}': must be "device_code" or "pkce"`);
      }
      s.authWorkflow = w as AuthWorkflow;
    },
    AutoLogin: (v) => (s.autoLogin = loader.bool(v, "AutoLogin") ?? false),
    CacheRefresh: (v) => (s.cacheRefresh = loader.int(v, "CacheRefresh") ?? s.cacheRefresh),
    AutoConfigCheck: (v) => (s.autoConfigCheck = loader.bool(v, "AutoConfigCheck") ?? false),
    Threads: (v) => {
      const threads = positive(loader.int(v, "Threads"), v, "Threads");
      if (threads === undefined) return;
      s.threads = threads;
      s.threadsConfigured = true;
    },
    MaxRetry: (
      v,
    ) => (s.maxRetry = positive(loader.int(v, "MaxRetry"), v, "MaxRetry") ?? s.maxRetry),
    MaxBackoff: (
      v,
    ) => (s.maxBackoff = positive(loader.int(v, "MaxBackoff"), v, "MaxBackoff") ?? s.maxBackoff),
    Browser: (v) => {
      const b = loader.string(v, "Browser");
      s.browser = b === undefined || b === "" ? undefined : expandTilde(b, options.home);
    },
    UrlAction: (v) => {
      urlActionNode = v;
      const a = loader.urlAction(v, "UrlAction", "UrlAction");
      if (a !== undefined) {
        s.urlAction = a;
        urlActionSet = true;
      }
    },
    ConfigProfilesUrlAction: (v) => {
      profilesActionNode = v;
      // Historical (no longer written into profiles): a bad value only warns.
      const a = loader.urlAction(
        v,
        "ConfigProfilesUrlAction",
        undefined,
        CONFIG_PROFILES_URL_ACTIONS,
      );
      if (a !== undefined) {
        s.configProfilesUrlAction = a;
        profilesActionSet = true;
      }
    },
    UrlExecCommand: (v) => {
      s.urlExecCommand = loader.stringList(v, "UrlExecCommand") ?? [];
    },
    ConsoleDuration: (v) => {
      const d = loader.int(v, "ConsoleDuration");
      if (d === undefined) return;
      if (d < 15 || d > 720) {
        loader.warn(v, `ConsoleDuration ${d} is outside 15..720 minutes; using 60`);
        return;
      }
      s.consoleDuration = d;
    },
    ConsolePortal: (v) => (s.consolePortal = loader.bool(v, "ConsolePortal") ?? false),
    ConfigProfilesBinaryPath: (v) => {
      const p = loader.string(v, "ConfigProfilesBinaryPath");
      s.configProfilesBinaryPath = p === undefined || p === "" ? undefined : p;
    },
    ProfileFormat: (v) => (s.profileFormat = loader.string(v, "ProfileFormat") ?? s.profileFormat),
    ConfigVariables: (v) => {
      for (const pair of loader.mapPairs(v, "ConfigVariables")) {
        s.configVariables[loader.keyText(pair)] = loader.goValue(pair.value as Node);
      }
    },
    LogLevel: (v) => {
      const l = loader.string(v, "LogLevel");
      if (l === undefined || l === "") return;
      if (!isLogLevel(l.toLowerCase())) {
        loader.warn(
          v,
          `invalid LogLevel '${l}' is ignored: must be one of error, warn, info, debug, trace`,
        );
        return;
      }
      s.logLevel = l.toLowerCase() as LogLevel;
    },
    LogLines: (v) => (s.logLines = loader.bool(v, "LogLines") ?? false),
    HistoryLimit: (v) => {
      const n = loader.int(v, "HistoryLimit");
      if (n !== undefined && n < 0) {
        loader.warn(v, `HistoryLimit ${n} is less than 0; using ${s.historyLimit}`);
        return;
      }
      s.historyLimit = n ?? s.historyLimit;
    },
    HistoryMinutes: (v) => (s.historyMinutes = loader.int(v, "HistoryMinutes") ?? s.historyMinutes),
    SecureStore: (v) => {
      const name = loader.string(v, "SecureStore");
      if (name === undefined || name === "") return;
      if (!(SECURE_STORE_NAMES as readonly string[]).includes(name)) {
        // Never fall back to another store: the commands that open one report this.
        loader.defer(
          "SecureStore",
          v,
          `invalid SecureStore '${name}': must be one of ${SECURE_STORE_NAMES.join(", ")}`,
          ["fix SecureStore in config.yaml, or remove it to use the system keyring"],
        );
        return;
      }
      s.secureStore = name;
    },
    JsonStore: (v) => {
      const p = loader.string(v, "JsonStore");
      if (p !== undefined && p !== "") s.jsonStore = expandTilde(p, options.home);
    },
    SecretServiceCollection: (v) => {
      const name = loader.string(v, "SecretServiceCollection");
      if (name !== undefined && name !== "") s.secretServiceCollection = name;
    },
    OnePassword: (v) =>
      eachKey(loader, v, "OnePassword", {
        Vault: (x) => (s.onePassword.vault = loader.string(x, "OnePassword.Vault")),
        AuthType: (x) => (s.onePassword.authType = loader.string(x, "OnePassword.AuthType")),
        Account: (x) => (s.onePassword.account = loader.string(x, "OnePassword.Account")),
      }),
    FirstTag: (v) => (s.firstTag = loader.string(v, "FirstTag") || undefined),
    FullTextSearch: (v) => (s.fullTextSearch = loader.bool(v, "FullTextSearch") ?? true),
    AccountPrimaryTag: (v) => {
      const list = loader.stringList(v, "AccountPrimaryTag");
      // Like the reference, an empty list means the default.
      if (list !== undefined && list.length > 0) s.accountPrimaryTag = list;
    },
    PromptColors: (v) => (s.promptColors = loader.stringMap(v, "PromptColors")),
    ListFields: (v) => {
      const list = loader.stringList(v, "ListFields");
      if (list === undefined || list.length === 0) return;
      s.listFields = list.map((f) => {
        const renamed = Object.hasOwn(DEPRECATED_LIST_FIELDS, f)
          ? DEPRECATED_LIST_FIELDS[f]
          : undefined;
        if (renamed !== undefined) {
          loader.warn(v, `ListFields '${f}' is deprecated; use '${renamed}'`);
          return renamed;
        }
        return f;
      });
    },
    EnvVarTags: (v) => (s.envVarTags = loader.stringList(v, "EnvVarTags") ?? []),
    FirefoxOpenUrlInContainer: (v, pair) => {
      firefoxContainer = loader.bool(v, "FirefoxOpenUrlInContainer") ?? false;
      loader.warn(
        pair,
        "FirefoxOpenUrlInContainer is deprecated; use 'UrlAction: open-url-in-container'",
      );
    },
    ConfigUrlAction: (v, pair) => {
      legacyConfigUrlAction = loader.urlAction(
        v,
        "ConfigUrlAction",
        undefined,
        CONFIG_PROFILES_URL_ACTIONS,
      );
      loader.warn(pair, "ConfigUrlAction is deprecated; use ConfigProfilesUrlAction");
    },
  });

  // Deprecation rewrites, in the reference's order.
  if (firefoxContainer) {
    s.urlAction = "open-url-in-container";
    urlActionSet = true;
  }
  if (!profilesActionSet && legacyConfigUrlAction !== undefined) {
    s.configProfilesUrlAction = legacyConfigUrlAction;
    profilesActionSet = true;
  }
  if (!profilesActionSet && urlActionSet) {
    s.configProfilesUrlAction = s.urlAction === "print" || s.urlAction === "printurl"
      ? "open"
      : s.urlAction;
  }
  if (s.profileFormat.includes("AccountIdStr .AccountId")) {
    s.profileFormat = s.profileFormat.replaceAll("AccountIdStr .AccountId", ".AccountIdPad");
  }

  // Validation across keys.
  const urlContainer = isContainerAction(s.urlAction);
  const profilesContainer = isContainerAction(s.configProfilesUrlAction);
  if (
    urlContainer !== profilesContainer &&
    (s.urlAction === "exec" || s.configProfilesUrlAction === "exec")
  ) {
    loader.fail(
      urlActionNode ?? profilesActionNode ?? root,
      "UrlAction and ConfigProfilesUrlAction must not mix 'exec' with a Firefox container action",
    );
  }

  if (ssoConfigNode === undefined || loader.isNull(ssoConfigNode)) {
    loader.fail(root, "SSOConfig is missing: no AWS SSO instances are configured", [
      'add an SSOConfig section with a StartUrl and SSORegion, or run "aws-sso setup wizard"',
    ]);
  }
  for (const pair of loader.mapPairs(ssoConfigNode, "SSOConfig")) {
    const name = loader.keyText(pair).trim();
    s.ssoConfig[name] = loadInstance(loader, name, pair, s.urlAction);
  }
  if (Object.keys(s.ssoConfig).length === 0) {
    loader.fail(ssoConfigNode, "SSOConfig is empty: no AWS SSO instances are configured");
  }

  // UrlExecCommand is checked where a URL is opened with exec or a container action
  // (lib/url_action_format.ts execArgv), as the reference does: a config that never opens one
  // that way may leave it unset.
  s.problems = loader.problems;
  return { settings: s, warnings: loader.warnings };
}

function loadInstance(loader: Loader, name: string, pair: Pair, urlAction: UrlAction): SsoInstance {
  const node = pair.value as Node;
  if (loader.isNull(node)) {
    loader.fail(
      pair,
      `SSO instance '${name}' has no settings: StartUrl and SSORegion are required`,
    );
  }
  let startUrl: string | undefined;
  let ssoRegion: string | undefined;
  let defaultRegion: string | undefined;
  let authUrlAction: UrlAction | undefined;
  let consolePortal: boolean | undefined;
  const accounts: Record<string, AccountConfig> = {};
  const key = (k: string) => `SSOConfig.${name}.${k}`;
  // StartUrl and SSORegion matter only to the commands that use this instance: another
  // instance's mistake must not stop them, so they are reported when it is selected.
  eachKey(loader, node, `SSOConfig.${name}`, {
    StartUrl: (v) => {
      startUrl = loader.string(v, "StartUrl")?.trim();
      if (startUrl !== undefined && startUrl !== "" && !/^https?:\/\/[^\s/]+/.test(startUrl)) {
        loader.defer(
          key("StartUrl"),
          v,
          `StartUrl '${startUrl}' of SSO instance '${name}' is not a URL`,
          ["set it to your AWS access portal URL, e.g. https://example.awsapps.com/start"],
        );
      }
    },
    SSORegion: (v) => {
      ssoRegion = loader.string(v, "SSORegion")?.trim();
      if (ssoRegion === undefined || ssoRegion === "") return;
      if (!isRegionName(ssoRegion)) {
        loader.defer(
          key("SSORegion"),
          v,
          `SSORegion '${ssoRegion}' of SSO instance '${name}' is not an AWS region name`,
          ["set it to the region of your IAM Identity Center, e.g. us-east-1 or eusc-de-east-1"],
        );
      } else if (!isKnownRegion(ssoRegion)) {
        loader.warn(v, `SSORegion '${ssoRegion}' is not a region this aws-sso knows; using it`);
      }
    },
    DefaultRegion: (v) => (defaultRegion = loader.string(v, "DefaultRegion") || undefined),
    AuthUrlAction: (
      v,
    ) => (authUrlAction = loader.urlAction(v, "AuthUrlAction", key("AuthUrlAction"))),
    ConsolePortal: (v) => (consolePortal = loader.bool(v, "ConsolePortal")),
    Accounts: (v) => {
      for (const accountPair of loader.mapPairs(v, `SSOConfig.${name}.Accounts`)) {
        const account = loadAccount(loader, name, accountPair);
        if (accounts[account.id] !== undefined) {
          loader.fail(
            accountPair,
            `account ${account.id} is listed twice in SSOConfig.${name}.Accounts`,
          );
        }
        accounts[account.id] = account;
      }
    },
  });
  if (startUrl === undefined || startUrl === "") {
    loader.defer(key("StartUrl"), pair, `SSO instance '${name}' is missing StartUrl`, [
      "set StartUrl to your AWS access portal URL, e.g. https://example.awsapps.com/start",
    ]);
  }
  if (ssoRegion === undefined || ssoRegion === "") {
    loader.defer(key("SSORegion"), pair, `SSO instance '${name}' is missing SSORegion`, [
      "set SSORegion to the region of your IAM Identity Center, e.g. us-east-1",
    ]);
  }
  // Without a valid AuthUrlAction of its own, the instance's logins use UrlAction.
  const urlActionProblem = loader.problems.UrlAction;
  if (authUrlAction === undefined && urlActionProblem !== undefined) {
    loader.problems[key("AuthUrlAction")] ??= urlActionProblem;
  }
  return {
    name,
    startUrl: startUrl ?? "",
    ssoRegion: ssoRegion ?? "",
    defaultRegion,
    authUrlAction: authUrlAction ?? urlAction,
    ...(consolePortal === undefined ? {} : { consolePortal }),
    accounts,
  };
}

function loadAccount(loader: Loader, instance: string, pair: Pair): AccountConfig {
  const keyNode = pair.key as Node;
  const rawId = loader.keyText(pair);
  let id: string;
  try {
    id = normalizeAccountId(rawId);
  } catch {
    return loader.fail(
      keyNode,
      `invalid account id '${rawId}' in SSOConfig.${instance}.Accounts: it must be 12 digits (quote it to keep leading zeros)`,
    );
  }
  const account: AccountConfig = { id, tags: {}, roles: {} };
  const where = `SSOConfig.${instance}.Accounts.${rawId}`;
  eachKey(loader, pair.value, where, {
    Name: (v) => (account.name = loader.string(v, "Name") || undefined),
    DefaultRegion: (v) => (account.defaultRegion = loader.string(v, "DefaultRegion") || undefined),
    Tags: (v) => (account.tags = loader.stringMap(v, `${where}.Tags`)),
    Roles: (v) => {
      for (const rolePair of loader.mapPairs(v, `${where}.Roles`)) {
        const role = loadRole(loader, id, `${where}.Roles`, rolePair);
        account.roles[role.name] = role;
      }
    },
  });
  return account;
}

function loadRole(loader: Loader, accountId: string, where: string, pair: Pair): RoleConfig {
  const name = loader.keyText(pair);
  let arn: string;
  try {
    arn = roleArn(accountId, name);
    parseRoleArn(arn);
  } catch {
    return loader.fail(pair, `invalid role name '${name}' in ${where}`);
  }
  const role: RoleConfig = { name, arn, tags: {} };
  eachKey(loader, pair.value, `${where}.${name}`, {
    Profile: (v) => (role.profile = loader.string(v, "Profile") || undefined),
    DefaultRegion: (v) => (role.defaultRegion = loader.string(v, "DefaultRegion") || undefined),
    Tags: (v) => (role.tags = loader.stringMap(v, `${where}.${name}.Tags`)),
    Via: (v) => {
      const via = loader.string(v, "Via")?.trim();
      if (via === undefined || via === "") return;
      try {
        if (!via.startsWith("arn:")) throw new Error("short form");
        const ref = parseRoleArn(via);
        role.via = roleArn(ref.accountId, ref.roleName);
      } catch {
        loader.fail(
          v,
          `Via '${via}' is not a role ARN (expected arn:aws:iam::<account id>:role/<RoleName>)`,
        );
      }
      if (role.via === arn) loader.fail(v, `role ${arn} cannot be assumed via itself`);
    },
    SourceIdentity: (v) => (role.sourceIdentity = loader.string(v, "SourceIdentity") || undefined),
    ExternalId: (v) => (role.externalId = loader.string(v, "ExternalId") || undefined),
  });
  return role;
}
