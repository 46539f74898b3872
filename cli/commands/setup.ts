/**
 * `aws-sso setup`: the commands that set aws-sso up — `wizard` (config.yaml), `profiles`
 * (`~/.aws/config`) and `completions` (shell completion and helpers).
 *
 * @module
 */
import { Command, type CommandUnknownOpts } from "@commander-js/extra-typings";
import type { App } from "../program.ts";
import { setupCompletionsCommand } from "./setup_completions.ts";
import { setupEcsCommand } from "./setup_ecs.ts";
import { setupProfilesCommand } from "./setup_profiles.ts";
import { setupWizardCommand } from "./setup_wizard.ts";

/** Builds the `setup` group; further `setup` commands are added with one `addCommand` line. */
export function setupCommand(app: App): CommandUnknownOpts {
  return new Command("setup")
    .description("set up aws-sso: config.yaml, ~/.aws/config profiles, shell completion")
    .addCommand(setupWizardCommand(app))
    .addCommand(setupProfilesCommand(app))
    .addCommand(setupCompletionsCommand(app))
    .addCommand(setupEcsCommand(app)) as unknown as CommandUnknownOpts;
}
