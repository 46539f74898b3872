/**
 * Runs the CLI for an argument vector and returns the exit code; main.ts calls Deno.exit with it.
 *
 * @module
 */
import { CommanderError } from "@commander-js/extra-typings";
import { UsageError } from "../lib/errors.ts";
import { type ContextDeps, systemClock } from "./context.ts";
import { SecretRegistry } from "./log.ts";
import { terminalOutput } from "./output.ts";
import { buildProgram } from "./program.ts";
import { EXIT, reportError } from "./report.ts";

function wantsDebug(argv: string[]): boolean {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--") break;
    const value = a === "-L" || a === "--level"
      ? argv[i + 1]
      : a?.startsWith("--level=")
      ? a.slice(8)
      : a?.startsWith("-L") && a.length > 2
      ? a.slice(2)
      : undefined;
    if (value === "debug" || value === "trace") return true;
  }
  return false;
}

/** Parses `argv` and runs the command; never throws. */
export async function run(argv: string[], deps?: Partial<ContextDeps>): Promise<number> {
  const env = deps?.env ?? Deno.env.toObject();
  const full: ContextDeps = {
    env,
    output: deps?.output ?? terminalOutput(env),
    clock: deps?.clock ?? systemClock,
    secrets: deps?.secrets ?? new SecretRegistry(),
  };
  const state = { exitCode: EXIT.ok as number };
  let program;
  try {
    program = buildProgram(full, state);
    await program.parseAsync(argv, { from: "user" });
    return state.exitCode;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === "commander.helpDisplayed" || e.code === "commander.version") return EXIT.ok;
      // A command group run without a subcommand: its help went to stderr.
      if (e.code === "commander.help") return EXIT.usage;
      const message = e.message.replace(/^error:\s*/, "").split("\n")[0] ?? e.message;
      return reportError(new UsageError(message), full.output, {
        debug: false,
        secrets: full.secrets,
      });
    }
    return reportError(e, full.output, { debug: wantsDebug(argv), secrets: full.secrets });
  }
}
