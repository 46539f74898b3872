/**
 * Plain-text tables in the reference's layout: header row, a line of `=`, rows; columns
 * left-aligned, padded to the widest cell and joined by ` | `.
 *
 * @module
 */

/**
 * Formats rows under headers.
 *
 * @example
 * ```ts
 * formatTable(["A", "B"], [["x", "yy"]]); // "A | B \n======\nx | yy\n"
 * ```
 */
export function formatTable(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(" | ");
  const head = line(headers);
  return [head, "=".repeat(head.length), ...rows.map(line)].join("\n") + "\n";
}
