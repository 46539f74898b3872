/**
 * The managed block: the part of a user's file (`~/.aws/config`, `~/.bashrc`, ...) that aws-sso
 * owns, between a `# BEGIN_AWS_SSO_CLI` and a `# END_AWS_SSO_CLI` line (docs/design.md §2.4). Only
 * that part is ever rewritten; every byte outside it stays as it was.
 *
 * Decisions beyond the reference:
 * - Marker lines are recognised with either line ending, and a block written into a file that
 *   uses CRLF line endings gets CRLF too (the reference only matches `\n` lines, so it appended a
 *   second block to CRLF files).
 * - A BEGIN line without its END line is refused with {@link MissingEndMarkerError} instead of
 *   replacing everything up to the end of the file (which would delete the user's own sections
 *   written after it).
 *
 * @module
 */
import { splitLinesKeepEnds as splitLines } from "../text_lines.ts";
import { AwsSsoError } from "../errors.ts";

/** The first and last line of a managed block, without line endings. */
export interface BlockMarkers {
  /** `# BEGIN_AWS_SSO_CLI` or `# BEGIN_AWS_SSO_CLI_<Instance>`. */
  begin: string;
  /** `# END_AWS_SSO_CLI` or `# END_AWS_SSO_CLI_<Instance>`. */
  end: string;
}

/** The file has a BEGIN marker line but no END marker line after it. */
export class MissingEndMarkerError extends AwsSsoError {
  /** 1-based line of the BEGIN marker. */
  readonly line: number;

  /** Creates the error for the BEGIN marker at `line` of `file`. */
  constructor(file: string, markers: BlockMarkers, line: number) {
    super(
      `${file}:${line}: "${markers.begin}" has no matching "${markers.end}" line after it; ` +
        "not changing the file, so nothing after it is lost",
      {
        hints: [
          `add the line "${markers.end}" where the aws-sso section ends, or delete the ` +
          `"${markers.begin}" line, then run the command again`,
        ],
      },
    );
    this.line = line;
  }
}

/**
 * The file has two blocks with the same markers (the reference appended a second one to files
 * with CRLF line endings): replacing only the first would leave the other's stale profiles,
 * which the AWS tools read too.
 */
export class DuplicateBlockError extends AwsSsoError {
  /** 1-based line of the second BEGIN marker. */
  readonly line: number;

  /** Creates the error for the second BEGIN marker at `line` of `file`. */
  constructor(file: string, markers: BlockMarkers, first: number, line: number) {
    super(
      `${file}:${line}: a second "${markers.begin}" section (the first is at line ${first}); ` +
        "not changing the file",
      {
        hints: [
          `delete one of the two sections from "${markers.begin}" to "${markers.end}", then run ` +
          "the command again",
        ],
      },
    );
    this.line = line;
  }
}

/**
 * The markers of an SSO instance's block: no suffix for `Default`, `_<Instance>` otherwise.
 *
 * @example
 * ```ts
 * blockMarkers("Default").begin; // "# BEGIN_AWS_SSO_CLI"
 * blockMarkers("Work").end;      // "# END_AWS_SSO_CLI_Work"
 * ```
 */
export function blockMarkers(instance = "Default"): BlockMarkers {
  const suffix = instance === "Default" ? "" : `_${instance}`;
  return { begin: `# BEGIN_AWS_SSO_CLI${suffix}`, end: `# END_AWS_SSO_CLI${suffix}` };
}

function content(line: string): string {
  return line.replace(/\r?\n$/, "");
}

/**
 * True when most line breaks of `text` are CRLF.
 *
 * @example
 * ```ts
 * usesCrlf("a\r\nb\r\n"); // true
 * ```
 */
export function usesCrlf(text: string): boolean {
  const crlf = text.split("\r\n").length - 1;
  const all = text.split("\n").length - 1;
  return crlf > 0 && crlf * 2 >= all;
}

/** Where a managed block sits in a file: 0-based line indexes, `end` is the END marker line. */
export interface BlockLocation {
  /** Index of the BEGIN marker line. */
  begin: number;
  /** Index of the END marker line. */
  end: number;
}

/**
 * Finds the block of `markers` in `text`; undefined when there is none. Throws
 * {@link MissingEndMarkerError} when the BEGIN line has no END line after it, and
 * {@link DuplicateBlockError} when another BEGIN line follows the block.
 *
 * @example
 * ```ts
 * findManagedBlock("x\n# BEGIN_AWS_SSO_CLI\n# END_AWS_SSO_CLI\n", blockMarkers()); // {begin: 1, end: 2}
 * ```
 */
export function findManagedBlock(
  text: string,
  markers: BlockMarkers,
  file = "the file",
): BlockLocation | undefined {
  const lines = splitLines(text);
  const begin = lines.findIndex((l) => content(l) === markers.begin);
  if (begin < 0) return undefined;
  for (let i = begin + 1; i < lines.length; i++) {
    if (content(lines[i]!) !== markers.end) continue;
    const again = lines.findIndex((l, j) => j > i && content(l) === markers.begin);
    if (again >= 0) throw new DuplicateBlockError(file, markers, begin + 1, again + 1);
    return { begin, end: i };
  }
  throw new MissingEndMarkerError(file, markers, begin + 1);
}

/**
 * The block's text as it is in `text` (markers included), or undefined when there is none.
 *
 * @example
 * ```ts
 * extractManagedBlock("a\n# BEGIN_AWS_SSO_CLI\nx\n# END_AWS_SSO_CLI\n", blockMarkers());
 * // "# BEGIN_AWS_SSO_CLI\nx\n# END_AWS_SSO_CLI\n"
 * ```
 */
export function extractManagedBlock(
  text: string,
  markers: BlockMarkers,
  file?: string,
): string | undefined {
  const at = findManagedBlock(text, markers, file);
  if (at === undefined) return undefined;
  return splitLines(text).slice(at.begin, at.end + 1).join("");
}

/**
 * Puts `block` (the full block text from BEGIN to END line, `\n` line endings, or "" to remove
 * the block) into `text` in place of the existing block of `markers`, or appends it. Text
 * outside the block is kept byte for byte; the block takes the file's line endings. Throws
 * {@link MissingEndMarkerError} when the existing block has no END line.
 *
 * @example
 * ```ts
 * replaceManagedBlock("[default]\n", blockMarkers(), "# BEGIN_AWS_SSO_CLI\n\n# END_AWS_SSO_CLI\n");
 * // "[default]\n# BEGIN_AWS_SSO_CLI\n\n# END_AWS_SSO_CLI\n"
 * ```
 */
export function replaceManagedBlock(
  text: string,
  markers: BlockMarkers,
  block: string,
  file?: string,
): string {
  const eol = usesCrlf(text) ? "\r\n" : "\n";
  const body = eol === "\n" ? block : block.replace(/\r?\n/g, "\r\n");
  const at = findManagedBlock(text, markers, file);
  const lines = splitLines(text);
  if (at === undefined) {
    if (body === "") return text;
    const last = lines[lines.length - 1];
    const joiner = last !== undefined && !last.endsWith("\n") ? eol : "";
    return text + joiner + body;
  }
  const before = lines.slice(0, at.begin).join("");
  const after = lines.slice(at.end + 1).join("");
  const endLine = lines[at.end]!;
  // An END marker that was the file's last line without a newline keeps it that way.
  const replacement = body !== "" && after === "" && !endLine.endsWith("\n")
    ? body.replace(/\r?\n$/, "")
    : body;
  return before + replacement + after;
}
