/**
 * The composition root for one command run: a snapshot of the environment resolved once into
 * paths, global options, the logger and lazily-loaded settings. lib/ never reads Deno.env; it
 * receives what it needs from here.
 *
 * @module
 */
import type { EndpointOptions } from "../lib/aws/endpoints.ts";
import type { HttpDeps } from "../lib/aws/json_client.ts";
import { retryPolicy } from "../lib/aws/retry.ts";
import type { Clock } from "../lib/clock.ts";
import { readTextFileIfExists, writeTextFileAtomic } from "../lib/atomic_file.ts";
import { AwsSsoError, errorMessage } from "../lib/errors.ts";
import type { LogLevel } from "../lib/logger.ts";
import { displayPath, type Paths } from "../lib/paths.ts";
import {
  assertSettingsUsable,
  instanceProblemKeys,
  type Settings,
  type SsoInstance,
} from "../lib/settings/settings.ts";
import {
  readSettingsCache,
  renderSettingsCache,
  SETTINGS_CACHE_FILE,
  type SettingsCacheKey,
} from "../lib/settings/settings_cache.ts";
import type { UrlAction } from "../lib/settings/url_action.ts";
import type { CommandRunner, SecretBackend } from "../stores/backend.ts";
import { DenoCommandRunner } from "../stores/command_runner.ts";
import buildInfo from "./build_info.json" with { type: "json" };
import { ConsoleLogger, SecretRegistry } from "./log.ts";
import type { Output } from "./output.ts";
import type { Prompts } from "./prompts.ts";
import { runPaths } from "./host.ts";

/** Options accepted before or after any command. */
export interface GlobalOptions {
  /** `--config` / `$AWS_SSO_CONFIG`. */
  config?: string;
  /** `--level` / `-L`. */
  level?: LogLevel;
  /** `--lines`. */
  lines: boolean;
  /** `--sso` / `-S` / `$AWS_SSO`. */
  sso?: string;
  /** `--browser` / `-b` / `$AWS_SSO_BROWSER`. */
  browser?: string;
  /** `--url-action` / `-u` (1.x global form and per-command flag). */
  urlAction?: UrlAction;
  /** `--sts-refresh` (1.x global form and per-command flag). */
  stsRefresh: boolean;
}

/** config.yaml does not exist. */
export class ConfigNotFoundError extends AwsSsoError {}

/** The real clock. */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** Process-level facts a Context is built from (tests pass their own). */
export interface ContextDeps {
  /** Environment snapshot. */
  env: Record<string, string>;
  /** Terminal. */
  output: Output;
  /** Time source. */
  clock: Clock;
  /** Secrets to mask in logs and errors. */
  secrets: SecretRegistry;
  /** HTTP (tests may wrap it to count or fail requests). */
  fetch?: typeof fetch;
  /**
   * The secret store to use instead of the one config.yaml names (in-process tests pass a
   * MemoryBackend).
   */
  backend?: SecretBackend;
  /**
   * Runs helper programs (docker, secret-tool, pass...); default: the real one over `env`.
   * In-process tests pass a recording runner.
   */
  runner?: CommandRunner;
  /**
   * Asks the setup questions (default: on the terminal, cli/prompts.ts). In-process tests pass
   * scripted answers.
   */
  prompts?: () => Promise<Prompts>;
}

/**
 * One per-run service a Context holds (the secure store, the role cache, the token map...): the
 * typed key {@link Context.service} creates its value under, once. Declare a slot next to the
 * service it holds; a service whose value depends on an option gets a slot per option value.
 */
export class ServiceSlot<T> {
  /** For debugging: what the slot holds. */
  readonly name: string;
  /** Phantom field: ties the slot to the type of its value. */
  declare readonly _value: T;

  /** Creates a slot named `name`. */
  constructor(name: string) {
    this.name = name;
  }
}

function parseBool(value: string | undefined): boolean {
  return value !== undefined && /^(1|t|true)$/i.test(value.trim());
}

/** The value for `key` in a per-run map of services held in `slot`, created once per key. */
export function keyedService<T>(
  ctx: Context,
  slot: ServiceSlot<Map<string, T>>,
  key: string,
  create: () => T,
): T {
  const map = ctx.service(slot, () => new Map<string, T>());
  if (!map.has(key)) map.set(key, create());
  return map.get(key)!;
}

/** Everything a command needs; settings and later services load on first use. */
export class Context {
  readonly env: Record<string, string>;
  readonly output: Output;
  readonly clock: Clock;
  readonly secrets: SecretRegistry;
  readonly logger: ConsoleLogger;
  readonly globals: GlobalOptions;
  readonly paths: Paths;
  readonly fetch: typeof fetch;
  /** The store that replaces the configured one (tests). */
  readonly backend?: SecretBackend;
  #runner?: CommandRunner;
  /** How questions are asked when not on the terminal (see {@link ContextDeps.prompts}). */
  readonly askWith?: () => Promise<Prompts>;
  #settings?: Promise<Settings>;
  readonly #services = new Map<ServiceSlot<unknown>, unknown>();

  /** Builds the context from the global options and the process facts. */
  constructor(globals: GlobalOptions, deps: ContextDeps) {
    this.env = deps.env;
    this.output = deps.output;
    this.clock = deps.clock;
    this.secrets = deps.secrets;
    this.globals = globals;
    this.fetch = deps.fetch ?? fetch;
    this.backend = deps.backend;
    this.#runner = deps.runner;
    this.askWith = deps.prompts;
    this.logger = new ConsoleLogger(
      deps.output,
      deps.secrets,
      globals.level ?? "info",
      globals.lines,
    );
    const paths = runPaths(this.env, globals.config);
    if (paths === undefined) {
      throw new AwsSsoError("cannot find your home directory: HOME is not set");
    }
    this.paths = paths;
  }

