/**
 * `aws-sso version`: version, commit and build date (stamped by the compile task; `dev` from source).
 *
 * @module
 */
import { Command, type CommandUnknownOpts } from "@commander-js/extra-typings";
import buildInfo from "../build_info.json" with { type: "json" };
import type { Context } from "../context.ts";
import type { App } from "../program.ts";

/** The version line. */
export function versionText(): string {
  return `aws-sso ${buildInfo.version} (commit ${buildInfo.commit}, built ${buildInfo.date}) ` +
    `on ${Deno.build.target}, Deno ${Deno.version.deno}\n` +
    "Drop-in compatible with AWS SSO CLI 2.3 (config.yaml, commands, flags and env vars).\n";
}

/** What `version` needs: where to print. */
export type VersionServices = Pick<Context, "output">;

/** Prints the version line. */
export function runVersion(services: VersionServices): void {
  services.output.out(versionText());
}

/** Builds the `version` command. */
export function versionCommand(app: App): CommandUnknownOpts {
  return new Command("version")
    .description("print the version, commit and build date")
    .action((_opts, cmd) => runVersion(app.context(cmd)));
}
