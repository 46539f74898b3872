/**
 * sprig v3's conversion and integer arithmetic functions (`int`, `add`, `div`, `max`, `until`...):
 * operands go through cast's int64 conversion, and a division by zero fails as Go's runtime does.
 *
 * @module
 */

import { atoi, toFloat64, toInt64 } from "./_cast.ts";
import { def, GoCallError, type GoFunction } from "./_go_function.ts";

const S = "string" as const;
const I = "int" as const;
const A = "any" as const;

function intDivide(a: number, b: number): number {
  if (b === 0) throw new GoCallError("runtime error: integer divide by zero");
  return Math.trunc(a / b);
}

function intModulo(a: number, b: number): number {
  if (b === 0) throw new GoCallError("runtime error: integer divide by zero");
  return a % b;
}

/** sprig's until: 0, 1, ... up to `count` (exclusive), counting down for a negative count. */
function until(count: number): number[] {
  const out: number[] = [];
  const step = count < 0 ? -1 : 1;
  for (let i = 0; step > 0 ? i < count : i > count; i += step) out.push(i);
  return out;
}

/** sprig's conversions and arithmetic. */
export const sprigMathFunctions: Readonly<Record<string, GoFunction>> = {
  atoi: def([S], atoi),
  int: def([A], toInt64),
  int64: def([A], toInt64),
  float64: def([A], toFloat64),
  add1: def([A], (i: unknown) => toInt64(i) + 1),
  add: def([], (...v: unknown[]) => v.reduce<number>((sum, x) => sum + toInt64(x), 0), A),
  sub: def([A, A], (a: unknown, b: unknown) => toInt64(a) - toInt64(b)),
  div: def([A, A], (a: unknown, b: unknown) => intDivide(toInt64(a), toInt64(b))),
  mod: def([A, A], (a: unknown, b: unknown) => intModulo(toInt64(a), toInt64(b))),
  mul: def(
    [A],
    (a: unknown, ...v: unknown[]) => v.reduce<number>((p, x) => p * toInt64(x), toInt64(a)),
    A,
  ),
  max: def(
    [A],
    (a: unknown, ...v: unknown[]) =>
      v.reduce<number>((m, x) => Math.max(m, toInt64(x)), toInt64(a)),
    A,
  ),
  biggest: def(
    [A],
    (a: unknown, ...v: unknown[]) =>
      v.reduce<number>((m, x) => Math.max(m, toInt64(x)), toInt64(a)),
    A,
  ),
  min: def(
    [A],
    (a: unknown, ...v: unknown[]) =>
      v.reduce<number>((m, x) => Math.min(m, toInt64(x)), toInt64(a)),
    A,
  ),
  until: def([I], until),
};