  /**
   * The per-run service held in `slot`, created by `create` on first use (the secure store, the
   * role cache ...). Service modules in cli/services/ use this so that every command of a run
   * shares one instance.
   */
  service<T>(slot: ServiceSlot<T>, create: () => T): T {
    if (!this.#services.has(slot)) this.#services.set(slot, create());
    return this.#services.get(slot) as T;
  }

  /** Runs helper programs for the stores and `ecs docker` (one runner per run). */
  get runner(): CommandRunner {
    this.#runner ??= new DenoCommandRunner({ env: this.env, os: Deno.build.os });
    return this.#runner;
  }

  /** True when {@link service} has already created the value of `slot`. */
  hasService(slot: ServiceSlot<unknown>): boolean {
    return this.#services.has(slot);
  }

  /** A path shortened with `~` for messages. */
  display(path: string): string {
    return displayPath(path, this.paths.home);
  }

  /** True when this looks like a remote shell (device-code login, no local browser). */
  get remoteSession(): boolean {
    return (this.env.SSH_TTY ?? "") !== "" || (this.env.WSL_DISTRO_NAME ?? "") !== "";
  }

  /** Endpoint overrides from `AWS_ENDPOINT_URL_*` and the FIPS / dual-stack switches. */
  endpointOptions(): EndpointOptions {
    const e = this.env;
    const pick = (name: string) => (e[name] ?? "") === "" ? undefined : e[name];
    return {
      overrides: {
        oidc: pick("AWS_ENDPOINT_URL_SSO_OIDC"),
        portal: pick("AWS_ENDPOINT_URL_SSO"),
        sts: pick("AWS_ENDPOINT_URL_STS"),
        signin: pick("AWS_ENDPOINT_URL_SIGNIN"),
      },
      global: pick("AWS_ENDPOINT_URL"),
      fips: parseBool(e.AWS_USE_FIPS_ENDPOINT),
      dualStack: parseBool(e.AWS_USE_DUALSTACK_ENDPOINT),
    };
  }

  /** HTTP dependencies for AWS calls, with the retry policy from config.yaml. */
  async http(): Promise<HttpDeps> {
    const settings = await this.settings();
    return {
      fetch: this.fetch,
      clock: this.clock,
      logger: this.logger,
      retry: retryPolicy(settings.maxRetry, settings.maxBackoff),
    };
  }

  /** Loads config.yaml once: validates it, logs its warnings and applies the global flags. */
  settings(): Promise<Settings> {
    this.#settings ??= this.#loadSettings();
    return this.#settings;
  }

  async #loadSettings(): Promise<Settings> {
    const file = this.paths.configFile;
    let text: string;
    let stat: Deno.FileInfo;
    try {
      stat = await Deno.stat(file);
      if (stat.isDirectory) {
        throw new AwsSsoError(`cannot read ${this.display(file)}: it is a directory`);
      }
      text = await Deno.readTextFile(file);
    } catch (e) {
      if (e instanceof AwsSsoError) throw e;
      if (e instanceof Deno.errors.NotFound) {
        throw new ConfigNotFoundError(`no config file found at ${this.display(file)}`, {
          hints: [
            'run "aws-sso setup wizard" to create one, or point --config / AWS_SSO_CONFIG at yours',
          ],
        });
      }
      throw new AwsSsoError(`cannot read ${this.display(file)}: ${errorMessage(e)}`, {
        cause: e,
      });
    }
    const key: SettingsCacheKey = {
      version: `${buildInfo.version}+${buildInfo.commit}`,
      path: file,
      size: stat.size,
      mtimeMs: stat.mtime?.getTime() ?? -1,
      file: this.display(file),
      configDir: this.paths.configDir,
      home: this.paths.home,
      remoteSession: this.remoteSession,
    };
    const cacheFile = `${this.paths.configDir}/${SETTINGS_CACHE_FILE}`;
    let loaded = key.mtimeMs < 0 || new TextEncoder().encode(text).length !== stat.size
      ? undefined
      : readSettingsCache(await readTextFileIfExists(cacheFile).catch(() => undefined) ?? "", key);
    if (loaded === undefined) {
      const { loadSettings } = await import("../lib/settings/load_settings.ts");
      loaded = loadSettings(text, {
        file: key.file,
        configDir: key.configDir,
        home: key.home,
        remoteSession: key.remoteSession,
      });
      // Best effort: a read-only config directory only costs the next run a parse.
      await writeTextFileAtomic(cacheFile, renderSettingsCache(key, loaded)).catch(() => {});
    }
    const { settings, warnings } = loaded;
    if (this.globals.level === undefined) this.logger.level = settings.logLevel;
    if (!this.globals.lines && settings.logLines) this.logger.lines = true;
    for (const w of warnings) this.logger.warn(w.message);
    if (this.globals.browser !== undefined && this.globals.browser !== "") {
      settings.browser = this.globals.browser;
    }
    return settings;
  }

  /** The selected SSO instance (`--sso` / `$AWS_SSO`, else DefaultSSO, else the only one). */
  async instance(): Promise<SsoInstance> {
    const settings = await this.settings();
    const { selectInstanceName } = await import("../lib/settings/select_instance.ts");
    const picked = selectInstanceName(settings, this.globals.sso);
    if ("error" in picked) throw new AwsSsoError(picked.error, { hints: [picked.hint] });
    const instance = settings.ssoConfig[picked.name];
    if (instance === undefined) throw new AwsSsoError(`unknown SSO instance ${picked.name}`);
    assertSettingsUsable(settings, ...instanceProblemKeys(instance.name));
    return instance;
  }
}
