/**
 * The lexer of Go's `text/template`: text, `{{ }}` actions with trim markers and comments, and
 * the tokens inside an action, with Go's error messages for malformed input.
 *
 * @module
 */

import { runeDescription } from "./_fmt.ts";
import { goQuote } from "./_strconv.ts";

/** Token types; the keywords come last so a range check tells them apart. */
export const enum T {
  Error,
  EOF,
  Text,
  LeftDelim,
  RightDelim,
  Space,
  Identifier,
  Field,
  Variable,
  String,
  RawString,
  CharConstant,
  Number,
  Bool,
  Nil,
  Dot,
  Pipe,
  LeftParen,
  RightParen,
  Declare,
  Assign,
  Char,
  // Keywords, in the order Go lists them; anything from here on prints as `<word>`.
  Block,
  Break,
  Continue,
  Define,
  Else,
  End,
  If,
  Range,
  Template,
  With,
}

/** One token: its type, UTF-16 offset in the source and text (the message, for an error). */
export interface Token {
  readonly type: T;
  readonly pos: number;
  readonly val: string;
}

const KEYWORDS: ReadonlyMap<string, T> = new Map([
  ["block", T.Block],
  ["break", T.Break],
  ["continue", T.Continue],
  ["define", T.Define],
  ["else", T.Else],
  ["end", T.End],
  ["if", T.If],
  ["range", T.Range],
  ["template", T.Template],
  ["with", T.With],
  ["nil", T.Nil],
]);

const LEFT = "{{";
const RIGHT = "}}";

function isSpaceChar(c: string | undefined): boolean {
  return c === " " || c === "\t" || c === "\r" || c === "\n";
}

const ALNUM = /[\p{L}\p{Nd}_]/u;

function isAlphaNumeric(c: string | undefined): boolean {
  if (c === undefined) return false;
  const code = c.charCodeAt(0);
  if (code < 0x80) {
    return (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x5a) ||
      (code >= 0x61 && code <= 0x7a) || code === 0x5f;
  }
  return ALNUM.test(c);
}

/**
 * Splits the whole source into tokens up front; a lexical error ends the stream.
 *
 * @example
 * ```ts
 * lex("a{{.B}}").map((t) => t.val); // ["a", "{{", ".B", "}}", ""]
 * ```
 */
