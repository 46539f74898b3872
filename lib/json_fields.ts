/**
 * Reading stored JSON records defensively: a value that is not what it should be reads as absent,
 * never as a crash (lib/secure_store.ts and lib/creds/stored_role_credentials.ts decode with it).
 *
 * @module
 */

const decoder = new TextDecoder();

/**
 * The JSON object in `bytes`, or undefined when they hold anything else.
 *
 * @example
 * ```ts
 * jsonObject(new TextEncoder().encode('{"a":1}')); // { a: 1 }
 * ```
 */
export function jsonObject(bytes: Uint8Array): Record<string, unknown> | undefined {
  try {
    const v = JSON.parse(decoder.decode(bytes));
    return typeof v === "object" && v !== null && !Array.isArray(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A non-empty string field, else undefined.
 *
 * @example
 * ```ts
 * stringField({ a: "x", b: "" }, "b"); // undefined
 * ```
 */
export function stringField(o: Record<string, unknown>, key: string): string | undefined {
  const v = o[key];
  return typeof v === "string" && v !== "" ? v : undefined;
}

/**
 * A finite number field (a numeric string counts), else undefined.
 *
 * @example
 * ```ts
 * numberField({ a: "12" }, "a"); // 12
 * ```
 */
export function numberField(o: Record<string, unknown>, key: string): number | undefined {
  const v = o[key];
  if (typeof v === "number" && Number.isFinite(v)) return v;
  if (typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}
