/**
 * `aws-sso tags`: every role's tags (reference §1.5 tags), optionally for one account and/or
 * one role name; refreshes an out-of-date cache first.
 *
 * @module
 */
import { Command, type CommandUnknownOpts } from "@commander-js/extra-typings";
import { isAccountId, normalizeAccountId } from "../../lib/account_id.ts";
import { UsageError } from "../../lib/errors.ts";
import type { RoleFlat } from "../../lib/roles/role.ts";
import { safeText } from "../../lib/safe_text.ts";
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

/** Builds the `tags` command. */
export function tagsCommand(app: App): CommandUnknownOpts {
  return new Command("tags")
    .description("show the tags of your roles (automatic ones and those from config.yaml)")
    .option("-A, --account <id>", "only roles in this account")
    .option("-R, --role <name>", "only roles with this name")
    .action(async (opts, cmd) => {
      const ctx = app.context(cmd);
      let account: string | undefined;
      if (opts.account !== undefined) {
        if (!isAccountId(opts.account)) {
          throw new UsageError(`invalid --account '${opts.account}': expected a 12-digit id`);
        }
        account = normalizeAccountId(opts.account);
      }
      const { roleCache } = await import("../services/roles.ts");
      const { roles } = await roleCache(ctx, { refreshIfExpired: true });
      const selected = roles.roles.filter((r) =>
        (account === undefined || r.AccountIdPad === account) &&
        (opts.role === undefined || r.RoleName === opts.role)
      );
      ctx.output.out(formatTags(selected));
    });
}
