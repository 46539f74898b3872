/**
 * A Go `text/template` engine for `ProfileFormat` (docs/design.md §3): the same language, the same
 * output and the same functions (sprig v3 plus aws-sso's own) as the Go tool, so profile names
 * users configured years ago keep rendering byte for byte. Parse once, execute many times.
 *
 * Errors say where: `template: profile:1:17: function "nope" not defined`. The column follows
 * Go's convention, the byte offset within the line, so execution errors match the Go tool's.
 *
 * Inside the folder: `_lexer.ts` → `_parser.ts` build the tree of `_nodes.ts`, which
 * `_exec.ts` evaluates over values as `_value.ts` models them; `_fmt.ts` and `_strconv.ts` print
 * them as Go does. The functions are Go's builtins (`_builtins.ts`), sprig's by family
 * (`_sprig_*.ts`, over `_cast.ts` and the RE2 mapping of `_regex.ts`) and aws-sso's own
 * (`_aws_sso_functions.ts`).
 *
 * @module
 */

import { awsSsoFunctions } from "./_aws_sso_functions.ts";
import { goBuiltins } from "./_builtins.ts";
import { CompiledTemplate, type Template, type TemplateFunctions } from "./_exec.ts";
import type { ParsedTemplate } from "./_nodes.ts";
import { ParseFailure, parseTree } from "./_parser.ts";
import { sprigDefaultFunctions } from "./_sprig_defaults.ts";
import { sprigListFunctions } from "./_sprig_lists.ts";
import { sprigMathFunctions } from "./_sprig_math.ts";
import { sprigRegexFunctions } from "./_sprig_regex.ts";
import { sprigStringFunctions } from "./_sprig_strings.ts";
import { locate, TemplateError } from "./_template_error.ts";

export type { Template, TemplateFunctions } from "./_exec.ts";
export { TemplateError, type TemplateErrorLocation } from "./_template_error.ts";
export { goStruct } from "./_value.ts";

/** Options of {@link parseTemplate}. */
export interface ParseTemplateOptions {
  /** Name used in error messages; default `profile`. */
  name?: string;
  /** Functions besides Go's builtins; default {@link profileTemplateFunctions}. */
  functions?: TemplateFunctions;
}

/**
 * The functions available to `ProfileFormat`: aws-sso's `AccountIdStr`, `EmptyString`,
 * `FirstItem`, `StringsJoin`, `StringReplace` and the sprig v3 text functions.
 *
 * @example
 * ```ts
 * parseTemplate("{{ .Name | kebabcase }}", { functions: profileTemplateFunctions });
 * ```
 */
export const profileTemplateFunctions: TemplateFunctions = {
  ...awsSsoFunctions,
  ...sprigStringFunctions,
  ...sprigMathFunctions,
  ...sprigDefaultFunctions,
  ...sprigListFunctions,
  ...sprigRegexFunctions,
};

/**
 * Parses a Go template; throws {@link TemplateError} for a syntax error or an unknown function.
 *
 * @example
 * ```ts
 * const t = parseTemplate("{{ .AccountIdPad }}:{{ .RoleName }}");
 * t.execute({ AccountIdPad: "000000000123", RoleName: "Admin" }); // "000000000123:Admin"
 * ```
 */
export function parseTemplate(source: string, options: ParseTemplateOptions = {}): Template {
  const name = options.name ?? "profile";
  const user = options.functions ?? profileTemplateFunctions;
  const hasFunction = (fn: string) => Object.hasOwn(user, fn) || Object.hasOwn(goBuiltins, fn);
  let tree: ParsedTemplate;
  try {
    tree = parseTree(source, hasFunction);
  } catch (e) {
    if (e instanceof ParseFailure) {
      const { line, column } = locate(source, e.pos);
      throw new TemplateError(`template: ${name}:${line}:${column}: ${e.message}`, {
        templateName: name,
        line,
        column,
      });
    }
    throw e;
  }
  return new CompiledTemplate(name, source, tree, user);
}
