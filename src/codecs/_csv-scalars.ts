// Owns how one CSV field reads as a scalar: pandas' missing-value words, integer/float/bool tokens,
// Python's int()/float() acceptance for error wording, and Python's repr of a string.

/** pandas' default NA strings (pandas._libs.parsers.STR_NA_VALUES); quoting does not matter. */
export const NA_STRINGS: ReadonlySet<string> = new Set([
  '', '#N/A', '#N/A N/A', '#NA', '-1.#IND', '-1.#QNAN', '-NaN', '-nan', '1.#IND', '1.#QNAN',
  '<NA>', 'N/A', 'NA', 'NULL', 'NaN', 'None', 'n/a', 'nan', 'null',
]);

/** True when pandas reads the field as missing. */
export function isNa(s: string): boolean {
  return s.length === 0 || (s.length <= 8 && NA_STRINGS.has(s));
}

/** C `isspace` in the ASCII range: space, \t, \n, \v, \f, \r. */
function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/**
 * The value of an integer token as pandas' `str_to_int64` accepts it (surrounding ASCII blanks,
 * optional sign, decimal digits), or NaN when the text is not one. Beyond 2^53 the result is only
 * approximate: callers re-read such tokens with BigInt.
 */
export function parseIntToken(s: string): number {
  const n = s.length;
  let i = 0;
  while (i < n && isSpace(s.charCodeAt(i))) i++;
  let neg = false;
  let c = s.charCodeAt(i);
  if (c === 45 || c === 43) {
    neg = c === 45;
    i++;
  }
  const digitsStart = i;
  let v = 0;
  while (i < n && isDigit((c = s.charCodeAt(i)))) {
    v = v * 10 + (c - 48);
    i++;
  }
  const digits = i - digitsStart;
  if (digits === 0) return NaN;
  while (i < n && isSpace(s.charCodeAt(i))) i++;
  if (i !== n) return NaN;
  if (digits > 15) v = Number(s); // exact up to 2^53, correctly rounded beyond
  if (!Number.isFinite(v)) return NaN; // past any int or double: the column is object
  return neg && digits <= 15 ? -v : v;
}

/** True when `s` equals one of pandas' infinity words, ignoring case (parsers.pyx `_try_double`). */
function infinity(s: string): number {
  const n = s.length;
  if (n < 3 || n > 9) return NaN;
  const l = s.toLowerCase();
  if (l === 'inf' || l === '+inf' || l === 'infinity' || l === '+infinity') return Infinity;
  if (l === '-inf' || l === '-infinity') return -Infinity;
  return NaN;
}

/**
 * The value of a float token as pandas' `precise_xstrtod` accepts it (blanks around, sign, digits
 * with an optional `.`, at least one digit, optional exponent; `1e`, `.` and `1_0` are not numbers),
 * or one of `inf`/`Infinity` with optional sign in any case; NaN when the text is not a number.
 */
export function parseFloatToken(s: string): number {
  const n = s.length;
  let i = 0;
  while (i < n && isSpace(s.charCodeAt(i))) i++;
  let c = s.charCodeAt(i);
  if (c === 45 || c === 43) c = s.charCodeAt(++i);
  let digits = 0;
  while (isDigit(c)) {
    digits++;
    c = s.charCodeAt(++i);
  }
  if (c === 46) {
    c = s.charCodeAt(++i);
    while (isDigit(c)) {
      digits++;
      c = s.charCodeAt(++i);
    }
  }
  if (digits === 0) return infinity(s);
  if (c === 101 || c === 69) {
    let j = i + 1;
    let d = s.charCodeAt(j);
    if (d === 45 || d === 43) d = s.charCodeAt(++j);
    if (isDigit(d)) {
      while (isDigit(s.charCodeAt(j))) j++;
      i = j;
    }
  }
  while (i < n && isSpace(s.charCodeAt(i))) i++;
  if (i !== n) return infinity(s);
  const x = Number(s); // same grammar, already checked; JS rounds correctly
  // Past the largest double the C parser reports a range error: not a float (the column is object).
  return Number.isFinite(x) ? x : NaN;
}

/** True for `true`/`false` in any case: pandas' default true/false values plus `to_boolean`. */
export function isBoolWord(s: string): boolean {
  const n = s.length;
  if (n === 4) return s === 'True' || s === 'true' || s === 'TRUE' || s.toLowerCase() === 'true';
  if (n === 5) return s === 'False' || s === 'false' || s === 'FALSE' || s.toLowerCase() === 'false';
  return false;
}

/** The value of a bool word (see isBoolWord). */
export function boolWordValue(s: string): boolean {
  return s.length === 4;
}

const PY_INT = /^[+-]?\d(?:_?\d)*$/;
const PY_FLOAT = /^[+-]?(?:(?:\d(?:_?\d)*(?:\.(?:\d(?:_?\d)*)?)?|\.\d(?:_?\d)*)(?:[eE][+-]?\d(?:_?\d)*)?|inf|infinity|nan)$/i;

/** True when Python's `int(s)` accepts the text (underscores between digits, blanks around). */
export function pythonIntAccepts(s: string): boolean {
  return PY_INT.test(s.trim());
}

/** True when Python's `float(s)` accepts the text (also `nan`, `1_000`, unicode blanks around). */
export function pythonFloatAccepts(s: string): boolean {
  return PY_FLOAT.test(s.trim());
}

/**
 * Python's `repr()` of a str, as it appears in ValueError messages (`'x'`, `"it's"`); at most
 * `max` characters (CPython's `%.200R`), so that a huge cell never makes a huge message.
 */
export function pyRepr(s: string, max = 200): string {
  const q = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = q;
  for (const ch of s.length > max ? s.slice(0, max) : s) {
    const c = ch.codePointAt(0)!;
    if (ch === q || ch === '\\') out += '\\' + ch;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (c < 0x20 || c === 0x7f) out += '\\x' + c.toString(16).padStart(2, '0');
    else out += ch;
  }
  out += q;
  return out.length > max ? out.slice(0, max) : out;
}
