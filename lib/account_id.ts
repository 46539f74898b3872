/**
 * AWS account ids are 12-character strings that may start with zeros (`012345678901`).
 * Config files and old caches may hold them as numbers, even in scientific notation.
 *
 * @module
 */
import { AwsSsoError } from "./errors.ts";

/** The largest valid account id. */
const MAX_ACCOUNT_ID = 999_999_999_999;

/** An account id that cannot be normalised. */
export class InvalidAccountIdError extends AwsSsoError {}

/**
 * Normalises an account id written as text or number to its 12-digit form.
 * Accepts leading zeros (`000123456789`, `0012345678912`), plain numbers and `7.2668187369e+10`.
 *
 * @example
 * ```ts
 * normalizeAccountId("12345"); // "000000012345"
 * normalizeAccountId(7.2668187369e+10); // "072668187369"
 * ```
 */
export function normalizeAccountId(input: string | number): string {
  let value: number;
  if (typeof input === "number") {
    value = input;
  } else {
    const text = input.trim();
    if (/^\d+$/.test(text)) {
      const stripped = text.replace(/^0+(?=\d)/, "");
      if (stripped.length > 12) throw invalid(input);
      value = Number(stripped);
    } else if (/^\d+(\.\d+)?[eE]\+?\d+$/.test(text)) {
      value = Number(text);
    } else {
      throw invalid(input);
    }
  }
  if (!Number.isInteger(value) || value < 0 || value > MAX_ACCOUNT_ID) throw invalid(input);
  return String(value).padStart(12, "0");
}

/** Returns true when `input` is a valid account id in any accepted form. */
export function isAccountId(input: string | number): boolean {
  try {
    normalizeAccountId(input);
    return true;
  } catch {
    return false;
  }
}

function invalid(input: string | number): InvalidAccountIdError {
  return new InvalidAccountIdError(
    `invalid AWS account id '${input}': it must be 12 digits (leading zeros allowed)`,
  );
}
