/**
 * The parse tree of a Go template: node kinds and shapes as Go's `text/template/parse` has them,
 * and `Node.String()` for error messages.
 *
 * @module
 */

import { goQuote } from "./_strconv.ts";

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
