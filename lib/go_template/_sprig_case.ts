/**
 * sprig's case functions: `title` (strings.Title), `untitle` and `swapcase` (goutils), and
 * `camelcase`, `snakecase`, `kebabcase` as xstrings v1.5 splits words, quirks included, so
 * profile names built with them keep their spelling.
 *
 * @module
 */

import {
  isDigit,
  isGoSpace,
  isLetter,
  isLower,
  isNumber,
  isPunct,
  isTitleCase,
  isUpper,
  runeLower,
  runeTitle,
  runeUpper,
} from "./_unicode.ts";

/**
 * strings.Title: upper-cases the first letter of each word.
 *
 * @example
 * ```ts
 * title("hello wide-world"); // "Hello Wide-World"
 * ```
 */
export function title(s: string): string {
  let prev = " ";
  let out = "";
  for (const c of s) {
    out += isTitleSeparator(prev) ? runeTitle(c) : c;
    prev = c;
  }
  return out;
}

function isTitleSeparator(c: string): boolean {
  const cp = c.codePointAt(0)!;
  if (cp <= 0x7f) {
    return !((c >= "0" && c <= "9") || (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") ||
      c === "_");
  }
  if (isLetter(c) || isDigit(c)) return false;
  return isGoSpace(c);
}

/**
 * goutils.Uncapitalize: lower-cases the first rune after whitespace.
 *
 * @example
 * ```ts
 * untitle("Hello World"); // "hello world"
 * ```
 */
export function untitle(s: string): string {
  let next = true;
  let out = "";
  for (const c of s) {
    if (isGoSpace(c)) {
      next = true;
      out += c;
    } else if (next) {
      out += runeLower(c);
      next = false;
    } else {
      out += c;
    }
  }
  return out;
}

/**
 * goutils.SwapCase: upper to lower, lower to upper (title case after whitespace).
 *
 * @example
 * ```ts
 * swapcase("Hello World"); // "hELLO wORLD"
 * ```
 */
export function swapcase(s: string): string {
  let whitespace = true;
  let out = "";
  for (const c of s) {
    if (isUpper(c) || isTitleCase(c)) {
      out += runeLower(c);
      whitespace = false;
    } else if (isLower(c)) {
      out += whitespace ? runeTitle(c) : runeUpper(c);
      whitespace = false;
    } else {
      whitespace = isGoSpace(c);
      out += c;
    }
  }
  return out;
}

// ------------------------------------------------------------------------------ xstrings v1.5

function isConnector(c: string): boolean {
  return c === "-" || c === "_" || isGoSpace(c);
}

/** xstrings' isAlphabet: a letter that is not a CJK ideograph. */
function isAlphabet(c: string): boolean {
  if (!isLetter(c)) return false;
  const cp = c.codePointAt(0)!;
  if (cp < 0x3400) return true;
  if (cp >= 0x4e00 && cp <= 0x9fcc) return false;
  if (cp >= 0x3400 && cp <= 0x4d85) return false;
  if (cp >= 0x20000 && cp <= 0x2b81d) return false;
  return true;
}

/**
 * xstrings.ToPascalCase (sprig v3.3 `camelcase`).
 *
 * @example
 * ```ts
 * toPascalCase("my_role-NAME"); // "MyRoleName"
 * ```
 */
export function toPascalCase(s: string): string {
  const runes = Array.from(s);
  const n = runes.length;
  let out = "";
  let i = 0;
  while (i < n && isConnector(runes[i]!)) out += runes[i++];
  // xstrings writes the last rune once more when the string is all connectors ("_" -> "__").
  if (i === n) return n === 0 ? "" : out + runes[n - 1];
  let r0 = runes[i++]!;
  let wordStartsUpper = isUpper(r0);
  r0 = runeUpper(r0);
  while (i < n) {
    const r1 = r0;
    r0 = runes[i++]!;
    const c0 = isConnector(r0);
    const c1 = isConnector(r1);
    if (c0 && c1) {
      out += r1;
      continue;
    }
    if (c1) {
      wordStartsUpper = isUpper(r0);
      r0 = runeUpper(r0);
    } else {
      if (wordStartsUpper) {
        // An all-caps word keeps only its first capital ("GOLANG" -> "Golang").
        if (isUpper(r0)) r0 = runeLower(r0);
        else wordStartsUpper = false;
      }
      out += r1;
    }
  }
  return out + r0;
}

const enum W {
  Invalid,
  Number,
  Upper,
  Alphabet,
  Connector,
  Punct,
  Other,
}

/** Splits off the next word of `runes` from `start`: [type, end]. */
function nextWord(runes: readonly string[], start: number): [W, number] {
  const n = runes.length;
  if (start >= n) return [W.Invalid, start];
  const r = runes[start]!;
  let i = start + 1;
  if (isConnector(r)) {
    while (i < n && isConnector(runes[i]!)) i++;
    return [W.Connector, i];
  }
  if (isPunct(r)) {
    while (i < n && isPunct(runes[i]!)) i++;
    return [W.Punct, i];
  }
  if (isUpper(r)) {
    if (i >= n) return [W.Upper, i];
    const c = runes[i]!;
    if (isUpper(c)) {
      // A run of capitals; "HTTPServer" splits as "HTTP" + "Server".
      i++;
      while (i < n && isUpper(runes[i]!)) i++;
      if (i < n && isAlphabet(runes[i]!)) i--;
    } else if (isAlphabet(c)) {
      i++;
      while (i < n && isAlphabet(runes[i]!) && !isUpper(runes[i]!)) i++;
    }
    return [W.Upper, i];
  }
  if (isAlphabet(r)) {
    while (i < n && isAlphabet(runes[i]!) && !isUpper(runes[i]!)) i++;
    return [W.Alphabet, i];
  }
  if (isNumber(r)) {
    while (i < n && isNumber(runes[i]!)) i++;
    return [W.Number, i];
  }
  while (
    i < n && !isConnector(runes[i]!) && !isAlphabet(runes[i]!) && !isNumber(runes[i]!) &&
    !isPunct(runes[i]!)
  ) i++;
  return [W.Other, i];
}

/**
 * xstrings.ToSnakeCase / ToKebabCase, joining the lower-cased words with `connector`.
 *
 * @example
 * ```ts
 * toLowerWords("HTTPServerName", "-"); // "http-server-name"
 * ```
 */
export function toLowerWords(s: string, connector: string): string {
  if (s === "") return "";
  const runes = Array.from(s);
  let out = "";
  const write = (type: W, from: number, to: number) => {
    if (type !== W.Upper && type !== W.Connector) {
      for (let k = from; k < to; k++) out += runes[k];
      return;
    }
    for (let k = from; k < to; k++) {
      const c = runes[k]!;
      out += isConnector(c) ? connector : isUpper(c) ? runeLower(c) : c;
    }
  };
  // The word under the cursor: its type and [start, end) in runes.
  const w = { type: W.Invalid, start: 0, end: 0 };
  const advance = () => {
    w.start = w.end;
    [w.type, w.end] = nextWord(runes, w.start);
  };
  advance();
  // Read through a call: TypeScript would otherwise keep a narrowed type across advance().
  const type = (): W => w.type;
  const separates = (t: W) => t !== W.Invalid && t !== W.Punct && t !== W.Connector;
  const writeRun = () => {
    while (type() === W.Alphabet || type() === W.Number) {
      write(type(), w.start, w.end);
      advance();
    }
  };
  while (w.end < runes.length) {
    if (type() !== W.Connector) write(type(), w.start, w.end);
    const prevType = type();
    const prevStart = w.start;
    const prevEnd = w.end;
    advance();
    switch (prevType) {
      case W.Number:
        writeRun();
        if (separates(type())) out += connector;
        break;
      case W.Connector:
        write(prevType, prevStart, prevEnd);
        break;
      case W.Punct:
        break;
      default: {
        if (type() !== W.Number) {
          if (type() !== W.Connector && type() !== W.Punct) out += connector;
          break;
        }
        if (w.end >= runes.length) break;
        const numStart = w.start;
        const numEnd = w.end;
        advance();
        if (type() !== W.Alphabet) {
          // A number right after a word belongs to it ("Bld4Floor" -> "bld4_floor").
          write(W.Number, numStart, numEnd);
          if (type() !== W.Connector && type() !== W.Punct) out += connector;
          break;
        }
        // Letters after the number: the number starts a new word ("HTTP2xx" -> "http_2xx").
        out += connector;
        write(W.Number, numStart, numEnd);
        writeRun();
        if (separates(type())) out += connector;
      }
    }
  }
  write(w.type, w.start, w.end);
  return out;
}
