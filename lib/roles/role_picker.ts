/**
 * The pure side of the interactive role picker (the reference tool's prompt, kept for its users): the tags a user can type as
 * `key value` pairs (`AccountAlias prod Role AdministratorAccess`), the suggestions of keys and
 * values with their role counts, substring or prefix matching (`FullTextSearch`), the
 * description of a role by its `AccountPrimaryTag` values, and `PromptColors` as style names.
 * The terminal side (fuzzy ranking, drawing, keys) is cli/picker.ts.
 *
 * Typed text is read as `key value` pairs from its start, as long as each first word is a tag
 * key; the first word that is not a key ends the pairs, and it and the words after it are free
 * text for the fuzzy search. So `stag 0007 read` is a plain search, and `AccountAlias prod read`
 * keeps the roles of account `prod` and searches them for `read`.
 *
 * @module
 */
import { parseHistoryTag } from "./history.ts";
import type { RoleFlat } from "./role.ts";

/** The virtual tag holding a role's profile name. */
export const PROFILE_NAME_KEY = "ProfileName";

/** The picker's settings (config.yaml `FirstTag`, `FullTextSearch`, `AccountPrimaryTag`). */
export interface RolePickerOptions {
  /** Tag key listed before the others. */
  firstTag?: string;
  /** Substring (true) or prefix (false) matching, case-insensitive. */
  fullTextSearch: boolean;
  /** Tags that describe a role (the first one with a value not already typed). */
  accountPrimaryTag: readonly string[];
}

/** One offer to complete the typed text. */
export interface PickerSuggestion {
  /** The whole input once completed (ends with a space). */
  text: string;
  /** The key or value offered. */
  offer: string;
  /** Counts (`3 roles/2 choices`, `4 roles`) or, for a value of one role, its ARN. */
  description: string;
}

/** What the typed text selects. */
export interface PickerQuery {
  /** Complete `key value` pairs (a value matching exactly, or as typed: see {@link valueMatches}). */
  pairs: [string, string][];
  /** The last pair when its value is still being typed. */
  pendingValue?: [string, string];
  /** A key typed completely (followed by a space) with no value yet. */
  pendingKey?: string;
  /** A last word being typed where a key may start. */
  partialKey?: string;
  /** Free text for the fuzzy search (the words after the pairs). */
  free: string;
}

/**
 * True when `text` matches `typed`: case-insensitive substring (full text) or prefix.
 *
 * @example
 * ```ts
 * textMatches("AdministratorAccess", "access", true); // true
 * textMatches("AdministratorAccess", "access", false); // false
 * textMatches("AdministratorAccess", "admin", false); // true
 * ```
 */
export function textMatches(text: string, typed: string, fullTextSearch: boolean): boolean {
  const t = text.toLowerCase();
  const w = typed.toLowerCase();
  return fullTextSearch ? t.includes(w) : t.startsWith(w);
}

/**
 * Prefix search (`FullTextSearch: false`) of free text: true when every typed word starts one
 * of `fields` (case-insensitive). Full-text search is the fuzzy ranking of cli/picker.ts.
 *
 * @example
 * ```ts
 * prefixSearch(["staging-0007", "ReadOnlyAccess"], "stag read"); // true
 * prefixSearch(["staging-0007", "ReadOnlyAccess"], "0007"); // false
 * ```
 */
export function prefixSearch(fields: readonly string[], free: string): boolean {
  const words = free.split(" ").filter((w) => w !== "");
  return words.every((w) => fields.some((f) => textMatches(f, w, false)));
}

/** Go's `time.Duration` text for whole seconds, as the reference shows History ages (`1h30m0s`). */
function goDuration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  return `${Math.floor(s / 3600)}h${Math.floor((s % 3600) / 60)}m${s % 60}s`;
}

/**
 * The tags a user can type for `role`: its tags plus {@link PROFILE_NAME_KEY},
 * spaces in keys and values replaced by `_`, and History shown as `[<age>]_<alias>:<role>`.
 *
 * @example
 * ```ts
 * // History "prod:Admin,1700000000" at 1700005400 s → "[1h30m0s]_prod:Admin"
 * ```
 */
