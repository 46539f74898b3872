/**
 * sprig v3's string functions (and base64), with Go's `strings` semantics and goutils' byte-wise
 * quirks kept where aws-sso profile names depend on them.
 *
 * @module
 */

import { formatValue } from "./_fmt.ts";
import { def, GoCallError, type GoFunction } from "./_go_function.ts";
import { swapcase, title, toLowerWords, toPascalCase, untitle } from "./_sprig_case.ts";
import { goQuote } from "./_strconv.ts";
import { byteLength, byteSlice, goLower, goUpper, isAscii, isGoSpace } from "./_unicode.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

const S = "string" as const;
const I = "int" as const;
const A = "any" as const;

/**
 * sprig's strval: strings as is, everything else through `%v`.
 *
 * @example
 * ```ts
 * strval([1, 2]); // "[1 2]"
 * ```
 */
export function strval(v: unknown): string {
  return typeof v === "string" ? v : formatValue(v);
}

function goRepeat(s: string, count: number): string {
  if (count < 0) throw new GoCallError("strings: negative Repeat count");
  return s.repeat(count);
}

/**
 * strings.Replace(s, old, new, -1), including Go's behaviour for an empty `old`.
 *
 * @example
 * ```ts
 * replaceAll("ab", "", "-"); // "-a-b-"
 * ```
 */
export function replaceAll(s: string, old: string, replacement: string): string {
  if (old !== "") return s.replaceAll(old, replacement);
  const runes = Array.from(s);
  return replacement + runes.join(replacement) + (runes.length > 0 ? replacement : "");
}

/**
 * strings.SplitN (`n` -1: all), including Go's per-rune split for an empty separator.
 *
 * @example
 * ```ts
 * goSplit("a,b,c", ",", 2); // ["a", "b,c"]
 * ```
 */
export function goSplit(s: string, sep: string, n = -1): string[] {
  if (n === 0) return [];
  if (sep === "") {
    const runes = Array.from(s);
    if (n > 0 && runes.length > n) return [...runes.slice(0, n - 1), runes.slice(n - 1).join("")];
    return runes;
  }
  const parts = s.split(sep);
  if (n > 0 && parts.length > n) return [...parts.slice(0, n - 1), parts.slice(n - 1).join(sep)];
  return parts;
}

/** strings.Trim with a cutset. */
function trimCutset(s: string, cutset: string): string {
  if (s === "" || cutset === "") return s;
  const set = new Set(Array.from(cutset));
  const runes = Array.from(s);
  let start = 0;
  let end = runes.length;
  while (start < end && set.has(runes[start]!)) start++;
  while (end > start && set.has(runes[end - 1]!)) end--;
  return runes.slice(start, end).join("");
}

/** strings.TrimSpace. */
function trimSpace(s: string): string {
  const runes = Array.from(s);
  let start = 0;
  let end = runes.length;
  while (start < end && isGoSpace(runes[start]!)) start++;
  while (end > start && isGoSpace(runes[end - 1]!)) end--;
  return start === 0 && end === runes.length ? s : runes.slice(start, end).join("");
}

/**
 * goutils.DeleteWhiteSpace. It works on bytes, so when it removes anything, every byte of a
 * multi-byte character comes back as a separate Latin-1 character; aws-sso names depend on it.
 */
function nospace(s: string): string {
  if (s === "") return s;
  if (isAscii(s)) {
    return /[\t\n\v\f\r ]/.test(s) ? s.replace(/[\t\n\v\f\r ]/g, "") : s;
  }
  const bytes = encoder.encode(s);
  let out = "";
  let removed = false;
  for (const b of bytes) {
    if ((b >= 9 && b <= 13) || b === 32 || b === 0x85 || b === 0xa0) removed = true;
    else out += String.fromCharCode(b);
  }
  return removed ? out : s;
}

/** goutils.Initials: the first byte of each whitespace-separated word, as a Latin-1 rune. */
function initials(s: string): string {
  let out = "";
  let gap = true;
  for (const b of encoder.encode(s)) {
    if ((b >= 9 && b <= 13) || b === 32 || b === 0x85 || b === 0xa0) gap = true;
    else if (gap) {
      out += String.fromCharCode(b);
      gap = false;
    }
  }
  return out;
}

/** goutils.AbbreviateFull (byte based). */
function abbreviateFull(s: string, offset: number, maxWidth: number): string {
  if (s === "") return "";
  const len = byteLength(s);
  if (len <= maxWidth) return s;
  if (offset > len) offset = len;
  if (len - offset < maxWidth - 3) offset = len - (maxWidth - 3);
  if (offset <= 4) return byteSlice(s, 0, maxWidth - 3) + "...";
  if (offset + maxWidth - 3 < len) {
    return "..." + abbreviateFull(byteSlice(s, offset), 0, maxWidth - 3);
  }
  return "..." + byteSlice(s, len - (maxWidth - 3));
}

