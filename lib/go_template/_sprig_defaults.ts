/**
 * sprig v3's defaults and flow functions (`default`, `empty`, `coalesce`, `all`, `any`,
 * `ternary`, `fail`), built on sprig's notion of an empty value.
 *
 * @module
 */

import { def, GoCallError, type GoFunction } from "./_go_function.ts";
import { isGoStruct, isTrue } from "./_value.ts";

const S = "string" as const;
const A = "any" as const;

/**
 * sprig's empty: the zero value of its type (structs are never empty).
 *
 * @example
 * ```ts
 * empty(0); // true
 * empty([]); // true
 * empty("x"); // false
 * ```
 */
export function empty(v: unknown): boolean {
  if (v === undefined || v === null) return true;
  if (typeof v === "object" && isGoStruct(v)) return false;
  if (typeof v === "function") return false;
  return !isTrue(v);
}

/** sprig's defaults and flow functions. */
export const sprigDefaultFunctions: Readonly<Record<string, GoFunction>> = {
  default: def(
    [A],
    (d: unknown, ...given: unknown[]) => given.length === 0 || empty(given[0]) ? d : given[0],
    A,
  ),
  empty: def([A], empty),
  coalesce: def([], (...v: unknown[]) => v.find((x) => !empty(x)) ?? null, A),
  all: def([], (...v: unknown[]) => v.every((x) => !empty(x)), A),
  any: def([], (...v: unknown[]) => v.some((x) => !empty(x)), A),
  ternary: def([A, A, "bool"], (vt: unknown, vf: unknown, cond: boolean) => cond ? vt : vf),
  fail: def([S], (msg: string): never => {
    throw new GoCallError(msg);
  }),
};