export function pickerTags(role: RoleFlat, nowMs: number): Record<string, string> {
  const out: Record<string, string> = {};
  const put = (k: string, v: string) => {
    if (k !== "" && v !== "") out[k.replaceAll(" ", "_")] = v.replaceAll(" ", "_");
  };
  for (const [k, v] of Object.entries(role.Tags)) {
    if (k === "History") {
      const h = parseHistoryTag(v);
      put(k, h === undefined ? v : `[${goDuration(nowMs / 1000 - h.usedAt)}] ${h.label}`);
    } else {
      put(k, v);
    }
  }
  put(PROFILE_NAME_KEY, role.ProfileName);
  return out;
}

/**
 * Reads typed text against the known tag `keys` (see the module doc). A key must be typed
 * exactly (case-insensitively; the known spelling is used).
 *
 * @example
 * ```ts
 * parsePickerInput("AccountAlias prod Role Adm", new Set(["AccountAlias", "Role"]));
 * // { pairs: [["AccountAlias", "prod"]], pendingValue: ["Role", "Adm"], free: "" }
 * ```
 */
export function parsePickerInput(text: string, keys: ReadonlySet<string>): PickerQuery {
  const byLower = new Map([...keys].map((k) => [k.toLowerCase(), k]));
  const words = text.split(" ").filter((w) => w !== "");
  const complete = text.endsWith(" ");
  const query: PickerQuery = { pairs: [], free: "" };
  let i = 0;
  for (; i < words.length; i += 2) {
    const key = byLower.get(words[i]!.toLowerCase());
    const last = i === words.length - 1;
    if (key === undefined) {
      if (last && !complete) query.partialKey = words[i];
      break;
    }
    if (last) {
      if (complete) query.pendingKey = key;
      else query.partialKey = words[i];
      break;
    }
    if (i + 1 === words.length - 1 && !complete) {
      query.pendingValue = [key, words[i + 1]!];
      i += 2;
      break;
    }
    query.pairs.push([key, words[i + 1]!]);
  }
  // A key being typed is also searched for: it may be a word of a role.
  query.free = query.pendingKey !== undefined ? "" : words.slice(i).join(" ");
  return query;
}

/** Counts of the roles behind a key or value. */
interface Bucket {
  roles: number[];
}

/**
 * The tag index of a role list: which roles have which value of which key, for the
 * suggestions and for narrowing the list.
 */
export class RolePicker {
  readonly #tags: Record<string, string>[];
  readonly #roles: readonly RoleFlat[];
  readonly #options: RolePickerOptions;
  /** key → value → role indexes. */
  readonly #index = new Map<string, Map<string, Bucket>>();

