/**
 * The interactive role picker (a fuzzy search box, where the reference has a prompt): used by
 * `exec`, `console` and `ecs load` when no role was given. One search box matches the profile name,
 * account id, account alias and name, role name and tags, ranked by fzf (or by prefix with
 * `FullTextSearch: false`); recently used roles come first. `key value` pairs of tags typed
 * first (`AccountAlias prod Role AdministratorAccess`) narrow the list, and keys and values
 * are offered with their role counts (lib/roles/role_picker.ts); Enter on an offer completes
 * the input, Enter on a role picks it. It draws on stderr, so `$(aws-sso ...)` still works,
 * and refuses to start when stdin is not a terminal.
 *
 * ```ts
 * import type { Context } from "./context.ts";
 * import type { RoleSet } from "../lib/roles/role.ts";
 * declare const ctx: Context;
 * declare const roles: RoleSet; // cli/services/roles.ts roleCache(ctx, ...)
 * const role = await pickRole(ctx, roles); // RoleFlat; CancelledError on Ctrl-C
 * ```
 *
 * @module
 */
import { AwsSsoError, CancelledError, UsageError } from "../lib/errors.ts";
import { HISTORY_TAG } from "../lib/roles/history.ts";
import type { RoleFlat, RoleSet } from "../lib/roles/role.ts";
import {
  type PickerColors,
  pickerColors,
  prefixSearch,
  RolePicker,
  type RolePickerOptions,
} from "../lib/roles/role_picker.ts";
import { safeText } from "../lib/safe_text.ts";
import type { Settings } from "../lib/settings/settings.ts";
import { DEFAULT_ACCOUNT_PRIMARY_TAG } from "../lib/settings/settings.ts";
import { ConfigNotFoundError, type Context } from "./context.ts";
import { nodeStderr } from "./output.ts";

/** At most this many matches are rendered (the list scrolls within them). */
const MAX_RESULTS = 200;
/** Keystrokes closer together than this are ranked once. */
const DEBOUNCE_MS = 20;

/** Tags already shown as columns (not repeated in the searchable text). */
const SHOWN_TAGS = new Set([
  "AccountID",
  "AccountAlias",
  "AccountName",
  "Email",
  "Role",
  "Profile",
]);

/** One pickable line. */
export interface PickerEntry {
  /** The role. */
  role: RoleFlat;
  /** What the list shows. */
  label: string;
  /** What the search matches (the label plus every tag value). */
  haystack: string;
  /** The searchable fields one by one (prefix search). */
  fields: string[];
  /** 0 for the most recently used role, larger for older ones, Infinity when never used. */
  recency: number;
}

function extraTags(role: RoleFlat): string[] {
  return Object.keys(role.Tags).sort()
    .filter((k) => !SHOWN_TAGS.has(k) && k !== HISTORY_TAG)
    .map((k) => safeText(`${k}=${role.Tags[k]}`));
}

/**
 * Builds the picker's lines: aligned columns (profile, account id, alias / name, role), recent
 * roles first, then the rest in the set's order. What is shown has its control characters
 * escaped (lib/safe_text.ts).
 */
export function pickerEntries(
  roles: readonly RoleFlat[],
  history: readonly string[],
): PickerEntry[] {
  const rank = new Map(history.map((arn, i) => [arn, i]));
  const width = (f: (r: RoleFlat) => string) =>
    Math.min(48, roles.reduce((w, r) => Math.max(w, f(r).length), 0));
  const profile = (r: RoleFlat) => safeText(r.ProfileName);
  const wProfile = width(profile);
  const account = (r: RoleFlat) =>
    safeText(
      r.AccountName !== "" && r.AccountName !== r.AccountAlias
        ? `${r.AccountAlias} (${r.AccountName})`
        : r.AccountAlias,
    );
  const wAccount = width(account);
  const roleName = (r: RoleFlat) => safeText(r.RoleName);
  const wRole = width(roleName);
  const entries = roles.map((role): PickerEntry => {
    const tags = extraTags(role);
    const label = [
      profile(role).padEnd(wProfile),
      role.AccountIdPad,
      account(role).padEnd(wAccount),
      roleName(role).padEnd(wRole),
      tags.join(" "),
    ].join("  ").trimEnd();
    const fields = [
      role.ProfileName,
      role.AccountIdPad,
      role.AccountAlias,
      role.AccountName,
      role.RoleName,
      ...tags,
      role.EmailAddress,
    ].filter((f) => f !== "");
    const haystack = fields.join(" ");
    return { role, label, haystack, fields, recency: rank.get(role.Arn) ?? Infinity };
  });
  // Stable sort: recent ones first, others keep their order.
  return entries.sort((a, b) => a.recency === b.recency ? 0 : a.recency < b.recency ? -1 : 1);
}

