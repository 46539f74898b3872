/**
 * `eval` output in every supported syntax (docs/design.md §4): each value is quoted for its target
 * so that it reads back exactly and never runs anything — a role name or tag value holding `"`,
 * `$(...)`, a backtick, `'`, `%VAR%` or a line break stays data.
 *
 * | format | set | unset | notes |
 * |---|---|---|---|
 * | bash, zsh | `export N='v'` (`'` → `'\''`) | `unset N` | POSIX single quotes: nothing inside is special |
 * | fish | `set -gx N 'v'` (`\` → `\\`, `'` → `\'`) | `set -e N` | fish's single-quote escapes |
 * | powershell | `$Env:N = 'v'` (quotes doubled) | `Remove-Item -ErrorAction SilentlyContinue Env:N` | line breaks as `"`n"` pieces so each line stands alone (`\| iex` runs line by line); CRLF |
 * | cmd | `set "N=v"` (`%` → `%%`) | `set "N="` | for a `.cmd` file run with `call`; `"` and line breaks cannot be written safely: rejected; CRLF |
 * | nushell | `$env.N = "v"` (backslash escapes) | `hide-env -i N` | for `source` |
 * | xonsh | `$N = "v"` (Python string escapes) | `${...}.pop("N", None)` | |
 * | dotenv | `N=v` plain, else `N='v'` as python-dotenv reads it, `${` kept from expanding (see `dotenvValue`) | (omitted) | plain values also suit `docker --env-file` |
 * | json | `{"N": "v"}` | `null` | |
 *
 * @module
 */
import { AwsSsoError } from "../errors.ts";
import type { EnvVar } from "./env_vars.ts";

/** The output syntaxes of `eval --format`. */
export const EXPORT_FORMATS = [
  "bash",
  "zsh",
  "fish",
  "powershell",
  "cmd",
  "nushell",
  "xonsh",
  "dotenv",
  "json",
] as const;

/** One of {@link EXPORT_FORMATS}. */
export type ExportFormat = typeof EXPORT_FORMATS[number];

/** A value the target syntax cannot carry safely. */
export class UnsafeValueError extends AwsSsoError {}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** POSIX shell single quotes. */
function posixQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/** fish single quotes: only `\\` and `\'` are escapes. */
function fishQuote(value: string): string {
  return `'${value.replace(/[\\']/g, "\\$&")}'`;
}

/**
 * PowerShell: single-quoted pieces (every kind of single quote PowerShell accepts is doubled)
 * joined with `"`n"` / `"`r"` for line breaks, so the statement stays on one line.
 *
 * @example
 * ```ts
 * powershellQuote("it's"); // "'it''s'"
 * ```
 */
export function powershellQuote(value: string): string {
  const pieces: string[] = [];
  let literal = "";
  let pending = false;
  const flush = () => {
    if (pending) pieces.push(`'${literal}'`);
    literal = "";
    pending = false;
  };
  for (const ch of value) {
    if (ch === "\n" || ch === "\r") {
      flush();
      pieces.push(ch === "\n" ? '"`n"' : '"`r"');
    } else {
      literal += /['\u2018\u2019\u201A\u201B]/.test(ch) ? ch + ch : ch;
      pending = true;
    }
  }
  flush();
  return pieces.length === 0 ? "''" : pieces.join(" + ");
}

function cmdValue(name: string, value: string): string {
  // Inside `set "N=v"` only `%` (expanded before parsing, so `%X%` could smuggle in a quote) is
  // special; `"` would end the quoting and cmd has no way to escape it there; a line break ends
  // the command.
  if (/["\r\n]/.test(value) || value.includes("\0")) {
    throw new UnsafeValueError(
      `cannot write ${name} for cmd.exe: its value contains a double quote or a line break, which cmd cannot represent safely`,
      { hints: ["use --format powershell or --format json instead"] },
    );
  }
  return value.replaceAll("%", "%%");
}

function controlEscape(ch: string): string {
  return `\\u{${ch.codePointAt(0)!.toString(16)}}`;
}

/** nushell double-quoted string. */
function nushellQuote(value: string): string {
  // deno-lint-ignore no-control-regex -- control characters are exactly what must be escaped
  const body = value.replace(/[\\"\n\r\t\x00-\x1f\x7f]/g, (ch) => {
    switch (ch) {
      case "\\":
        return "\\\\";
      case '"':
        return '\\"';
      case "\n":
        return "\\n";
      case "\r":
        return "\\r";
      case "\t":
        return "\\t";
      default:
        return controlEscape(ch);
    }
  });
  return `"${body}"`;
}

const DOTENV_PLAIN = /^[A-Za-z0-9_+/=.,:@%-]*$/;

// What python-dotenv expands (its `_posix_variable`): `${NAME}` and `${NAME:-default}`.
const DOTENV_EXPANDABLE = /\$\{[^}:]*(?::-[^}]*)?\}/;

/**
 * dotenv quoting for python-dotenv (checked against 0.21 and 1.2). Its rules: single-quoted
 * values know only the escapes `\\` and `\'`; double-quoted ones also `\n \r \t`; unquoted
 * ones are read literally up to a ` #` comment; and with its default `interpolate=True` it
 * expands `${NAME}` in EVERY value, single-quoted ones included, with no escape for `$`. So:
 *
 * - plain text (no `$`, quote, space or backslash) as is, which docker's `--env-file` reads too;
 * - a value with a `${NAME}` pattern has each `${` written `${=:-$}{`: the "variable" named
 *   `=` can exist neither in an environment nor in a dotenv file, so it expands to its default
 *   `$` and the value reads back literally (with `interpolate=False` it would not: that mode is
 *   the one given up, as the default is what `load_dotenv` uses);
 * - otherwise single quotes, so tools that treat single quotes as literal (docker compose,
 *   Node's dotenv) agree; a line break goes in double quotes as `\n`/`\r`, keeping one
 *   variable per line for line-based readers (a tag value can never start a line of its own);
 * - a value ending in a backslash cannot be quoted (the quote patterns would take `\'` or `\"`
 *   as an escaped quote and run on), so it is written unquoted when that reads back, else
 *   refused.
 */
