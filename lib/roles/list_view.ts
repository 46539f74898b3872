/**
 * `list` rendering, pure: choose fields, filter with `--prefix
 * Field=Prefix`, sort (`--sort`, `--reverse`), number the rows, and print a table under the
 * `List of AWS roles for SSO Instance: ...` header, or CSV without a header. Every cell is
 * escaped with {@link safeText}: names from the portal never reach the terminal or a CSV raw.
 *
 * @module
 */
import { UsageError } from "../errors.ts";
import { safeText } from "../safe_text.ts";
import { timeRemain } from "../time_remain.ts";
import { findListField } from "./list_fields.ts";
import type { RoleFlat } from "./role.ts";

/** How to render. */
export interface ListViewOptions {
  /** Columns (names from list_fields.ts). */
  fields: string[];
  /** Sort field (default `AccountId`). */
  sort?: string;
  /** Reverse the sorted order. */
  reverse?: boolean;
  /** `Field=Prefix` filter. */
  prefix?: string;
  /** CSV instead of a table. */
  csv?: boolean;
  /** The instance name for the header line. */
  sso: string;
  /** When the SSO access token expires (epoch ms), for the header; undefined: no token. */
  tokenExpiresAtMs?: number;
  /** Current time, epoch ms. */
  nowMs: number;
  /** Formats a table (cli/table.ts formatTable). */
  formatTable: (headers: string[], rows: string[][]) => string;
}

const PREFIX_FIELDS = new Set([
  "Id",
  "AccountId",
  "AccountIdPad",
  "AccountName",
  "AccountAlias",
  "EmailAddress",
  "Arn",
  "RoleName",
  "DefaultRegion",
  "Profile",
  "SSO",
  "SSORegion",
  "StartUrl",
  "Via",
]);
const UNPREFIXABLE = new Set(["Expires", "ExpiresEpoch", "Tags"]);

/**
 * A role's value for a field, as `list` shows it; `padded: false` (CSV) gives `Expires` without
 * the table's alignment (`5h5m`, as `time` prints it).
 */
export function fieldText(role: RoleFlat, field: string, nowMs: number, padded = true): string {
  switch (field) {
    case "Id":
      return String(role.Id);
    case "AccountId":
      return String(role.AccountId);
    case "Expires":
      return role.ExpiresEpoch === 0
        ? "Expired"
        : timeRemain(role.ExpiresEpoch * 1000, nowMs, padded);
    case "ExpiresEpoch":
      return String(role.ExpiresEpoch);
    case "Profile":
      return role.ProfileName;
    case "Tags":
      return Object.entries(role.Tags).map(([k, v]) => `${k}=${v}`).join(" ");
    default: {
      const value = (role as unknown as Record<string, unknown>)[field];
      return typeof value === "string" ? value : String(value ?? "");
    }
  }
}

/** Throws UsageError unless every name is a listable field. */
export function validateFields(fields: string[]): void {
  for (const f of fields) {
    if (findListField(f) === undefined) {
      throw new UsageError(`unsupported field: '${f}'`, {
        hints: ['run "aws-sso list --list-fields" to see the fields'],
      });
    }
  }
}

/** Parses and applies `--prefix Field=Prefix` (case-sensitive prefix match). */
export function filterByPrefix(roles: RoleFlat[], prefix: string, nowMs: number): RoleFlat[] {
  const eq = prefix.indexOf("=");
  if (eq < 0) {
    throw new UsageError("--prefix must be in the format of <FieldName>=<Prefix>");
  }
  const field = prefix.slice(0, eq);
  const value = prefix.slice(eq + 1);
  if (UNPREFIXABLE.has(field)) throw new UsageError(`invalid field: ${field}`);
  if (!PREFIX_FIELDS.has(field)) {
    throw new UsageError(`--prefix <FieldName> must be a valid field: ${field}`, {
      hints: ['run "aws-sso list --list-fields" to see the fields'],
    });
  }
  return roles.filter((r) => fieldText(r, field, nowMs).startsWith(value));
}

// Roles without credentials sort last by expiry (the reference uses 2^62).
const NEVER = 2 ** 62;

/** Sorts roles by `field` (stable), per the reference's rules; throws UsageError on bad fields. */
export function sortRoles(roles: RoleFlat[], field: string, nowMs: number): RoleFlat[] {
  let compare: (a: RoleFlat, b: RoleFlat) => number;
  switch (field) {
    case "Id":
      compare = (a, b) => a.Id - b.Id;
      break;
    case "AccountId":
    case "AccountIdPad":
      compare = (a, b) => a.AccountId - b.AccountId;
      break;
    case "Expires":
    case "ExpiresEpoch": {
      const epoch = (r: RoleFlat) => (r.ExpiresEpoch === 0 ? NEVER : r.ExpiresEpoch);
      compare = (a, b) => epoch(a) - epoch(b);
      break;
    }
    case "Tags":
      throw new UsageError("unable to sort by `Tags`");
    default: {
      if (findListField(field) === undefined && field !== "SSORegion" && field !== "StartUrl") {
        throw new UsageError(`invalid --sort: invalid field name: ${field}`, {
          hints: ['run "aws-sso list --list-fields" to see the fields'],
        });
      }
      const text = new Map(roles.map((r) => [r, fieldText(r, field, nowMs)]));
      compare = (a, b) => {
        const x = text.get(a)!;
        const y = text.get(b)!;
        return x < y ? -1 : x > y ? 1 : 0;
      };
    }
  }
  return [...roles].sort(compare);
}

/** The header line's `Expires in` text (padded form, trimmed). */
function tokenRemaining(options: ListViewOptions): string {
  if (options.tokenExpiresAtMs === undefined) return "";
  return ` [Expires in: ${timeRemain(options.tokenExpiresAtMs, options.nowMs, true).trim()}]`;
}

/**
 * Renders `list` output for `roles`: validates the fields, filters, sorts, renumbers `Id`.
 *
 * @example
 * ```ts
 * import type { RoleFlat } from "./role.ts";
 * declare const roles: RoleFlat[];
 * declare function formatTable(headers: string[], rows: string[][]): string; // cli/table.ts
 * const nowMs = Date.UTC(2026, 0, 1);
 * renderRoleList(roles, { fields: ["AccountIdPad", "RoleName"], sso: "Default", nowMs, formatTable });
 * ```
 */
export function renderRoleList(roles: readonly RoleFlat[], options: ListViewOptions): string {
  validateFields(options.fields);
  let rows = [...roles];
  if (options.prefix !== undefined && options.prefix !== "") {
    rows = filterByPrefix(rows, options.prefix, options.nowMs);
  }
  rows = sortRoles(rows, options.sort ?? "AccountId", options.nowMs);
  if (options.reverse) rows.reverse();
  // Ids are the row numbers after sorting and filtering.
  // CSV cells are values, not table columns: no padding.
  const padded = options.csv !== true;
  const cells = rows.map((r, i) =>
    options.fields.map((
      f,
    ) => (f === "Id" ? String(i) : safeText(fieldText(r, f, options.nowMs, padded))))
  );
  if (options.csv) return cells.map((c) => c.join(",") + "\n").join("");
  const headers = options.fields.map((f) => findListField(f)?.header ?? f);
  return `List of AWS roles for SSO Instance: ${safeText(options.sso)}${
    tokenRemaining(options)
  }\n\n` +
    options.formatTable(headers, cells) + "\n";
}
