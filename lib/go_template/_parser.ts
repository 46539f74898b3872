/**
 * The parser of Go's `text/template`: tokens from ./_lexer.ts to the tree of ./_nodes.ts, with
 * Go's checks (defined functions and variables, `break` inside `range`, `define`/`block`) and
 * its error messages; problems are thrown as {@link ParseFailure} with the token's offset.
 *
 * @module
 */

import { lex, T, type Token, tokenString } from "./_lexer.ts";
import {
  type ArgNode,
  type BranchNode,
  type CommandNode,
  K,
  type ListNode,
  nodeString,
  type NumberNode,
  type ParsedTemplate,
  type PipeNode,
  type TemplateNode,
  type TreeNode,
} from "./_nodes.ts";
import { goQuote, parseGoFloat, parseGoInteger, unquoteChar, unquoteGoString } from "./_strconv.ts";

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

/** A number node for a numeric or character literal, with Go's range checks. */
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

/**
 * Parses `source`; `hasFunction` tells which identifiers are callable.
 *
 * @example
 * ```ts
 * parseTree("a{{ .B }}", () => false).root.nodes.length; // 2
 * ```
 */
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