  /** Indexes `roles` (tags as of `nowMs`, for History ages). */
  constructor(roles: readonly RoleFlat[], options: RolePickerOptions, nowMs: number) {
    this.#roles = roles;
    this.#options = options;
    this.#tags = roles.map((r) => pickerTags(r, nowMs));
    this.#tags.forEach((tags, i) => {
      for (const [k, v] of Object.entries(tags)) {
        let values = this.#index.get(k);
        if (values === undefined) this.#index.set(k, values = new Map());
        let bucket = values.get(v);
        if (bucket === undefined) values.set(v, bucket = { roles: [] });
        bucket.roles.push(i);
      }
    });
  }

  /** Every tag key, `FirstTag` first, then sorted. */
  get keys(): string[] {
    const first = this.#options.firstTag;
    return [...this.#index.keys()].sort((a, b) =>
      a === first ? -1 : b === first ? 1 : a < b ? -1 : a > b ? 1 : 0
    );
  }

  /** Parses `text` against this list's keys. */
  parse(text: string): PickerQuery {
    return parsePickerInput(text, new Set(this.#index.keys()));
  }

  /**
   * Indexes of the roles whose tag `key` matches `value`: equal (case-insensitively) when some
   * role has that exact value, else matching as typed ({@link textMatches}).
   */
  valueMatches(key: string, value: string): Set<number> {
    const values = this.#index.get(key);
    const out = new Set<number>();
    if (values === undefined) return out;
    const lower = value.toLowerCase();
    const exact = [...values.entries()].filter(([v]) => v.toLowerCase() === lower);
    const hits = exact.length > 0
      ? exact
      : [...values.entries()].filter(([v]) => textMatches(v, value, this.#options.fullTextSearch));
    for (const [, b] of hits) for (const i of b.roles) out.add(i);
    return out;
  }

  /** Indexes of the roles the query's pairs (and a value being typed) select, in list order. */
  candidates(query: PickerQuery): number[] {
    const filters = query.pendingValue ? [...query.pairs, query.pendingValue] : query.pairs;
    let current: number[] = this.#roles.map((_, i) => i);
    for (const [k, v] of filters) {
      const match = this.valueMatches(k, v);
      current = current.filter((i) => match.has(i));
    }
    return current;
  }

  /**
   * What to offer for `query`: values of a key just typed, values containing a
   * value being typed, or keys matching a word being typed; sorted, `FirstTag` first among keys.
   * None when the pairs already select one role, or a value being typed is already exact.
   */
  suggestions(text: string, query: PickerQuery = this.parse(text)): PickerSuggestion[] {
    const base = this.candidates({ ...query, pendingValue: undefined });
    if (query.pairs.length > 0 && base.length <= 1) return [];
    const prefix = (upTo: string) => upTo === "" ? "" : `${upTo} `;
    const typedPairs = query.pairs.map(([k, v]) => `${k} ${v}`).join(" ");
    const selected = new Set(query.pairs.map(([k]) => k));
    if (query.pendingKey !== undefined || query.pendingValue !== undefined) {
      const key = query.pendingKey ?? query.pendingValue![0];
      const typed = query.pendingValue?.[1];
      const values = this.#index.get(key) ?? new Map<string, Bucket>();
      if (
        typed !== undefined &&
        [...values.keys()].some((v) => v.toLowerCase() === typed.toLowerCase())
      ) {
        return [];
      }
      const inBase = new Set(base);
      const out: PickerSuggestion[] = [];
      for (const [value, bucket] of [...values.entries()].sort(([a], [b]) => a < b ? -1 : 1)) {
        if (typed !== undefined && !textMatches(value, typed, this.#options.fullTextSearch)) {
          continue;
        }
        const roles = bucket.roles.filter((i) => inBase.has(i));
        if (roles.length === 0) continue;
        out.push({
          text: `${prefix(typedPairs)}${key} ${value} `,
          offer: value,
          description: roles.length === 1 ? this.#roles[roles[0]!]!.Arn : `${roles.length} roles`,
        });
      }
      return out;
    }
    if (query.partialKey === undefined && (text.trim() === "" || !text.endsWith(" "))) return [];
    if (query.partialKey === undefined && query.free !== "") return [];
    const inBase = new Set(base);
    const out: PickerSuggestion[] = [];
    for (const key of this.keys) {
      if (selected.has(key)) continue;
      if (
        query.partialKey !== undefined &&
        !textMatches(key, query.partialKey, this.#options.fullTextSearch)
      ) continue;
      const values = [...this.#index.get(key)!.values()]
        .filter((b) => b.roles.some((i) => inBase.has(i)));
      const roles = new Set(values.flatMap((b) => b.roles.filter((i) => inBase.has(i))));
      // After a pair, a key that cannot narrow the list further is no help.
      if (query.pairs.length > 0 && values.length <= 1 && roles.size === base.length) continue;
      if (roles.size === 0) continue;
      out.push({
        text: `${prefix(typedPairs)}${key} `,
        offer: key,
        description: `${roles.size} roles/${values.length} choices`,
      });
    }
    return out;
  }

  /**
   * A role's description: the first `AccountPrimaryTag` with a value that the
   * typed pairs do not already select, as `Tag:Value`; "" when there is none.
   *
   * @example
   * ```ts
   * // AccountPrimaryTag [AccountName, AccountAlias], role tags {AccountAlias: "prod"}
   * declare const picker: RolePicker;
   * picker.describe(0, []); // "AccountAlias:prod"
   * ```
   */
  describe(roleIndex: number, selectedKeys: readonly string[] = []): string {
    const tags = this.#tags[roleIndex] ?? {};
    for (const key of this.#options.accountPrimaryTag) {
      if (selectedKeys.includes(key)) continue;
      const v = tags[key];
      if (v !== undefined && v !== "") return `${key}:${v}`;
    }
    return "";
  }
}

/** A `PromptColors` option mapped to what it colours. */
export interface PickerColors {
  /** Style names (node:util styleText) for the typed text. */
  input: string[];
  /** For the prompt's prefix mark. */
  prefix: string[];
  /** For the highlighted line. */
  selected: string[];
  /** For the description line under the list. */
  description: string[];
}

/** go-prompt colour names → node:util styleText foreground names. */
const COLOURS: Record<string, string | undefined> = {
  DefaultColor: undefined,
  Black: "black",
  DarkRed: "red",
  DarkGreen: "green",
  Brown: "yellow",
  DarkBlue: "blue",
  Purple: "magenta",
  Cyan: "cyan",
  LightGrey: "white",
  DarkGrey: "gray",
  DarkGray: "gray",
  Red: "redBright",
  Green: "greenBright",
  Yellow: "yellowBright",
  Blue: "blueBright",
  Fuchsia: "magentaBright",
  Turquoise: "cyanBright",
  White: "whiteBright",
};

/** PromptColors options this picker draws, and the part of it they colour. */
const OPTIONS: Record<string, [keyof PickerColors, "fg" | "bg"]> = {
  InputTextColor: ["input", "fg"],
  InputBGColor: ["input", "bg"],
  PrefixTextColor: ["prefix", "fg"],
  PrefixBackgroundColor: ["prefix", "bg"],
  SelectedSuggestionTextColor: ["selected", "fg"],
  SelectedSuggestionBGColor: ["selected", "bg"],
  DescriptionTextColor: ["description", "fg"],
  DescriptionBGColor: ["description", "bg"],
};

/** PromptColors options of go-prompt this picker has no counterpart for (accepted, unused). */
const UNDRAWN = new Set([
  "PreviewSuggestionBGColor",
  "PreviewSuggestionTextColor",
  "ScrollbarBGColor",
  "ScrollbarThumbColor",
  "SelectedDescriptionBGColor",
  "SelectedDescriptionTextColor",
  "SuggestionBGColor",
  "SuggestionTextColor",
]);

/**
 * config.yaml `PromptColors` as styles of the picker's parts, with a warning for each unknown
 * option or colour name (then ignored). Options the picker does not draw are accepted silently.
 *
 * @example
 * ```ts
 * pickerColors({ InputTextColor: "Red", SuggestionBGColor: "Cyan", Foo: "Blue" });
 * // { colors: { input: ["redBright"], prefix: [], selected: [], description: [] },
 * //   warnings: ["PromptColors: unknown option 'Foo' ignored"] }
 * ```
 */
export function pickerColors(
  config: Readonly<Record<string, string>>,
): { colors: PickerColors; warnings: string[] } {
  const colors: PickerColors = { input: [], prefix: [], selected: [], description: [] };
  const warnings: string[] = [];
  for (const [option, name] of Object.entries(config)) {
    const target = OPTIONS[option];
    if (target === undefined) {
      if (!UNDRAWN.has(option)) warnings.push(`PromptColors: unknown option '${option}' ignored`);
      continue;
    }
    if (!Object.hasOwn(COLOURS, name)) {
      warnings.push(`PromptColors: unknown colour '${name}' for ${option} ignored`);
      continue;
    }
    const fg = COLOURS[name];
    if (fg === undefined) continue;
    const [part, layer] = target;
    colors[part].push(layer === "fg" ? fg : `bg${fg[0]!.toUpperCase()}${fg.slice(1)}`);
  }
  return { colors, warnings };
}
