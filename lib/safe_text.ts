/**
 * The one rule for showing text we did not write — account names, aliases, role names and tags
 * from the SSO portal, error messages echoed from AWS, names in requests — on a terminal or in
 * a line-based file such as `~/.aws/config`: characters that control the terminal or the line
 * structure are replaced by a visible escape, so the text can neither run terminal escape
 * sequences (colours, OSC 52 clipboard writes, title changes, cursor moves that hide earlier
 * lines) nor start a new line, INI key or `[profile]` section.
 *
 * Escaped: C0 controls U+0000–U+001F (ESC, BEL, CR, LF, TAB, ...), DEL U+007F, C1 controls
 * U+0080–U+009F (U+009B is a one-character CSI on terminals that honour 8-bit controls), the
 * line and paragraph separators U+2028/U+2029 (line breaks to Python's `splitlines` and to
 * JavaScript), and the bidirectional embeddings, overrides and isolates U+202A–U+202E and
 * U+2066–U+2069, which reorder how the rest of a line is displayed ("Trojan Source",
 * CVE-2021-42574): in a `list` row they could make one account look like another. None of
 * these can occur in a legitimate AWS account name (printable ASCII), role or permission set
 * name, so nothing real is lost. Backslashes are kept as they are (Windows paths stay
 * readable), so an escape cannot be told apart from the same text typed literally; that costs
 * nothing, since both are harmless to print.
 *
 * @module
 */

// deno-lint-ignore no-control-regex -- control characters are what this rule is about
const UNSAFE = /[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
// The same without LF and TAB, for multi-line text our own code composes.
// deno-lint-ignore no-control-regex -- as above
const UNSAFE_KEEP_LINES = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const SHORT: Readonly<Record<string, string>> = { "\t": "\\t", "\n": "\\n", "\r": "\\r" };

function escapeOne(ch: string): string {
  const short = SHORT[ch];
  if (short !== undefined) return short;
  const code = ch.charCodeAt(0);
  return code <= 0xff
    ? `\\x${code.toString(16).padStart(2, "0")}`
    : `\\u${code.toString(16).padStart(4, "0")}`;
}

function escapeWith(pattern: RegExp, text: string): string {
  // Most text has nothing to escape: test first, so `list` over 10,000 roles stays cheap.
  pattern.lastIndex = 0;
  if (!pattern.test(text)) return text;
  pattern.lastIndex = 0;
  return text.replace(pattern, escapeOne);
}

/**
 * Returns `text` with every control, line-break and bidi-override character replaced by a
 * visible escape (`\n`, `\r`, `\t`, `\xHH`, `\uHHHH`); the result is one line, safe for a
 * terminal, a table cell, a log line or an INI value.
 *
 * @example
 * ```ts
 * safeText("prod\x1b]52;c;ZXZpbA==\x07"); // "prod\\x1b]52;c;ZXZpbA==\\x07"
 * safeText("x\n[profile evil]");           // "x\\n[profile evil]"
 * ```
 */
export function safeText(text: string): string {
  return escapeWith(UNSAFE, text);
}

/**
 * Like {@link safeText} but keeps line feeds and tabs, for multi-line text such as an error
 * message with a list under it; carriage returns and everything else are still escaped.
 *
 * @example
 * ```ts
 * safeMultilineText("duplicate name:\n- a\x1b[2J"); // "duplicate name:\n- a\\x1b[2J"
 * ```
 */
export function safeMultilineText(text: string): string {
  return escapeWith(UNSAFE_KEEP_LINES, text);
}
