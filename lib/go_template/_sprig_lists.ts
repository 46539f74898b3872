/**
 * sprig v3's list and dict functions (`list`, `dict`, `first`, `uniq`, `has`, `splitList`...),
 * sprig's `slice` (which replaces Go's builtin of the same name) included.
 *
 * @module
 */

import { def, GoCallError, type GoFunction } from "./_go_function.ts";
import { empty } from "./_sprig_defaults.ts";
import { goSplit, strval } from "./_sprig_strings.ts";
import { toInt64 } from "./_cast.ts";
import { compareGoStrings } from "./_unicode.ts";
import { isGoStruct, isMapLike, markInterfaceMap, sortedEntries } from "./_value.ts";

const S = "string" as const;
const I = "int" as const;
const A = "any" as const;

/** sprig's strslice. */
function strslice(v: unknown): string[] {
  if (Array.isArray(v)) {
    const out: string[] = [];
    for (const x of v) if (x !== null && x !== undefined) out.push(strval(x));
    return out;
  }
  if (v === null || v === undefined) return [];
  return [strval(v)];
}

/** `v` as a list, or sprig's error naming `fn` and the kind of `v`. */
function asList(v: unknown, fn: string): unknown[] {
  if (Array.isArray(v)) return v;
  throw new GoCallError(`Cannot find ${fn} on type ${kindName(v)}`);
}

/** Go's reflect.Kind name of a value, as sprig's list errors print it. */
function kindName(v: unknown): string {
  switch (typeof v) {
    case "string":
      return "string";
    case "number":
      return Number.isInteger(v) ? "int" : "float64";
    case "boolean":
      return "bool";
    case "function":
      return "func";
  }
  if (v === null || v === undefined) return "invalid";
  if (Array.isArray(v)) return "slice";
  return isGoStruct(v as object) ? "struct" : "map";
}

/** reflect.DeepEqual over the engine's values. */
function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  }
  if (isMapLike(a) && isMapLike(b)) {
    const ea = sortedEntries(a);
    const eb = sortedEntries(b);
    return ea.length === eb.length &&
      ea.every(([k, v], i) => k === eb[i]![0] && deepEqual(v, eb[i]![1]));
  }
  return false;
}

/** sprig's dict: key, value pairs (a missing last value is ""). */
function dict(...v: unknown[]): Record<string, unknown> {
  const out: Record<string, unknown> = markInterfaceMap({});
  for (let i = 0; i < v.length; i += 2) {
    out[strval(v[i])] = i + 1 < v.length ? v[i + 1] : "";
  }
  return out;
}

/** sprig's list and dict functions. */
export const sprigListFunctions: Readonly<Record<string, GoFunction>> = {
  slice: def([A], (list: unknown, ...indices: unknown[]) => {
    if (!Array.isArray(list)) {
      throw new GoCallError(`list should be type of slice or array but ${kindName(list)}`);
    }
    if (list.length === 0) return null;
    const start = indices.length > 0 ? toInt64(indices[0]) : 0;
    const end = indices.length > 1 ? toInt64(indices[1]) : list.length;
    if (start < 0 || end < start || end > list.length) {
      throw new GoCallError("reflect.Value.Slice: slice index out of bounds");
    }
    return list.slice(start, end);
  }, A),
  list: def([], (...v: unknown[]) => v.map((x) => x === undefined ? null : x), A),
  tuple: def([], (...v: unknown[]) => v.map((x) => x === undefined ? null : x), A),
  dict: def([], dict, A),
  join: def([S, A], (sep: string, v: unknown) => strslice(v).join(sep)),
  split: def(
    [S, S],
    (sep: string, s: string) => Object.fromEntries(goSplit(s, sep).map((p, i) => ["_" + i, p])),
  ),
  splitn: def(
    [S, I, S],
    (sep: string, n: number, s: string) =>
      Object.fromEntries(goSplit(s, sep, n).map((p, i) => ["_" + i, p])),
  ),
  splitList: def([S, S], (sep: string, s: string) => goSplit(s, sep)),
  toStrings: def([A], strslice),
  sortAlpha: def(
    [A],
    (v: unknown) => Array.isArray(v) ? strslice(v).sort(compareGoStrings) : [strval(v)],
  ),
  first: def([A], (v: unknown) => {
    const l = asList(v, "first");
    return l.length === 0 ? null : l[0];
  }),
  last: def([A], (v: unknown) => {
    const l = asList(v, "last");
    return l.length === 0 ? null : l[l.length - 1];
  }),
  rest: def([A], (v: unknown) => {
    const l = asList(v, "rest");
    return l.length === 0 ? null : l.slice(1);
  }),
  initial: def([A], (v: unknown) => {
    const l = asList(v, "initial");
    return l.length === 0 ? null : l.slice(0, -1);
  }),
  reverse: def([A], (v: unknown) => [...asList(v, "reverse")].reverse()),
  uniq: def([A], (v: unknown) => {
    const out: unknown[] = [];
    for (const x of asList(v, "uniq")) if (!out.some((y) => deepEqual(x, y))) out.push(x);
    return out;
  }),
  compact: def([A], (v: unknown) => asList(v, "compact").filter((x) => !empty(x))),
  has: def([A, A], (needle: unknown, haystack: unknown) => {
    if (haystack === null || haystack === undefined) return false;
    return asList(haystack, "has").some((x) => deepEqual(x, needle));
  }),
};
