/**
 * Writes config.yaml for the setup wizard: a new file with the reference's layout (4-space
 * indent), or edits of top-level keys in an existing file that change only the text of those
 * keys. Editing splices text at the positions the YAML parser reports instead of re-serialising
 * the document, so the user's comments, blank lines, quoting and unquoted account ids
 * (`000001111111:`, which a round trip through a YAML library turns into `1111111`) all stay.
 *
 * @module
 */
import { isMap, isScalar, parseDocument } from "yaml";
import type { Node, Pair, YAMLMap } from "yaml";
import { ConfigError } from "../errors.ts";

/** A value the wizard writes. */
export type ConfigValue = string | number | boolean | readonly string[];

const PLAIN = /^[A-Za-z0-9_./][A-Za-z0-9_\-./:@%+]*$/;
const LOOKS_TYPED =
  /^(true|false|yes|no|on|off|y|n|null|~|[-+]?(\d[\d_]*(\.\d*)?([eE][-+]?\d+)?|\.\d+|0x[0-9a-fA-F]+|0o[0-7]+|\.inf|\.nan))$/i;

/**
 * Renders a scalar for YAML: plain when that reads back as the same string, else single-quoted.
 *
 * @example
 * ```ts
 * yamlScalar("us-east-1");                    // "us-east-1"
 * yamlScalar("{{ .AccountIdPad }}:{{ .RoleName }}"); // "'{{ .AccountIdPad }}:{{ .RoleName }}'"
 * yamlScalar(true);                           // "true"
 * ```
 */
export function yamlScalar(value: string | number | boolean): string {
  if (typeof value !== "string") return String(value);
  if (PLAIN.test(value) && !LOOKS_TYPED.test(value) && !value.endsWith(":")) return value;
  if (/[\n\r\t]/.test(value)) return JSON.stringify(value);
  return `'${value.replace(/'/g, "''")}'`;
}

function yamlValue(value: ConfigValue): string {
  if (Array.isArray(value)) return `[${value.map((v) => yamlScalar(v)).join(", ")}]`;
  return yamlScalar(value as string | number | boolean);
}

/** The instance a new config.yaml defines. */
export interface NewInstance {
  /** `SSOConfig` key, e.g. `Default`. */
  name: string;
  /** Start URL. */
  startUrl: string;
  /** Identity Center region. */
  ssoRegion: string;
  /** Instance-level default region, if any. */
  defaultRegion?: string;
}

/**
 * The text of a new config.yaml: a comment, `SSOConfig` with one instance, then the top-level
 * keys in the given order (4-space indent, like the reference's wizard).
 *
 * @example
 * ```ts
 * newConfigText({ name: "Default", startUrl: "https://x.awsapps.com/start", ssoRegion: "us-east-1" },
 *   { UrlAction: "open" });
 * // "# aws-sso configuration ...\nSSOConfig:\n    Default:\n        SSORegion: us-east-1\n ..."
 * ```
 */
export function newConfigText(
  instance: NewInstance,
  top: Readonly<Record<string, ConfigValue | undefined>>,
): string {
  let out = '# aws-sso configuration, written by "aws-sso setup wizard".\n' +
    "# Every key is described in docs/config.md; edit freely, comments are kept.\n";
  out += "SSOConfig:\n";
  out += `    ${yamlScalar(instance.name)}:\n`;
  out += `        SSORegion: ${yamlScalar(instance.ssoRegion)}\n`;
  out += `        StartUrl: ${yamlScalar(instance.startUrl)}\n`;
  if (instance.defaultRegion !== undefined && instance.defaultRegion !== "") {
    out += `        DefaultRegion: ${yamlScalar(instance.defaultRegion)}\n`;
  }
  for (const [key, value] of Object.entries(top)) {
    if (value === undefined) continue;
    out += `${key}: ${yamlValue(value)}\n`;
  }
  return out;
}

function topLevelPairs(text: string, file: string): { pairs: Pair[] } {
  const doc = parseDocument(text, { uniqueKeys: false });
  if (doc.errors.length > 0) {
    throw new ConfigError(file, {}, `cannot edit: ${doc.errors[0]!.message.split("\n")[0]}`);
  }
  const root = doc.contents as Node | null;
  if (root === null || (isScalar(root) && root.value === null)) return { pairs: [] };
  if (!isMap(root) || (root as YAMLMap).flow === true) {
    throw new ConfigError(file, {}, "cannot edit: the top level is not a block map of keys");
  }
  return { pairs: (root as YAMLMap).items as Pair[] };
}

interface Splice {
  start: number;
  end: number;
  text: string;
}

function lineStart(text: string, at: number): number {
  return text.lastIndexOf("\n", at - 1) + 1;
}

function lineEnd(text: string, at: number): number {
  if (at > 0 && text[at - 1] === "\n") return at;
  const nl = text.indexOf("\n", at);
  return nl < 0 ? text.length : nl + 1;
}

/**
 * Sets (or with `undefined`, removes) top-level keys of a config.yaml text, matching existing
 * keys case-insensitively, and returns the new text. New keys are appended at the end; a value
 * is replaced in place, keeping the comment after it. Throws ConfigError when the text is not a
 * YAML map.
 *
 * @example
 * ```ts
 * editConfigText("# mine\nUrlAction: open # keep\n", { UrlAction: "print", LogLevel: "warn" });
 * // "# mine\nUrlAction: print # keep\nLogLevel: warn\n"
 * ```
 */
export function editConfigText(
  text: string,
  edits: Readonly<Record<string, ConfigValue | undefined>>,
  file = "config.yaml",
): string {
  const { pairs } = topLevelPairs(text, file);
  const splices: Splice[] = [];
  let appended = "";
  for (const [key, value] of Object.entries(edits)) {
    const pair = pairs.find((p) =>
      isScalar(p.key) && String((p.key as { value: unknown }).value).toLowerCase() ===
        key.toLowerCase()
    );
    if (pair === undefined) {
      if (value !== undefined) appended += `${key}: ${yamlValue(value)}\n`;
      continue;
    }
    const keyRange = (pair.key as Node).range!;
    const node = pair.value as Node | null;
    const range = node?.range ?? [keyRange[1], keyRange[1], keyRange[2]];
    if (value === undefined) {
      const end = lineEnd(text, Math.max(range[1], range[2]));
      splices.push({ start: lineStart(text, keyRange[0]), end, text: "" });
      continue;
    }
    let rendered = yamlValue(value);
    const old = text.slice(range[0], range[1]);
    if (old.endsWith("\n")) rendered += "\n";
    // `Key:` with no value: the new value needs a space after the colon.
    if (range[0] === range[1] && text[range[0] - 1] === ":") rendered = ` ${rendered}`;
    splices.push({ start: range[0], end: range[1], text: rendered });
  }
  splices.sort((a, b) => b.start - a.start);
  let out = text;
  for (const s of splices) out = out.slice(0, s.start) + s.text + out.slice(s.end);
  if (appended !== "") {
    if (out !== "" && !out.endsWith("\n")) out += "\n";
    out += appended;
  }
  return out;
}
