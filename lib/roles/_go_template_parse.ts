/**
 * Lexer and parser for the Go `text/template` language subset used by `ProfileFormat`.
 * Internal to lib/roles/go_template.ts: it turns source text into a tree and reports problems
 * as {@link ParseFailure} with the offset of the offending token.
 *
 * @module
 */

import { goQuote, parseGoInteger, runeDescription } from "./_go_template_funcs.ts";

/** A problem found while parsing; `pos` is the UTF-16 offset in the source. */
export class ParseFailure extends Error {
  /** Offset of the token the problem is about. */
  readonly pos: number;

  /** Creates the failure. */
  constructor(message: string, pos: number) {
    super(message);
    this.pos = pos;
  }
}

// ---------------------------------------------------------------------------------------------
// Tree

/** Node kinds, numeric so the interpreter can switch on them cheaply. */
export const enum K {
  Text,
  Action,
  If,
  With,
  Range,
  Break,
  Continue,
  List,
  Field,
  Variable,
  Identifier,
  Dot,
  Nil,
  Bool,
  Number,
  String,
  Pipe,
  Chain,
  Command,
  Template,
}

/** A field chain such as `.Tags.env`. */
export interface FieldNode {
  readonly kind: K.Field;
  readonly pos: number;
  readonly idents: readonly string[];
}
/** A variable with an optional field chain such as `$x.Name`. */
export interface VariableNode {
  readonly kind: K.Variable;
  readonly pos: number;
  readonly idents: readonly string[];
}
/** A function name. */
export interface IdentifierNode {
  readonly kind: K.Identifier;
  readonly pos: number;
  readonly name: string;
}
/** The cursor `.`. */
export interface DotNode {
  readonly kind: K.Dot;
  readonly pos: number;
}
/** The untyped `nil`. */
export interface NilNode {
  readonly kind: K.Nil;
  readonly pos: number;
}
/** `true` or `false`. */
export interface BoolNode {
  readonly kind: K.Bool;
  readonly pos: number;
  readonly value: boolean;
}
/** A numeric constant, with what Go knows about it. */
export interface NumberNode {
  readonly kind: K.Number;
  readonly pos: number;
  readonly text: string;
  readonly isInt: boolean;
  readonly isFloat: boolean;
  readonly value: number;
}
/** A quoted or raw string constant. */
export interface StringNode {
  readonly kind: K.String;
  readonly pos: number;
  readonly quoted: string;
  readonly value: string;
}
/** A pipeline with optional variable declarations. */
export interface PipeNode {
  readonly kind: K.Pipe;
  readonly pos: number;
  readonly decl: VariableNode[];
  isAssign: boolean;
  readonly cmds: CommandNode[];
}
/** A term followed by a field chain, such as `(f .X).Name`. */
export interface ChainNode {
  readonly kind: K.Chain;
  readonly pos: number;
  readonly node: ArgNode;
  readonly fields: readonly string[];
}
/** One stage of a pipeline: a function or value and its arguments. */
export interface CommandNode {
  readonly kind: K.Command;
  readonly pos: number;
  readonly args: ArgNode[];
}
/** Anything that can be an operand. */
export type ArgNode =
  | FieldNode
  | VariableNode
  | IdentifierNode
  | DotNode
  | NilNode
  | BoolNode
  | NumberNode
  | StringNode
  | PipeNode
  | ChainNode;

/** Literal text between actions. */
export interface TextNode {
  readonly kind: K.Text;
  readonly pos: number;
  readonly text: string;
}
/** `{{ pipeline }}`. */
export interface ActionNode {
  readonly kind: K.Action;
  readonly pos: number;
  readonly pipe: PipeNode;
}
/** `if`, `with` and `range` share this shape. */
export interface BranchNode {
  readonly kind: K.If | K.With | K.Range;
  readonly pos: number;
  readonly pipe: PipeNode;
  readonly list: ListNode;
  readonly elseList: ListNode | undefined;
}
/** `{{break}}` or `{{continue}}` inside a range. */
export interface LoopControlNode {
  readonly kind: K.Break | K.Continue;
  readonly pos: number;
}
/** `{{template "name" pipeline}}` (also what `{{block}}` leaves in place). */
export interface TemplateNode {
  readonly kind: K.Template;
  readonly pos: number;
  readonly name: string;
  readonly pipe: PipeNode | undefined;
}
/** A sequence of nodes. */
export interface ListNode {
  readonly kind: K.List;
  readonly pos: number;
  readonly nodes: TreeNode[];
}
/** Any node that appears in a list. */
export type TreeNode =
  | TextNode
  | ActionNode
  | BranchNode
  | LoopControlNode
  | ListNode
  | TemplateNode;

