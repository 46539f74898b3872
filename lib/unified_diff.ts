/**
 * A line diff in unified format (`---` / `+++` headers, `@@` hunks with 3 lines of context), as
 * `diff -u` prints it: what `setup profiles` shows before it changes a file.
 *
 * Lines that occur once on each side anchor the diff (patience diff), and the gaps between the
 * anchors are diffed with Myers' algorithm; a gap too different to diff cheaply becomes one
 * delete-then-insert run. So rewriting a 40,000-line profile block stays fast.
 *
 * @module
 */
import { splitLinesKeepEnds as splitLines } from "./text_lines.ts";

/** One line of an edit script. */
interface Edit {
  op: " " | "-" | "+";
  line: string;
}

/** Above this many differences a gap is shown as a plain replacement. */
const MAX_EDIT_DISTANCE = 2000;

function replaceAll(a: readonly string[], b: readonly string[], out: Edit[]): void {
  for (const line of a) out.push({ op: "-", line });
  for (const line of b) out.push({ op: "+", line });
}

/** Myers' O(ND) diff of two short sequences; false when they differ by more than the cap. */
function myers(a: readonly string[], b: readonly string[], out: Edit[]): boolean {
  const n = a.length;
  const m = b.length;
  const max = Math.min(n + m, MAX_EDIT_DISTANCE);
  const offset = max + 1;
  const v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  let found = -1;
  for (let d = 0; d <= max && found < 0; d++) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[offset + k - 1]! < v[offset + k + 1]!)
        ? v[offset + k + 1]!
        : v[offset + k - 1]! + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) {
        found = d;
        break;
      }
    }
  }
  if (found < 0) return false;
  // Walk back through the saved frontiers.
  const edits: Edit[] = [];
  let x = n;
  let y = m;
  for (let d = found; d > 0; d--) {
    const prev = trace[d]!;
    const k = x - y;
    const down = k === -d || (k !== d && prev[offset + k - 1]! < prev[offset + k + 1]!);
    const prevK = down ? k + 1 : k - 1;
    const prevX = prev[offset + prevK]!;
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      edits.push({ op: " ", line: a[--x]! });
      y--;
    }
    if (down) edits.push({ op: "+", line: b[--y]! });
    else edits.push({ op: "-", line: a[--x]! });
  }
  while (x > 0 && y > 0) {
    edits.push({ op: " ", line: a[--x]! });
    y--;
  }
  for (let i = edits.length - 1; i >= 0; i--) out.push(edits[i]!);
  return true;
}

/** Longest increasing run of anchor pairs by their b index (patience sorting). */
function longestIncreasing(pairs: [number, number][]): [number, number][] {
  const tails: number[] = [];
  const back = new Int32Array(pairs.length).fill(-1);
  for (let i = 0; i < pairs.length; i++) {
    const bIndex = pairs[i]![1];
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (pairs[tails[mid]!]![1] < bIndex) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 0) back[i] = tails[lo - 1]!;
    tails[lo] = i;
  }
  const out: [number, number][] = [];
  for (let i = tails.length > 0 ? tails[tails.length - 1]! : -1; i >= 0; i = back[i]!) {
    out.push(pairs[i]!);
  }
  return out.reverse();
}

function diffRange(a: readonly string[], b: readonly string[], out: Edit[]): void {
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) {
    out.push({ op: " ", line: a[start]! });
    start++;
  }
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const midA = a.slice(start, endA);
  const midB = b.slice(start, endB);
  const tail = a.slice(endA);
  if (midA.length === 0 || midB.length === 0) {
    replaceAll(midA, midB, out);
  } else {
    const counts = new Map<string, [number, number, number]>();
    midA.forEach((line, i) => {
      const c = counts.get(line) ?? [0, 0, -1];
      c[0]++;
      c[2] = i;
      counts.set(line, c);
    });
    midB.forEach((line) => {
      const c = counts.get(line);
      if (c !== undefined) c[1]++;
    });
    const pairs: [number, number][] = [];
    midB.forEach((line, j) => {
      const c = counts.get(line);
      if (c !== undefined && c[0] === 1 && c[1] === 1) pairs.push([c[2], j]);
    });
    pairs.sort((p, q) => p[0] - q[0]);
    const anchors = longestIncreasing(pairs);
    if (anchors.length === 0) {
      if (!myers(midA, midB, out)) replaceAll(midA, midB, out);
    } else {
      let ai = 0;
      let bi = 0;
      for (const [x, y] of anchors) {
        diffRange(midA.slice(ai, x), midB.slice(bi, y), out);
        out.push({ op: " ", line: midA[x]! });
        ai = x + 1;
        bi = y + 1;
      }
      diffRange(midA.slice(ai), midB.slice(bi), out);
    }
  }
  for (const line of tail) out.push({ op: " ", line });
}

function range(start: number, count: number): string {
  // diff -u: a hunk of one line shows no count; an empty side names the line before it.
  if (count === 1) return `${start}`;
  return `${count === 0 ? start - 1 : start},${count}`;
}

function show(op: string, line: string): string {
  const text = line.replace(/\r?\n$/, "");
  return line.endsWith("\n") ? `${op}${text}\n` : `${op}${text}\n\\ No newline at end of file\n`;
}

/** Options of {@link unifiedDiff}. */
export interface UnifiedDiffOptions {
  /** Name on the `---` line. */
  fromFile: string;
  /** Name on the `+++` line. */
  toFile: string;
  /** Unchanged lines shown around each change (default 3). */
  context?: number;
}

/**
 * The unified diff from `before` to `after`; "" when they are equal.
 *
 * @example
 * ```ts
 * unifiedDiff("a\nb\n", "a\nc\n", { fromFile: "x", toFile: "x.new" });
 * // "--- x\n+++ x.new\n@@ -1,2 +1,2 @@\n a\n-b\n+c\n"
 * ```
 */
export function unifiedDiff(before: string, after: string, options: UnifiedDiffOptions): string {
  if (before === after) return "";
  const context = options.context ?? 3;
  const edits: Edit[] = [];
  diffRange(splitLines(before), splitLines(after), edits);
  let out = `--- ${options.fromFile}\n+++ ${options.toFile}\n`;
  // Line numbers (1-based) at each edit.
  let i = 0;
  const aLine: number[] = [];
  const bLine: number[] = [];
  let la = 1;
  let lb = 1;
  for (const e of edits) {
    aLine.push(la);
    bLine.push(lb);
    if (e.op !== "+") la++;
    if (e.op !== "-") lb++;
  }
  while (i < edits.length) {
    if (edits[i]!.op === " ") {
      i++;
      continue;
    }
    const start = Math.max(0, i - context);
    let end = i;
    // Extend while the next change is within 2 * context unchanged lines.
    while (end < edits.length) {
      if (edits[end]!.op !== " ") {
        end++;
        continue;
      }
      let run = end;
      while (run < edits.length && edits[run]!.op === " ") run++;
      if (run === edits.length || run - end > 2 * context) {
        end = Math.min(run, end + context);
        break;
      }
      end = run;
    }
    const hunk = edits.slice(start, end);
    const aCount = hunk.filter((e) => e.op !== "+").length;
    const bCount = hunk.filter((e) => e.op !== "-").length;
    out += `@@ -${range(aLine[start]!, aCount)} +${range(bLine[start]!, bCount)} @@\n`;
    for (const e of hunk) out += show(e.op, e.line);
    i = end;
  }
  return out;
}
