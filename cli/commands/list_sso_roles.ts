/**
 * `aws-sso list-sso-roles` (hidden, for debugging): asks AWS now
 * (ListAccounts, ListAccountRoles) and prints `AccountId | AccountName | RoleName`, without
 * reading or writing the role cache — to see what Identity Center itself returns.
 *
 * @module
 */
import { Command, type CommandUnknownOpts } from "@commander-js/extra-typings";
import type { DiscoveredAccount } from "../../lib/roles/refresh.ts";
import type { Context } from "../context.ts";
import { formatTable } from "../table.ts";
import type { App } from "../program.ts";

/** The table rows: one per role, by account id then role name. */
export function ssoRoleRows(accounts: readonly DiscoveredAccount[]): string[][] {
  const rows: string[][] = [];
  for (const account of [...accounts].sort((a, b) => a.accountId.localeCompare(b.accountId))) {
    for (const role of [...account.roles].sort()) {
      rows.push([account.accountId, account.accountName, role]);
    }
  }
  return rows;
}

/** Asks AWS for the accounts and roles now and prints them as a table. */
export async function runListSsoRoles(services: Context): Promise<void> {
  const { discoverInstanceRoles } = await import("../services/roles.ts");
  const accounts = await discoverInstanceRoles(services);
  services.output.out(
    formatTable(["AccountId", "AccountName", "RoleName"], ssoRoleRows(accounts)) + "\n",
  );
}

/** Builds the hidden `list-sso-roles` command. */
export function listSsoRolesCommand(app: App): CommandUnknownOpts {
  return new Command("list-sso-roles")
    .description("list the accounts and roles AWS returns now, bypassing the role cache")
    .action(async (_opts, cmd) => await runListSsoRoles(app.context(cmd)));
}
