/**
 * `aws-sso list`: the roles in the cache, as a table or CSV, and the
 * default command (`aws-sso` alone), which refreshes an out-of-date cache first.
 *
 * @module
 */
import { Command, type CommandUnknownOpts, Option } from "@commander-js/extra-typings";

import { DecryptionError } from "../../stores/backend.ts";
import { errorMessage, NotLoggedInError, UsageError } from "../../lib/errors.ts";
import { DEPRECATED_LIST_FIELDS, LIST_FIELDS } from "../../lib/roles/list_fields.ts";
import type { SsoOwner } from "../../lib/secure_store.ts";
import type { Context } from "../context.ts";
import type { App } from "../program.ts";
import { formatTable } from "../table.ts";

function parseBool(value: string | undefined): boolean {
  return value !== undefined && /^(1|t|true|y|yes)$/i.test(value.trim());
}

/** When the instance's SSO access token expires (epoch ms), if one is stored. */
async function tokenExpiresAt(ctx: Context, instance: SsoOwner): Promise<number | undefined> {
  try {
    const { secureStore } = await import("../services/store.ts");
    const token = await (await secureStore(ctx, { prompt: false })).getToken(instance);
    if (token === undefined) return undefined;
    const at = Date.parse(token.expiresAt);
    return Number.isNaN(at) ? undefined : at;
  } catch (e) {
    // The header's token time is a nicety: a locked or unavailable store must not break list.
    // A wrong AWS_SSO_FILE_PASSWORD (or a damaged store) is said once, or every later command
    // would fail without the user knowing why; its hints belong to those commands.
    if (e instanceof DecryptionError) {
      ctx.logger.warn(`No SSO token time shown: ${e.message}`);
      return undefined;
    }
    ctx.logger.debug("cannot read the SSO token for the list header", {
      reason: errorMessage(e),
    });
    return undefined;
  }
}

/** A field name of an older release (`ExpiresStr`, ...) as its current name, with a warning. */
function currentFieldName(ctx: Context, name: string): string {
  if (!Object.hasOwn(DEPRECATED_LIST_FIELDS, name)) return name;
  const renamed = DEPRECATED_LIST_FIELDS[name]!;
  ctx.logger.warn(`list field '${name}' is deprecated; use '${renamed}'`);
  return renamed;
}

interface ListRequest {
  fields: string[];
  sort?: string;
  reverse?: boolean;
  prefix?: string;
  csv?: boolean;
  refreshIfExpired: boolean;
}

async function printList(ctx: Context, request: ListRequest): Promise<void> {
  // Loaded here, not at start-up: every command's file is imported by cli/program.ts.
  const [{ roleCache }, { renderRoleList }] = await Promise.all([
    import("../services/roles.ts"),
    import("../../lib/roles/list_view.ts"),
  ]);
  const readTokenTime = () =>
    request.csv ? Promise.resolve(undefined) : ctx.instance().then(
      (instance) => tokenExpiresAt(ctx, instance),
      () => undefined,
    );
  // The header's token time is read while the cache loads, unless the cache may be refreshed
  // (which opens the store itself, possibly asking for its password): then after.
  let tokenAt = request.refreshIfExpired ? undefined : readTokenTime();
  const loaded = await roleCache(ctx, { refreshIfExpired: request.refreshIfExpired });
  tokenAt ??= readTokenTime();
  if (loaded.roles.roles.length === 0 && loaded.expired !== undefined) {
    // No cached roles and nothing to refresh them with: an empty table would only mislead.
    const at = request.csv ? await tokenExpiresAt(ctx, loaded.instance) : await tokenAt;
    if (at === undefined || at <= ctx.clock.now()) {
      const { loginHint } = await import("../services/auth.ts");
      throw new NotLoggedInError(
        `no roles are cached for SSO instance '${loaded.instance.name}' and you are not logged in`,
        { hints: [loginHint(loaded.settings, loaded.instance)] },
      );
    }
  }
  if (!request.refreshIfExpired && loaded.expired !== undefined) {
    ctx.logger.warn("Cache has expired.  Results may be out of date.");
    ctx.logger.debug(loaded.expired);
  }
  const fields = request.fields.length > 0 ? request.fields : loaded.settings.listFields;
  ctx.output.out(renderRoleList(loaded.roles.roles, {
    fields,
    sort: request.sort,
    reverse: request.reverse,
    prefix: request.prefix,
    csv: request.csv,
    sso: loaded.instance.name,
    tokenExpiresAtMs: await tokenAt,
    nowMs: ctx.clock.now(),
    formatTable,
  }));
}

/**
 * The default command (`aws-sso` with no command): `list` with the configured ListFields,
 * sorted by AccountId, refreshing the cache first when it is out of date.
 */
export async function runDefaultList(services: Context): Promise<void> {
  await printList(services, { fields: [], sort: "AccountId", refreshIfExpired: true });
}

/** What `list` was asked for on the command line. */
export interface ListInput {
  /** Field names (none: `$AWS_SSO_FIELDS`, else ListFields). */
  fields: string[];
  /** `--list-fields`: print the fields that can be shown instead. */
  listFields?: boolean;
  /** `--csv`. */
  csv?: boolean;
  /** `--prefix <field=prefix>`. */
  prefix?: string;
  /** `--sort <field>` (or `$AWS_SSO_FIELD_SORT`). */
  sort?: string;
  /** `--reverse` (also `$AWS_SSO_FIELD_SORT_REVERSE`). */
  reverse?: boolean;
}

/** Prints the cached roles (or, with `listFields`, the fields that can be shown). */
export async function runList(input: ListInput, services: Context): Promise<void> {
  let fields = input.fields;
  if (fields.length === 0 && (services.env.AWS_SSO_FIELDS ?? "").trim() !== "") {
    fields = services.env.AWS_SSO_FIELDS!.trim().split(/\s+/);
  }
  fields = fields.map((f) => currentFieldName(services, f));
  if (input.listFields) {
    if (input.fields.length > 0 || input.csv) {
      throw new UsageError("--list-fields cannot be combined with --csv or field names");
    }
    const rows = [...LIST_FIELDS].sort((a, b) => (a.name < b.name ? -1 : 1))
      .map((f) => [f.name, f.description]);
    services.output.out(formatTable(["Field", "Description"], rows));
    return;
  }
  await printList(services, {
    fields,
    sort: input.sort === undefined ? undefined : currentFieldName(services, input.sort),
    reverse: input.reverse === true || parseBool(services.env.AWS_SSO_FIELD_SORT_REVERSE),
    prefix: input.prefix,
    csv: input.csv === true,
    refreshIfExpired: false,
  });
}

/** Builds the `list` command. */
export function listCommand(app: App): CommandUnknownOpts {
  return new Command("list")
    .description("list the accounts and roles you can use, from the role cache")
    .argument("[fields...]", "fields to show (see --list-fields; env AWS_SSO_FIELDS)")
    .option("-f, --list-fields", "list the fields that can be shown, and exit")
    .option("--csv", "print CSV (no header) instead of a table")
    .option("-P, --prefix <field=prefix>", "only roles whose field starts with prefix")
    .addOption(
      new Option("-s, --sort <field>", "sort by this field (default: AccountId)").env(
        "AWS_SSO_FIELD_SORT",
      ),
    )
    .option("--reverse", "reverse the sort order (env AWS_SSO_FIELD_SORT_REVERSE)")
    .action(async (fields, opts, cmd) => {
      await runList({ fields, ...opts }, app.context(cmd));
    });
}
