/**
 * Reads the command line a shell hands to a completer (`COMP_LINE` and `COMP_POINT`, as bash's
 * `complete -C` sets them): the words before the cursor and the word being completed, split
 * the way the shell splits them (quotes and backslashes), but not at `:` or `=` — a profile
 * name such as `prod:Admin` is one word here.
 *
 * @module
 */

/** The words of a command line up to the cursor. */
export interface CompLine {
  /** Complete words before the cursor, unquoted (the first is the command name). */
  words: string[];
  /** The (unquoted) word under the cursor; "" after a space. */
  current: string;
}

/**
 * Splits `line` up to `point` (a UTF-8 byte offset, like bash's; clamped to the line) into words.
 *
 * @example
 * ```ts
 * parseCompLine("aws-sso exec -p prod:Ad", 23); // { words: ["aws-sso", "exec", "-p"], current: "prod:Ad" }
 * ```
 */
export function parseCompLine(line: string, point?: number): CompLine {
  const bytes = new TextEncoder().encode(line);
  const end = point === undefined || !Number.isFinite(point) || point < 0 || point > bytes.length
    ? bytes.length
    : point;
  const text = new TextDecoder().decode(bytes.subarray(0, end));
  const words: string[] = [];
  let word = "";
  let inWord = false;
  let quote: "'" | '"' | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote === "'") {
      if (c === "'") quote = undefined;
      else word += c;
      continue;
    }
    if (quote === '"') {
      if (c === '"') quote = undefined;
      else if (c === "\\" && i + 1 < text.length && '"\\$`'.includes(text[i + 1]!)) {
        word += text[++i];
      } else word += c;
      continue;
    }
    if (c === " " || c === "\t" || c === "\n") {
      if (inWord) words.push(word);
      word = "";
      inWord = false;
      continue;
    }
    inWord = true;
    if (c === "'" || c === '"') quote = c;
    else if (c === "\\" && i + 1 < text.length) word += text[++i];
    else if (c !== "\\") word += c;
  }
  return { words, current: inWord ? word : "" };
}
