/**
 * Go's `fmt` for the engine: `%v` printing of every value kind, `Sprint`, `Sprintln` and
 * `Sprintf` with the common verbs, flags, width and precision, and Go's `%!verb(...)` error
 * forms, so `print`, `printf` and `{{ . }}` output matches the Go tool byte for byte.
 *
 * @module
 */

import { formatFloat, goQuote } from "./_strconv.ts";
import { isPrint } from "./_unicode.ts";
import { goTypeName, isGoInt, isGoStruct, sortedEntries } from "./_value.ts";

const encoder = new TextEncoder();

/**
 * fmt's `%#U` for a rune, e.g. `U+003D '='`.
 *
 * @example
 * ```ts
 * runeDescription("="); // "U+003D '='"
 * ```
 */
export function runeDescription(c: string | undefined): string {
  if (c === undefined) return "U+FFFFFFFF";
  const cp = c.codePointAt(0)!;
  const hex = "U+" + cp.toString(16).toUpperCase().padStart(4, "0");
  const printable = (cp >= 0x20 && cp < 0x7f) || (cp >= 0x80 && isPrint(c));
  return printable ? `${hex} '${c}'` : hex;
}

/**
 * fmt's `%v` of any value.
 *
 * @example
 * ```ts
 * formatValue([1, "a", true]); // "[1 a true]"
 * ```
 */
export function formatValue(v: unknown): string {
  switch (typeof v) {
    case "string":
      return v;
    case "number":
      return Number.isInteger(v) && Math.abs(v) < 1e21 ? String(v) : formatFloat(v, "g", -1);
    case "bigint":
      return v.toString();
    case "boolean":
      return v ? "true" : "false";
    case "undefined":
      return "<nil>";
    case "function":
      return "0x0";
  }
  if (v === null) return "<nil>";
  if (Array.isArray(v)) {
    let out = "[";
    for (let i = 0; i < v.length; i++) out += (i > 0 ? " " : "") + formatValue(v[i] ?? null);
    return out + "]";
  }
  if (isGoStruct(v as object)) {
    return "{" + Object.values(v as object).map(formatValue).join(" ") + "}";
  }
  if (v instanceof Uint8Array) return "[" + Array.from(v).join(" ") + "]";
  return "map[" +
    sortedEntries(v as Record<string, unknown>).map(([k, x]) =>
      formatValue(k) + ":" + formatValue(x)
    ).join(" ") + "]";
}

/**
 * fmt.Sprint: operands are separated by a space when neither side is a string.
 *
 * @example
 * ```ts
 * sprint([1, 2, "a", 3]); // "1 2a3"
 * ```
 */
export function sprint(args: readonly unknown[]): string {
  let out = "";
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (i > 0 && typeof a !== "string" && typeof args[i - 1] !== "string") out += " ";
    out += formatValue(a);
  }
  return out;
}

/**
 * fmt.Sprintln: operands separated by spaces, then a newline.
 *
 * @example
 * ```ts
 * sprintln(["a", 1]); // "a 1\n"
 * ```
 */
export function sprintln(args: readonly unknown[]): string {
  return args.map(formatValue).join(" ") + "\n";
}

interface FmtFlags {
  plus: boolean;
  minus: boolean;
  sharp: boolean;
  space: boolean;
  zero: boolean;
  width: number | undefined;
  prec: number | undefined;
}

function badVerb(verb: string, v: unknown, f: FmtFlags): string {
  if (v === null || v === undefined) return `%!${verb}(<nil>)`;
  // Go prints the offending operand with %v and the same flags.
  return `%!${verb}(${goTypeName(v)}=${formatOne("v", v, f)})`;
}

function pad(s: string, f: FmtFlags, numeric: boolean): string {
  if (f.width === undefined) return s;
  const len = [...s].length;
  if (len >= f.width) return s;
  const fill = f.width - len;
  if (f.minus) return s + " ".repeat(fill);
  if (f.zero) {
    if (numeric && (s[0] === "-" || s[0] === "+" || s[0] === " ")) {
      return s[0] + "0".repeat(fill) + s.slice(1);
    }
    return "0".repeat(fill) + s;
  }
  return " ".repeat(fill) + s;
}

function formatInteger(v: number | bigint, verb: string, f: FmtFlags): string {
  const big = typeof v === "bigint" ? v : BigInt(v);
  const neg = big < 0n;
  const abs = neg ? -big : big;
  let digits: string;
  switch (verb) {
    case "x":
      digits = abs.toString(16);
      if (f.sharp) digits = "0x" + digits;
      break;
    case "X":
      digits = abs.toString(16).toUpperCase();
      if (f.sharp) digits = "0X" + digits;
      break;
    case "o":
      digits = abs.toString(8);
      if (f.sharp) digits = "0" + digits;
      break;
    case "O":
      digits = "0o" + abs.toString(8);
      break;
    case "b":
      digits = abs.toString(2);
      break;
    default:
      digits = abs.toString(10);
  }
  if (f.prec !== undefined) {
    if (f.prec === 0 && abs === 0n) digits = "";
    else digits = digits.padStart(f.prec, "0");
  }
  const sign = neg ? "-" : f.plus ? "+" : f.space ? " " : "";
  const zeroOk = f.prec === undefined;
  return pad(sign + digits, { ...f, zero: f.zero && zeroOk && !f.minus }, true);
}

function quoteRune(cp: number): string {
  const c = cp > 0x10ffff || (cp >= 0xd800 && cp < 0xe000) || cp < 0
    ? "\ufffd"
    : String.fromCodePoint(cp);
  if (c === "'") return "'\\''";
  if (c === '"') return "'\"'";
  return "'" + goQuote(c).slice(1, -1) + "'";
}