function dotenvValue(name: string, value: string): string {
  if (DOTENV_PLAIN.test(value)) return value;
  const text = DOTENV_EXPANDABLE.test(value) ? value.replaceAll("${", "${=:-$}{") : value;
  if (!value.endsWith("\\")) {
    if (!/[\r\n]/.test(value)) return `'${text.replace(/[\\']/g, "\\$&")}'`;
    return `"${
      text.replace(/[\\"\n\r]/g, (ch) => (ch === "\n" ? "\\n" : ch === "\r" ? "\\r" : `\\${ch}`))
    }"`;
  }
  if (!/[\r\n]|^\s|\s$|^['"#]|\s#/.test(value)) return text;
  throw new UnsafeValueError(
    `cannot write ${name} as dotenv: its value needs quoting and ends with a backslash, which dotenv parsers misread`,
    { hints: ["use --format json instead"] },
  );
}

function line(format: ExportFormat, name: string, value: string | undefined): string | undefined {
  switch (format) {
    case "bash":
    case "zsh":
      return value === undefined ? `unset ${name}` : `export ${name}=${posixQuote(value)}`;
    case "fish":
      return value === undefined ? `set -e ${name}` : `set -gx ${name} ${fishQuote(value)}`;
    case "powershell":
      return value === undefined
        ? `Remove-Item -ErrorAction SilentlyContinue Env:${name}`
        : `$Env:${name} = ${powershellQuote(value)}`;
    case "cmd":
      return value === undefined ? `set "${name}="` : `set "${name}=${cmdValue(name, value)}"`;
    case "nushell":
      return value === undefined ? `hide-env -i ${name}` : `$env.${name} = ${nushellQuote(value)}`;
    case "xonsh":
      // A JSON string literal is a valid Python string literal, and xonsh does not expand
      // anything inside one.
      return value === undefined
        ? `\${...}.pop("${name}", None)`
        : `$${name} = ${JSON.stringify(value)}`;
    case "dotenv":
      return value === undefined ? undefined : `${name}=${dotenvValue(name, value)}`;
    case "json":
      return undefined;
  }
}

/**
 * Renders `vars` (sorted by name) in `format`; `undefined` values are unset. Throws
 * {@link UnsafeValueError} for a value `cmd` cannot carry, AwsSsoError for a bad name.
 *
 * @example
 * ```ts
 * formatEnvExports([["A", "it's"], ["B", undefined]], "bash");
 * // "export A='it'\\''s'\nunset B\n"
 * ```
 */
export function formatEnvExports(vars: readonly EnvVar[], format: ExportFormat): string {
  const sorted = [...vars].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  for (const [name] of sorted) {
    if (!NAME.test(name)) throw new AwsSsoError(`invalid environment variable name '${name}'`);
  }
  if (format === "json") {
    const obj: Record<string, string | null> = {};
    for (const [name, value] of sorted) obj[name] = value ?? null;
    return JSON.stringify(obj, null, 2) + "\n";
  }
  const eol = format === "powershell" || format === "cmd" ? "\r\n" : "\n";
  let out = "";
  for (const [name, value] of sorted) {
    const l = line(format, name, value);
    if (l !== undefined) out += l + eol;
  }
  return out;
}

/** Inputs of {@link defaultExportFormat}. */
export interface ShellFacts {
  /** `$SHELL`. */
  shell?: string;
  /** The operating system (`Deno.build.os`). */
  os: string;
  /** `$XONSH_VERSION`. */
  xonshVersion?: string;
}

const SHELLS: Record<string, ExportFormat> = {
  bash: "bash",
  zsh: "zsh",
  fish: "fish",
  sh: "bash",
  dash: "bash",
  ash: "bash",
  ksh: "bash",
  ksh93: "bash",
  mksh: "bash",
  yash: "bash",
  busybox: "bash",
  pwsh: "powershell",
  powershell: "powershell",
  cmd: "cmd",
  nu: "nushell",
  xonsh: "xonsh",
};

/**
 * The format `eval` uses without `--format`, decided like the reference: from `$SHELL` when it
 * names a known shell, else PowerShell on Windows, else xonsh under xonsh; `undefined` when none
 * of these names a shell (`$SHELL` unset or unknown), where printing one shell's syntax would
 * hand another shell lines it misreads.
 *
 * @example
 * ```ts
 * defaultExportFormat({ shell: "/usr/bin/fish", os: "linux" }); // "fish"
 * defaultExportFormat({ shell: "/bin/tcsh", os: "linux" }); // undefined
 * ```
 */
export function defaultExportFormat(facts: ShellFacts): ExportFormat | undefined {
  const shell = facts.shell ?? "";
  if (shell !== "") {
    const base = (shell.split(/[\\/]/).pop() ?? "").toLowerCase().replace(/\.exe$/, "");
    const known = SHELLS[base];
    if (known !== undefined) return known;
  }
  if (facts.os === "windows") return "powershell";
  if ((facts.xonshVersion ?? "") !== "") return "xonsh";
  return undefined;
}
