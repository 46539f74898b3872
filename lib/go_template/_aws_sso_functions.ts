/**
 * aws-sso's own template functions (`AccountIdStr`, `EmptyString`, `FirstItem`, `StringsJoin`,
 * `StringReplace`), as the Go tool registers them for `ProfileFormat`.
 *
 * @module
 */

import { def, type GoFunction } from "./_go_function.ts";
import { replaceAll } from "./_sprig_strings.ts";

const S = "string" as const;

/** The first non-empty string, or "". */
function firstItem(...items: string[]): string {
  for (const s of items) if (s !== "") return s;
  return "";
}

/** An account id as its 12-digit string, leading zeros kept. */
function accountIdStr(id: number): string {
  const digits = String(Math.abs(id)).padStart(id < 0 ? 11 : 12, "0");
  return id < 0 ? "-" + digits : digits;
}

/** aws-sso's own template functions. */
export const awsSsoFunctions: Readonly<Record<string, GoFunction>> = {
  AccountIdStr: def(["int64"], accountIdStr),
  EmptyString: def([S], (s: string) => s === ""),
  FirstItem: def([], firstItem, S),
  StringsJoin: def(
    [S],
    (sep: string, ...items: string[]) => items.filter((s) => s !== "").join(sep),
    S,
  ),
  StringReplace: def(
    [S, S, S],
    (search: string, repl: string, s: string) => replaceAll(s, search, repl),
  ),
};
