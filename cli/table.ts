/**
 * Plain-text tables in the reference's layout: header row, a line of `=`, rows; columns
 * left-aligned, padded to the widest cell and joined by ` | `. Cells often hold names from AWS:
 * control characters in them are escaped (lib/safe_text.ts), so a row stays one line.
 *
 * @module
 */
import { safeText } from "../lib/safe_text.ts";

/**
 * Formats rows under headers.
 *
 * @example
 * ```ts
 * formatTable(["A", "B"], [["x", "yy"]]); // "A | B \n======\nx | yy\n"
 * ```
 */
export function formatTable(headers: string[], rows: string[][]): string {
  headers = headers.map(safeText);
  rows = rows.map((row) => row.map(safeText));
  // Plain loops: `list` renders 10,000 rows and this runs on every call.
  const widths = headers.map((h) => h.length);
  for (const row of rows) {
    for (let i = 0; i < widths.length; i++) {
      const length = (row[i] ?? "").length;
      if (length > widths[i]!) widths[i] = length;
    }
  }
  const line = (cells: string[]): string => {
    let text = "";
    for (let i = 0; i < widths.length; i++) {
      if (i > 0) text += " | ";
      text += (cells[i] ?? "").padEnd(widths[i]!);
    }
    return text;
  };
  const head = line(headers);
  const out: string[] = [head, "=".repeat(head.length)];
  for (const row of rows) out.push(line(row));
  return out.join("\n") + "\n";
}