/** The main tree and the templates defined with `{{define}}` or `{{block}}`. */
export interface ParsedTemplate {
  readonly root: ListNode;
  readonly defined: Map<string, ListNode>;
}

/** Any node at all. */
export type AnyNode = TreeNode | ArgNode | CommandNode;

/** Renders a node the way Go's `Node.String()` does (used in error context). */
export function nodeString(node: AnyNode): string {
  switch (node.kind) {
    case K.Field:
      return "." + node.idents.join(".");
    case K.Variable:
      return node.idents.join(".");
    case K.Identifier:
      return node.name;
    case K.Dot:
      return ".";
    case K.Nil:
      return "nil";
    case K.Bool:
      return node.value ? "true" : "false";
    case K.Number:
      return node.text;
    case K.String:
      return node.quoted;
    case K.Pipe: {
      let s = "";
      if (node.decl.length > 0) {
        s = node.decl.map(nodeString).join(", ") + " := ";
      }
      return s + node.cmds.map(nodeString).join(" | ");
    }
    case K.Chain: {
      const inner = node.node.kind === K.Pipe
        ? "(" + nodeString(node.node) + ")"
        : nodeString(node.node);
      return inner + node.fields.map((f) => "." + f).join("");
    }
    case K.Command:
      return node.args.map((a) => a.kind === K.Pipe ? "(" + nodeString(a) + ")" : nodeString(a))
        .join(" ");
    case K.Text:
      return node.text;
    case K.Action:
      return "{{" + nodeString(node.pipe) + "}}";
    case K.If:
    case K.With:
    case K.Range: {
      const name = node.kind === K.If ? "if" : node.kind === K.With ? "with" : "range";
      let s = `{{${name} ${nodeString(node.pipe)}}}${nodeString(node.list)}`;
      if (node.elseList) s += "{{else}}" + nodeString(node.elseList);
      return s + "{{end}}";
    }
    case K.Break:
      return "{{break}}";
    case K.Continue:
      return "{{continue}}";
    case K.List:
      return node.nodes.map(nodeString).join("");
    case K.Template:
      return node.pipe
        ? `{{template ${goQuote(node.name)} ${nodeString(node.pipe)}}}`
        : `{{template ${goQuote(node.name)}}}`;
  }
}

// ---------------------------------------------------------------------------------------------
// Lexer

