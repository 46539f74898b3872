/**
 * sprig v3's regular expression functions (`regexMatch`, `regexFind`, `regexReplaceAll`...),
 * over Go RE2 patterns mapped onto JS by ./_regex.ts.
 *
 * @module
 */

import { def, type GoFunction } from "./_go_function.ts";
import { compileRegex, findAll, regexQuoteMeta, regexReplace, regexSplit } from "./_regex.ts";

const S = "string" as const;
const I = "int" as const;

/** sprig's regular expression functions. */
export const sprigRegexFunctions: Readonly<Record<string, GoFunction>> = {
  regexMatch: def([S, S], (re: string, s: string) => {
    try {
      const r = compileRegex(re);
      r.lastIndex = 0;
      return r.test(s);
    } catch {
      return false;
    }
  }),
  regexFind: def([S, S], (re: string, s: string) => findAll(compileRegex(re), s, 1)[0]?.[0] ?? ""),
  regexFindAll: def(
    [S, S, I],
    (re: string, s: string, n: number) => findAll(compileRegex(re), s, n).map((m) => m[0]),
  ),
  regexReplaceAll: def(
    [S, S, S],
    (re: string, s: string, repl: string) => regexReplace(re, s, repl, false),
  ),
  regexReplaceAllLiteral: def(
    [S, S, S],
    (re: string, s: string, repl: string) => regexReplace(re, s, repl, true),
  ),
  regexSplit: def([S, S, I], regexSplit),
  regexQuoteMeta: def([S], regexQuoteMeta),
};