/** Go's string slicing panics, with the runtime's messages. */
function sliceBounds(s: string, start: number | undefined, end: number | undefined): string {
  const len = byteLength(s);
  if (start === undefined) {
    if (end! < 0) throw new GoCallError(`runtime error: slice bounds out of range [:${end}]`);
    if (end! > len) {
      throw new GoCallError(
        `runtime error: slice bounds out of range [:${end}] with length ${len}`,
      );
    }
    return byteSlice(s, 0, end);
  }
  if (end === undefined) {
    if (start < 0 || start > len) {
      throw new GoCallError(`runtime error: slice bounds out of range [${start}:${len}]`);
    }
    return byteSlice(s, start);
  }
  if (end > len) {
    throw new GoCallError(`runtime error: slice bounds out of range [:${end}] with length ${len}`);
  }
  if (start < 0 || start > end) {
    throw new GoCallError(`runtime error: slice bounds out of range [${start}:${end}]`);
  }
  return byteSlice(s, start, end);
}

/** base64.StdEncoding of the UTF-8 bytes of `s`. */
function b64enc(s: string): string {
  let bin = "";
  for (const b of encoder.encode(s)) bin += String.fromCharCode(b);
  return btoa(bin);
}

/** Decodes standard base64 to text; invalid input yields Go's error text, as sprig returns it. */
function b64dec(s: string): string {
  // base64.StdEncoding is strict: padding required, no stray characters.
  const bad = s.search(/[^A-Za-z0-9+/=]/);
  const shape = /^([A-Za-z0-9+/]{4})*([A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
  if (bad >= 0 || !shape.test(s)) {
    const at = bad >= 0 ? bad : s.indexOf("=") >= 0 ? s.indexOf("=") : s.length - (s.length % 4);
    return `illegal base64 data at input byte ${at}`;
  }
  return decoder.decode(Uint8Array.from(atob(s), (c) => c.charCodeAt(0)));
}

/** sprig's string functions. */
export const sprigStringFunctions: Readonly<Record<string, GoFunction>> = {
  hello: def([], () => "Hello!"),
  abbrev: def([I, S], (width: number, s: string) => width < 4 ? s : abbreviateFull(s, 0, width)),
  abbrevboth: def(
    [I, I, S],
    (left: number, right: number, s: string) =>
      right < 4 || (left > 0 && right < 7) ? s : abbreviateFull(s, left, right),
  ),
  trunc: def([I, S], (c: number, s: string) => {
    const len = byteLength(s);
    if (c < 0 && len + c > 0) return byteSlice(s, len + c);
    if (c >= 0 && len > c) return byteSlice(s, 0, c);
    return s;
  }),
  trim: def([S], trimSpace),
  upper: def([S], goUpper),
  lower: def([S], goLower),
  title: def([S], title),
  untitle: def([S], untitle),
  substr: def([I, I, S], (start: number, end: number, s: string) => {
    if (start < 0) return sliceBounds(s, undefined, end);
    if (end < 0 || end > byteLength(s)) return sliceBounds(s, start, undefined);
    return sliceBounds(s, start, end);
  }),
  repeat: def([I, S], (count: number, s: string) => goRepeat(s, count)),
  trimall: def([S, S], (cutset: string, s: string) => trimCutset(s, cutset)),
  trimAll: def([S, S], (cutset: string, s: string) => trimCutset(s, cutset)),
  trimSuffix: def(
    [S, S],
    (suffix: string, s: string) =>
      suffix !== "" && s.endsWith(suffix) ? s.slice(0, s.length - suffix.length) : s,
  ),
  trimPrefix: def(
    [S, S],
    (prefix: string, s: string) => s.startsWith(prefix) ? s.slice(prefix.length) : s,
  ),
  nospace: def([S], nospace),
  initials: def([S], initials),
  swapcase: def([S], swapcase),
  snakecase: def([S], (s: string) => toLowerWords(s, "_")),
  camelcase: def([S], toPascalCase),
  kebabcase: def([S], (s: string) => toLowerWords(s, "-")),
  contains: def([S, S], (substr: string, s: string) => s.includes(substr)),
  hasPrefix: def([S, S], (prefix: string, s: string) => s.startsWith(prefix)),
  hasSuffix: def([S, S], (suffix: string, s: string) => s.endsWith(suffix)),
  quote: def(
    [],
    (...v: unknown[]) =>
      v.filter((x) => x !== null && x !== undefined).map((x) => goQuote(strval(x))).join(" "),
    A,
  ),
  squote: def(
    [],
    (...v: unknown[]) =>
      v.filter((x) => x !== null && x !== undefined).map((x) => `'${formatValue(x)}'`).join(" "),
    A,
  ),
  cat: def(
    [],
    (...v: unknown[]) => v.filter((x) => x !== null && x !== undefined).map(formatValue).join(" "),
    A,
  ),
  indent: def([I, S], (n: number, s: string) => {
    const padding = goRepeat(" ", n);
    return padding + s.replaceAll("\n", "\n" + padding);
  }),
  nindent: def([I, S], (n: number, s: string) => {
    const padding = goRepeat(" ", n);
    return "\n" + padding + s.replaceAll("\n", "\n" + padding);
  }),
  replace: def(
    [S, S, S],
    (old: string, replacement: string, s: string) => replaceAll(s, old, replacement),
  ),
  plural: def([S, S, I], (one: string, many: string, count: number) => count === 1 ? one : many),
  toString: def([A], strval),
  b64enc: def([S], b64enc),
  b64dec: def([S], b64dec),
};
