/**
 * Go's `regexp` (RE2 syntax) mapped onto JS `RegExp`: leading flags, `(?P<name>`, POSIX classes,
 * `\A`/`\z`, Go's treatment of empty matches and its `$1`/`${name}` replacement templates.
 *
 * @module
 */

import { GoCallError } from "./_go_function.ts";
import { errorMessage } from "../errors.ts";

// Go's [[:name:]] classes, spelled as JS bracket contents.
const POSIX_CLASSES: Readonly<Record<string, string>> = {
  alnum: "0-9A-Za-z",
  alpha: "A-Za-z",
  ascii: "\\x00-\\x7F",
  blank: "\\t ",
  cntrl: "\\x00-\\x1F\\x7F",
  digit: "0-9",
  graph: "!-~",
  lower: "a-z",
  print: " -~",
  punct: "!-\\/:-@\\[-`{-~",
  space: "\\t\\n\\v\\f\\r ",
  upper: "A-Z",
  word: "0-9A-Za-z_",
  xdigit: "0-9A-Fa-f",
};

const regexCache = new Map<string, RegExp>();

/**
 * Compiles a Go regexp (global flag set, cached); throws GoCallError with Go's message prefix
 * when it is not valid.
 *
 * @example
 * ```ts
 * compileRegex("(?i)^(?P<word>[[:alpha:]]+)").exec("Hello1")?.groups?.word; // "Hello"
 * ```
 */
export function compileRegex(pattern: string): RegExp {
  const cached = regexCache.get(pattern);
  if (cached) return cached;
  let flags = "g";
  let source = pattern;
  const lead = /^\(\?([imsU]+)\)/.exec(source);
  if (lead) {
    for (const f of lead[1]!) if (f !== "U" && !flags.includes(f)) flags += f;
    source = source.slice(lead[0].length);
  }
  source = source
    .replace(/\(\?P</g, "(?<")
    .replace(/\[:(\^?)([a-z]+):\]/g, (m, neg: string, name: string) => {
      const cls = POSIX_CLASSES[name];
      // A negated POSIX class has no JS spelling inside a bracket: leave it to fail to compile.
      return cls === undefined || neg ? m : cls;
    })
    .replace(/\\A/g, "^")
    .replace(/\\z/g, "$(?![\\s\\S])");
  let re: RegExp;
  try {
    re = new RegExp(source, flags + "u");
  } catch {
    try {
      re = new RegExp(source, flags);
    } catch (e) {
      throw new GoCallError(
        `regexp: Compile(\`${pattern}\`): error parsing regexp: ${errorMessage(e)}`,
      );
    }
  }
  if (regexCache.size > 200) regexCache.clear();
  regexCache.set(pattern, re);
  return re;
}

/** All match positions, skipping empty matches right after a previous match (as Go does). */
export function findAll(re: RegExp, s: string, n: number): RegExpExecArray[] {
  const out: RegExpExecArray[] = [];
  if (n === 0) return out;
  re.lastIndex = 0;
  let prevEnd = -1;
  while (re.lastIndex <= s.length) {
    const m = re.exec(s);
    if (!m) break;
    const end = m.index + m[0].length;
    if (m[0].length === 0) {
      const cp = s.codePointAt(m.index);
      re.lastIndex = m.index + (cp !== undefined && cp > 0xffff ? 2 : 1);
      if (m.index === prevEnd) continue;
    }
    out.push(m);
    prevEnd = end;
    if (n > 0 && out.length >= n) break;
  }
  return out;
}

/** regexp.Expand: `$1`, `${1}`, `$name`, `${name}`, `$$`. */
function expandTemplate(template: string, m: RegExpExecArray): string {
  let out = "";
  let i = 0;
  while (i < template.length) {
    const d = template.indexOf("$", i);
    if (d < 0) {
      out += template.slice(i);
      break;
    }
    out += template.slice(i, d);
    i = d + 1;
    if (template[i] === "$") {
      out += "$";
      i++;
      continue;
    }
    let name: string | undefined;
    if (template[i] === "{") {
      const close = template.indexOf("}", i);
      const inner = close < 0 ? "" : template.slice(i + 1, close);
      if (close >= 0 && /^[\p{L}\p{Nd}_]+$/u.test(inner)) {
        name = inner;
        i = close + 1;
      }
    } else {
      const mm = /^[\p{L}\p{Nd}_]+/u.exec(template.slice(i));
      if (mm) {
        name = mm[0];
        i += name.length;
      }
    }
    if (name === undefined) {
      out += "$";
      continue;
    }
    if (/^\d+$/.test(name) && !(name.length > 1 && name[0] === "0")) {
      const num = Number(name);
      out += num < m.length ? m[num] ?? "" : "";
    } else {
      out += m.groups?.[name] ?? "";
    }
  }
  return out;
}

/**
 * regexp.ReplaceAllString (or ReplaceAllLiteralString when `literal`) of `pattern` in `s`.
 *
 * @example
 * ```ts
 * regexReplace("a(x*)b", "-ab-axxb-", "${1}W", false); // "-W-xxW-"
 * ```
 */
export function regexReplace(pattern: string, s: string, repl: string, literal: boolean): string {
  const re = compileRegex(pattern);
  let out = "";
  let last = 0;
  for (const m of findAll(re, s, -1)) {
    out += s.slice(last, m.index) + (literal ? repl : expandTemplate(repl, m));
    last = m.index + m[0].length;
  }
  return out + s.slice(last);
}

/**
 * regexp.Split: `s` cut around the matches of `pattern`, at most `n` pieces (`n` -1: all).
 *
 * @example
 * ```ts
 * regexSplit("z+", "pizza", -1); // ["pi", "a"]
 * ```
 */
export function regexSplit(pattern: string, s: string, n: number): string[] {
  if (n === 0) return [];
  const re = compileRegex(pattern);
  if (pattern.length > 0 && s.length === 0) return [""];
  const out: string[] = [];
  let beg = 0;
  let end = 0;
  for (const m of findAll(re, s, n)) {
    if (n > 0 && out.length === n - 1) break;
    end = m.index;
    if (m.index + m[0].length !== 0) out.push(s.slice(beg, end));
    beg = m.index + m[0].length;
  }
  if (end !== s.length) out.push(s.slice(beg));
  return out;
}

/**
 * regexp.QuoteMeta: `s` with every regexp metacharacter escaped.
 *
 * @example
 * ```ts
 * regexQuoteMeta("1.5+2"); // "1\\.5\\+2"
 * ```
 */
export function regexQuoteMeta(s: string): string {
  return s.replace(/[\\.+*?()|[\]{}^$]/g, "\\$&");
}
