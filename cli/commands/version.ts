/**
 * `aws-sso version`: version, commit and build date (stamped by the compile task; `dev` from source).
 *
 * @module
 */
import { Command, type CommandUnknownOpts } from "@commander-js/extra-typings";
import buildInfo from "../build_info.json" with { type: "json" };
import type { App } from "../program.ts";

/** The version line. */
export function versionText(): string {
  return `aws-sso ${buildInfo.version} (commit ${buildInfo.commit}, built ${buildInfo.date}) ` +
    `on ${Deno.build.target}, Deno ${Deno.version.deno}\n` +
    "Drop-in compatible with AWS SSO CLI 2.3 (config.yaml, commands, flags and env vars).\n";
}

/** Builds the `version` command. */
export function versionCommand(app: App): CommandUnknownOpts {
  return new Command("version")
    .description("print the version, commit and build date")
    .action((_opts, cmd) => {
      app.context(cmd).output.out(versionText());
    });
}
