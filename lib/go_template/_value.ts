/**
 * The engine's value model, Go's view of JS values: `string`, `number` (integral = Go int,
 * otherwise float64), `bigint` (int), `boolean`, `null` (Go nil), `undefined` (Go's invalid "no
 * value"), arrays (slices), `Map` and plain objects (maps; {@link goStruct} marks structs) and
 * functions. Type names, truthiness and map ordering follow Go.
 *
 * @module
 */

import { compareGoStrings } from "./_unicode.ts";

const structTypes = new WeakMap<object, string>();

/**
 * Marks `value` as a Go struct named `typeName`: a missing field is then an error, as in Go,
 * instead of a map's `<no value>`.
 */
export function goStruct<T extends object>(value: T, typeName: string): T {
  structTypes.set(value, typeName);
  return value;
}

/** The struct type name of `value`, when it was marked with {@link goStruct}. */
export function structTypeOf(value: object): string | undefined {
  return structTypes.get(value);
}

/** True when `value` was marked as a struct with {@link goStruct}. */
export function isGoStruct(value: object): boolean {
  return structTypes.has(value);
}

/** True for the values the engine treats as Go maps (or structs). */
export function isMapLike(v: unknown): v is Map<unknown, unknown> | Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** True for an integral number or a bigint (Go int). */
export function isGoInt(v: unknown): v is number | bigint {
  return (typeof v === "number" && Number.isInteger(v)) || typeof v === "bigint";
}

/** The Go type name of a value, for error messages. */
export function goTypeName(v: unknown): string {
  switch (typeof v) {
    case "string":
      return "string";
    case "number":
      return Number.isInteger(v) ? "int" : "float64";
    case "bigint":
      return "int64";
    case "boolean":
      return "bool";
    case "function":
      return "func(...interface {}) interface {}";
    case "undefined":
      return "<nil>";
  }
  if (v === null) return "<nil>";
  if (Array.isArray(v)) return "[]interface {}";
  const struct = structTypes.get(v as object);
  if (struct !== undefined) return struct;
  if (v instanceof Map) return "map[string]interface {}";
  const values = Object.values(v as object);
  if (values.length > 0 && values.every((x) => typeof x === "string")) return "map[string]string";
  return "map[string]interface {}";
}

/** Go's template truthiness (`if`, `with`, `and`, `or`, `not`). */
export function isTrue(v: unknown): boolean {
  switch (typeof v) {
    case "string":
      return v.length > 0;
    case "number":
      return v !== 0;
    case "bigint":
      return v !== 0n;
    case "boolean":
      return v;
    case "undefined":
      return false;
    case "function":
      return true;
  }
  if (v === null) return false;
  if (Array.isArray(v)) return v.length > 0;
  if (structTypes.has(v as object)) return true;
  if (v instanceof Map) return v.size > 0;
  for (const _ in v as object) return true;
  return false;
}

/** Entries of a map-like value sorted by key the way Go's fmt and range do. */
export function sortedEntries(
  m: Map<unknown, unknown> | Record<string, unknown>,
): [unknown, unknown][] {
  const entries: [unknown, unknown][] = m instanceof Map ? [...m.entries()] : Object.entries(m);
  entries.sort(([a], [b]) => {
    if (typeof a === "string" && typeof b === "string") return compareGoStrings(a, b);
    if (typeof a === "number" && typeof b === "number") return a - b;
    return compareGoStrings(String(a), String(b));
  });
  return entries;
}

/** Maps built by sprig's `dict` are map[string]interface{}, whatever their values. */
const interfaceMaps = new WeakSet<object>();

/** Marks `map` as a Go map[string]interface{} (its missing keys index as nil). */
export function markInterfaceMap<T extends object>(map: T): T {
  interfaceMaps.add(map);
  return map;
}

/** True when `map` was marked with {@link markInterfaceMap}. */
export function isInterfaceMap(map: object): boolean {
  return interfaceMaps.has(map);
}