/** Ranks `entries` for `query`: fzf score first, then recency, then list order. */
export type EntryFinder = (query: string) => PickerEntry[];

/** Creates the fuzzy finder over `entries` (fzf, case-insensitive, space-separated terms). */
export async function entryFinder(entries: PickerEntry[]): Promise<EntryFinder> {
  const { Fzf, extendedMatch } = await import("fzf");
  const order = new Map(entries.map((e, i) => [e, i]));
  const fzf = new Fzf(entries, {
    selector: (e: PickerEntry) => e.haystack,
    casing: "case-insensitive",
    match: extendedMatch,
    // v1 (greedy) scores well enough for short fields and is several times faster than v2 on
    // 10,000 roles; the limit lets fzf keep only the best matches instead of sorting them all.
    fuzzy: "v1",
    limit: MAX_RESULTS,
    tiebreakers: [
      (a: { item: PickerEntry }, b: { item: PickerEntry }) =>
        a.item.recency === b.item.recency ? 0 : a.item.recency < b.item.recency ? -1 : 1,
      (a: { item: PickerEntry }, b: { item: PickerEntry }) =>
        (order.get(a.item) ?? 0) - (order.get(b.item) ?? 0),
    ],
  });
  return (query) => {
    const q = query.trim();
    if (q === "") return entries.slice(0, MAX_RESULTS);
    return fzf.find(q).map((r) => r.item);
  };
}

function isExitPrompt(e: unknown): boolean {
  return e instanceof Error && (e.name === "ExitPromptError" || e.name === "AbortPromptError");
}

/** Options of {@link pickRole}. */
export interface PickRoleOptions {
  /** The question above the search box. */
  message?: string;
}

/** What a line of the list stands for: a role to pick, or an input to complete. */
type Choice = { role: RoleFlat } | { complete: string };

/** The picker's settings from config.yaml, or the defaults when there is none. */
async function pickerSettings(
  ctx: Context,
): Promise<Pick<Settings, "promptColors"> & RolePickerOptions> {
  try {
    return await ctx.settings();
  } catch (e) {
    if (!(e instanceof ConfigNotFoundError)) throw e;
    return {
      fullTextSearch: true,
      accountPrimaryTag: [...DEFAULT_ACCOUNT_PRIMARY_TAG],
      promptColors: {},
    };
  }
}

/** The inquirer theme for `colors` (only the parts PromptColors sets change). */
async function pickerTheme(ctx: Context, colors: PickerColors): Promise<Record<string, unknown>> {
  // Output.style tells whether this terminal gets colours (NO_COLOR, FORCE_COLOR, a TTY).
  if (ctx.output.style("bold", "x") === "x") return {};
  const { styleText } = await import("node:util");
  const paint = (formats: string[]) => (text: string) =>
    styleText(formats as Parameters<typeof styleText>[0], text, { validateStream: false });
  const style: Record<string, (text: string) => string> = {};
  if (colors.input.length > 0) style.searchTerm = paint(colors.input);
  if (colors.selected.length > 0) style.highlight = paint(colors.selected);
  if (colors.description.length > 0) style.description = paint(colors.description);
  const theme: Record<string, unknown> = { style };
  if (colors.prefix.length > 0) theme.prefix = { idle: paint(colors.prefix)("?") };
  return theme;
}