function validRune(v: number | bigint): string {
  const cp = Number(v);
  return cp > 0x10ffff || (cp >= 0xd800 && cp < 0xe000) || cp < 0
    ? "\ufffd"
    : String.fromCodePoint(cp);
}

/** One operand under one verb; slices and maps apply the verb to each element, as fmt does. */
function formatOne(verb: string, v: unknown, f: FmtFlags): string {
  if (verb === "T") return pad(goTypeName(v), f, false);
  if (Array.isArray(v)) return "[" + v.map((x) => formatOne(verb, x ?? null, f)).join(" ") + "]";
  if (typeof v === "object" && v !== null) {
    if (isGoStruct(v)) {
      return "{" + Object.values(v).map((x) => formatOne(verb, x ?? null, f)).join(" ") + "}";
    }
    return "map[" +
      sortedEntries(v as Record<string, unknown>).map(([k, x]) =>
        formatOne(verb, k, f) + ":" + formatOne(verb, x ?? null, f)
      ).join(" ") + "]";
  }
  switch (typeof v) {
    case "string": {
      const s = f.prec === undefined ? v : [...v].slice(0, f.prec).join("");
      switch (verb) {
        case "v":
        case "s":
          return pad(s, f, false);
        case "q":
          return pad(f.sharp && !s.includes("`") ? "`" + s + "`" : goQuote(s, f.plus), f, false);
        case "x":
        case "X": {
          let hex = Array.from(encoder.encode(s), (b) => b.toString(16).padStart(2, "0"))
            .join(f.space ? " " : "");
          if (verb === "X") hex = hex.toUpperCase();
          return pad(hex, f, false);
        }
      }
      return badVerb(verb, v, f);
    }
    case "bigint":
    case "number":
      if (isGoInt(v)) {
        switch (verb) {
          case "v":
          case "d":
          case "b":
          case "o":
          case "O":
          case "x":
          case "X":
            return formatInteger(v, verb === "v" ? "d" : verb, f);
          case "c":
            return pad(validRune(v), f, false);
          case "q":
            return pad(quoteRune(Number(v)), f, false);
          case "U":
            return pad("U+" + Number(v).toString(16).toUpperCase().padStart(4, "0"), f, false);
        }
        return badVerb(verb, v, f);
      }
      switch (verb) {
        case "v":
        case "e":
        case "E":
        case "f":
        case "F":
        case "g":
        case "G": {
          const lower = (verb === "v" ? "g" : verb.toLowerCase()) as "e" | "f" | "g";
          const prec = f.prec ?? (lower === "g" ? -1 : 6);
          let out = formatFloat(v as number, lower, prec);
          if (verb === "E" || verb === "G") out = out.toUpperCase();
          if (f.plus && !out.startsWith("-")) out = "+" + out;
          else if (f.space && !out.startsWith("-")) out = " " + out;
          return pad(out, f, true);
        }
      }
      return badVerb(verb, v, f);
    case "boolean":
      if (verb === "v" || verb === "t") return pad(v ? "true" : "false", f, false);
      return badVerb(verb, v, f);
  }
  if (v === null || v === undefined) {
    return verb === "v" ? pad("<nil>", f, false) : badVerb(verb, v, f);
  }
  return verb === "v" ? pad(formatValue(v), f, false) : badVerb(verb, v, f);
}

/**
 * fmt.Sprintf with the common verbs, flags, width and precision, and Go's error forms.
 *
 * @example
 * ```ts
 * sprintf("%05.1f|%-4s|%x", [3.14159, "ab", 255]); // "003.1|ab  |ff"
 * ```
 */
export function sprintf(format: string, args: readonly unknown[]): string {
  let out = "";
  let argIndex = 0;
  let i = 0;
  const n = format.length;
  while (i < n) {
    const pct = format.indexOf("%", i);
    if (pct < 0) {
      out += format.slice(i);
      break;
    }
    out += format.slice(i, pct);
    i = pct + 1;
    const f: FmtFlags = {
      plus: false,
      minus: false,
      sharp: false,
      space: false,
      zero: false,
      width: undefined,
      prec: undefined,
    };
    flags: while (i < n) {
      switch (format[i]) {
        case "+":
          f.plus = true;
          break;
        case "-":
          f.minus = true;
          break;
        case "#":
          f.sharp = true;
          break;
        case " ":
          f.space = true;
          break;
        case "0":
          f.zero = true;
          break;
        default:
          break flags;
      }
      i++;
    }
    const readNumber = (): number | undefined => {
      if (format[i] === "*") {
        i++;
        const a = args[argIndex++];
        return isGoInt(a) ? Number(a) : undefined;
      }
      const m = /^\d+/.exec(format.slice(i));
      if (!m) return undefined;
      i += m[0].length;
      return Number(m[0]);
    };
    f.width = readNumber();
    if (f.width !== undefined && f.width < 0) {
      f.minus = true;
      f.width = -f.width;
    }
    if (format[i] === ".") {
      i++;
      f.prec = readNumber() ?? 0;
    }
    if (i >= n) {
      out += "%!(NOVERB)";
      break;
    }
    const verb = String.fromCodePoint(format.codePointAt(i)!);
    i += verb.length;
    // For %v the + flag asks for struct field names, not a sign.
    if (verb === "v") f.plus = false;
    if (verb === "%") {
      out += "%";
      continue;
    }
    if (argIndex >= args.length) {
      out += `%!${verb}(MISSING)`;
      continue;
    }
    out += formatOne(verb, args[argIndex++], f);
  }
  if (argIndex < args.length) {
    out += "%!(EXTRA " +
      args.slice(argIndex).map((a) =>
        a === null || a === undefined ? "<nil>" : `${goTypeName(a)}=${formatValue(a)}`
      ).join(", ") + ")";
  }
  return out;
}
