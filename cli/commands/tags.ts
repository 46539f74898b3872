/**
 * `aws-sso tags`: every role's tags, optionally for one account and/or
 * one role name; refreshes an out-of-date cache first.
 *
 * @module
 */
import { Command, type CommandUnknownOpts } from "@commander-js/extra-typings";
import { isAccountId, normalizeAccountId } from "../../lib/account_id.ts";
import { UsageError } from "../../lib/errors.ts";
import type { RoleFlat } from "../../lib/roles/role.ts";
import { safeText } from "../../lib/safe_text.ts";
import type { Context } from "../context.ts";
import type { App } from "../program.ts";

/**
 * Formats roles as `tags` prints them: the ARN, then `  <Key>: <Value>` sorted by key, then a
 * blank line; control characters in names and tags escaped.
 */
export function formatTags(roles: readonly RoleFlat[]): string {
  let out = "";
  for (const role of roles) {
    out += `${safeText(role.Arn)}\n`;
    for (const key of Object.keys(role.Tags).sort()) {
      out += `  ${safeText(key)}: ${safeText(role.Tags[key]!)}\n`;
    }
    out += "\n";
  }
  return out;
}

/** Which roles `tags` shows. */
export interface TagsInput {
  /** `--account`: only roles in this account (12 digits, leading zeros optional). */
  account?: string;
  /** `--role`: only roles with this name. */
  role?: string;
}

/** Prints the tags of the selected roles, refreshing an out-of-date cache first. */
export async function runTags(input: TagsInput, services: Context): Promise<void> {
  let account: string | undefined;
  if (input.account !== undefined) {
    if (!isAccountId(input.account)) {
      throw new UsageError(`invalid --account '${input.account}': expected a 12-digit id`);
    }
    account = normalizeAccountId(input.account);
  }
  const { roleCache } = await import("../services/roles.ts");
  const { roles } = await roleCache(services, { refreshIfExpired: true });
  const selected = roles.roles.filter((r) =>
    (account === undefined || r.AccountIdPad === account) &&
    (input.role === undefined || r.RoleName === input.role)
  );
  services.output.out(formatTags(selected));
}

/** Builds the `tags` command. */
export function tagsCommand(app: App): CommandUnknownOpts {
  return new Command("tags")
    .description("show the tags of your roles (automatic ones and those from config.yaml)")
    .option("-A, --account <id>", "only roles in this account")
    .option("-R, --role <name>", "only roles with this name")
    .action(async (opts, cmd) => await runTags(opts, app.context(cmd)));
}
