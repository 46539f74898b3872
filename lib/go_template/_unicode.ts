/**
 * Go's view of text: the `unicode` package's character classes and simple case mappings (which
 * differ from JS's full ones), `strings.ToUpper`/`ToLower`, and UTF-8 byte lengths, slices and
 * ordering, since Go strings are bytes where JS strings are UTF-16.
 *
 * @module
 */

const RE_UPPER = /^\p{Lu}$/u;
const RE_LOWER = /^\p{Ll}$/u;
const RE_TITLE = /^\p{Lt}$/u;
const RE_LETTER = /^\p{L}$/u;
const RE_NUMBER = /^\p{N}$/u;
const RE_DIGIT = /^\p{Nd}$/u;
const RE_PUNCT = /^\p{P}$/u;
const RE_SPACE = /^\p{White_Space}$/u;
const RE_PRINT = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;

/** True when every character of `s` is ASCII (byte and character offsets agree). */
export function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false;
  return true;
}

/** unicode.IsSpace. */
export function isGoSpace(c: string): boolean {
  if (c.length === 1) {
    const code = c.charCodeAt(0);
    if (code < 0x80) return code === 32 || (code >= 9 && code <= 13);
  }
  return RE_SPACE.test(c);
}

/** unicode.IsUpper of one character. */
export function isUpper(c: string): boolean {
  return c.length === 1 && c < "\x80" ? c >= "A" && c <= "Z" : RE_UPPER.test(c);
}

/** unicode.IsLower of one character. */
export function isLower(c: string): boolean {
  return c.length === 1 && c < "\x80" ? c >= "a" && c <= "z" : RE_LOWER.test(c);
}

/** unicode.IsTitle of one character. */
export function isTitleCase(c: string): boolean {
  return RE_TITLE.test(c);
}

/** unicode.IsLetter of one character. */
export function isLetter(c: string): boolean {
  return c.length === 1 && c < "\x80"
    ? (c >= "a" && c <= "z") || (c >= "A" && c <= "Z")
    : RE_LETTER.test(c);
}

/** unicode.IsNumber of one character. */
export function isNumber(c: string): boolean {
  return c.length === 1 && c < "\x80" ? c >= "0" && c <= "9" : RE_NUMBER.test(c);
}

/** unicode.IsDigit of one character. */
export function isDigit(c: string): boolean {
  return RE_DIGIT.test(c);
}

/** unicode.IsPunct of one character. */
export function isPunct(c: string): boolean {
  return RE_PUNCT.test(c);
}

/** unicode.IsPrint of one non-ASCII character (letters, marks, numbers, punctuation, symbols). */
export function isPrint(c: string): boolean {
  return RE_PRINT.test(c);
}

/** unicode.ToUpper: simple (one rune to one rune) mapping, unlike JS's full case mapping. */
export function runeUpper(c: string): string {
  const u = c.toUpperCase();
  return u.length === c.length || [...u].length === 1 ? u : c;
}

/** unicode.ToLower: simple mapping (U+0130 maps to "i"). */
export function runeLower(c: string): string {
  const l = c.toLowerCase();
  if (l.length === c.length || [...l].length === 1) return l;
  return [...l][0]!;
}

/** unicode.ToTitle: like upper case, except for the four Latin digraphs that have a title form. */
export function runeTitle(c: string): string {
  const cp = c.codePointAt(0)!;
  if (cp >= 0x1c4 && cp <= 0x1cc) {
    return String.fromCodePoint(0x1c5 + 3 * Math.floor((cp - 0x1c4) / 3));
  }
  if (cp >= 0x1f1 && cp <= 0x1f3) return "\u01f2";
  return runeUpper(c);
}

/** strings.ToUpper. */
export function goUpper(s: string): string {
  if (isAscii(s)) return s.toUpperCase();
  let out = "";
  for (const c of s) out += runeUpper(c);
  return out;
}

/** strings.ToLower. */
export function goLower(s: string): string {
  if (isAscii(s)) return s.toLowerCase();
  let out = "";
  for (const c of s) out += runeLower(c);
  return out;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Length of `s` in UTF-8 bytes (Go's len). */
export function byteLength(s: string): number {
  return isAscii(s) ? s.length : encoder.encode(s).length;
}

/** Go's s[start:end] on UTF-8 bytes (a cut inside a character decodes as U+FFFD). */
export function byteSlice(s: string, start: number, end?: number): string {
  if (isAscii(s)) return s.slice(start, end);
  return decoder.decode(encoder.encode(s).slice(start, end));
}

/** Compares strings the way Go does (bytewise UTF-8, i.e. by code point). */
export function compareGoStrings(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    // Surrogates (astral code points) sort after every BMP character in UTF-8 order.
    if (x >= 0xd800 && x <= 0xdfff) x += 0x2000;
    else if (x >= 0xe000) x -= 0x800;
    if (y >= 0xd800 && y <= 0xdfff) y += 0x2000;
    else if (y >= 0xe000) y -= 0x800;
    return x < y ? -1 : 1;
  }
  return a.length - b.length;
}