/**
 * Lets the user choose one role. Throws UsageError at once when stdin is not a terminal (naming
 * the flags to use instead), CancelledError on Ctrl-C (exit 130, terminal restored), AwsSsoError
 * when there is no role to pick.
 */
export async function pickRole(
  ctx: Context,
  roles: RoleSet | readonly RoleFlat[],
  options: PickRoleOptions = {},
): Promise<RoleFlat> {
  if (!ctx.output.stdinIsTerminal) {
    throw new UsageError("no role selected, and cannot ask: stdin is not a terminal", {
      hints: [
        "select the role with --profile <name>, --arn <arn>, or --account <id> and --role <name>",
      ],
    });
  }
  const list = "history" in roles ? roles.roles : roles;
  const history = "history" in roles ? roles.history : [];
  if (list.length === 0) {
    throw new AwsSsoError("there are no roles to choose from in the role cache", {
      hints: ['run "aws-sso cache" to discover your accounts and roles'],
    });
  }
  const settings = await pickerSettings(ctx);
  const { colors, warnings } = pickerColors(settings.promptColors);
  for (const w of warnings) ctx.logger.warn(w);
  const entries = pickerEntries(list, history);
  const tagPicker = new RolePicker(entries.map((e) => e.role), settings, ctx.clock.now());
  const index = new Map(entries.map((e, i) => [e, i]));
  const [finder, { search }, stream, theme] = await Promise.all([
    entryFinder(entries),
    import("@inquirer/prompts"),
    nodeStderr(),
    pickerTheme(ctx, colors),
  ]);
  // The fuzzy finder of the roles the typed pairs select (rebuilt when they change).
  let narrowed: { key: string; find: EntryFinder } | undefined;
  const rolesFor = async (selected: number[] | undefined, free: string) => {
    const pool = selected === undefined ? entries : selected.map((i) => entries[i]!);
    if (free.trim() === "") return pool.slice(0, MAX_RESULTS);
    if (!settings.fullTextSearch) {
      return pool.filter((e) => prefixSearch(e.fields, free)).slice(0, MAX_RESULTS);
    }
    if (selected === undefined) return finder(free);
    const key = selected.join(",");
    if (narrowed?.key !== key) narrowed = { key, find: await entryFinder(pool) };
    return narrowed.find(free);
  };
  const width = Math.max(20, ctx.output.columns() - 4);
  const clip = (s: string) => (s.length > width ? s.slice(0, width - 1) + "…" : s);
  try {
    const picked = await search<Choice>({
      message: options.message ?? "Select a role (type to filter, or a tag key and value):",
      pageSize: 12,
      theme,
      // Enter on an offer puts it into the search box instead of ending the prompt.
      validate: (choice) => "role" in choice,
      source: async (term, { signal }) => {
        // Typing fast: only the last keystroke's query is worth ranking.
        if (term) await new Promise((resolve) => setTimeout(resolve, DEBOUNCE_MS));
        if (signal.aborted) return [];
        const text = term ?? "";
        const query = tagPicker.parse(text);
        const filtered = query.pairs.length > 0 || query.pendingValue !== undefined;
        const selected = filtered ? tagPicker.candidates(query) : undefined;
        const selectedKeys = query.pairs.map(([k]) => k);
        const offers = tagPicker.suggestions(text, query).map((s) => ({
          value: { complete: s.text } as Choice,
          name: safeText(s.text),
          short: s.text,
          description: clip(safeText(s.description)),
        }));
        const found = (await rolesFor(selected, query.free)).map((e) => {
          const described = tagPicker.describe(index.get(e)!, selectedKeys);
          return {
            value: { role: e.role } as Choice,
            name: clip(e.label),
            short: safeText(e.role.ProfileName),
            description: clip(
              safeText(described === "" ? e.role.Arn : `${described}  ${e.role.Arn}`),
            ),
          };
        });
        return [...offers, ...found];
      },
    }, { output: stream, clearPromptOnDone: true });
    return (picked as { role: RoleFlat }).role;
  } catch (e) {
    if (isExitPrompt(e)) throw new CancelledError();
    throw e;
  }
}
