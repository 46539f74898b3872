/**
 * The world most in-process command tests start from: the emulator, a config.yaml naming it as
 * SSO instance `Default`, and (unless `session: false`) a signed-in session in the memory store.
 *
 * @module
 */
import {
  type CommandServices,
  commandServices,
  type CommandServicesOptions,
} from "../../fakes/command_services.ts";
import { run } from "../../../cli/app.ts";
import { storeSignedInSession } from "../../fakes/signed_in_session.ts";
import type { Emulator } from "../../emulator/emulator.ts";

/** config.yaml for instance `Default` on `emu`, with `extra` lines appended. */
export function emulatorConfig(emu: Emulator, extra = ""): string {
  return `SSOConfig:\n  Default:\n    SSORegion: ${emu.region}\n    StartUrl: ${emu.startUrl}\n${extra}`;
}

/** Options of {@link signedIn}. */
export interface SignedInOptions extends Omit<CommandServicesOptions, "emulator" | "config"> {
  /** Extra config.yaml lines. */
  extra?: string;
  /** Store a session (default true); its access token is valid for an hour. */
  session?: boolean;
}

/** Services over the emulator with (by default) a signed-in session; counters start at zero. */
export async function signedIn(
  emu: Emulator,
  options: SignedInOptions = {},
): Promise<CommandServices> {
  const t = await commandServices({
    ...options,
    emulator: emu,
    config: emulatorConfig(emu, options.extra),
  });
  if (options.session !== false) await storeSignedInSession(emu, t.store, 3600_000);
  emu.resetCounters();
  return t;
}

/**
 * Runs the command line `argv` in this process, through the whole commander graph (cli/app.ts
 * `run`), over the same HOME, store, environment and recording output as `t.services`: proves
 * the wiring (flags → input → runX, usage errors → exit 2) without spawning. Returns the exit
 * code.
 */
export async function runArgv(t: CommandServices, argv: string[]): Promise<number> {
  const s = t.services;
  return await run(argv, {
    env: s.env,
    output: t.output,
    clock: s.clock,
    secrets: s.secrets,
    backend: t.backend,
  });
}
