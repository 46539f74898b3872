/**
 * `aws-sso setup profiles` (docs/design.md §2.4): writes one `[profile ...]`
 * section per role of the selected SSO instance into `~/.aws/config`, between the
 * `# BEGIN_AWS_SSO_CLI` / `# END_AWS_SSO_CLI` lines, each with a `credential_process` line that
 * runs `aws-sso process`. Shows the diff and asks first unless `--force`.
 *
 * Also `aws-sso config`, the 1.x name, with 1.x's `--open <clip|exec|open>`: accepted and
 * checked, but it has no effect — it chose the URL action written into the generated lines,
 * and the lines no longer carry one (a login they start uses AuthUrlAction / UrlAction).
 * `--diff` only shows the changes and, without a terminal, `config` writes without asking, as
 * 1.x did (`setup profiles` refuses there without `--force`). Like
 * `setup profiles` it writes the selected instance's block (1.x wrote every instance's): with
 * several instances configured it says how to write the others.
 *
 * @module
 */
import { Command, type CommandUnknownOpts, Option } from "@commander-js/extra-typings";
import type { Context } from "../context.ts";
import type { App } from "../program.ts";

/** The flags of `setup profiles` (and `config`). */
export interface ProfilesFlags {
  /** Show the diff (with --force; without a terminal: show it and change nothing). */
  diff?: boolean;
  /** Print the block on stdout instead of changing the file. */
  print?: boolean;
  /** Write without asking. */
  force?: boolean;
  /** The AWS config file. */
  awsConfig?: string;
}

/** Runs `setup profiles` with `flags`. */
export async function runSetupProfiles(flags: ProfilesFlags, services: Context): Promise<void> {
  const { printProfiles, updateProfiles } = await import("../services/aws_config.ts");
  if (flags.print) {
    await printProfiles(services);
    return;
  }
  await updateProfiles(services, {
    force: flags.force === true,
    diff: flags.diff === true,
    awsConfig: flags.awsConfig,
  });
}

function addProfilesOptions(command: Command): Command {
  return command
    .addOption(
      new Option("--diff", "show the changes (with --force, or to only see them)").conflicts(
        "print",
      ),
    )
    .option("--print", "print the profiles to stdout instead of changing the file")
    .option("--force", "write the changes without asking")
    .addOption(
      new Option(
        "--aws-config <file>",
        "the AWS config file (default: $AWS_CONFIG_FILE or ~/.aws/config)",
      ),
    ) as unknown as Command;
}

/** Builds `setup profiles`. */
export function setupProfilesCommand(app: App): CommandUnknownOpts {
  const command = addProfilesOptions(
    new Command("profiles").description(
      "write a profile for each of your roles into ~/.aws/config (1.x name: config)",
    ),
  );
  return command.action(async (opts: ProfilesFlags, cmd: CommandUnknownOpts) => {
    await runSetupProfiles(opts, app.context(cmd));
  }) as unknown as CommandUnknownOpts;
}

/** The flags of `config`: those of `setup profiles`, and 1.x's `--open`. */
export interface ConfigFlags extends ProfilesFlags {
  /** 1.x: the URL action of the generated profiles (accepted, no longer used). */
  open?: string;
}

/**
 * `config` with 1.x's meanings: `--diff` prints the diff instead of changing the file, and
 * without a terminal to confirm on the file is written (1.x never asked); on a terminal the
 * diff is shown and confirmed as in `setup profiles`. Says how to write the other instances.
 */
export async function runConfig(flags: ConfigFlags, services: Context): Promise<void> {
  if (flags.open !== undefined) {
    services.logger.info(
      `--open ${flags.open} is ignored: the generated profiles no longer carry a URL action ` +
        "(a login they start uses AuthUrlAction / UrlAction in config.yaml)",
    );
  }
  if (flags.print || flags.force) {
    await runSetupProfiles(flags, services);
  } else {
    const [{ updateProfiles }, { canPrompt }] = await Promise.all([
      import("../services/aws_config.ts"),
      import("../prompts.ts"),
    ]);
    await updateProfiles(services, {
      diffOnly: flags.diff === true,
      force: !canPrompt(services),
      awsConfig: flags.awsConfig,
    });
  }
  const [settings, instance] = await Promise.all([services.settings(), services.instance()]);
  const others = Object.keys(settings.ssoConfig).filter((n) => n !== instance.name);
  if (others.length > 0) {
    services.logger.info(
      `config wrote the profiles of SSO instance ${instance.name} only; for the others run: ` +
        others.map((n) => `aws-sso -S ${/^[\w.@-]+$/.test(n) ? n : JSON.stringify(n)} config`)
          .join(", "),
    );
  }
}

/** Builds `config`, the 1.x name of `setup profiles`. */
export function configCommand(app: App): CommandUnknownOpts {
  const command = addProfilesOptions(
    new Command("config").description('1.x name of "setup profiles" (same flags)'),
  ).addOption(
    new Option(
      "--open <action>",
      "1.x: URL action of the generated profiles; accepted but no longer used",
    ).choices(["clip", "exec", "open"]),
  );
  return command.action(async (opts: ConfigFlags, cmd: CommandUnknownOpts) => {
    await runConfig(opts, app.context(cmd));
  }) as unknown as CommandUnknownOpts;
}
