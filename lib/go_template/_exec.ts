/**
 * The evaluator of Go's `text/template`: walks a parsed tree over a data value, with Go's
 * variable scoping, `range`/`break`/`continue`, lazy `and`/`or`, field and method lookup,
 * argument type checks and conversions, and Go's execution error messages.
 *
 * @module
 */

import { goBuiltins } from "./_builtins.ts";
import { formatValue } from "./_fmt.ts";
import {
  GO_PARAM_NAMES,
  GO_SIGNATURE,
  GoCallError,
  type GoFunction,
  type GoSignature,
  type ParamType,
} from "./_go_function.ts";
import {
  type AnyNode,
  type ArgNode,
  type BranchNode,
  type ChainNode,
  type CommandNode,
  type FieldNode,
  type IdentifierNode,
  K,
  type ListNode,
  nodeString,
  type NumberNode,
  type ParsedTemplate,
  type PipeNode,
  type TemplateNode,
  type TreeNode,
  type VariableNode,
} from "./_nodes.ts";
import { locate, TemplateError } from "./_template_error.ts";
import { goTypeName, isGoInt, isTrue, sortedEntries, structTypeOf } from "./_value.ts";
import { errorMessage } from "../errors.ts";

/** Functions a template may call, by name; plain JS functions accept any arguments. */
export interface TemplateFunctions {
  [name: string]: (...args: unknown[]) => unknown;
}

/** A parsed template. */
export interface Template {
  /** The name used in error messages. */
  readonly name: string;
  /** The source text. */
  readonly source: string;
  /** Renders the template over `data`; throws {@link TemplateError}. */
  execute(data: unknown): string;
}

/** No final value in a pipeline (distinct from `undefined`, Go's invalid value). */
const MISSING: unique symbol = Symbol("missing");
type Final = unknown | typeof MISSING;

const NO_ARGS: readonly ArgNode[] = [];
const DEFAULT_SIGNATURE: GoSignature = { params: [], variadic: "any" };

const enum Flow {
  Normal,
  Break,
  Continue,
}

/** Go's limit is far higher; a JS stack gives out sooner. */
const MAX_TEMPLATE_DEPTH = 1000;

/** Per-execution state: output, variables and the node errors are reported at. */
interface State {
  out: string;
  names: string[];
  values: unknown[];
  node: AnyNode;
  /** The template being executed (`{{template}}` switches it). */
  template: string;
  depth: number;
}

/** A parsed template, ready to execute any number of times. */
export class CompiledTemplate implements Template {
  readonly name: string;
  readonly source: string;
  readonly #root: ListNode;
  readonly #defined: Map<string, ListNode>;
  readonly #functions: TemplateFunctions;

  /** Wraps `tree`; `functions` are looked up before Go's builtins. */
  constructor(name: string, source: string, tree: ParsedTemplate, functions: TemplateFunctions) {
    this.name = name;
    this.source = source;
    this.#root = tree.root;
    this.#defined = new Map(tree.defined);
    if (!this.#defined.has(name)) this.#defined.set(name, tree.root);
    this.#functions = functions;
  }

  /** Renders the template over `data`; throws {@link TemplateError}. */
  execute(data: unknown): string {
    const st: State = {
      out: "",
      names: ["$"],
      values: [data],
      node: this.#root,
      template: this.name,
      depth: 0,
    };
    this.#walkList(st, data, this.#root);
    return st.out;
  }

  // ------------------------------------------------------------------------------ errors

  #fail(st: State, message: string, cause?: unknown): never {
    const { line, column } = locate(this.source, st.node.pos);
    const text = `template: ${this.name}:${line}:${column}: executing ${
      JSON.stringify(st.template)
    } at <${nodeString(st.node)}>: ${message}`;
    throw new TemplateError(text, { templateName: this.name, line, column }, { cause });
  }

  // ------------------------------------------------------------------------------ walking

