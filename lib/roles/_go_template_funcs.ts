/**
 * Go value semantics for lib/roles/go_template.ts: `fmt` printing, truthiness, the template
 * builtins, the sprig v3 string/list/math functions (with xstrings v1.5 case conversion and
 * goutils quirks) and the aws-sso custom functions. Written from the documented and observed
 * behaviour of those Go libraries, so that profile names render byte for byte the same.
 *
 * Value model: JS `string`, `number` (integral = Go int, otherwise float64), `bigint` (int),
 * `boolean`, `null` (Go nil), `undefined` (Go's invalid "no value"), arrays (slices), `Map` and
 * plain objects (maps; see {@link goStruct} for structs) and functions.
 *
 * @module
 */

// ---------------------------------------------------------------------------------------------
// Function signatures

/** Key under which a template function carries its Go parameter types. */
export const GO_SIGNATURE: unique symbol = Symbol("goSignature");

/** Go parameter types the engine knows how to check and convert to. */
export type ParamType = "string" | "int" | "int64" | "float64" | "bool" | "any" | "value";

/** Parameter list of a template function; `variadic` is the element type of a `...T` tail. */
export interface GoSignature {
  readonly params: readonly ParamType[];
  readonly variadic?: ParamType;
}

/** A template function, optionally annotated with its Go signature. */
export type GoFunction = ((...args: unknown[]) => unknown) & { [GO_SIGNATURE]?: GoSignature };

/** Raised by a template function; reported as `error calling NAME: MESSAGE`. */
export class GoCallError extends Error {}

function def<F extends (...args: never[]) => unknown>(
  params: readonly ParamType[],
  fn: F,
  variadic?: ParamType,
): GoFunction {
  const f = fn as unknown as GoFunction;
  f[GO_SIGNATURE] = variadic === undefined ? { params } : { params, variadic };
  return f;
}

// ---------------------------------------------------------------------------------------------
// Structs

const structTypes = new WeakMap<object, string>();

/**
 * Marks `value` as a Go struct named `typeName`: a missing field is then an error, as in Go,
 * instead of a map's `<no value>`.
 */
export function goStruct<T extends object>(value: T, typeName: string): T {
  structTypes.set(value, typeName);
  return value;
}

/** The struct type name of `value`, when it was marked with {@link goStruct}. */
export function structTypeOf(value: object): string | undefined {
  return structTypes.get(value);
}

// ---------------------------------------------------------------------------------------------
// Unicode helpers (Go's unicode package semantics)

const RE_UPPER = /^\p{Lu}$/u;
const RE_LOWER = /^\p{Ll}$/u;
const RE_TITLE = /^\p{Lt}$/u;
const RE_LETTER = /^\p{L}$/u;
const RE_NUMBER = /^\p{N}$/u;
const RE_DIGIT = /^\p{Nd}$/u;
const RE_PUNCT = /^\p{P}$/u;
const RE_SPACE = /^\p{White_Space}$/u;
const RE_PRINT = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;
/** True when every character of `s` is ASCII (byte and character offsets agree). */
function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false;
  return true;
}

/** unicode.IsSpace. */
export function isGoSpace(c: string): boolean {
  if (c.length === 1) {
    const code = c.charCodeAt(0);
    if (code < 0x80) return code === 32 || (code >= 9 && code <= 13);
  }
  return RE_SPACE.test(c);
}
const isUpper = (c: string) =>
  c.length === 1 && c < "\x80" ? c >= "A" && c <= "Z" : RE_UPPER.test(c);
const isLower = (c: string) =>
  c.length === 1 && c < "\x80" ? c >= "a" && c <= "z" : RE_LOWER.test(c);
const isLetter = (c: string) =>
  c.length === 1 && c < "\x80"
    ? (c >= "a" && c <= "z") || (c >= "A" && c <= "Z")
    : RE_LETTER.test(c);
const isNumber = (c: string) =>
  c.length === 1 && c < "\x80" ? c >= "0" && c <= "9" : RE_NUMBER.test(c);
const isPunct = (c: string) => RE_PUNCT.test(c);

/** unicode.ToUpper: simple (one rune to one rune) mapping, unlike JS's full case mapping. */
function runeUpper(c: string): string {
  const u = c.toUpperCase();
  return u.length === c.length || [...u].length === 1 ? u : c;
}
/** unicode.ToLower: simple mapping (U+0130 maps to "i"). */
function runeLower(c: string): string {
  const l = c.toLowerCase();
  if (l.length === c.length || [...l].length === 1) return l;
  return [...l][0]!;
}

/** unicode.ToTitle: like upper case, except for the four Latin digraphs that have a title form. */
function runeTitle(c: string): string {
  const cp = c.codePointAt(0)!;
  if (cp >= 0x1c4 && cp <= 0x1cc) {
    return String.fromCodePoint(0x1c5 + 3 * Math.floor((cp - 0x1c4) / 3));
  }
  if (cp >= 0x1f1 && cp <= 0x1f3) return "\u01f2";
  return runeUpper(c);
}