export function lex(input: string): Token[] {
  const tokens: Token[] = [];
  const n = input.length;
  let pos = 0;
  let start = 0;

  const emit = (type: T, from = start, to = pos) => {
    tokens.push({ type, pos: from, val: input.slice(from, to) });
    start = pos;
  };
  const fail = (message: string, at = start): Token[] => {
    tokens.push({ type: T.Error, pos: at, val: message });
    return tokens;
  };
  /** Moves past a quoted literal starting at `pos`; false when it is not closed on the line. */
  const skipQuoted = (quote: string): boolean => {
    pos++;
    while (true) {
      const d = input[pos++];
      if (d === "\\") {
        const e = input[pos++];
        if (e !== undefined && e !== "\n") continue;
        return false;
      }
      if (d === undefined || d === "\n") return false;
      if (d === quote) return true;
    }
  };
  const codePointAt = (i: number): string | undefined => {
    const cp = input.codePointAt(i);
    return cp === undefined ? undefined : String.fromCodePoint(cp);
  };
  const hasLeftTrim = (i: number) => input[i] === "-" && isSpaceChar(input[i + 1]);
  /** Returns [isRightDelim, trims] at offset i. */
  const atRightDelim = (i: number): [boolean, boolean] => {
    if (isSpaceChar(input[i]) && input[i + 1] === "-" && input.startsWith(RIGHT, i + 2)) {
      return [true, true];
    }
    return [input.startsWith(RIGHT, i), false];
  };
  const skipLeadingSpace = () => {
    while (pos < n && isSpaceChar(input[pos])) pos++;
    start = pos;
  };

  outer: while (true) {
    // Text up to the next left delimiter.
    const next = input.indexOf(LEFT, pos);
    if (next < 0) {
      pos = n;
      if (pos > start) emit(T.Text);
      tokens.push({ type: T.EOF, pos: n, val: "" });
      return tokens;
    }
    const trimLeft = hasLeftTrim(next + LEFT.length);
    let textEnd = next;
    if (trimLeft) {
      while (textEnd > start && isSpaceChar(input[textEnd - 1])) textEnd--;
    }
    if (textEnd > start) {
      tokens.push({ type: T.Text, pos: start, val: input.slice(start, textEnd) });
    }
    pos = next + LEFT.length;
    start = next;
    const afterMarker = trimLeft ? 2 : 0;
    if (input.startsWith("/*", pos + afterMarker)) {
      // A comment: it must be followed directly by the closing delimiter.
      const commentStart = next;
      pos += afterMarker + 2;
      const end = input.indexOf("*/", pos);
      if (end < 0) return fail("unclosed comment", commentStart);
      pos = end + 2;
      const [isDelim, trims] = atRightDelim(pos);
      if (!isDelim) return fail("comment ends before closing delimiter", commentStart);
      pos += (trims ? 2 : 0) + RIGHT.length;
      start = pos;
      if (trims) skipLeadingSpace();
      continue;
    }
    emit(T.LeftDelim, next, pos);
    pos += afterMarker;
    start = pos;
    let parenDepth = 0;

    // Inside an action.
    while (true) {
      const [isDelim, trims] = atRightDelim(pos);
      if (isDelim) {
        if (parenDepth > 0) return fail("unclosed left paren", pos);
        if (trims) pos += 2;
        start = pos;
        pos += RIGHT.length;
        emit(T.RightDelim);
        if (trims) skipLeadingSpace();
        continue outer;
      }
      if (pos >= n) return fail("unclosed action", pos);
      const c = input[pos]!;
      if (isSpaceChar(c)) {
        let spaces = 0;
        while (pos < n && isSpaceChar(input[pos])) {
          pos++;
          spaces++;
        }
        // A trim-marked closing delimiter starts with a space: leave that space to it.
        if (input[pos] === "-" && input.startsWith(RIGHT, pos + 1)) {
          pos--;
          if (spaces === 1) continue;
        }
        emit(T.Space);
        continue;
      }
      if (c === "=") {
        pos++;
        emit(T.Assign);
        continue;
      }
      if (c === ":") {
        if (input[pos + 1] !== "=") return fail("expected :=", pos);
        pos += 2;
        emit(T.Declare);
        continue;
      }
      if (c === "|") {
        pos++;
        emit(T.Pipe);
        continue;
      }
      if (c === '"') {
        if (!skipQuoted('"')) return fail("unterminated quoted string");
        emit(T.String);
        continue;
      }
      if (c === "`") {
        const end = input.indexOf("`", pos + 1);
        if (end < 0) return fail("unterminated raw quoted string");
        pos = end + 1;
        emit(T.RawString);
        continue;
      }
      if (c === "'") {
        if (!skipQuoted("'")) return fail("unterminated character constant");
        emit(T.CharConstant);
        continue;
      }
      if (c === "$" || (c === "." && !(input[pos + 1]! >= "0" && input[pos + 1]! <= "9"))) {
        // A field (.Name), a variable ($name), the cursor (.) or the root ($).
        pos++;
        if (atTerminator(pos)) {
          emit(c === "$" ? T.Variable : T.Dot);
          continue;
        }
        while (isAlphaNumeric(codePointAt(pos))) pos += codePointAt(pos)!.length;
        if (!atTerminator(pos)) {
          const bad = codePointAt(pos);
          return fail(`bad character ${runeDescription(bad)}`);
        }
        emit(c === "$" ? T.Variable : T.Field);
        continue;
      }
      if (c === "+" || c === "-" || c === "." || (c >= "0" && c <= "9")) {
        const badNumber = (stop: number) => {
          const bad = codePointAt(stop);
          return fail(
            `bad number syntax: ${goQuote(input.slice(start, stop + (bad?.length ?? 0)))}`,
          );
        };
        let end = scanNumber(input, pos);
        if (end < 0) return badNumber(-end);
        if (input[end] === "+" || input[end] === "-") {
          // Go reads "1+2i" as one complex constant; anything else glued on is malformed.
          const tail = scanNumber(input, end);
          if (tail < 0) return badNumber(-tail);
          if (input[tail - 1] !== "i") {
            return fail(`bad number syntax: ${goQuote(input.slice(start, tail))}`);
          }
          end = tail;
        }
        pos = end;
        emit(T.Number);
        continue;
      }
      const cp = codePointAt(pos)!;
      if (isAlphaNumeric(cp)) {
        while (isAlphaNumeric(codePointAt(pos))) pos += codePointAt(pos)!.length;
        if (!atTerminator(pos)) {
          return fail(`bad character ${runeDescription(codePointAt(pos))}`);
        }
        const word = input.slice(start, pos);
        const keyword = KEYWORDS.get(word);
        if (keyword !== undefined) emit(keyword);
        else if (word === "true" || word === "false") emit(T.Bool);
        else emit(T.Identifier);
        continue;
      }
      if (c === "(") {
        parenDepth++;
        pos++;
        emit(T.LeftParen);
        continue;
      }
      if (c === ")") {
        parenDepth--;
        pos++;
        emit(T.RightParen);
        continue;
      }
      const code = c.charCodeAt(0);
      if (code < 0x7f && code >= 0x20) {
        pos++;
        emit(T.Char);
        continue;
      }
      return fail(`unrecognized character in action: ${runeDescription(cp)}`);
    }
  }

  function atTerminator(i: number): boolean {
    const c = input[i];
    if (c === undefined || isSpaceChar(c)) return true;
    if (c === "." || c === "," || c === "|" || c === ":" || c === ")" || c === "(") return true;
    return input.startsWith(RIGHT, i);
  }
}

