/**
 * Go-like conversions as sprig applies them (spf13/cast semantics): `int`, `int64`, `float64`
 * and `atoi` turn anything unconvertible into 0 instead of failing.
 *
 * @module
 */

import { parseGoInteger } from "./_strconv.ts";

const INT64_MIN = -(2n ** 63n);
const INT64_LIMIT = 2n ** 63n;

function parseIntBase0(s: string): bigint | undefined {
  const v = parseGoInteger(s);
  return v === undefined || v < INT64_MIN || v >= INT64_LIMIT ? undefined : v;
}

function trimZeroDecimal(s: string): string {
  let foundZero = false;
  for (let i = s.length; i > 0; i--) {
    const c = s[i - 1];
    if (c === ".") {
      if (foundZero) return s.slice(0, i - 1);
    } else if (c === "0") {
      foundZero = true;
    } else {
      return s;
    }
  }
  return s;
}

/**
 * cast.ToInt64 as sprig uses it: anything unconvertible is 0.
 *
 * @example
 * ```ts
 * toInt64("0x1F"); // 31
 * toInt64("12.0"); // 12
 * toInt64("nope"); // 0
 * ```
 */
export function toInt64(v: unknown): number {
  switch (typeof v) {
    case "number":
      return Number.isFinite(v) ? Math.trunc(v) : 0;
    case "bigint":
      return Number(v);
    case "boolean":
      return v ? 1 : 0;
    case "string": {
      const n = parseIntBase0(trimZeroDecimal(v));
      return n === undefined ? 0 : Number(n);
    }
  }
  return 0;
}

/**
 * cast.ToFloat64 as sprig uses it: anything unconvertible is 0.
 *
 * @example
 * ```ts
 * toFloat64("1_000.5"); // 1000.5
 * ```
 */
export function toFloat64(v: unknown): number {
  switch (typeof v) {
    case "number":
      return v;
    case "bigint":
      return Number(v);
    case "boolean":
      return v ? 1 : 0;
    case "string": {
      const s = v.replaceAll("_", "");
      if (!/^[+-]?(\d+\.?\d*([eE][+-]?\d+)?|\.\d+([eE][+-]?\d+)?|[iI]nf(inity)?|NaN)$/.test(s)) {
        return 0;
      }
      return /inf/i.test(s) ? (s.startsWith("-") ? -Infinity : Infinity) : Number(s);
    }
  }
  return 0;
}

/**
 * strconv.Atoi as sprig uses it: decimal only, 0 when `s` is not an int64.
 *
 * @example
 * ```ts
 * atoi("-42"); // -42
 * atoi("0x10"); // 0
 * ```
 */
export function atoi(s: string): number {
  if (!/^[+-]?\d+$/.test(s)) return 0;
  const v = BigInt(s);
  return v < -(2n ** 63n) || v >= 2n ** 63n ? 0 : Number(v);
}
