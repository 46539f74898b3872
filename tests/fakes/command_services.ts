/**
 * The services object of an in-process command test: a real {@link Context} over a temporary
 * HOME (with its config.yaml), a {@link MemoryBackend} in place of the configured secret store,
 * the recording output and, when given, the emulator's endpoints. Command logic (`runX(input,
 * services)`) runs against it without spawning anything; e2e tests keep proving the wiring.
 *
 * ```ts
 * await using t = await commandServices({ config: CONFIG, emulator: emu });
 * await runTime({}, t.services);
 * assert.equal(t.output.stdout, "...");
 * ```
 *
 * @module
 */
import { Context, type GlobalOptions } from "../../cli/context.ts";
import { SecretRegistry } from "../../cli/log.ts";
import { type RecordingOutput, recordingOutput } from "../../cli/output.ts";
import type { Prompts } from "../../cli/prompts.ts";
import type { Clock } from "../../lib/clock.ts";
import { SecureStore } from "../../lib/secure_store.ts";
import type { CommandRunner } from "../../stores/backend.ts";
import { MemoryBackend } from "../../stores/memory.ts";
import type { Emulator } from "../emulator/emulator.ts";

/** A clock tests move by hand; `sleep` advances it at once. */
export interface ManualClock extends Clock {
  /** Moves time forward. */
  advance(ms: number): void;
}

/** A clock that starts at `start` (epoch ms) and moves only when told (or slept on). */
export function manualClock(start = Date.now()): ManualClock {
  let now = start;
  return {
    now: () => now,
    sleep: (ms) => {
      now += ms;
      return Promise.resolve();
    },
    advance: (ms) => {
      now += ms;
    },
  };
}

/** Options of {@link commandServices}. */
export interface CommandServicesOptions {
  /** config.yaml text (none is written when undefined). */
  config?: string;
  /** Global options (`--sso`, `--level`...). */
  globals?: Partial<GlobalOptions>;
  /** Extra environment (over HOME, TZ=UTC and the emulator's endpoint variables). */
  env?: Record<string, string>;
  /** The emulator whose AWS_ENDPOINT_URL_* variables the run gets. */
  emulator?: Emulator;
  /** Time source (default: the real clock). */
  clock?: Clock;
  /** Terminal on every stream (prompts, colours off either way). */
  terminal?: boolean;
  /** Runs helper programs (docker...); default: the real runner. */
  runner?: CommandRunner;
  /** Answers the setup questions (needs `terminal: true`, as on a real terminal). */
  prompts?: Prompts;
}

/** What {@link commandServices} builds; disposing it removes the temporary HOME. */
export interface CommandServices extends AsyncDisposable {
  /** The services object commands run over. */
  services: Context;
  /** Everything written to stdout and stderr. */
  output: RecordingOutput;
  /** The secret store the run uses. */
  backend: MemoryBackend;
  /** A typed view of the same store (to seed a session or read what a command stored). */
  store: SecureStore;
  /** The temporary HOME. */
  home: string;
  /** config.yaml's path. */
  configFile: string;
  /** A fresh services object over the same HOME and store (a second run of a command). */
  next(globals?: Partial<GlobalOptions>): Context;
}

/** Builds the services of one in-process command run. */
export async function commandServices(
  options: CommandServicesOptions = {},
): Promise<CommandServices> {
  const home = await Deno.makeTempDir({ prefix: "aws-sso-test-home-" });
  const configDir = `${home}/.config/aws-sso`;
  await Deno.mkdir(configDir, { recursive: true, mode: 0o700 });
  const configFile = `${configDir}/config.yaml`;
  if (options.config !== undefined) await Deno.writeTextFile(configFile, options.config);
  const output = recordingOutput({ terminal: options.terminal });
  const backend = new MemoryBackend();
  const clock = options.clock ?? { now: () => Date.now(), sleep: (ms: number) => delay(ms) };
  const env = {
    HOME: home,
    TZ: "UTC",
    NO_COLOR: "1",
    PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
    ...options.emulator?.env,
    ...options.env,
  };
  const secrets = new SecretRegistry();
  const make = (globals: Partial<GlobalOptions> = options.globals ?? {}) =>
    new Context(
      { lines: false, stsRefresh: false, ...globals },
      {
        env,
        output,
        clock,
        secrets,
        backend,
        runner: options.runner,
        prompts: options.prompts === undefined
          ? undefined
          : () => Promise.resolve(options.prompts!),
      },
    );
  const services = make();
  return {
    services,
    output,
    backend,
    store: new SecureStore({
      backend,
      lockPath: services.paths.storeLock,
      clock,
      logger: services.logger,
    }),
    home,
    configFile,
    next: make,
    async [Symbol.asyncDispose]() {
      await Deno.remove(home, { recursive: true }).catch(() => {});
    },
  };
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
