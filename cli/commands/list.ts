/**
 * `aws-sso list`: the roles in the cache, as a table or CSV (reference §1.5 list).
 *
 * @module
 */
import { Command, type CommandUnknownOpts } from "@commander-js/extra-typings";
import { UsageError } from "../../lib/errors.ts";
import { LIST_FIELDS } from "../../lib/roles/list_fields.ts";
import type { App } from "../program.ts";
import { formatTable } from "../table.ts";

/** Builds the `list` command. */
export function listCommand(app: App): CommandUnknownOpts {
  return new Command("list")
    .description("list the accounts and roles you can use, from the role cache")
    .argument("[fields...]", "fields to show (see --list-fields)")
    .option("-f, --list-fields", "list the fields that can be shown, and exit")
    .action((fields, opts, cmd) => {
      const ctx = app.context(cmd);
      if (opts.listFields) {
        if (fields.length > 0) {
          throw new UsageError("--list-fields cannot be combined with field names");
        }
        const rows = [...LIST_FIELDS].sort((a, b) => (a.name < b.name ? -1 : 1))
          .map((f) => [f.name, f.description]);
        ctx.output.out(formatTable(["Field", "Description"], rows));
        return;
      }
      throw new UsageError("listing roles needs the role cache, which this build cannot read yet");
    });
}
