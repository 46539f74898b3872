/**
 * Line splitting that keeps each line's terminator, so files can be edited and diffed without
 * changing a byte outside the edit (CRLF files, a last line without a newline).
 *
 * @module
 */

/**
 * Splits text into lines that keep their `\n` (the last one may have none).
 *
 * @example
 * ```ts
 * splitLinesKeepEnds("a\r\nb"); // ["a\r\n", "b"]
 * ```
 */
export function splitLinesKeepEnds(text: string): string[] {
  const lines: string[] = [];
  let start = 0;
  while (start < text.length) {
    const nl = text.indexOf("\n", start);
    if (nl < 0) {
      lines.push(text.slice(start));
      break;
    }
    lines.push(text.slice(start, nl + 1));
    start = nl + 1;
  }
  return lines;
}
