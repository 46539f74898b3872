/**
 * Template functions as the engine sees them: a JS function annotated with its Go parameter
 * types, so arguments are checked and converted the way Go's reflection-based call does, and the
 * error a function raises to be reported as Go reports it.
 *
 * @module
 */

/** Key under which a template function carries its Go parameter types. */
export const GO_SIGNATURE: unique symbol = Symbol("goSignature");

/** Go parameter types the engine knows how to check and convert to. */
export type ParamType = "string" | "int" | "int64" | "float64" | "bool" | "any" | "value";

/** Parameter list of a template function; `variadic` is the element type of a `...T` tail. */
export interface GoSignature {
  readonly params: readonly ParamType[];
  readonly variadic?: ParamType;
}

/** A template function, optionally annotated with its Go signature. */
export type GoFunction = ((...args: unknown[]) => unknown) & { [GO_SIGNATURE]?: GoSignature };

/** Raised by a template function; reported as `error calling NAME: MESSAGE`. */
export class GoCallError extends Error {}

/**
 * Annotates `fn` with its Go parameter types (`variadic`: the element type of a `...T` tail).
 *
 * @example
 * ```ts
 * const upper = def(["string"], (s: string) => s.toUpperCase());
 * upper[GO_SIGNATURE]; // { params: ["string"] }
 * ```
 */
export function def<F extends (...args: never[]) => unknown>(
  params: readonly ParamType[],
  fn: F,
  variadic?: ParamType,
): GoFunction {
  const f = fn as unknown as GoFunction;
  f[GO_SIGNATURE] = variadic === undefined ? { params } : { params, variadic };
  return f;
}

/** How Go spells each parameter type in its error messages. */
export const GO_PARAM_NAMES: Readonly<Record<ParamType, string>> = {
  string: "string",
  int: "int",
  int64: "int64",
  float64: "float64",
  bool: "bool",
  any: "interface {}",
  value: "reflect.Value",
};
