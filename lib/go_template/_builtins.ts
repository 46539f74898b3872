/**
 * The functions every Go `text/template` has (`and`, `or`, `not`, `len`, `index`, `slice`,
 * `print*`, `html`, `js`, `urlquery`, the comparisons and `call`), with Go's errors.
 *
 * @module
 */

import { def, GoCallError, type GoFunction } from "./_go_function.ts";
import { sprint, sprintf, sprintln } from "./_fmt.ts";
import { byteLength, byteSlice, compareGoStrings, isPrint } from "./_unicode.ts";
import { goTypeName, isGoInt, isGoStruct, isInterfaceMap, isMapLike, isTrue } from "./_value.ts";

const encoder = new TextEncoder();

const ERR_BAD_TYPE = "invalid type for comparison";
const ERR_INCOMPATIBLE = "incompatible types for comparison";

type BasicKind = "bool" | "int" | "float" | "string" | "invalid" | "other";

function basicKind(v: unknown): BasicKind {
  switch (typeof v) {
    case "boolean":
      return "bool";
    case "number":
      return Number.isInteger(v) ? "int" : "float";
    case "bigint":
      return "int";
    case "string":
      return "string";
    case "undefined":
      return "invalid";
  }
  return v === null ? "invalid" : "other";
}

function sameNumberKind(a: BasicKind, b: BasicKind): boolean {
  return (a === "int" || a === "float") && (b === "int" || b === "float");
}

function eq(arg1: unknown, ...rest: unknown[]): boolean {
  if (rest.length === 0) throw new GoCallError("missing argument for comparison");
  const k1 = basicKind(arg1);
  for (const arg of rest) {
    const k2 = basicKind(arg);
    if (k1 !== k2 && !sameNumberKind(k1, k2)) {
      if (k1 !== "invalid" && k2 !== "invalid") throw new GoCallError(ERR_INCOMPATIBLE);
      continue;
    }
    if (k1 === "other") {
      if (typeof arg1 === "object" && arg1 !== null) {
        throw new GoCallError(sprintf("non-comparable type %s: %v", [arg1, goTypeName(arg1)]));
      }
      if (arg1 === arg) return true;
      continue;
    }
    if (k1 === "invalid") {
      if (k2 === "invalid") return true;
      continue;
    }
    // deno-lint-ignore eqeqeq
    if (arg1 == arg) return true;
  }
  return false;
}

function lt(a: unknown, b: unknown): boolean {
  const k1 = basicKind(a);
  const k2 = basicKind(b);
  if (k1 === "invalid" || k1 === "other" || k2 === "invalid" || k2 === "other") {
    throw new GoCallError(ERR_BAD_TYPE);
  }
  if (k1 !== k2 && !sameNumberKind(k1, k2)) throw new GoCallError(ERR_INCOMPATIBLE);
  if (k1 === "bool") throw new GoCallError(ERR_BAD_TYPE);
  if (k1 === "string") return compareGoStrings(a as string, b as string) < 0;
  return (a as number) < (b as number);
}

function goLen(v: unknown): number {
  if (v === undefined) throw new GoCallError("reflect: call of reflect.Value.Type on zero Value");
  if (v === null) throw new GoCallError("len of nil pointer");
  if (typeof v === "string") return byteLength(v);
  if (Array.isArray(v)) return v.length;
  if (v instanceof Map) return v.size;
  if (isMapLike(v) && !isGoStruct(v)) return Object.keys(v).length;
  throw new GoCallError(`len of type ${goTypeName(v)}`);
}

function zeroOfElements(m: Map<unknown, unknown> | Record<string, unknown>): unknown {
  if (isInterfaceMap(m)) return null;
  const values = m instanceof Map ? [...m.values()] : Object.values(m);
  if (values.length === 0 || values.every((x) => typeof x === "string")) return "";
  if (values.every((x) => typeof x === "number")) return 0;
  if (values.every((x) => typeof x === "boolean")) return false;
  return null;
}

function indexArg(index: unknown, len: number): number {
  if (index === undefined || index === null) {
    throw new GoCallError("cannot index slice/array with nil");
  }
  if (!isGoInt(index)) {
    throw new GoCallError(`cannot index slice/array with type ${goTypeName(index)}`);
  }
  const x = Number(index);
  if (x < 0 || x > len) throw new GoCallError(`index out of range: ${x}`);
  return x;
}

function goIndex(item: unknown, ...indexes: unknown[]): unknown {
  if (item === undefined || item === null) throw new GoCallError("index of untyped nil");
  let cur: unknown = item;
  for (const index of indexes) {
    if (cur === null || cur === undefined) throw new GoCallError("index of nil pointer");
    if (typeof cur === "string") {
      const bytes = encoder.encode(cur);
      const x = indexArg(index, bytes.length);
      if (x === bytes.length) throw new GoCallError(`index out of range: ${x}`);
      cur = bytes[x]!;
    } else if (Array.isArray(cur)) {
      const x = indexArg(index, cur.length);
      if (x === cur.length) throw new GoCallError(`index out of range: ${x}`);
      cur = cur[x] ?? null;
    } else if (isMapLike(cur) && !isGoStruct(cur)) {
      if (cur instanceof Map) {
        cur = cur.has(index) ? cur.get(index) : zeroOfElements(cur);
      } else {
        if (typeof index !== "string") {
          throw new GoCallError(`value has type ${goTypeName(index)}; should be string`);
        }
        cur = Object.hasOwn(cur, index) ? cur[index] : zeroOfElements(cur);
      }
    } else {
      throw new GoCallError(`can't index item of type ${goTypeName(cur)}`);
    }
  }
  return cur;
}

