/**
 * Runs the CLI for an argument vector and returns the exit code; main.ts calls Deno.exit with it.
 *
 * @module
 */
import { CommanderError } from "@commander-js/extra-typings";
import { UsageError } from "../lib/errors.ts";
import { ConfigNotFoundError, type Context, type ContextDeps, systemClock } from "./context.ts";
import { SecretRegistry } from "./log.ts";
import { terminalOutput } from "./output.ts";
import { buildProgram } from "./program.ts";
import { EXIT, reportError } from "./report.ts";
import { globalOptionValue } from "./global_options.ts";

function wantsDebug(argv: string[]): boolean {
  const level = globalOptionValue(argv, "level");
  return level === "debug" || level === "trace";
}

/**
 * Parses `argv` and runs the command; never throws. `deps` replaces the process's facts (the
 * environment, the terminal, the clock, and for in-process tests the secret store).
 */
export async function run(argv: string[], deps?: Partial<ContextDeps>): Promise<number> {
  const env = deps?.env ?? Deno.env.toObject();
  const full: ContextDeps = {
    ...deps,
    env,
    output: deps?.output ?? terminalOutput(env),
    clock: deps?.clock ?? systemClock,
    secrets: deps?.secrets ?? new SecretRegistry(),
  };
  // The shell asks for completions (bash `complete -C`, zsh bashcompinit, the fish wrapper).
  if ((env.COMP_LINE ?? "") !== "") {
    const { runCompletion } = await import("./completion.ts");
    return await runCompletion(argv, full, await buildProgram(full, { exitCode: EXIT.ok }));
  }
  return await runOnce(argv, full, true);
}

async function runOnce(argv: string[], full: ContextDeps, firstRun: boolean): Promise<number> {
  const state: { exitCode: number; lastContext?: Context } = { exitCode: EXIT.ok };
  let program;
  try {
    program = await buildProgram(full, state, argv);
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
    // No config.yaml yet and someone at a terminal: ask for one, then run the command.
    const ctx = state.lastContext;
    if (e instanceof ConfigNotFoundError && firstRun && ctx !== undefined) {
      const { canPrompt } = await import("./prompts.ts");
      if (canPrompt(ctx)) {
        try {
          ctx.logger.warn("No config file found!  Will now prompt you for a basic config...");
          const { runWizard } = await import("./commands/setup_wizard.ts");
          await runWizard({ advanced: false }, ctx);
        } catch (wizardError) {
          return reportError(wizardError, full.output, {
            debug: wantsDebug(argv),
            secrets: full.secrets,
          });
        }
        return await runOnce(argv, full, false);
      }
    }
    return reportError(e, full.output, { debug: wantsDebug(argv), secrets: full.secrets });
  }
}
