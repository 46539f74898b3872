/**
 * The error a template raises, parsing or executing, and how a source offset becomes Go's
 * `line:column` (the column is a byte offset within the line, as Go reports it).
 *
 * @module
 */

import { AwsSsoError, type AwsSsoErrorOptions } from "../errors.ts";
import { byteLength } from "./_unicode.ts";

/** Where a template problem is. */
export interface TemplateErrorLocation {
  /** The template's name (`profile` unless given). */
  readonly templateName: string;
  /** 1-based line. */
  readonly line: number;
  /** Byte offset within the line, as Go reports it. */
  readonly column: number;
}

/**
 * A template that does not parse or fails while executing; the message names the place.
 *
 * @example
 * ```ts
 * const e = new TemplateError("template: profile:1:3: bad", { templateName: "profile", line: 1, column: 3 });
 * e.column; // 3
 * ```
 */
export class TemplateError extends AwsSsoError {
  /** The template's name. */
  readonly templateName: string;
  /** 1-based line of the problem. */
  readonly line: number;
  /** Byte offset within the line (Go's column). */
  readonly column: number;

  /** Creates the error; `message` is the complete text, location included. */
  constructor(message: string, location: TemplateErrorLocation, options: AwsSsoErrorOptions = {}) {
    super(message, options);
    this.templateName = location.templateName;
    this.line = location.line;
    this.column = location.column;
  }
}

/**
 * The 1-based line and Go's column (UTF-8 bytes into the line) of UTF-16 offset `pos`.
 *
 * @example
 * ```ts
 * locate("ab\néx", 5); // { line: 2, column: 3 }
 * ```
 */
export function locate(source: string, pos: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = source.indexOf("\n"); i >= 0 && i < pos; i = source.indexOf("\n", i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: byteLength(source.slice(lineStart, pos)) };
}