function goSlice(item: unknown, ...indexes: unknown[]): unknown {
  if (item === undefined || item === null) throw new GoCallError("slice of untyped nil");
  if (indexes.length > 3) throw new GoCallError(`too many slice indexes: ${indexes.length}`);
  let len: number;
  if (typeof item === "string") {
    if (indexes.length === 3) throw new GoCallError("cannot 3-index slice a string");
    len = byteLength(item);
  } else if (Array.isArray(item)) {
    len = item.length;
  } else {
    throw new GoCallError(`can't slice item of type ${goTypeName(item)}`);
  }
  const idx: [number, number] = [0, len];
  for (let i = 0; i < indexes.length && i < 2; i++) idx[i] = indexArg(indexes[i], len);
  if (idx[0]! > idx[1]!) throw new GoCallError(`invalid slice index: ${idx[0]} > ${idx[1]}`);
  return typeof item === "string" ? byteSlice(item, idx[0], idx[1]) : item.slice(idx[0], idx[1]);
}

function evalArgsString(args: readonly unknown[]): string {
  if (args.length === 1 && typeof args[0] === "string") return args[0];
  return sprint(args.map((a) => a === undefined ? null : a));
}

function htmlEscape(s: string): string {
  return s.replace(
    /[<>&'"\0]/g,
    (c) =>
      c === "<"
        ? "&lt;"
        : c === ">"
        ? "&gt;"
        : c === "&"
        ? "&amp;"
        : c === "'"
        ? "&#39;"
        : c === '"'
        ? "&#34;"
        : "\uFFFD",
  );
}

function jsEscape(s: string): string {
  let out = "";
  for (const c of s) {
    const cp = c.codePointAt(0)!;
    switch (c) {
      case "\\":
        out += "\\\\";
        break;
      case "'":
        out += "\\'";
        break;
      case '"':
        out += '\\"';
        break;
      case "<":
        out += "\\u003C";
        break;
      case ">":
        out += "\\u003E";
        break;
      case "&":
        out += "\\u0026";
        break;
      case "=":
        out += "\\u003D";
        break;
      default:
        if (cp < 0x20 || (cp >= 0x7f && !isPrint(c))) {
          out += "\\u" + cp.toString(16).toUpperCase().padStart(4, "0");
        } else {
          out += c;
        }
    }
  }
  return out;
}

/** url.QueryEscape. */
function queryEscape(s: string): string {
  let out = "";
  for (const b of encoder.encode(s)) {
    const c = String.fromCharCode(b);
    if (/[A-Za-z0-9\-_.~]/.test(c)) out += c;
    else if (c === " ") out += "+";
    else out += "%" + b.toString(16).toUpperCase().padStart(2, "0");
  }
  return out;
}

/** The functions every Go template has; `and`/`or` are evaluated lazily by the engine. */
export const goBuiltins: Readonly<Record<string, GoFunction>> = {
  and: def(["value"], (a: unknown) => a, "value"),
  or: def(["value"], (a: unknown) => a, "value"),
  not: def(["value"], (a: unknown) => !isTrue(a)),
  len: def(["value"], goLen),
  index: def(["value"], goIndex, "value"),
  slice: def(["value"], goSlice, "value"),
  print: def([], (...a: unknown[]) => sprint(a), "any"),
  printf: def(["string"], (format: string, ...a: unknown[]) => sprintf(format, a), "any"),
  println: def([], (...a: unknown[]) => sprintln(a), "any"),
  html: def([], (...a: unknown[]) => htmlEscape(evalArgsString(a)), "any"),
  js: def([], (...a: unknown[]) => jsEscape(evalArgsString(a)), "any"),
  urlquery: def([], (...a: unknown[]) => queryEscape(evalArgsString(a)), "any"),
  eq: def(["value"], eq, "value"),
  ne: def(["value", "value"], (a: unknown, b: unknown) => !eq(a, b)),
  lt: def(["value", "value"], lt),
  le: def(["value", "value"], (a: unknown, b: unknown) => lt(a, b) || eq(a, b)),
  gt: def(["value", "value"], (a: unknown, b: unknown) => !(lt(a, b) || eq(a, b))),
  ge: def(["value", "value"], (a: unknown, b: unknown) => !lt(a, b)),
  call: def(["value"], (fn: unknown, ...args: unknown[]) => {
    if (typeof fn !== "function") {
      throw new GoCallError(`non-function of type ${goTypeName(fn)}`);
    }
    return (fn as (...a: unknown[]) => unknown)(...args);
  }, "value"),
};
