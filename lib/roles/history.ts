/**
 * Role usage History: `exec`, `console` and `ecs load` push the role they used
 * to the front of the instance's History list (no duplicates, at most `HistoryLimit` entries);
 * the role gets a `History` tag `<AccountAlias>:<RoleName>,<unix seconds>`, which the picker
 * uses to offer recent roles first. Entries older than `HistoryMinutes` are dropped on load.
 *
 * @module
 */
import { parseRoleArn } from "../arn.ts";
import type { CachedInstance, CachedRole } from "./cache_file.ts";

/** The tag key that marks recently used roles. */
export const HISTORY_TAG = "History";

function findRole(section: CachedInstance, arn: string): CachedRole | undefined {
  try {
    const ref = parseRoleArn(arn);
    return section.accounts[ref.accountId]?.roles[ref.roleName];
  } catch {
    return undefined;
  }
}

/**
 * The History tag value for a role used at `nowMs`.
 *
 * @example
 * ```ts
 * historyTagValue("production", "Admin", 1_700_000_000_000); // "production:Admin,1700000000"
 * ```
 */
export function historyTagValue(alias: string, roleName: string, nowMs: number): string {
  return `${alias}:${roleName},${Math.floor(nowMs / 1000)}`;
}

/**
 * Parses a History tag value into its label and time (epoch seconds); undefined when malformed.
 *
 * @example
 * ```ts
 * parseHistoryTag("production:Admin,1700000000"); // { label: "production:Admin", usedAt: 1700000000 }
 * ```
 */
export function parseHistoryTag(value: string): { label: string; usedAt: number } | undefined {
  const comma = value.lastIndexOf(",");
  if (comma < 0) return undefined;
  const when = value.slice(comma + 1);
  if (!/^\d+$/.test(when)) return undefined;
  return { label: value.slice(0, comma), usedAt: Number(when) };
}

/** History settings. */
export interface HistoryOptions {
  /** Config `HistoryLimit`: entries kept; 0 disables History. */
  limit: number;
  /** Current time, epoch ms. */
  nowMs: number;
}

/**
 * Records that `arn` was just used: moves it to the front of the section's History, trims the
 * list to the limit, tags the role and removes the tag from roles that fell off the list.
 * Mutates `section`; an ARN not in the section is ignored.
 */
export function recordHistory(section: CachedInstance, arn: string, options: HistoryOptions): void {
  const role = findRole(section, arn);
  if (role === undefined) return;
  const canonical = role.arn;
  const list = options.limit > 0
    ? [canonical, ...section.history.filter((a) => a !== canonical)].slice(0, options.limit)
    : [];
  const ref = parseRoleArn(canonical);
  const alias = section.accounts[ref.accountId]?.alias ?? "";
  if (options.limit > 0) {
    role.tags[HISTORY_TAG] = historyTagValue(alias, ref.roleName, options.nowMs);
  }
  setHistory(section, list);
}

function setHistory(section: CachedInstance, list: string[]): void {
  // Only roles that leave the list lose their tag: no walk over every role (10,000 of them).
  const keep = new Set(list);
  for (const arn of section.history) {
    if (keep.has(arn)) continue;
    const role = findRole(section, arn);
    if (role !== undefined) delete role.tags[HISTORY_TAG];
  }
  section.history = list;
}

/**
 * Drops History entries that are older than `minutes` (≤ 0: no age limit), whose role is gone,
 * or whose tag is missing or unparsable; mutates `section` (reference: done when the cache is
 * opened).
 */
export function pruneHistory(section: CachedInstance, minutes: number, nowMs: number): void {
  const cutoff = minutes > 0 ? nowMs / 1000 - minutes * 60 : -Infinity;
  const list = section.history.filter((arn) => {
    const tag = findRole(section, arn)?.tags[HISTORY_TAG];
    const parsed = tag === undefined ? undefined : parseHistoryTag(tag);
    return parsed !== undefined && parsed.usedAt >= cutoff;
  });
  setHistory(section, list);
}
