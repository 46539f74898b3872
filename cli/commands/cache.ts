/**
 * `aws-sso cache`: rediscover the accounts and roles from AWS now, whatever the cache's age
 * , and print what changed.
 *
 * @module
 */
import { Command, type CommandUnknownOpts, Option } from "@commander-js/extra-typings";
import { UsageError } from "../../lib/errors.ts";
import { safeText } from "../../lib/safe_text.ts";
import type { Context } from "../context.ts";
import type { App } from "../program.ts";
import type { RefreshResult } from "../services/roles.ts";

function threadsOption(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) {
    throw new UsageError(`--threads must be a whole number of at least 1, not '${value}'`);
  }
  return n;
}

/**
 * Extension point for `AutoConfigCheck`: after a refresh that added or
 * deleted roles, bring the ~/.aws/config block of this instance up to date. The `setup profiles`
 * work plugs in here.
 */
export async function autoConfigCheck(ctx: Context, result: RefreshResult): Promise<void> {
  ctx.logger.debug(
    `AutoConfigCheck: ${result.added.length + result.deleted.length} role(s) changed`,
  );
  // Asks before writing, as `setup profiles` does; without a terminal it only says what to run.
  const { updateProfiles } = await import("../services/aws_config.ts");
  await updateProfiles(ctx, { automatic: true });
}

/**
 * The lines `cache` prints for a refresh (none when nothing changed); a role from an older
 * cache may still hold raw control characters, so ARNs are escaped here too.
 */
export function formatCacheDiff(result: Pick<RefreshResult, "added" | "deleted">): string {
  if (result.added.length === 0 && result.deleted.length === 0) return "";
  return [
    `Updated cache: added=${result.added.length}, deleted=${result.deleted.length}`,
    ...result.added.map((a) => `+ ${safeText(a)}`),
    ...result.deleted.map((d) => `- ${safeText(d)}`),
  ].join("\n") + "\n";
}

/** What `cache` was asked for on the command line. */
export interface CacheInput {
  /** `--threads`: parallel AWS calls (default: adaptive, or Threads). */
  threads?: number;
  /** False for `--no-config-check`: skip AutoConfigCheck after the refresh. */
  configCheck: boolean;
  /** `--silent`: log the changes instead of printing them. */
  silent?: boolean;
}

/** Rediscovers the roles now, prints what changed and runs AutoConfigCheck when asked to. */
export async function runCache(input: CacheInput, services: Context): Promise<void> {
  const { refreshRoles } = await import("../services/roles.ts");
  const result = await refreshRoles(services, {
    threads: input.threads,
    pruneUnknownInstances: true,
  });
  const diff = formatCacheDiff(result);
  if (input.silent) {
    for (const line of diff.split("\n").filter((l) => l !== "")) services.logger.info(line);
  } else {
    services.output.out(diff);
  }
  const changed = result.added.length + result.deleted.length > 0;
  if (changed && input.configCheck && result.loaded.settings.autoConfigCheck) {
    await autoConfigCheck(services, result);
  }
}

/** Builds the `cache` command. */
export function cacheCommand(app: App): CommandUnknownOpts {
  return new Command("cache")
    .description("refresh the cached list of accounts and roles from AWS now")
    .option("--no-config-check", "do not run AutoConfigCheck after the refresh")
    .option("--silent", "log the changes instead of printing them")
    .addOption(
      new Option("--threads <n>", "parallel AWS calls (default: adaptive, or Threads)")
        .argParser(threadsOption),
    )
    .action(async (opts, cmd) => await runCache(opts, app.context(cmd)));
}