/** strings.ToUpper. */
function goUpper(s: string): string {
  if (isAscii(s)) return s.toUpperCase();
  let out = "";
  for (const c of s) out += runeUpper(c);
  return out;
}
/** strings.ToLower. */
function goLower(s: string): string {
  if (isAscii(s)) return s.toLowerCase();
  let out = "";
  for (const c of s) out += runeLower(c);
  return out;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Length of `s` in UTF-8 bytes (Go's len). */
export function byteLength(s: string): number {
  return isAscii(s) ? s.length : encoder.encode(s).length;
}

/** Go's s[start:end] on UTF-8 bytes (a cut inside a character decodes as U+FFFD). */
function byteSlice(s: string, start: number, end?: number): string {
  if (isAscii(s)) return s.slice(start, end);
  return decoder.decode(encoder.encode(s).slice(start, end));
}

/** Compares strings the way Go does (bytewise UTF-8, i.e. by code point). */
export function compareGoStrings(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    // Surrogates (astral code points) sort after every BMP character in UTF-8 order.
    if (x >= 0xd800 && x <= 0xdfff) x += 0x2000;
    else if (x >= 0xe000) x -= 0x800;
    if (y >= 0xd800 && y <= 0xdfff) y += 0x2000;
    else if (y >= 0xe000) y -= 0x800;
    return x < y ? -1 : 1;
  }
  return a.length - b.length;
}

// ---------------------------------------------------------------------------------------------
// Values

/** True for the values the engine treats as Go maps (or structs). */
export function isMapLike(v: unknown): v is Map<unknown, unknown> | Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** True for an integral number or a bigint (Go int). */
export function isGoInt(v: unknown): v is number | bigint {
  return (typeof v === "number" && Number.isInteger(v)) || typeof v === "bigint";
}

/** The Go type name of a value, for error messages. */
export function goTypeName(v: unknown): string {
  switch (typeof v) {
    case "string":
      return "string";
    case "number":
      return Number.isInteger(v) ? "int" : "float64";
    case "bigint":
      return "int64";
    case "boolean":
      return "bool";
    case "function":
      return "func(...interface {}) interface {}";
    case "undefined":
      return "<nil>";
  }
  if (v === null) return "<nil>";
  if (Array.isArray(v)) return "[]interface {}";
  const struct = structTypes.get(v as object);
  if (struct !== undefined) return struct;
  if (v instanceof Map) return "map[string]interface {}";
  const values = Object.values(v as object);
  if (values.length > 0 && values.every((x) => typeof x === "string")) return "map[string]string";
  return "map[string]interface {}";
}

/** Go's template truthiness (`if`, `with`, `and`, `or`, `not`). */
export function isTrue(v: unknown): boolean {
  switch (typeof v) {
    case "string":
      return v.length > 0;
    case "number":
      return v !== 0;
    case "bigint":
      return v !== 0n;
    case "boolean":
      return v;
    case "undefined":
      return false;
    case "function":
      return true;
  }
  if (v === null) return false;
  if (Array.isArray(v)) return v.length > 0;
  if (structTypes.has(v as object)) return true;
  if (v instanceof Map) return v.size > 0;
  for (const _ in v as object) return true;
  return false;
}

/** Entries of a map-like value sorted by key the way Go's fmt and range do. */
export function sortedEntries(
  m: Map<unknown, unknown> | Record<string, unknown>,
): [unknown, unknown][] {
  const entries: [unknown, unknown][] = m instanceof Map ? [...m.entries()] : Object.entries(m);
  entries.sort(([a], [b]) => {
    if (typeof a === "string" && typeof b === "string") return compareGoStrings(a, b);
    if (typeof a === "number" && typeof b === "number") return a - b;
    return compareGoStrings(String(a), String(b));
  });
  return entries;
}

// ---------------------------------------------------------------------------------------------
// fmt

/** strconv.Quote (or QuoteToASCII when `ascii`). */
export function goQuote(s: string, ascii = false): string {
  let out = '"';
  for (const c of s) {
    const cp = c.codePointAt(0)!;
    if (c === '"' || c === "\\") out += "\\" + c;
    else if (cp >= 0x20 && cp < 0x7f) out += c;
    else if (cp === 7) out += "\\a";
    else if (cp === 8) out += "\\b";
    else if (cp === 12) out += "\\f";
    else if (cp === 10) out += "\\n";
    else if (cp === 13) out += "\\r";
    else if (cp === 9) out += "\\t";
    else if (cp === 11) out += "\\v";
    else if (cp < 0x20 || cp === 0x7f) out += "\\x" + cp.toString(16).padStart(2, "0");
    else if (cp >= 0xd800 && cp <= 0xdfff) out += "\\ufffd";
    else if (cp >= 0x80 && !ascii && RE_PRINT.test(c)) out += c;
    else if (cp < 0x10000) out += "\\u" + cp.toString(16).padStart(4, "0");
    else out += "\\U" + cp.toString(16).padStart(8, "0");
  }
  return out + '"';
}

/** fmt's `%#U` for a rune, e.g. `U+003D '='`. */
export function runeDescription(c: string | undefined): string {
  if (c === undefined) return "U+FFFFFFFF";
  const cp = c.codePointAt(0)!;
  const hex = "U+" + cp.toString(16).toUpperCase().padStart(4, "0");
  const printable = (cp >= 0x20 && cp < 0x7f) || (cp >= 0x80 && RE_PRINT.test(c));
  return printable ? `${hex} '${c}'` : hex;
}

/**
 * Decimal digits and exponent (of the first digit) of a finite positive float: the shortest
 * round-trip form, or `precision` significant digits rounded half-to-even on the exact binary
 * value as strconv does (JS's toExponential rounds ties up).
 */
function shortestDigits(v: number, precision?: number): { digits: string; exp: number } {
  if (precision === undefined) {
    const [mantissa, e] = v.toExponential().split("e") as [string, string];
    return { digits: mantissa.replace(".", ""), exp: Number(e) };
  }
  const exact = exactDecimal(v);
  const rounded = roundHalfEven(exact.digits, Math.max(precision, 1));
  return { digits: rounded.digits, exp: exact.point - 1 + rounded.carry };
}

/** The exact decimal expansion of a positive finite double: digits and decimal point position. */
function exactDecimal(v: number): { digits: string; point: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, v);
  const bits = view.getBigUint64(0);
  const rawExp = Number((bits >> 52n) & 0x7ffn);
  let mantissa = bits & ((1n << 52n) - 1n);
  let exp: number;
  if (rawExp === 0) exp = -1074;
  else {
    mantissa |= 1n << 52n;
    exp = rawExp - 1075;
  }
  let digits: string;
  let point: number;
  if (exp >= 0) {
    digits = (mantissa << BigInt(exp)).toString();
    point = digits.length;
  } else {
    digits = (mantissa * 5n ** BigInt(-exp)).toString();
    point = digits.length + exp;
  }
  const trimmed = digits.replace(/^0+/, "");
  point -= digits.length - trimmed.length;
  return { digits: trimmed.replace(/0+$/, "") || "0", point };
}

/** Keeps `n` digits, rounding half to even; `carry` is 1 when rounding added a digit. */
function roundHalfEven(digits: string, n: number): { digits: string; carry: number } {
  if (digits.length <= n) return { digits: digits.padEnd(n, "0"), carry: 0 };
  const next = digits.charCodeAt(n) - 48;
  const rest = digits.slice(n + 1);
  const lastOdd = n > 0 && (digits.charCodeAt(n - 1) - 48) % 2 === 1;
  const up = next > 5 || (next === 5 && (/[1-9]/.test(rest) || lastOdd));
  let kept = digits.slice(0, n);
  if (!up) return { digits: kept, carry: 0 };
  const arr = kept.split("").map(Number);
  let i = arr.length - 1;
  while (i >= 0 && arr[i] === 9) arr[i--] = 0;
  if (i < 0) {
    kept = "1" + arr.join("");
    return { digits: kept.slice(0, Math.max(n, 1)), carry: 1 };
  }
  arr[i]! += 1;
  return { digits: arr.join(""), carry: 0 };
}

function expString(exp: number): string {
  const sign = exp < 0 ? "-" : "+";
  return "e" + sign + String(Math.abs(exp)).padStart(2, "0");
}

/** strconv.FormatFloat(v, fmt, prec, 64) for fmt in e, f, g (lower case). */
function formatFloat(v: number, verb: "e" | "f" | "g", prec: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (!Number.isFinite(v)) return v > 0 ? "+Inf" : "-Inf";
  const neg = v < 0 || Object.is(v, -0);
  const sign = neg ? "-" : "";
  const a = Math.abs(v);
  if (verb === "f") {
    if (prec < 0) {
      if (a === 0) return sign + "0";
      const { digits, exp } = shortestDigits(a);
      return sign + fixedFromDigits(digits, exp);
    }
    if (a === 0) return sign + (prec > 0 ? "0." + "0".repeat(prec) : "0");
    const exact = exactDecimal(a);
    const keep = exact.point + prec;
    if (keep < 0) return sign + (prec > 0 ? "0." + "0".repeat(prec) : "0");
    const { digits, carry } = roundHalfEven(exact.digits, keep);
    const point = exact.point + carry;
    const intPart = point > 0 ? digits.slice(0, point) : "0";
    const frac = (point >= 0 ? digits.slice(point) : "0".repeat(-point) + digits).padEnd(prec, "0")
      .slice(0, prec);
    return sign + (intPart === "" ? "0" : intPart) + (prec > 0 ? "." + frac : "");
  }
  if (verb === "e") {
    if (a === 0) {
      return sign + (prec < 0 ? "0e+00" : (prec > 0 ? "0." + "0".repeat(prec) : "0") + "e+00");
    }
    const { digits, exp } = shortestDigits(a, prec < 0 ? undefined : prec + 1);
    const mant = digits.length > 1 ? digits[0] + "." + digits.slice(1) : digits;
    return sign + mant + expString(exp);
  }
  // 'g'
  if (a === 0) return sign + "0";
  const shortest = prec < 0;
  const rounded = shortestDigits(a, shortest ? undefined : Math.max(prec, 1));
  const e = rounded.exp;
  // %g drops trailing zeros.
  const digits = shortest ? rounded.digits : rounded.digits.replace(/0+$/, "") || "0";
  let eprec = shortest ? 6 : Math.max(prec, 1);
  const dp = e + 1;
  if (!shortest && eprec > digits.length && digits.length >= dp) eprec = digits.length;
  if (e < -4 || e >= eprec) {
    const mant = digits.length > 1 ? digits[0] + "." + digits.slice(1) : digits;
    return sign + mant + expString(e);
  }
  return sign + fixedFromDigits(digits, e);
}

