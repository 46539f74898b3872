/**
 * Go's `strconv` for the engine: quoting and unquoting string and character literals, integer
 * and float literal syntax, and float formatting with Go's shortest and half-to-even rounding.
 *
 * @module
 */

import { isPrint } from "./_unicode.ts";

/**
 * strconv.Quote (or QuoteToASCII when `ascii`).
 *
 * @example
 * ```ts
 * goQuote("a\tb"); // "\"a\\tb\""
 * ```
 */
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
    else if (cp >= 0x80 && !ascii && isPrint(c)) out += c;
    else if (cp < 0x10000) out += "\\u" + cp.toString(16).padStart(4, "0");
    else out += "\\U" + cp.toString(16).padStart(8, "0");
  }
  return out + '"';
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

/**
 * strconv.FormatFloat(v, fmt, prec, 64) for fmt in e, f, g (lower case); `prec` -1 is shortest.
 *
 * @example
 * ```ts
 * formatFloat(2.5, "f", 0); // "2" (half to even)
 * ```
 */
export function formatFloat(v: number, verb: "e" | "f" | "g", prec: number): string {
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

const SIMPLE_ESCAPES: Readonly<Record<string, number>> = {
  a: 7,
  b: 8,
  f: 12,
  n: 10,
  r: 13,
  t: 9,
  v: 11,
  "\\": 92,
};

/**
 * Go's strconv.Unquote for a "…" or `…` literal; throws "invalid syntax" on a bad escape.
 *
 * @example
 * ```ts
 * unquoteGoString('"a\\x41"'); // "aA"
 * ```
 */
export function unquoteGoString(quoted: string): string {
  if (quoted.startsWith("`")) return quoted.slice(1, -1).replaceAll("\r", "");
  const body = quoted.slice(1, -1);
  if (!body.includes("\\")) return body;
  return decodeEscapes(body, '"');
}

function decodeEscapes(body: string, quote: string): string {
  const bytes: number[] = [];
  const encoder = new TextEncoder();
  const pushString = (s: string) => {
    for (const b of encoder.encode(s)) bytes.push(b);
  };
  let i = 0;
  while (i < body.length) {
    const c = body[i]!;
    if (c !== "\\") {
      const cp = body.codePointAt(i)!;
      const ch = String.fromCodePoint(cp);
      pushString(ch);
      i += ch.length;
      continue;
    }
    const e = body[i + 1];
    i += 2;
    if (e === undefined) throw new Error("invalid syntax");
    if (e in SIMPLE_ESCAPES) {
      bytes.push(SIMPLE_ESCAPES[e]!);
    } else if (e === quote) {
      bytes.push(quote.charCodeAt(0));
    } else if (e === "x" || e === "u" || e === "U") {
      const len = e === "x" ? 2 : e === "u" ? 4 : 8;
      const hex = body.slice(i, i + len);
      if (hex.length !== len || !/^[0-9a-fA-F]+$/.test(hex)) throw new Error("invalid syntax");
      i += len;
      const v = parseInt(hex, 16);
      if (e === "x") {
        bytes.push(v);
      } else {
        if (v > 0x10ffff || (v >= 0xd800 && v < 0xe000)) throw new Error("invalid syntax");
        pushString(String.fromCodePoint(v));
      }
    } else if (e >= "0" && e <= "7") {
      const oct = body.slice(i - 1, i + 2);
      if (!/^[0-7]{3}$/.test(oct)) throw new Error("invalid syntax");
      const v = parseInt(oct, 8);
      if (v > 255) throw new Error("invalid syntax");
      bytes.push(v);
      i += 2;
    } else {
      throw new Error("invalid syntax");
    }
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
}

/** The code point of a Go character literal such as `'a'` or `'\x41'`; throws when malformed. */
export function unquoteChar(text: string): number {
  const body = text.slice(1, -1);
  if (body.length === 0) throw new Error("empty");
  if (body[0] !== "\\") {
    const cp = body.codePointAt(0)!;
    if (String.fromCodePoint(cp).length !== body.length) throw new Error("multi");
    return cp;
  }
  const decoded = decodeEscapes(body, "'");
  const cp = decoded.codePointAt(0);
  if (cp === undefined || String.fromCodePoint(cp).length !== decoded.length) {
    throw new Error("multi");
  }
  // \x and octal escapes denote a byte value, not a UTF-8 sequence.
  if (/^\\(x|[0-7])/.test(body)) return parseInt(body.slice(2), body[1] === "x" ? 16 : 8);
  return cp;
}

// Go's float literal syntax, underscores and hex floats included.
const FLOAT_SYNTAX =
  /^[+-]?(([0-9][0-9_]*)?\.?[0-9_]*([eE][+-]?[0-9_]+)?|0[xX][0-9a-fA-F_]*\.?[0-9a-fA-F_]*[pP][+-]?[0-9_]+|[iI]nf(inity)?|NaN)$/;

/** strconv.ParseFloat syntax (without range errors); `undefined` when `text` is not a float. */
export function parseGoFloat(text: string): number | undefined {
  if (!FLOAT_SYNTAX.test(text) || !/[0-9]|Inf|NaN/i.test(text)) return undefined;
  const clean = text.replaceAll("_", "");
  if (/^[+-]?0[xX]/.test(clean)) {
    const m = /^([+-]?)0[xX]([0-9a-fA-F]*)\.?([0-9a-fA-F]*)[pP]([+-]?[0-9]+)$/.exec(clean);
    if (!m) return undefined;
    const mantissa = parseInt((m[2] ?? "") + (m[3] ?? ""), 16);
    const value = mantissa * Math.pow(2, Number(m[4]) - 4 * (m[3] ?? "").length);
    return m[1] === "-" ? -value : value;
  }
  if (/^[+-]?\.?([eE]|$)/.test(clean)) return undefined;
  const v = Number(clean);
  return Number.isNaN(v) && !/NaN/.test(clean) ? undefined : v;
}

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