  #walkList(st: State, dot: unknown, list: ListNode): Flow {
    const nodes = list.nodes;
    for (let i = 0; i < nodes.length; i++) {
      const flow = this.#walk(st, dot, nodes[i]!);
      if (flow !== Flow.Normal) return flow;
    }
    return Flow.Normal;
  }

  #walk(st: State, dot: unknown, node: TreeNode): Flow {
    switch (node.kind) {
      case K.Text:
        st.out += node.text;
        return Flow.Normal;
      case K.Action: {
        const value = this.#evalPipeline(st, dot, node.pipe);
        if (node.pipe.decl.length === 0) this.#print(st, node, value);
        return Flow.Normal;
      }
      case K.If:
      case K.With: {
        const mark = st.names.length;
        const value = this.#evalPipeline(st, dot, node.pipe);
        let flow = Flow.Normal;
        if (isTrue(value)) {
          flow = this.#walkList(st, node.kind === K.With ? value : dot, node.list);
        } else if (node.elseList) {
          flow = this.#walkList(st, dot, node.elseList);
        }
        st.names.length = mark;
        st.values.length = mark;
        return flow;
      }
      case K.Range:
        return this.#walkRange(st, dot, node);
      case K.Break:
        return Flow.Break;
      case K.Continue:
        return Flow.Continue;
      case K.List:
        return this.#walkList(st, dot, node);
      case K.Template:
        this.#walkTemplate(st, dot, node);
        return Flow.Normal;
    }
  }

  #walkTemplate(st: State, dot: unknown, node: TemplateNode): void {
    st.node = node;
    const body = this.#defined.get(node.name);
    if (body === undefined) this.#fail(st, `template ${JSON.stringify(node.name)} not defined`);
    if (st.depth >= MAX_TEMPLATE_DEPTH) {
      this.#fail(st, `exceeded maximum template depth (${MAX_TEMPLATE_DEPTH})`);
    }
    const value = node.pipe ? this.#evalPipeline(st, dot, node.pipe) : undefined;
    // No dynamic scoping: the called template sees only its own $.
    const saved = [st.names, st.values, st.template] as const;
    st.names = ["$"];
    st.values = [value];
    st.template = node.name;
    st.depth++;
    this.#walkList(st, value, body!);
    st.depth--;
    [st.names, st.values, st.template] = saved;
  }

  #print(st: State, node: AnyNode, value: unknown): void {
    if (value === undefined || value === null) {
      st.out += "<no value>";
    } else if (typeof value === "string") {
      st.out += value;
    } else {
      if (typeof value === "function") {
        st.node = node;
        this.#fail(st, `can't print ${nodeString(node)} of type ${goTypeName(value)}`);
      }
      st.out += formatValue(value);
    }
  }

  #walkRange(st: State, dot: unknown, node: BranchNode): Flow {
    st.node = node;
    const mark = st.names.length;
    const value = this.#evalPipeline(st, dot, node.pipe);
    const inner = st.names.length;
    const decl = node.pipe.decl;
    const one = (index: unknown, elem: unknown): Flow => {
      if (decl.length > 0) {
        if (node.pipe.isAssign) {
          this.#setVar(st, decl[0]!.idents[0]!, decl.length > 1 ? index : elem);
        } else {
          st.values[st.values.length - 1] = elem;
        }
      }
      if (decl.length > 1) {
        if (node.pipe.isAssign) this.#setVar(st, decl[1]!.idents[0]!, elem);
        else st.values[st.values.length - 2] = index;
      }
      const flow = this.#walkList(st, elem, node.list);
      st.names.length = inner;
      st.values.length = inner;
      return flow;
    };
    let ran = false;
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        ran = true;
        if (one(i, value[i] ?? null) === Flow.Break) break;
      }
    } else if (isGoInt(value)) {
      if (decl.length > 1) {
        this.#fail(st, `can't use ${formatValue(value)} to iterate over more than one variable`);
      }
      const n = Number(value);
      for (let i = 0; i < n; i++) {
        ran = true;
        if (one(i, i) === Flow.Break) break;
      }
    } else if (
      typeof value === "object" && value !== null && structTypeOf(value) === undefined
    ) {
      for (const [k, v] of sortedEntries(value as Record<string, unknown>)) {
        ran = true;
        if (one(k, v) === Flow.Break) break;
      }
    } else if (value !== undefined && value !== null) {
      this.#fail(st, `range can't iterate over ${formatValue(value)}`);
    }
    if (!ran && node.elseList) this.#walkList(st, dot, node.elseList);
    st.names.length = mark;
    st.values.length = mark;
    return Flow.Normal;
  }

  // ------------------------------------------------------------------------------ variables

  #lookupVar(st: State, name: string): number {
    for (let i = st.names.length - 1; i >= 0; i--) if (st.names[i] === name) return i;
    return this.#fail(st, `undefined variable: ${name}`);
  }

  #setVar(st: State, name: string, value: unknown): void {
    st.values[this.#lookupVar(st, name)] = value;
  }

  // ------------------------------------------------------------------------------ evaluation

  #evalPipeline(st: State, dot: unknown, pipe: PipeNode): unknown {
    st.node = pipe;
    let value: Final = MISSING;
    const cmds = pipe.cmds;
    for (let i = 0; i < cmds.length; i++) value = this.#evalCommand(st, dot, cmds[i]!, value);
    const decl = pipe.decl;
    for (let i = 0; i < decl.length; i++) {
      const name = decl[i]!.idents[0]!;
      if (pipe.isAssign) {
        this.#setVar(st, name, value);
      } else {
        st.names.push(name);
        st.values.push(value);
      }
    }
    return value;
  }

  #evalCommand(st: State, dot: unknown, cmd: CommandNode, final: Final): unknown {
    const first = cmd.args[0]!;
    switch (first.kind) {
      case K.Field:
        st.node = first;
        return this.#evalFieldChain(st, dot, dot, first, first.idents, cmd.args, final);
      case K.Chain:
        return this.#evalChain(st, dot, first, cmd.args, final);
      case K.Identifier:
        return this.#evalFunction(st, dot, first, cmd, cmd.args, final);
      case K.Pipe:
        this.#notAFunction(st, cmd.args, final);
        return this.#evalPipeline(st, dot, first);
      case K.Variable:
        return this.#evalVariable(st, dot, first, cmd.args, final);
    }
    st.node = first;
    this.#notAFunction(st, cmd.args, final);
    switch (first.kind) {
      case K.Bool:
        return first.value;
      case K.Dot:
        return dot;
      case K.Nil:
        return this.#fail(st, "nil is not a command");
      case K.Number:
        return this.#idealConstant(st, first);
      case K.String:
        return first.value;
    }
  }

  #notAFunction(st: State, args: readonly ArgNode[], final: Final): void {
    if (args.length > 1 || final !== MISSING) {
      this.#fail(st, `can't give argument to non-function ${nodeString(args[0]!)}`);
    }
  }

  #idealConstant(st: State, n: NumberNode): number {
    if (!n.isInt && !/[.eEpP]/.test(n.text) && !n.text.startsWith("'")) {
      this.#fail(st, `${n.text} overflows int`);
    }
    return n.value;
  }

  #evalFieldChain(
    st: State,
    dot: unknown,
    receiver: unknown,
    node: AnyNode,
    idents: readonly string[],
    args: readonly ArgNode[],
    final: Final,
  ): unknown {
    const last = idents.length - 1;
    for (let i = 0; i < last; i++) {
      receiver = this.#evalField(st, dot, idents[i]!, node, NO_ARGS, MISSING, receiver);
    }
    return this.#evalField(st, dot, idents[last]!, node, args, final, receiver);
  }

  #evalField(
    st: State,
    dot: unknown,
    name: string,
    node: AnyNode,
    args: readonly ArgNode[],
    final: Final,
    receiver: unknown,
  ): unknown {
    if (receiver === undefined) return undefined;
    if (receiver === null) this.#fail(st, `nil pointer evaluating interface {}.${name}`);
    const hasArgs = args.length > 1 || final !== MISSING;
    if (typeof receiver === "object" && !Array.isArray(receiver)) {
      if (receiver instanceof Map) {
        if (hasArgs) this.#fail(st, `${name} is not a method but has arguments`);
        return receiver.get(name);
      }
      const struct = structTypeOf(receiver);
      const record = receiver as Record<string, unknown>;
      if (struct === undefined) {
        if (hasArgs) this.#fail(st, `${name} is not a method but has arguments`);
        return Object.hasOwn(record, name) ? record[name] : undefined;
      }
      if (Object.hasOwn(record, name)) {
        const value = record[name];
        if (typeof value === "function") {
          // A method: called with the command's arguments and the piped value.
          return this.#evalCall(st, dot, value as GoFunction, false, node, name, args, final);
        }
        if (hasArgs) this.#fail(st, `${name} has arguments but cannot be invoked as function`);
        return value;
      }
      return this.#fail(st, `can't evaluate field ${name} in type ${struct}`);
    }
    return this.#fail(st, `can't evaluate field ${name} in type ${goTypeName(receiver)}`);
  }

  #evalChain(
    st: State,
    dot: unknown,
    chain: ChainNode,
    args: readonly ArgNode[],
    final: Final,
  ): unknown {
    if (chain.node.kind === K.Nil) {
      this.#fail(st, `indirection through explicit nil in ${nodeString(chain)}`);
    }
    const receiver = this.#evalArg(st, dot, undefined, chain.node);
    return this.#evalFieldChain(st, dot, receiver, chain, chain.fields, args, final);
  }

  #evalVariable(
    st: State,
    dot: unknown,
    variable: VariableNode,
    args: readonly ArgNode[],
    final: Final,
  ): unknown {
    st.node = variable;
    const value = st.values[this.#lookupVar(st, variable.idents[0]!)];
    if (variable.idents.length === 1) {
      this.#notAFunction(st, args, final);
      return value;
    }
    return this.#evalFieldChain(st, dot, value, variable, variable.idents.slice(1), args, final);
  }

  #evalFunction(
    st: State,
    dot: unknown,
    ident: IdentifierNode,
    cmd: AnyNode,
    args: readonly ArgNode[],
    final: Final,
  ): unknown {
    st.node = ident;
    const name = ident.name;
    const user = Object.hasOwn(this.#functions, name) ? this.#functions[name] : undefined;
    const fn = (user ?? goBuiltins[name]) as GoFunction | undefined;
    if (fn === undefined) return this.#fail(st, `function ${JSON.stringify(name)} not defined`);
    return this.#evalCall(st, dot, fn, user === undefined, cmd, name, args, final);
  }

  #evalCall(
    st: State,
    dot: unknown,
    fn: GoFunction,
    isBuiltin: boolean,
    node: AnyNode,
    name: string,
    args: readonly ArgNode[],
    final: Final,
  ): unknown {
    const sig = fn[GO_SIGNATURE] ?? DEFAULT_SIGNATURE;
    const params = sig.params;
    const given = args.length - 1;
    const numIn = final === MISSING ? given : given + 1;
    let numFixed = given;
    if (sig.variadic !== undefined) {
      numFixed = params.length;
      if (numIn < numFixed) {
        this.#fail(
          st,
          `wrong number of args for ${name}: want at least ${params.length} got ${given}`,
        );
      }
    } else if (numIn !== params.length) {
      this.#fail(st, `wrong number of args for ${name}: want ${params.length} got ${numIn}`);
    }

    if (isBuiltin && (name === "and" || name === "or")) {
      // Go evaluates and/or lazily: the first deciding operand is the result.
      const wanted = name === "or";
      let v: unknown;
      for (let i = 1; i < args.length; i++) {
        v = this.#evalArg(st, dot, "value", args[i]!);
        if (isTrue(v) === wanted) return v;
      }
      return final === MISSING ? v : final;
    }

    const argv: unknown[] = new Array(numIn);
    let i = 0;
    for (; i < numFixed && i < given; i++) {
      argv[i] = this.#evalArg(st, dot, params[i], args[i + 1]!);
    }
    if (sig.variadic !== undefined) {
      for (; i < given; i++) argv[i] = this.#evalArg(st, dot, sig.variadic, args[i + 1]!);
    }
    if (final !== MISSING) {
      let t: ParamType | undefined;
      if (sig.variadic !== undefined) t = numIn - 1 < numFixed ? params[numIn - 1] : sig.variadic;
      else t = params[params.length - 1];
      argv[i] = this.#validateType(st, final, t);
    }
    try {
      return fn(...argv);
    } catch (e) {
      st.node = node;
      const message = errorMessage(e);
      return this.#fail(
        st,
        `error calling ${name}: ${message}`,
        e instanceof GoCallError ? undefined : e,
      );
    }
  }

  /** Evaluates an argument for a parameter of type `type` (`undefined`: no conversion). */
  #evalArg(st: State, dot: unknown, type: ParamType | undefined, n: ArgNode): unknown {
    st.node = n;
    switch (n.kind) {
      case K.Dot:
        return this.#validateType(st, dot, type);
      case K.Nil:
        if (type === undefined || type === "any" || type === "value") return null;
        return this.#fail(st, `cannot assign nil to ${GO_PARAM_NAMES[type]}`);
      case K.Field:
        return this.#validateType(
          st,
          this.#evalFieldChain(st, dot, dot, n, (n as FieldNode).idents, [n], MISSING),
          type,
        );
      case K.Variable:
        return this.#validateType(st, this.#evalVariable(st, dot, n, NO_ARGS, MISSING), type);
      case K.Pipe:
        return this.#validateType(st, this.#evalPipeline(st, dot, n), type);
      case K.Identifier:
        return this.#validateType(st, this.#evalFunction(st, dot, n, n, [n], MISSING), type);
      case K.Chain:
        return this.#validateType(st, this.#evalChain(st, dot, n, NO_ARGS, MISSING), type);
    }
    switch (type) {
      case "bool":
        if (n.kind === K.Bool) return n.value;
        return this.#fail(st, `expected bool; found ${nodeString(n)}`);
      case "float64":
        if (n.kind === K.Number && n.isFloat) return n.value;
        return this.#fail(st, `expected float; found ${nodeString(n)}`);
      case "int":
      case "int64":
        if (n.kind === K.Number && n.isInt) return n.value;
        return this.#fail(st, `expected integer; found ${nodeString(n)}`);
      case "string":
        if (n.kind === K.String) return n.value;
        return this.#fail(st, `expected string; found ${nodeString(n)}`);
    }
    switch (n.kind) {
      case K.Bool:
      case K.String:
        return n.value;
      case K.Number:
        return this.#idealConstant(st, n);
    }
  }

  /** Checks (and converts) a computed value for a parameter, as Go's validateType does. */
  #validateType(st: State, value: unknown, type: ParamType | undefined): unknown {
    if (type === undefined || type === "value") return value;
    if (value === undefined || value === null) {
      if (type === "any") return null;
      return this.#fail(st, `invalid value; expected ${GO_PARAM_NAMES[type]}`);
    }
    switch (type) {
      case "any":
        return value;
      case "string":
        if (typeof value === "string") return value;
        break;
      case "int":
      case "int64":
        if (isGoInt(value)) return Number(value);
        break;
      case "float64":
        if (typeof value === "number") return value;
        break;
      case "bool":
        if (typeof value === "boolean") return value;
        break;
    }
    return this.#fail(
      st,
      `wrong type for value; expected ${GO_PARAM_NAMES[type]}; got ${goTypeName(value)}`,
    );
  }
}