function fixedFromDigits(digits: string, exp: number): string {
  const dp = exp + 1;
  if (dp <= 0) return "0." + "0".repeat(-dp) + digits;
  if (dp >= digits.length) return digits + "0".repeat(dp - digits.length);
  return digits.slice(0, dp) + "." + digits.slice(dp);
}

/** fmt's `%v` of any value. */
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
  if (structTypes.has(v as object)) {
    return "{" + Object.values(v as object).map(formatValue).join(" ") + "}";
  }
  if (v instanceof Uint8Array) return "[" + Array.from(v).join(" ") + "]";
  return "map[" +
    sortedEntries(v as Record<string, unknown>).map(([k, x]) =>
      formatValue(k) + ":" + formatValue(x)
    ).join(" ") + "]";
}

/** fmt.Sprint: operands are separated by a space when neither side is a string. */
export function sprint(args: readonly unknown[]): string {
  let out = "";
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (i > 0 && typeof a !== "string" && typeof args[i - 1] !== "string") out += " ";
    out += formatValue(a);
  }
  return out;
}

/** fmt.Sprintln. */
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
    if (structTypes.has(v)) {
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

/** fmt.Sprintf with the common verbs, flags, width and precision, and Go's error forms. */
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

// ---------------------------------------------------------------------------------------------
// Template builtins (text/template's own functions)

const ERR_BAD_TYPE = "invalid type for comparison";
const ERR_INCOMPATIBLE = "incompatible types for comparison";

type BasicKind = "bool" | "int" | "float" | "string" | "invalid" | "other";

function basicKind(v: unknown): BasicKind {
  switch (typeof v) {
    case "boolean":
      return "bool";
    case "number":
      return Number.isInteger(v) ? "int" : "float";
    case "bigint":
      return "int";
    case "string":
      return "string";
    case "undefined":
      return "invalid";
  }
  return v === null ? "invalid" : "other";
}

function sameNumberKind(a: BasicKind, b: BasicKind): boolean {
  return (a === "int" || a === "float") && (b === "int" || b === "float");
}

function eq(arg1: unknown, ...rest: unknown[]): boolean {
  if (rest.length === 0) throw new GoCallError("missing argument for comparison");
  const k1 = basicKind(arg1);
  for (const arg of rest) {
    const k2 = basicKind(arg);
    if (k1 !== k2 && !sameNumberKind(k1, k2)) {
      if (k1 !== "invalid" && k2 !== "invalid") throw new GoCallError(ERR_INCOMPATIBLE);
      continue;
    }
    if (k1 === "other") {
      if (typeof arg1 === "object" && arg1 !== null) {
        throw new GoCallError(sprintf("non-comparable type %s: %v", [arg1, goTypeName(arg1)]));
      }
      if (arg1 === arg) return true;
      continue;
    }
    if (k1 === "invalid") {
      if (k2 === "invalid") return true;
      continue;
    }
    // deno-lint-ignore eqeqeq
    if (arg1 == arg) return true;
  }
  return false;
}

function lt(a: unknown, b: unknown): boolean {
  const k1 = basicKind(a);
  const k2 = basicKind(b);
  if (k1 === "invalid" || k1 === "other" || k2 === "invalid" || k2 === "other") {
    throw new GoCallError(ERR_BAD_TYPE);
  }
  if (k1 !== k2 && !sameNumberKind(k1, k2)) throw new GoCallError(ERR_INCOMPATIBLE);
  if (k1 === "bool") throw new GoCallError(ERR_BAD_TYPE);
  if (k1 === "string") return compareGoStrings(a as string, b as string) < 0;
  return (a as number) < (b as number);
}

function goLen(v: unknown): number {
  if (v === undefined) throw new GoCallError("reflect: call of reflect.Value.Type on zero Value");
  if (v === null) throw new GoCallError("len of nil pointer");
  if (typeof v === "string") return byteLength(v);
  if (Array.isArray(v)) return v.length;
  if (v instanceof Map) return v.size;
  if (isMapLike(v) && !structTypes.has(v)) return Object.keys(v).length;
  throw new GoCallError(`len of type ${goTypeName(v)}`);
}

/** Maps built by sprig's `dict` are map[string]interface{}, whatever their values. */
const interfaceMaps = new WeakSet<object>();

function zeroOfElements(m: Map<unknown, unknown> | Record<string, unknown>): unknown {
  if (interfaceMaps.has(m)) return null;
  const values = m instanceof Map ? [...m.values()] : Object.values(m);
  if (values.length === 0 || values.every((x) => typeof x === "string")) return "";
  if (values.every((x) => typeof x === "number")) return 0;
  if (values.every((x) => typeof x === "boolean")) return false;
  return null;
}

function indexArg(index: unknown, len: number): number {
  if (index === undefined || index === null) {
    throw new GoCallError("cannot index slice/array with nil");
  }
  if (!isGoInt(index)) {
    throw new GoCallError(`cannot index slice/array with type ${goTypeName(index)}`);
  }
  const x = Number(index);
  if (x < 0 || x > len) throw new GoCallError(`index out of range: ${x}`);
  return x;
}

function goIndex(item: unknown, ...indexes: unknown[]): unknown {
  if (item === undefined || item === null) throw new GoCallError("index of untyped nil");
  let cur: unknown = item;
  for (const index of indexes) {
    if (cur === null || cur === undefined) throw new GoCallError("index of nil pointer");
    if (typeof cur === "string") {
      const bytes = encoder.encode(cur);
      const x = indexArg(index, bytes.length);
      if (x === bytes.length) throw new GoCallError(`index out of range: ${x}`);
      cur = bytes[x]!;
    } else if (Array.isArray(cur)) {
      const x = indexArg(index, cur.length);
      if (x === cur.length) throw new GoCallError(`index out of range: ${x}`);
      cur = cur[x] ?? null;
    } else if (isMapLike(cur) && !structTypes.has(cur)) {
      if (cur instanceof Map) {
        cur = cur.has(index) ? cur.get(index) : zeroOfElements(cur);
      } else {
        if (typeof index !== "string") {
          throw new GoCallError(`value has type ${goTypeName(index)}; should be string`);
        }
        cur = Object.hasOwn(cur, index) ? cur[index] : zeroOfElements(cur);
      }
    } else {
      throw new GoCallError(`can't index item of type ${goTypeName(cur)}`);
    }
  }
  return cur;
}

function goSlice(item: unknown, ...indexes: unknown[]): unknown {
  if (item === undefined || item === null) throw new GoCallError("slice of untyped nil");
  if (indexes.length > 3) throw new GoCallError(`too many slice indexes: ${indexes.length}`);
  let len: number;
  if (typeof item === "string") {
    if (indexes.length === 3) throw new GoCallError("cannot 3-index slice a string");
    len = byteLength(item);
  } else if (Array.isArray(item)) {
    len = item.length;
  } else {
    throw new GoCallError(`can't slice item of type ${goTypeName(item)}`);
  }
  const idx: [number, number] = [0, len];
  for (let i = 0; i < indexes.length && i < 2; i++) idx[i] = indexArg(indexes[i], len);
  if (idx[0]! > idx[1]!) throw new GoCallError(`invalid slice index: ${idx[0]} > ${idx[1]}`);
  return typeof item === "string" ? byteSlice(item, idx[0], idx[1]) : item.slice(idx[0], idx[1]);
}

function evalArgsString(args: readonly unknown[]): string {
  if (args.length === 1 && typeof args[0] === "string") return args[0];
  return sprint(args.map((a) => a === undefined ? null : a));
}

function htmlEscape(s: string): string {
  return s.replace(
    /[<>&'"\0]/g,
    (c) =>
      c === "<"
        ? "&lt;"
        : c === ">"
        ? "&gt;"
        : c === "&"
        ? "&amp;"
        : c === "'"
        ? "&#39;"
        : c === '"'
        ? "&#34;"
        : "\uFFFD",
  );
}

function jsEscape(s: string): string {
  let out = "";
  for (const c of s) {
    const cp = c.codePointAt(0)!;
    switch (c) {
      case "\\":
        out += "\\\\";
        break;
      case "'":
        out += "\\'";
        break;
      case '"':
        out += '\\"';
        break;
      case "<":
        out += "\\u003C";
        break;
      case ">":
        out += "\\u003E";
        break;
      case "&":
        out += "\\u0026";
        break;
      case "=":
        out += "\\u003D";
        break;
      default:
        if (cp < 0x20 || (cp >= 0x7f && !RE_PRINT.test(c))) {
          out += "\\u" + cp.toString(16).toUpperCase().padStart(4, "0");
        } else {
          out += c;
        }
    }
  }
  return out;
}

/** url.QueryEscape. */
function queryEscape(s: string): string {
  let out = "";
  for (const b of encoder.encode(s)) {
    const c = String.fromCharCode(b);
    if (/[A-Za-z0-9\-_.~]/.test(c)) out += c;
    else if (c === " ") out += "+";
    else out += "%" + b.toString(16).toUpperCase().padStart(2, "0");
  }
  return out;
}

/** The functions every Go template has; `and`/`or` are evaluated lazily by the engine. */
export const goBuiltins: Readonly<Record<string, GoFunction>> = {
  and: def(["value"], (a: unknown) => a, "value"),
  or: def(["value"], (a: unknown) => a, "value"),
  not: def(["value"], (a: unknown) => !isTrue(a)),
  len: def(["value"], goLen),
  index: def(["value"], goIndex, "value"),
  slice: def(["value"], goSlice, "value"),
  print: def([], (...a: unknown[]) => sprint(a), "any"),
  printf: def(["string"], (format: string, ...a: unknown[]) => sprintf(format, a), "any"),
  println: def([], (...a: unknown[]) => sprintln(a), "any"),
  html: def([], (...a: unknown[]) => htmlEscape(evalArgsString(a)), "any"),
  js: def([], (...a: unknown[]) => jsEscape(evalArgsString(a)), "any"),
  urlquery: def([], (...a: unknown[]) => queryEscape(evalArgsString(a)), "any"),
  eq: def(["value"], eq, "value"),
  ne: def(["value", "value"], (a: unknown, b: unknown) => !eq(a, b)),
  lt: def(["value", "value"], lt),
  le: def(["value", "value"], (a: unknown, b: unknown) => lt(a, b) || eq(a, b)),
  gt: def(["value", "value"], (a: unknown, b: unknown) => !(lt(a, b) || eq(a, b))),
  ge: def(["value", "value"], (a: unknown, b: unknown) => !lt(a, b)),
  call: def(["value"], (fn: unknown, ...args: unknown[]) => {
    if (typeof fn !== "function") {
      throw new GoCallError(`non-function of type ${goTypeName(fn)}`);
    }
    return (fn as (...a: unknown[]) => unknown)(...args);
  }, "value"),
};

// ---------------------------------------------------------------------------------------------
// sprig helpers

/** sprig's strval: strings as is, everything else through `%v`. */
function strval(v: unknown): string {
  return typeof v === "string" ? v : formatValue(v);
}

/** sprig's empty: the zero value of its type (structs are never empty). */
function empty(v: unknown): boolean {
  if (v === undefined || v === null) return true;
  if (typeof v === "object" && structTypes.has(v)) return false;
  if (typeof v === "function") return false;
  return !isTrue(v);
}

/** sprig's strslice. */
function strslice(v: unknown): string[] {
  if (Array.isArray(v)) {
    const out: string[] = [];
    for (const x of v) if (x !== null && x !== undefined) out.push(strval(x));
    return out;
  }
  if (v === null || v === undefined) return [];
  return [strval(v)];
}

function goRepeat(s: string, count: number): string {
  if (count < 0) throw new GoCallError("strings: negative Repeat count");
  return s.repeat(count);
}

/** strings.Replace(s, old, new, -1), including Go's behaviour for an empty `old`. */
function replaceAll(s: string, old: string, replacement: string): string {
  if (old !== "") return s.replaceAll(old, replacement);
  const runes = Array.from(s);
  return replacement + runes.join(replacement) + (runes.length > 0 ? replacement : "");
}

/** strings.Split, including Go's per-rune split for an empty separator. */
function goSplit(s: string, sep: string, n = -1): string[] {
  if (n === 0) return [];
  if (sep === "") {
    const runes = Array.from(s);
    if (n > 0 && runes.length > n) return [...runes.slice(0, n - 1), runes.slice(n - 1).join("")];
    return runes;
  }
  const parts = s.split(sep);
  if (n > 0 && parts.length > n) return [...parts.slice(0, n - 1), parts.slice(n - 1).join(sep)];
  return parts;
}

/** strings.Trim with a cutset. */
function trimCutset(s: string, cutset: string): string {
  if (s === "" || cutset === "") return s;
  const set = new Set(Array.from(cutset));
  const runes = Array.from(s);
  let start = 0;
  let end = runes.length;
  while (start < end && set.has(runes[start]!)) start++;
  while (end > start && set.has(runes[end - 1]!)) end--;
  return runes.slice(start, end).join("");
}

/** strings.TrimSpace. */
function trimSpace(s: string): string {
  const runes = Array.from(s);
  let start = 0;
  let end = runes.length;
  while (start < end && isGoSpace(runes[start]!)) start++;
  while (end > start && isGoSpace(runes[end - 1]!)) end--;
  return start === 0 && end === runes.length ? s : runes.slice(start, end).join("");
}

/** strings.Title: upper-cases the first letter of each word. */
function title(s: string): string {
  let prev = " ";
  let out = "";
  for (const c of s) {
    out += isTitleSeparator(prev) ? runeTitle(c) : c;
    prev = c;
  }
  return out;
}

function isTitleSeparator(c: string): boolean {
  const cp = c.codePointAt(0)!;
  if (cp <= 0x7f) {
    return !((c >= "0" && c <= "9") || (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") ||
      c === "_");
  }
  if (isLetter(c) || RE_DIGIT.test(c)) return false;
  return isGoSpace(c);
}

/** goutils.Uncapitalize: lower-cases the first rune after whitespace. */
function untitle(s: string): string {
  let next = true;
  let out = "";
  for (const c of s) {
    if (isGoSpace(c)) {
      next = true;
      out += c;
    } else if (next) {
      out += runeLower(c);
      next = false;
    } else {
      out += c;
    }
  }
  return out;
}

/** goutils.SwapCase. */
function swapcase(s: string): string {
  let whitespace = true;
  let out = "";
  for (const c of s) {
    if (isUpper(c) || RE_TITLE.test(c)) {
      out += runeLower(c);
      whitespace = false;
    } else if (isLower(c)) {
      out += whitespace ? runeTitle(c) : runeUpper(c);
      whitespace = false;
    } else {
      whitespace = isGoSpace(c);
      out += c;
    }
  }
  return out;
}

/**
 * goutils.DeleteWhiteSpace. It works on bytes, so when it removes anything, every byte of a
 * multi-byte character comes back as a separate Latin-1 character; aws-sso names depend on it.
 */
function nospace(s: string): string {
  if (s === "") return s;
  if (isAscii(s)) {
    return /[\t\n\v\f\r ]/.test(s) ? s.replace(/[\t\n\v\f\r ]/g, "") : s;
  }
  const bytes = encoder.encode(s);
  let out = "";
  let removed = false;
  for (const b of bytes) {
    if ((b >= 9 && b <= 13) || b === 32 || b === 0x85 || b === 0xa0) removed = true;
    else out += String.fromCharCode(b);
  }
  return removed ? out : s;
}

/** goutils.Initials: the first byte of each whitespace-separated word, as a Latin-1 rune. */
function initials(s: string): string {
  let out = "";
  let gap = true;
  for (const b of encoder.encode(s)) {
    if ((b >= 9 && b <= 13) || b === 32 || b === 0x85 || b === 0xa0) gap = true;
    else if (gap) {
      out += String.fromCharCode(b);
      gap = false;
    }
  }
  return out;
}

/** goutils.AbbreviateFull (byte based). */
function abbreviateFull(s: string, offset: number, maxWidth: number): string {
  if (s === "") return "";
  const len = byteLength(s);
  if (len <= maxWidth) return s;
  if (offset > len) offset = len;
  if (len - offset < maxWidth - 3) offset = len - (maxWidth - 3);
  if (offset <= 4) return byteSlice(s, 0, maxWidth - 3) + "...";
  if (offset + maxWidth - 3 < len) {
    return "..." + abbreviateFull(byteSlice(s, offset), 0, maxWidth - 3);
  }
  return "..." + byteSlice(s, len - (maxWidth - 3));
}

/** Go's string slicing panics, with the runtime's messages. */
function sliceBounds(s: string, start: number | undefined, end: number | undefined): string {
  const len = byteLength(s);
  if (start === undefined) {
    if (end! < 0) throw new GoCallError(`runtime error: slice bounds out of range [:${end}]`);
    if (end! > len) {
      throw new GoCallError(
        `runtime error: slice bounds out of range [:${end}] with length ${len}`,
      );
    }
    return byteSlice(s, 0, end);
  }
  if (end === undefined) {
    if (start < 0 || start > len) {
      throw new GoCallError(`runtime error: slice bounds out of range [${start}:${len}]`);
    }
    return byteSlice(s, start);
  }
  if (end > len) {
    throw new GoCallError(`runtime error: slice bounds out of range [:${end}] with length ${len}`);
  }
  if (start < 0 || start > end) {
    throw new GoCallError(`runtime error: slice bounds out of range [${start}:${end}]`);
  }
  return byteSlice(s, start, end);
}

// ------------------------------------------------------------------------------ xstrings v1.5

function isConnector(c: string): boolean {
  return c === "-" || c === "_" || isGoSpace(c);
}

/** xstrings' isAlphabet: a letter that is not a CJK ideograph. */
function isAlphabet(c: string): boolean {
  if (!isLetter(c)) return false;
  const cp = c.codePointAt(0)!;
  if (cp < 0x3400) return true;
  if (cp >= 0x4e00 && cp <= 0x9fcc) return false;
  if (cp >= 0x3400 && cp <= 0x4d85) return false;
  if (cp >= 0x20000 && cp <= 0x2b81d) return false;
  return true;
}

/** xstrings.ToPascalCase (sprig v3.3 `camelcase`). */
export function toPascalCase(s: string): string {
  const runes = Array.from(s);
  const n = runes.length;
  let out = "";
  let i = 0;
  while (i < n && isConnector(runes[i]!)) out += runes[i++];
  // xstrings writes the last rune once more when the string is all connectors ("_" -> "__").
  if (i === n) return n === 0 ? "" : out + runes[n - 1];
  let r0 = runes[i++]!;
  let wordStartsUpper = isUpper(r0);
  r0 = runeUpper(r0);
  while (i < n) {
    const r1 = r0;
    r0 = runes[i++]!;
    const c0 = isConnector(r0);
    const c1 = isConnector(r1);
    if (c0 && c1) {
      out += r1;
      continue;
    }
    if (c1) {
      wordStartsUpper = isUpper(r0);
      r0 = runeUpper(r0);
    } else {
      if (wordStartsUpper) {
        // An all-caps word keeps only its first capital ("GOLANG" -> "Golang").
        if (isUpper(r0)) r0 = runeLower(r0);
        else wordStartsUpper = false;
      }
      out += r1;
    }
  }
  return out + r0;
}

const enum W {
  Invalid,
  Number,
  Upper,
  Alphabet,
  Connector,
  Punct,
  Other,
}

/** Splits off the next word of `runes` from `start`: [type, end]. */
function nextWord(runes: readonly string[], start: number): [W, number] {
  const n = runes.length;
  if (start >= n) return [W.Invalid, start];
  const r = runes[start]!;
  let i = start + 1;
  if (isConnector(r)) {
    while (i < n && isConnector(runes[i]!)) i++;
    return [W.Connector, i];
  }
  if (isPunct(r)) {
    while (i < n && isPunct(runes[i]!)) i++;
    return [W.Punct, i];
  }
  if (isUpper(r)) {
    if (i >= n) return [W.Upper, i];
    const c = runes[i]!;
    if (isUpper(c)) {
      // A run of capitals; "HTTPServer" splits as "HTTP" + "Server".
      i++;
      while (i < n && isUpper(runes[i]!)) i++;
      if (i < n && isAlphabet(runes[i]!)) i--;
    } else if (isAlphabet(c)) {
      i++;
      while (i < n && isAlphabet(runes[i]!) && !isUpper(runes[i]!)) i++;
    }
    return [W.Upper, i];
  }
  if (isAlphabet(r)) {
    while (i < n && isAlphabet(runes[i]!) && !isUpper(runes[i]!)) i++;
    return [W.Alphabet, i];
  }
  if (isNumber(r)) {
    while (i < n && isNumber(runes[i]!)) i++;
    return [W.Number, i];
  }
  while (
    i < n && !isConnector(runes[i]!) && !isAlphabet(runes[i]!) && !isNumber(runes[i]!) &&
    !isPunct(runes[i]!)
  ) i++;
  return [W.Other, i];
}

/** xstrings.ToSnakeCase / ToKebabCase. */
export function toLowerWords(s: string, connector: string): string {
  if (s === "") return "";
  const runes = Array.from(s);
  let out = "";
  const write = (type: W, from: number, to: number) => {
    if (type !== W.Upper && type !== W.Connector) {
      for (let k = from; k < to; k++) out += runes[k];
      return;
    }
    for (let k = from; k < to; k++) {
      const c = runes[k]!;
      out += isConnector(c) ? connector : isUpper(c) ? runeLower(c) : c;
    }
  };
  // The word under the cursor: its type and [start, end) in runes.
  const w = { type: W.Invalid, start: 0, end: 0 };
  const advance = () => {
    w.start = w.end;
    [w.type, w.end] = nextWord(runes, w.start);
  };
  advance();
  // Read through a call: TypeScript would otherwise keep a narrowed type across advance().
  const type = (): W => w.type;
  const separates = (t: W) => t !== W.Invalid && t !== W.Punct && t !== W.Connector;
  const writeRun = () => {
    while (type() === W.Alphabet || type() === W.Number) {
      write(type(), w.start, w.end);
      advance();
    }
  };
  while (w.end < runes.length) {
    if (type() !== W.Connector) write(type(), w.start, w.end);
    const prevType = type();
    const prevStart = w.start;
    const prevEnd = w.end;
    advance();
    switch (prevType) {
      case W.Number:
        writeRun();
        if (separates(type())) out += connector;
        break;
      case W.Connector:
        write(prevType, prevStart, prevEnd);
        break;
      case W.Punct:
        break;
      default: {
        if (type() !== W.Number) {
          if (type() !== W.Connector && type() !== W.Punct) out += connector;
          break;
        }
        if (w.end >= runes.length) break;
        const numStart = w.start;
        const numEnd = w.end;
        advance();
        if (type() !== W.Alphabet) {
          // A number right after a word belongs to it ("Bld4Floor" -> "bld4_floor").
          write(W.Number, numStart, numEnd);
          if (type() !== W.Connector && type() !== W.Punct) out += connector;
          break;
        }
        // Letters after the number: the number starts a new word ("HTTP2xx" -> "http_2xx").
        out += connector;
        write(W.Number, numStart, numEnd);
        writeRun();
        if (separates(type())) out += connector;
      }
    }
  }
  write(w.type, w.start, w.end);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Numbers (spf13/cast semantics)

function underscoreOK(s: string): boolean {
  // Underscores may only separate digits, or follow a base prefix (Go's number syntax).
  let saw = "^";
  let i = 0;
  let hex = false;
  if (s.length >= 2 && s[0] === "0" && "bBoOxX".includes(s[1]!)) {
    i = 2;
    saw = "0";
    hex = s[1] === "x" || s[1] === "X";
  }
  for (; i < s.length; i++) {
    const c = s[i]!;
    if ((c >= "0" && c <= "9") || (hex && /[a-fA-F]/.test(c))) {
      saw = "0";
    } else if (c === "_") {
      if (saw !== "0") return false;
      saw = "_";
    } else {
      if (saw === "_") return false;
      saw = "!";
    }
  }
  return saw !== "_";
}

/**
 * strconv.ParseInt(s, 0, …) syntax without the range check: sign, `0x`/`0o`/`0b` prefixes,
 * leading-zero octal and underscores between digits.
 */
export function parseGoInteger(s: string): bigint | undefined {
  let body = s;
  let negative = false;
  if (body[0] === "+" || body[0] === "-") {
    negative = body[0] === "-";
    body = body.slice(1);
  }
  if (body === "" || !underscoreOK(body)) return undefined;
  let prefix = "";
  let digits = body;
  let valid = /^[0-9]+$/;
  if (/^0[xX]/.test(body)) {
    [prefix, digits, valid] = ["0x", body.slice(2), /^[0-9a-fA-F]+$/];
  } else if (/^0[oO]/.test(body)) {
    [prefix, digits, valid] = ["0o", body.slice(2), /^[0-7]+$/];
  } else if (/^0[bB]/.test(body)) {
    [prefix, digits, valid] = ["0b", body.slice(2), /^[01]+$/];
  } else if (body.length > 1 && body[0] === "0") {
    [prefix, digits, valid] = ["0o", body.slice(1), /^[0-7]+$/];
  }
  digits = digits.replaceAll("_", "");
  if (!valid.test(digits)) return undefined;
  const value = BigInt(prefix + digits);
  return negative ? -value : value;
}

const INT64_MIN = -(2n ** 63n);
const INT64_LIMIT = 2n ** 63n;

function parseIntBase0(s: string): bigint | undefined {
  const v = parseGoInteger(s);
  return v === undefined || v < INT64_MIN || v >= INT64_LIMIT ? undefined : v;
}

function trimZeroDecimal(s: string): string {
  let foundZero = false;
  for (let i = s.length; i > 0; i--) {
    const c = s[i - 1];
    if (c === ".") {
      if (foundZero) return s.slice(0, i - 1);
    } else if (c === "0") {
      foundZero = true;
    } else {
      return s;
    }
  }
  return s;
}

/** cast.ToInt64 as sprig uses it: anything unconvertible is 0. */
function toInt64(v: unknown): number {
  switch (typeof v) {
    case "number":
      return Number.isFinite(v) ? Math.trunc(v) : 0;
    case "bigint":
      return Number(v);
    case "boolean":
      return v ? 1 : 0;
    case "string": {
      const n = parseIntBase0(trimZeroDecimal(v));
      return n === undefined ? 0 : Number(n);
    }
  }
  return 0;
}

function toFloat64(v: unknown): number {
  switch (typeof v) {
    case "number":
      return v;
    case "bigint":
      return Number(v);
    case "boolean":
      return v ? 1 : 0;
    case "string": {
      const s = v.replaceAll("_", "");
      if (!/^[+-]?(\d+\.?\d*([eE][+-]?\d+)?|\.\d+([eE][+-]?\d+)?|[iI]nf(inity)?|NaN)$/.test(s)) {
        return 0;
      }
      return /inf/i.test(s) ? (s.startsWith("-") ? -Infinity : Infinity) : Number(s);
    }
  }
  return 0;
}

function atoi(s: string): number {
  if (!/^[+-]?\d+$/.test(s)) return 0;
  const v = BigInt(s);
  return v < -(2n ** 63n) || v >= 2n ** 63n ? 0 : Number(v);
}

function intDivide(a: number, b: number): number {
  if (b === 0) throw new GoCallError("runtime error: integer divide by zero");
  return Math.trunc(a / b);
}

function intModulo(a: number, b: number): number {
  if (b === 0) throw new GoCallError("runtime error: integer divide by zero");
  return a % b;
}

// ---------------------------------------------------------------------------------------------
// Regular expressions (Go RE2 syntax mapped onto JS)

const POSIX_CLASSES: Readonly<Record<string, string>> = {
  alnum: "0-9A-Za-z",
  alpha: "A-Za-z",
  ascii: "\\x00-\\x7F",
  blank: "\\t ",
  cntrl: "\\x00-\\x1F\\x7F",
  digit: "0-9",
  graph: "!-~",
  lower: "a-z",
  print: " -~",
  punct: "!-\\/:-@\\[-`{-~",
  space: "\\t\\n\\v\\f\\r ",
  upper: "A-Z",
  word: "0-9A-Za-z_",
  xdigit: "0-9A-Fa-f",
};

const regexCache = new Map<string, RegExp>();

/** Compiles a Go regexp; throws GoCallError with Go's message prefix when it is not valid. */
function compileRegex(pattern: string): RegExp {
  const cached = regexCache.get(pattern);
  if (cached) return cached;
  let flags = "g";
  let source = pattern;
  const lead = /^\(\?([imsU]+)\)/.exec(source);
  if (lead) {
    for (const f of lead[1]!) if (f !== "U" && !flags.includes(f)) flags += f;
    source = source.slice(lead[0].length);
  }
  source = source
    .replace(/\(\?P</g, "(?<")
    .replace(/\[:(\^?)([a-z]+):\]/g, (m, neg: string, name: string) => {
      const cls = POSIX_CLASSES[name];
      // A negated POSIX class has no JS spelling inside a bracket: leave it to fail to compile.
      return cls === undefined || neg ? m : cls;
    })
    .replace(/\\A/g, "^")
    .replace(/\\z/g, "$(?![\\s\\S])");
  let re: RegExp;
  try {
    re = new RegExp(source, flags + "u");
  } catch {
    try {
      re = new RegExp(source, flags);
    } catch (e) {
      throw new GoCallError(
        `regexp: Compile(\`${pattern}\`): error parsing regexp: ${(e as Error).message}`,
      );
    }
  }
  if (regexCache.size > 200) regexCache.clear();
  regexCache.set(pattern, re);
  return re;
}

/** All match positions, skipping empty matches right after a previous match (as Go does). */
function findAll(re: RegExp, s: string, n: number): RegExpExecArray[] {
  const out: RegExpExecArray[] = [];
  if (n === 0) return out;
  re.lastIndex = 0;
  let prevEnd = -1;
  while (re.lastIndex <= s.length) {
    const m = re.exec(s);
    if (!m) break;
    const end = m.index + m[0].length;
    if (m[0].length === 0) {
      const cp = s.codePointAt(m.index);
      re.lastIndex = m.index + (cp !== undefined && cp > 0xffff ? 2 : 1);
      if (m.index === prevEnd) continue;
    }
    out.push(m);
    prevEnd = end;
    if (n > 0 && out.length >= n) break;
  }
  return out;
}

/** regexp.Expand: `$1`, `${1}`, `$name`, `${name}`, `$$`. */
function expandTemplate(template: string, m: RegExpExecArray): string {
  let out = "";
  let i = 0;
  while (i < template.length) {
    const d = template.indexOf("$", i);
    if (d < 0) {
      out += template.slice(i);
      break;
    }
    out += template.slice(i, d);
    i = d + 1;
    if (template[i] === "$") {
      out += "$";
      i++;
      continue;
    }
    let name: string | undefined;
    if (template[i] === "{") {
      const close = template.indexOf("}", i);
      const inner = close < 0 ? "" : template.slice(i + 1, close);
      if (close >= 0 && /^[\p{L}\p{Nd}_]+$/u.test(inner)) {
        name = inner;
        i = close + 1;
      }
    } else {
      const mm = /^[\p{L}\p{Nd}_]+/u.exec(template.slice(i));
      if (mm) {
        name = mm[0];
        i += name.length;
      }
    }
    if (name === undefined) {
      out += "$";
      continue;
    }
    if (/^\d+$/.test(name) && !(name.length > 1 && name[0] === "0")) {
      const num = Number(name);
      out += num < m.length ? m[num] ?? "" : "";
    } else {
      out += m.groups?.[name] ?? "";
    }
  }
  return out;
}

function regexReplace(pattern: string, s: string, repl: string, literal: boolean): string {
  const re = compileRegex(pattern);
  let out = "";
  let last = 0;
  for (const m of findAll(re, s, -1)) {
    out += s.slice(last, m.index) + (literal ? repl : expandTemplate(repl, m));
    last = m.index + m[0].length;
  }
  return out + s.slice(last);
}

function regexSplit(pattern: string, s: string, n: number): string[] {
  if (n === 0) return [];
  const re = compileRegex(pattern);
  if (pattern.length > 0 && s.length === 0) return [""];
  const out: string[] = [];
  let beg = 0;
  let end = 0;
  for (const m of findAll(re, s, n)) {
    if (n > 0 && out.length === n - 1) break;
    end = m.index;
    if (m.index + m[0].length !== 0) out.push(s.slice(beg, end));
    beg = m.index + m[0].length;
  }
  if (end !== s.length) out.push(s.slice(beg));
  return out;
}

function regexQuoteMeta(s: string): string {
  return s.replace(/[\\.+*?()|[\]{}^$]/g, "\\$&");
}

// ---------------------------------------------------------------------------------------------
// Lists

function asList(v: unknown, fn: string): unknown[] {
  if (Array.isArray(v)) return v;
  throw new GoCallError(`Cannot find ${fn} on type ${kindName(v)}`);
}

function kindName(v: unknown): string {
  switch (typeof v) {
    case "string":
      return "string";
    case "number":
      return Number.isInteger(v) ? "int" : "float64";
    case "boolean":
      return "bool";
    case "function":
      return "func";
  }
  if (v === null || v === undefined) return "invalid";
  if (Array.isArray(v)) return "slice";
  return structTypes.has(v as object) ? "struct" : "map";
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  }
  if (isMapLike(a) && isMapLike(b)) {
    const ea = sortedEntries(a);
    const eb = sortedEntries(b);
    return ea.length === eb.length &&
      ea.every(([k, v], i) => k === eb[i]![0] && deepEqual(v, eb[i]![1]));
  }
  return false;
}

function dict(...v: unknown[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  interfaceMaps.add(out);
  for (let i = 0; i < v.length; i += 2) {
    out[strval(v[i])] = i + 1 < v.length ? v[i + 1] : "";
  }
  return out;
}

function until(count: number): number[] {
  const out: number[] = [];
  const step = count < 0 ? -1 : 1;
  for (let i = 0; step > 0 ? i < count : i > count; i += step) out.push(i);
  return out;
}

function b64enc(s: string): string {
  let bin = "";
  for (const b of encoder.encode(s)) bin += String.fromCharCode(b);
  return btoa(bin);
}

function b64dec(s: string): string {
  // base64.StdEncoding is strict: padding required, no stray characters.
  const bad = s.search(/[^A-Za-z0-9+/=]/);
  const shape = /^([A-Za-z0-9+/]{4})*([A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
  if (bad >= 0 || !shape.test(s)) {
    const at = bad >= 0 ? bad : s.indexOf("=") >= 0 ? s.indexOf("=") : s.length - (s.length % 4);
    return `illegal base64 data at input byte ${at}`;
  }
  return decoder.decode(Uint8Array.from(atob(s), (c) => c.charCodeAt(0)));
}

// ---------------------------------------------------------------------------------------------
// The function map for ProfileFormat

function firstItem(...items: string[]): string {
  for (const s of items) if (s !== "") return s;
  return "";
}

function accountIdStr(id: number): string {
  const digits = String(Math.abs(id)).padStart(id < 0 ? 11 : 12, "0");
  return id < 0 ? "-" + digits : digits;
}

const S = "string" as const;
const I = "int" as const;
const A = "any" as const;

/** sprig v3 functions (the deterministic ones aws-sso users reach for) plus aws-sso's own. */
export const profileFunctionMap: Readonly<Record<string, GoFunction>> = {
  // aws-sso custom functions.
  AccountIdStr: def(["int64"], accountIdStr),
  EmptyString: def([S], (s: string) => s === ""),
  FirstItem: def([], firstItem, S),
  StringsJoin: def(
    [S],
    (sep: string, ...items: string[]) => items.filter((s) => s !== "").join(sep),
    S,
  ),
  StringReplace: def(
    [S, S, S],
    (search: string, repl: string, s: string) => replaceAll(s, search, repl),
  ),

  // Strings.
  hello: def([], () => "Hello!"),
  abbrev: def([I, S], (width: number, s: string) => width < 4 ? s : abbreviateFull(s, 0, width)),
  abbrevboth: def(
    [I, I, S],
    (left: number, right: number, s: string) =>
      right < 4 || (left > 0 && right < 7) ? s : abbreviateFull(s, left, right),
  ),
  trunc: def([I, S], (c: number, s: string) => {
    const len = byteLength(s);
    if (c < 0 && len + c > 0) return byteSlice(s, len + c);
    if (c >= 0 && len > c) return byteSlice(s, 0, c);
    return s;
  }),
  trim: def([S], trimSpace),
  upper: def([S], goUpper),
  lower: def([S], goLower),
  title: def([S], title),
  untitle: def([S], untitle),
  substr: def([I, I, S], (start: number, end: number, s: string) => {
    if (start < 0) return sliceBounds(s, undefined, end);
    if (end < 0 || end > byteLength(s)) return sliceBounds(s, start, undefined);
    return sliceBounds(s, start, end);
  }),
  repeat: def([I, S], (count: number, s: string) => goRepeat(s, count)),
  trimall: def([S, S], (cutset: string, s: string) => trimCutset(s, cutset)),
  trimAll: def([S, S], (cutset: string, s: string) => trimCutset(s, cutset)),
  trimSuffix: def(
    [S, S],
    (suffix: string, s: string) =>
      suffix !== "" && s.endsWith(suffix) ? s.slice(0, s.length - suffix.length) : s,
  ),
  trimPrefix: def(
    [S, S],
    (prefix: string, s: string) => s.startsWith(prefix) ? s.slice(prefix.length) : s,
  ),
  nospace: def([S], nospace),
  initials: def([S], initials),
  swapcase: def([S], swapcase),
  snakecase: def([S], (s: string) => toLowerWords(s, "_")),
  camelcase: def([S], toPascalCase),
  kebabcase: def([S], (s: string) => toLowerWords(s, "-")),
  contains: def([S, S], (substr: string, s: string) => s.includes(substr)),
  hasPrefix: def([S, S], (prefix: string, s: string) => s.startsWith(prefix)),
  hasSuffix: def([S, S], (suffix: string, s: string) => s.endsWith(suffix)),
  quote: def(
    [],
    (...v: unknown[]) =>
      v.filter((x) => x !== null && x !== undefined).map((x) => goQuote(strval(x))).join(" "),
    A,
  ),
  squote: def(
    [],
    (...v: unknown[]) =>
      v.filter((x) => x !== null && x !== undefined).map((x) => `'${formatValue(x)}'`).join(" "),
    A,
  ),
  cat: def(
    [],
    (...v: unknown[]) => v.filter((x) => x !== null && x !== undefined).map(formatValue).join(" "),
    A,
  ),
  indent: def([I, S], (n: number, s: string) => {
    const padding = goRepeat(" ", n);
    return padding + s.replaceAll("\n", "\n" + padding);
  }),
  nindent: def([I, S], (n: number, s: string) => {
    const padding = goRepeat(" ", n);
    return "\n" + padding + s.replaceAll("\n", "\n" + padding);
  }),
  replace: def(
    [S, S, S],
    (old: string, replacement: string, s: string) => replaceAll(s, old, replacement),
  ),
  plural: def([S, S, I], (one: string, many: string, count: number) => count === 1 ? one : many),
  toString: def([A], strval),
  b64enc: def([S], b64enc),
  b64dec: def([S], b64dec),

  // Conversions and arithmetic.
  atoi: def([S], atoi),
  int: def([A], toInt64),
  int64: def([A], toInt64),
  float64: def([A], toFloat64),
  add1: def([A], (i: unknown) => toInt64(i) + 1),
  add: def([], (...v: unknown[]) => v.reduce<number>((sum, x) => sum + toInt64(x), 0), A),
  sub: def([A, A], (a: unknown, b: unknown) => toInt64(a) - toInt64(b)),
  div: def([A, A], (a: unknown, b: unknown) => intDivide(toInt64(a), toInt64(b))),
  mod: def([A, A], (a: unknown, b: unknown) => intModulo(toInt64(a), toInt64(b))),
  mul: def(
    [A],
    (a: unknown, ...v: unknown[]) => v.reduce<number>((p, x) => p * toInt64(x), toInt64(a)),
    A,
  ),
  max: def(
    [A],
    (a: unknown, ...v: unknown[]) =>
      v.reduce<number>((m, x) => Math.max(m, toInt64(x)), toInt64(a)),
    A,
  ),
  biggest: def(
    [A],
    (a: unknown, ...v: unknown[]) =>
      v.reduce<number>((m, x) => Math.max(m, toInt64(x)), toInt64(a)),
    A,
  ),
  min: def(
    [A],
    (a: unknown, ...v: unknown[]) =>
      v.reduce<number>((m, x) => Math.min(m, toInt64(x)), toInt64(a)),
    A,
  ),
  until: def([I], until),

  // Defaults and flow.
  default: def(
    [A],
    (d: unknown, ...given: unknown[]) => given.length === 0 || empty(given[0]) ? d : given[0],
    A,
  ),
  empty: def([A], empty),
  coalesce: def([], (...v: unknown[]) => v.find((x) => !empty(x)) ?? null, A),
  all: def([], (...v: unknown[]) => v.every((x) => !empty(x)), A),
  any: def([], (...v: unknown[]) => v.some((x) => !empty(x)), A),
  ternary: def([A, A, "bool"], (vt: unknown, vf: unknown, cond: boolean) => cond ? vt : vf),
  fail: def([S], (msg: string): never => {
    throw new GoCallError(msg);
  }),

  // Lists and dicts. sprig's slice replaces Go's builtin of the same name.
  slice: def([A], (list: unknown, ...indices: unknown[]) => {
    if (!Array.isArray(list)) {
      throw new GoCallError(`list should be type of slice or array but ${kindName(list)}`);
    }
    if (list.length === 0) return null;
    const start = indices.length > 0 ? toInt64(indices[0]) : 0;
    const end = indices.length > 1 ? toInt64(indices[1]) : list.length;
    if (start < 0 || end < start || end > list.length) {
      throw new GoCallError("reflect.Value.Slice: slice index out of bounds");
    }
    return list.slice(start, end);
  }, A),
  list: def([], (...v: unknown[]) => v.map((x) => x === undefined ? null : x), A),
  tuple: def([], (...v: unknown[]) => v.map((x) => x === undefined ? null : x), A),
  dict: def([], dict, A),
  join: def([S, A], (sep: string, v: unknown) => strslice(v).join(sep)),
  split: def(
    [S, S],
    (sep: string, s: string) => Object.fromEntries(goSplit(s, sep).map((p, i) => ["_" + i, p])),
  ),
  splitn: def(
    [S, I, S],
    (sep: string, n: number, s: string) =>
      Object.fromEntries(goSplit(s, sep, n).map((p, i) => ["_" + i, p])),
  ),
  splitList: def([S, S], (sep: string, s: string) => goSplit(s, sep)),
  toStrings: def([A], strslice),
  sortAlpha: def(
    [A],
    (v: unknown) => Array.isArray(v) ? strslice(v).sort(compareGoStrings) : [strval(v)],
  ),
  first: def([A], (v: unknown) => {
    const l = asList(v, "first");
    return l.length === 0 ? null : l[0];
  }),
  last: def([A], (v: unknown) => {
    const l = asList(v, "last");
    return l.length === 0 ? null : l[l.length - 1];
  }),
  rest: def([A], (v: unknown) => {
    const l = asList(v, "rest");
    return l.length === 0 ? null : l.slice(1);
  }),
  initial: def([A], (v: unknown) => {
    const l = asList(v, "initial");
    return l.length === 0 ? null : l.slice(0, -1);
  }),
  reverse: def([A], (v: unknown) => [...asList(v, "reverse")].reverse()),
  uniq: def([A], (v: unknown) => {
    const out: unknown[] = [];
    for (const x of asList(v, "uniq")) if (!out.some((y) => deepEqual(x, y))) out.push(x);
    return out;
  }),
  compact: def([A], (v: unknown) => asList(v, "compact").filter((x) => !empty(x))),
  has: def([A, A], (needle: unknown, haystack: unknown) => {
    if (haystack === null || haystack === undefined) return false;
    return asList(haystack, "has").some((x) => deepEqual(x, needle));
  }),

  // Regular expressions.
  regexMatch: def([S, S], (re: string, s: string) => {
    try {
      const r = compileRegex(re);
      r.lastIndex = 0;
      return r.test(s);
    } catch {
      return false;
    }
  }),
  regexFind: def([S, S], (re: string, s: string) => findAll(compileRegex(re), s, 1)[0]?.[0] ?? ""),
  regexFindAll: def(
    [S, S, I],
    (re: string, s: string, n: number) => findAll(compileRegex(re), s, n).map((m) => m[0]),
  ),
  regexReplaceAll: def(
    [S, S, S],
    (re: string, s: string, repl: string) => regexReplace(re, s, repl, false),
  ),
  regexReplaceAllLiteral: def(
    [S, S, S],
    (re: string, s: string, repl: string) => regexReplace(re, s, repl, true),
  ),
  regexSplit: def([S, S, I], regexSplit),
  regexQuoteMeta: def([S], regexQuoteMeta),
};
