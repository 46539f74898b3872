/**
 * `aws-sso setup completions`: tab completion for aws-sso and the
 * `aws-sso-profile` / `aws-sso-clear` shell functions, for bash, zsh and fish. `--source`
 * prints the script, `--install` puts it in the shell's start-up files, `--uninstall` takes it
 * out again. Also `aws-sso install-completions`, the 1.x name of `--install`.
 *
 * @module
 */
import { Command, type CommandUnknownOpts, Option } from "@commander-js/extra-typings";
import { SHELLS } from "../../lib/completion/shell_scripts.ts";
import { UsageError } from "../../lib/errors.ts";
import type { Context } from "../context.ts";
import type { App } from "../program.ts";

/** The flags of `setup completions`. */
export interface CompletionFlags {
  /** Print the script. */
  source?: boolean;
  /** Install it. */
  install?: boolean;
  /** Remove it. */
  uninstall?: boolean;
  /** bash, zsh or fish. */
  shell?: string;
  /** rc file (bash, zsh) or fish config directory to use instead of the usual one. */
  shellScript?: string;
}

const RESTART = "please restart your shell for the changes to take effect";

/** The files for a message: `~/.zshrc`, or `~/.config/fish (4 files)`. */
function where(ctx: Context, files: string[]): string {
  if (files.length === 1) return ctx.display(files[0]!);
  const dirs = files.map((f) => f.replace(/\/(completions|functions)\/[^/]+$/, ""));
  const dir = dirs[0]!;
  return dirs.every((d) => d === dir)
    ? `${ctx.display(dir)} (${files.length} files)`
    : files.map((f) => ctx.display(f)).join(", ");
}

/** Runs `setup completions` with `flags`. */
export async function runSetupCompletions(flags: CompletionFlags, ctx: Context): Promise<void> {
  const chosen = [flags.source, flags.install, flags.uninstall].filter((f) => f === true).length;
  if (chosen !== 1) {
    throw new UsageError("please specify one of --source, --install or --uninstall", {
      hints: ['run "aws-sso setup completions --install" to set up your shell'],
    });
  }
  const service = await import("../services/completions.ts");
  const options = { shell: flags.shell, shellScript: flags.shellScript };
  if (flags.source) {
    const [{ completionSource }, { selfCommand }] = await Promise.all([
      import("../../lib/completion/shell_scripts.ts"),
      import("../services/self_command.ts"),
    ]);
    const shell = service.detectShell(ctx, flags.shell);
    const self = selfCommand(ctx.paths.home, undefined, ctx.env.AWS_SSO_LAUNCHER);
    ctx.output.out(completionSource(shell, { command: self.argv, fromSource: self.fromSource }));
    return;
  }
  if (flags.install) {
    const { shell, files } = await service.installCompletions(ctx, options);
    if (files.length === 0) {
      ctx.logger.info(`aws-sso completion for ${shell} is already installed and up to date`);
      return;
    }
    ctx.logger.info(`Installed aws-sso completion for ${shell} in ${where(ctx, files)}`);
    ctx.logger.info(RESTART);
    return;
  }
  const { shell, files } = await service.uninstallCompletions(ctx, options);
  if (files.length === 0) {
    ctx.logger.info(`aws-sso completion for ${shell} was not installed`);
    return;
  }
  ctx.logger.info(`Removed aws-sso completion for ${shell} from ${where(ctx, files)}`);
  ctx.logger.info(RESTART);
}

function shellOptions(command: Command): Command {
  return command
    .addOption(
      new Option("--shell <shell>", "bash, zsh, fish, powershell (default: your shell)").choices(
        SHELLS,
      ),
    )
    .option(
      "--shell-script <file>",
      "install into this file instead (fish: this directory instead of ~/.config/fish; powershell: $PROFILE)",
    ) as unknown as Command;
}

/** Builds `setup completions`. */
export function setupCompletionsCommand(app: App): CommandUnknownOpts {
  const command = shellOptions(
    new Command("completions")
      .description(
        "tab completion and the aws-sso-profile / aws-sso-clear helpers (1.x: install-completions)",
      )
      .addOption(
        new Option("--source", "print the script for your shell").conflicts([
          "install",
          "uninstall",
        ]),
      )
      .addOption(new Option("-I, --install", "install it").conflicts(["uninstall"]))
      .addOption(new Option("-U, --uninstall", "remove it")) as unknown as Command,
  );
  return command.action(async (opts: CompletionFlags, cmd: CommandUnknownOpts) => {
    await runSetupCompletions(opts, app.context(cmd));
  }) as unknown as CommandUnknownOpts;
}

/** Builds `install-completions`, the 1.x name of `setup completions --install`. */
export function installCompletionsCommand(app: App): CommandUnknownOpts {
  const command = shellOptions(
    new Command("install-completions")
      .description('1.x name of "setup completions --install"')
      .option("--uninstall", "remove them instead") as unknown as Command,
  );
  return command.action(async (opts: CompletionFlags, cmd: CommandUnknownOpts) => {
    await runSetupCompletions({ ...opts, install: opts.uninstall !== true }, app.context(cmd));
  }) as unknown as CommandUnknownOpts;
}