const enum T {
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

interface Token {
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

/** Splits the whole source into tokens up front; a lexical error ends the stream. */
function lex(input: string): Token[] {
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

// ---------------------------------------------------------------------------------------------
// Literals

const SIMPLE_ESCAPES: Readonly<Record<string, number>> = {
  a: 7,
  b: 8,
  f: 12,
  n: 10,
  r: 13,
  t: 9,
  v: 11,
  "\\": 92,
};

/** Go's strconv.Unquote for a "…" or `…` literal; throws "invalid syntax" on a bad escape. */
export function unquoteGoString(quoted: string): string {
  if (quoted.startsWith("`")) return quoted.slice(1, -1).replaceAll("\r", "");
  const body = quoted.slice(1, -1);
  if (!body.includes("\\")) return body;
  return decodeEscapes(body, '"');
}

function decodeEscapes(body: string, quote: string): string {
  const bytes: number[] = [];
  const encoder = new TextEncoder();
  const pushString = (s: string) => {
    for (const b of encoder.encode(s)) bytes.push(b);
  };
  let i = 0;
  while (i < body.length) {
    const c = body[i]!;
    if (c !== "\\") {
      const cp = body.codePointAt(i)!;
      const ch = String.fromCodePoint(cp);
      pushString(ch);
      i += ch.length;
      continue;
    }
    const e = body[i + 1];
    i += 2;
    if (e === undefined) throw new Error("invalid syntax");
    if (e in SIMPLE_ESCAPES) {
      bytes.push(SIMPLE_ESCAPES[e]!);
    } else if (e === quote) {
      bytes.push(quote.charCodeAt(0));
    } else if (e === "x" || e === "u" || e === "U") {
      const len = e === "x" ? 2 : e === "u" ? 4 : 8;
      const hex = body.slice(i, i + len);
      if (hex.length !== len || !/^[0-9a-fA-F]+$/.test(hex)) throw new Error("invalid syntax");
      i += len;
      const v = parseInt(hex, 16);
      if (e === "x") {
        bytes.push(v);
      } else {
        if (v > 0x10ffff || (v >= 0xd800 && v < 0xe000)) throw new Error("invalid syntax");
        pushString(String.fromCodePoint(v));
      }
    } else if (e >= "0" && e <= "7") {
      const oct = body.slice(i - 1, i + 2);
      if (!/^[0-7]{3}$/.test(oct)) throw new Error("invalid syntax");
      const v = parseInt(oct, 8);
      if (v > 255) throw new Error("invalid syntax");
      bytes.push(v);
      i += 2;
    } else {
      throw new Error("invalid syntax");
    }
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
}

function unquoteChar(text: string): number {
  const body = text.slice(1, -1);
  if (body.length === 0) throw new Error("empty");
  if (body[0] !== "\\") {
    const cp = body.codePointAt(0)!;
    if (String.fromCodePoint(cp).length !== body.length) throw new Error("multi");
    return cp;
  }
  const decoded = decodeEscapes(body, "'");
  const cp = decoded.codePointAt(0);
  if (cp === undefined || String.fromCodePoint(cp).length !== decoded.length) {
    throw new Error("multi");
  }
  // \x and octal escapes denote a byte value, not a UTF-8 sequence.
  if (/^\\(x|[0-7])/.test(body)) return parseInt(body.slice(2), body[1] === "x" ? 16 : 8);
  return cp;
}

const FLOAT_SYNTAX =
  /^[+-]?(([0-9][0-9_]*)?\.?[0-9_]*([eE][+-]?[0-9_]+)?|0[xX][0-9a-fA-F_]*\.?[0-9a-fA-F_]*[pP][+-]?[0-9_]+|[iI]nf(inity)?|NaN)$/;

function parseGoFloat(text: string): number | undefined {
  if (!FLOAT_SYNTAX.test(text) || !/[0-9]|Inf|NaN/i.test(text)) return undefined;
  const clean = text.replaceAll("_", "");
  if (/^[+-]?0[xX]/.test(clean)) {
    const m = /^([+-]?)0[xX]([0-9a-fA-F]*)\.?([0-9a-fA-F]*)[pP]([+-]?[0-9]+)$/.exec(clean);
    if (!m) return undefined;
    const mantissa = parseInt((m[2] ?? "") + (m[3] ?? ""), 16);
    const value = mantissa * Math.pow(2, Number(m[4]) - 4 * (m[3] ?? "").length);
    return m[1] === "-" ? -value : value;
  }
  if (/^[+-]?\.?([eE]|$)/.test(clean)) return undefined;
  const v = Number(clean);
  return Number.isNaN(v) && !/NaN/.test(clean) ? undefined : v;
}

function newNumber(pos: number, text: string, isChar: boolean): NumberNode {
  if (isChar) {
    let rune: number;
    try {
      rune = unquoteChar(text);
    } catch {
      throw new ParseFailure(`malformed character constant: ${text}`, pos);
    }
    return { kind: K.Number, pos, text, isInt: true, isFloat: true, value: rune };
  }
  if (text.endsWith("i")) {
    throw new ParseFailure(`complex constants are not supported: ${text}`, pos);
  }
  const int = parseGoInteger(text);
  const inRange = int !== undefined && int >= -(2n ** 63n) && int < 2n ** 64n;
  if (int !== undefined && inRange) {
    return { kind: K.Number, pos, text, isInt: int < 2n ** 63n, isFloat: true, value: Number(int) };
  }
  const f = parseGoFloat(text);
  if (f !== undefined && (Number.isFinite(f) || /inf|nan/i.test(text))) {
    if (!/[.eEpP]/.test(text)) throw new ParseFailure(`integer overflow: ${goQuote(text)}`, pos);
    const isInt = Number.isInteger(f) && Math.abs(f) < 2 ** 63;
    return { kind: K.Number, pos, text, isInt, isFloat: true, value: f };
  }
  throw new ParseFailure(`illegal number syntax: ${goQuote(text)}`, pos);
}

// ---------------------------------------------------------------------------------------------
// Parser

function tokenString(t: Token): string {
  if (t.type === T.EOF) return "EOF";
  if (t.type === T.Error) return t.val;
  if (t.type >= T.Block || t.type === T.Nil || t.type === T.Dot) return `<${t.val}>`;
  const chars = Array.from(t.val);
  if (chars.length > 10) return goQuote(chars.slice(0, 10).join("")) + "...";
  return goQuote(t.val);
}

/** Parses `source`; `hasFunction` tells which identifiers are callable. */
export function parseTree(
  source: string,
  hasFunction: (name: string) => boolean,
): ParsedTemplate {
  const tokens = lex(source);
  let index = 0;
  let vars: string[] = ["$"];
  let rangeDepth = 0;
  /** The innermost if/with/range being parsed, for what `{{else}}` may continue with. */
  let inControl: "if" | "with" | "range" | undefined;
  const defined = new Map<string, ListNode>();

  // Reading past the end keeps returning the final EOF or error token.
  const last = tokens.length - 1;
  const peek = (): Token => tokens[Math.min(index, last)]!;
  // A lexical error surfaces only when the parser consumes that token where it does not fit,
  // so the first problem reported is the same one Go reports.
  const next = (): Token => tokens[Math.min(index++, last)]!;
  const backup = (count = 1) => {
    index -= count;
  };
  const nextNonSpace = (): Token => {
    let t = next();
    while (t.type === T.Space) t = next();
    return t;
  };
  const peekNonSpace = (): Token => {
    const t = nextNonSpace();
    backup();
    return t;
  };
  const fail = (message: string, at: Token): never => {
    throw new ParseFailure(message, at.pos);
  };
  const unexpected = (t: Token, context: string): never => {
    if (t.type === T.Error) fail(t.val, t);
    return fail(`unexpected ${tokenString(t)} in ${context}`, t);
  };
  const expect = (type: T, context: string): Token => {
    const t = nextNonSpace();
    if (t.type !== type) unexpected(t, context);
    return t;
  };

  const parseList = (): [ListNode, Token | undefined] => {
    const list: ListNode = { kind: K.List, pos: peek().pos, nodes: [] };
    while (true) {
      const t = peek();
      if (t.type === T.EOF) return [list, undefined];
      const [node, terminator] = textOrAction();
      if (terminator) return [list, terminator];
      if (node) list.nodes.push(node);
    }
  };

  /** Returns a node, or the `end`/`else` token that closed a list. */
  const textOrAction = (): [TreeNode | undefined, Token | undefined] => {
    const t = nextNonSpace();
    if (t.type === T.Text) return [{ kind: K.Text, pos: t.pos, text: t.val }, undefined];
    if (t.type === T.LeftDelim) return action();
    return unexpected(t, "input");
  };

  const action = (): [TreeNode | undefined, Token | undefined] => {
    const t = nextNonSpace();
    switch (t.type) {
      case T.Block:
        return [block(), undefined];
      case T.Template:
        return [templateCall("template clause"), undefined];
      case T.Break:
      case T.Continue: {
        if (rangeDepth === 0) fail(`{{${t.val}}} outside {{range}}`, t);
        const close = nextNonSpace();
        if (close.type !== T.RightDelim) unexpected(close, `{{${t.val}}}`);
        return [{ kind: t.type === T.Break ? K.Break : K.Continue, pos: t.pos }, undefined];
      }
      case T.Else: {
        // "{{else if" continues an if (Go also leaves it for a range, which then fails on
        // the "if"), "{{else with" continues a with.
        const after = peekNonSpace();
        if (after.type === T.If && inControl !== "with") return [undefined, t];
        if (after.type === T.With && inControl === "with") return [undefined, t];
        expect(T.RightDelim, "else");
        return [undefined, t];
      }
      case T.End:
        expect(T.RightDelim, "end");
        return [undefined, t];
      case T.If:
        return [parseControl(K.If, t), undefined];
      case T.Range:
        return [parseControl(K.Range, t), undefined];
      case T.With:
        return [parseControl(K.With, t), undefined];
    }
    backup();
    const first = peek();
    return [{ kind: K.Action, pos: first.pos, pipe: pipeline("command", T.RightDelim) }, undefined];
  };

  const templateName = (context: string): [string, Token] => {
    const t = nextNonSpace();
    if (t.type !== T.String && t.type !== T.RawString) return unexpected(t, context);
    try {
      return [unquoteGoString(t.val), t];
    } catch {
      return fail("invalid syntax", t);
    }
  };

  const templateCall = (context: string): TemplateNode => {
    const [name, t] = templateName(context);
    let pipe: PipeNode | undefined;
    if (nextNonSpace().type !== T.RightDelim) {
      backup();
      pipe = pipeline(context, T.RightDelim);
    }
    return { kind: K.Template, pos: t.pos, name, pipe };
  };

  /** Parses a body that has its own variable scope up to its {{end}}. */
  const definitionBody = (context: string): ListNode => {
    const saved = [vars, rangeDepth, inControl] as const;
    vars = ["$"];
    rangeDepth = 0;
    inControl = undefined;
    const [list, terminator] = parseList();
    if (!terminator) fail("unexpected EOF", tokens[tokens.length - 1]!);
    if (terminator!.type !== T.End) {
      fail(`unexpected {{${terminator!.val}}} in ${context}`, terminator!);
    }
    [vars, rangeDepth, inControl] = saved;
    return list;
  };

  const block = (): TemplateNode => {
    const context = "block clause";
    const [name, t] = templateName(context);
    const pipe = pipeline(context, T.RightDelim);
    defined.set(name, definitionBody(context));
    return { kind: K.Template, pos: t.pos, name, pipe };
  };

  const define = (): void => {
    const context = "define clause";
    const [name] = templateName(context);
    expect(T.RightDelim, context);
    defined.set(name, definitionBody(context));
  };

  const parseControl = (kind: K.If | K.With | K.Range, keyword: Token): BranchNode => {
    const context = kind === K.If ? "if" : kind === K.With ? "with" : "range";
    const mark = vars.length;
    const pipe = pipeline(context, T.RightDelim);
    const outer = inControl;
    inControl = context;
    if (kind === K.Range) rangeDepth++;
    const [list, terminator] = parseList();
    if (kind === K.Range) rangeDepth--;
    if (!terminator) fail("unexpected EOF", tokens[tokens.length - 1]!);
    let elseList: ListNode | undefined;
    if (terminator!.type === T.Else) {
      const after = peekNonSpace();
      if (
        (kind === K.If && after.type === T.If) || (kind === K.With && after.type === T.With)
      ) {
        // "{{else if ...}}" and "{{else with ...}}" nest a new branch sharing our {{end}}.
        const nestedKeyword = nextNonSpace();
        elseList = { kind: K.List, pos: terminator!.pos, nodes: [] };
        elseList.nodes.push(parseControl(kind, nestedKeyword));
      } else {
        const [list2, terminator2] = parseList();
        if (!terminator2) fail("unexpected EOF", tokens[tokens.length - 1]!);
        if (terminator2!.type !== T.End) fail(`expected end; found {{else}}`, terminator2!);
        elseList = list2;
      }
    }
    vars.length = mark;
    inControl = outer;
    return { kind, pos: keyword.pos, pipe, list, elseList };
  };

  const pipeline = (context: string, end: T): PipeNode => {
    const first = peekNonSpace();
    const pipe: PipeNode = { kind: K.Pipe, pos: first.pos, decl: [], isAssign: false, cmds: [] };
    // Optional declarations: "$x :=", "$x =", "$i, $e :=".
    decls: while (true) {
      const start = index;
      const v = nextNonSpace();
      if (v.type !== T.Variable) {
        index = start;
        break;
      }
      const nxt = peekNonSpace();
      if (nxt.type === T.Assign || nxt.type === T.Declare) {
        pipe.isAssign = nxt.type === T.Assign;
        nextNonSpace();
        pipe.decl.push({ kind: K.Variable, pos: v.pos, idents: v.val.split(".") });
        vars.push(v.val);
        break;
      }
      if (nxt.type === T.Char && nxt.val === ",") {
        nextNonSpace();
        pipe.decl.push({ kind: K.Variable, pos: v.pos, idents: v.val.split(".") });
        vars.push(v.val);
        if (context === "range" && pipe.decl.length < 2) {
          const t = peekNonSpace();
          if (t.type === T.Variable || t.type === T.RightDelim || t.type === T.RightParen) {
            continue decls;
          }
          fail("range can only initialize variables", t);
        }
        fail(`too many declarations in ${context}`, v);
      }
      // Not a declaration: the variable is the start of the first command.
      index = start;
      break;
    }
    while (true) {
      const t = nextNonSpace();
      if (t.type === end) {
        if (pipe.cmds.length === 0) fail(`missing value for ${context}`, t);
        for (let i = 1; i < pipe.cmds.length; i++) {
          const a = pipe.cmds[i]!.args[0]!;
          if (
            a.kind === K.Bool || a.kind === K.Dot || a.kind === K.Nil || a.kind === K.Number ||
            a.kind === K.String
          ) {
            fail(`non executable command in pipeline stage ${i + 1}`, t);
          }
        }
        return pipe;
      }
      switch (t.type) {
        case T.Bool:
        case T.CharConstant:
        case T.Dot:
        case T.Field:
        case T.Identifier:
        case T.Number:
        case T.Nil:
        case T.RawString:
        case T.String:
        case T.Variable:
        case T.LeftParen:
          backup();
          pipe.cmds.push(command());
          break;
        default:
          unexpected(t, context);
      }
    }
  };

  const command = (): CommandNode => {
    const cmd: CommandNode = { kind: K.Command, pos: peekNonSpace().pos, args: [] };
    while (true) {
      peekNonSpace();
      const op = operand();
      if (op) cmd.args.push(op);
      const t = next();
      if (t.type === T.Space) continue;
      if (t.type === T.RightDelim || t.type === T.RightParen) backup();
      else if (t.type !== T.Pipe) unexpected(t, "operand");
      break;
    }
    if (cmd.args.length === 0) fail("empty command", peek());
    return cmd;
  };

  const operand = (): ArgNode | undefined => {
    const node = term();
    if (!node) return undefined;
    if (peek().type !== T.Field) return node;
    const chainPos = peek().pos;
    const fields: string[] = [];
    while (peek().type === T.Field) fields.push(next().val.slice(1));
    switch (node.kind) {
      case K.Field:
        return { kind: K.Field, pos: chainPos, idents: [...node.idents, ...fields] };
      case K.Variable:
        return { kind: K.Variable, pos: chainPos, idents: [...node.idents, ...fields] };
      case K.Bool:
      case K.String:
      case K.Number:
      case K.Nil:
      case K.Dot:
        return fail(`unexpected . after term ${goQuote(nodeString(node))}`, tokens[index - 1]!);
      default:
        return { kind: K.Chain, pos: chainPos, node, fields };
    }
  };

  const term = (): ArgNode | undefined => {
    const t = nextNonSpace();
    switch (t.type) {
      case T.Identifier:
        if (!hasFunction(t.val)) fail(`function ${goQuote(t.val)} not defined`, t);
        return { kind: K.Identifier, pos: t.pos, name: t.val };
      case T.Dot:
        return { kind: K.Dot, pos: t.pos };
      case T.Nil:
        return { kind: K.Nil, pos: t.pos };
      case T.Variable: {
        const idents = t.val.split(".");
        if (!vars.includes(idents[0]!)) fail(`undefined variable ${goQuote(idents[0]!)}`, t);
        return { kind: K.Variable, pos: t.pos, idents };
      }
      case T.Field:
        return { kind: K.Field, pos: t.pos, idents: [t.val.slice(1)] };
      case T.Bool:
        return { kind: K.Bool, pos: t.pos, value: t.val === "true" };
      case T.CharConstant:
      case T.Number:
        return newNumber(t.pos, t.val, t.type === T.CharConstant);
      case T.LeftParen:
        return pipeline("parenthesized pipeline", T.RightParen);
      case T.String:
      case T.RawString: {
        let value: string;
        try {
          value = unquoteGoString(t.val);
        } catch {
          return fail("invalid syntax", t);
        }
        return { kind: K.String, pos: t.pos, quoted: t.val, value };
      }
    }
    backup();
    return undefined;
  };

  // The top level: like a list, but {{end}} and {{else}} are errors, and {{define}} is allowed.
  const root: ListNode = { kind: K.List, pos: 0, nodes: [] };
  while (peek().type !== T.EOF) {
    if (peek().type === T.LeftDelim) {
      const at = index;
      next();
      if (nextNonSpace().type === T.Define) {
        define();
        continue;
      }
      index = at;
    }
    const [node, terminator] = textOrAction();
    if (terminator) fail(`unexpected {{${terminator.val}}}`, terminator);
    if (node) root.nodes.push(node);
  }
  return { root, defined };
}