/** Scans a number starting at `pos`; returns its end, or `-stop` when a letter follows it. */
function scanNumber(input: string, pos: number): number {
  let i = pos;
  if (input[i] === "+" || input[i] === "-") i++;
  let digits = "0123456789_";
  if (input[i] === "0") {
    const p = input[i + 1];
    if (p === "x" || p === "X") {
      i += 2;
      digits = "0123456789abcdefABCDEF_";
    } else if (p === "o" || p === "O") {
      i += 2;
      digits = "01234567_";
    } else if (p === "b" || p === "B") {
      i += 2;
      digits = "01_";
    }
  }
  const run = () => {
    while (i < input.length && digits.includes(input[i]!)) i++;
  };
  run();
  if (input[i] === ".") {
    i++;
    run();
  }
  if (digits.length === 11 && (input[i] === "e" || input[i] === "E")) {
    i++;
    if (input[i] === "+" || input[i] === "-") i++;
    while (i < input.length && "0123456789_".includes(input[i]!)) i++;
  }
  if (digits.length === 23 && (input[i] === "p" || input[i] === "P")) {
    i++;
    if (input[i] === "+" || input[i] === "-") i++;
    while (i < input.length && "0123456789_".includes(input[i]!)) i++;
  }
  if (input[i] === "i") i++;
  const cp = input.codePointAt(i);
  if (cp !== undefined && isAlphaNumeric(String.fromCodePoint(cp))) return -i;
  return i;
}

/** A token as Go's parser names it in `unexpected ...` messages. */
export function tokenString(t: Token): string {
  if (t.type === T.EOF) return "EOF";
  if (t.type === T.Error) return t.val;
  if (t.type >= T.Block || t.type === T.Nil || t.type === T.Dot) return `<${t.val}>`;
  const chars = Array.from(t.val);
  if (chars.length > 10) return goQuote(chars.slice(0, 10).join("")) + "...";
  return goQuote(t.val);
}
