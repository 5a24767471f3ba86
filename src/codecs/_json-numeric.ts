// Owns the single-pass scanner from request bytes to typed numbers for the common all-numbers
// bodies (`{"inputs": [[1.5, 2], ...]}` or `instances`, `{"dataframe_split": {"columns": [...], "data": [[...]]}}`):
// no text decoding, no JS arrays of boxed numbers. It accepts only a strict subset of what the
// general parser accepts and gives up (undefined) at the first thing outside it: strings where
// numbers go, null, NaN/Infinity, objects, escapes, non-ASCII, ragged or empty arrays, other keys,
// integers past 15 digits, whitespace other than JSON's four. The general path then decodes the
// body and words any error, so answers and errors stay what they were.

import { decimalToDouble, MAX_DECIMAL_DIGITS } from './_decimal.js';

/** A rectangular n-d array of plain JSON numbers, row-major. */
export interface NumericArray {
  /** Dimensions (each at least 1). */
  readonly shape: readonly number[];
  /** The numbers, as JSON.parse reads them (an integer literal `-0` is +0, as Python's int 0). */
  readonly values: Float64Array;
  /** `floatAt[j]`: some number at position j of the innermost arrays was a float literal (`.` or exponent). */
  readonly floatAt: Uint8Array;
}

/** What the scanner recognised: the body's one format key and its numbers. */
export type NumericBody =
  | { readonly format: 'inputs' | 'instances'; readonly array: NumericArray }
  | {
      readonly format: 'dataframe_split';
      /** `columns` (plain strings), when given. */
      readonly columns: readonly string[] | undefined;
      /** Length of `index`, when given. */
      readonly indexLength: number | undefined;
      /** `data`: always 2-d here (rows of numbers). */
      readonly data: NumericArray;
    };

/** Most dimensions the scanner follows (numpy's limit is 64; deeper bodies take the general path). */
const MAX_DIMS = 32;
/** Values allocated before the first innermost array closes (then sized from its bytes; grows by doubling). */
const INITIAL_CAPACITY = 1024;

// Character codes.
const SPACE = 32, TAB = 9, LF = 10, CR = 13;
const QUOTE = 34, COMMA = 44, MINUS = 45, DOT = 46, COLON = 58;
const LBRACKET = 91, RBRACKET = 93, LBRACE = 123, RBRACE = 125;
const PLUS = 43, ZERO = 48, NINE = 57, LOWER_E = 101, UPPER_E = 69;

const INPUTS = bytesOf('inputs');
const INSTANCES = bytesOf('instances');
const DATAFRAME_SPLIT = bytesOf('dataframe_split');
const COLUMNS = bytesOf('columns');
const DATA = bytesOf('data');
const INDEX = bytesOf('index');

function bytesOf(s: string): Uint8Array {
  return Uint8Array.from(s, (c) => c.charCodeAt(0));
}

/** Thrown (and caught inside this module only) the moment the body leaves the recognised subset. */
class Decline {}
const DECLINE = new Decline();

class Scanner {
  private readonly b: Uint8Array;
  private readonly n: number;
  private i = 0;
  /** Set by `number()`: the literal had a fraction or an exponent. */
  private isFloat = false;
  /** Set by `key()`: index just past the key's last byte. */
  private keyEnd = 0;

  constructor(b: Uint8Array) {
    this.b = b;
    this.n = b.length;
  }

  body(maxDepth: number, arrays: boolean): NumericBody {
    if (maxDepth < 1) throw DECLINE;
    this.ws();
    this.expect(LBRACE);
    this.ws();
    const key = this.key();
    let body: NumericBody;
    if (arrays && this.same(key, INPUTS)) body = { format: 'inputs', array: this.array(maxDepth - 1) };
    else if (arrays && this.same(key, INSTANCES)) body = { format: 'instances', array: this.array(maxDepth - 1) };
    else if (this.same(key, DATAFRAME_SPLIT)) {
      body = this.split(maxDepth - 1);
    } else throw DECLINE;
    this.ws();
    this.expect(RBRACE);
    this.ws();
    if (this.i !== this.n) throw DECLINE;
    return body;
  }

  /** `{"columns": [...], "data": [[...]], "index": [...]}` in any order, each key at most once. */
  private split(maxDepth: number): NumericBody {
    if (maxDepth < 1) throw DECLINE;
    this.expect(LBRACE);
    this.ws();
    let columns: string[] | undefined;
    let indexLength: number | undefined;
    let data: NumericArray | undefined;
    for (;;) {
      const key = this.key();
      if (this.same(key, DATA) && data === undefined) {
        data = this.array(maxDepth - 1);
        if (data.shape.length !== 2) throw DECLINE;
      } else if (this.same(key, COLUMNS) && columns === undefined) columns = this.strings();
      else if (this.same(key, INDEX) && indexLength === undefined) indexLength = this.indexLength();
      else throw DECLINE;
      this.ws();
      const c = this.b[this.i++];
      if (c === RBRACE) break;
      if (c !== COMMA) throw DECLINE;
      this.ws();
    }
    if (data === undefined) throw DECLINE;
    return { format: 'dataframe_split', columns, indexLength, data };
  }

  /**
   * A rectangular array of numbers at `this.i`, nested at most `maxDepth` deep. One pass: the
   * first array closed at each level fixes that level's length, every later one must match.
   */
  private array(maxDepth: number): NumericArray {
    const b = this.b;
    const dims = Math.min(maxDepth, MAX_DIMS);
    const shape: number[] = [];
    const counts: number[] = [];
    let leafDepth = 0; // depth of the innermost arrays, once the first number is seen
    let depth = 0;
    let values: Float64Array = new Float64Array(Math.min(INITIAL_CAPACITY, (this.n >> 1) + 1));
    let floatAt: Uint8Array = new Uint8Array(16);
    let k = 0;
    const start = this.i;
    this.expect(LBRACKET);
    depth = 1;
    counts[0] = 0;
    for (;;) {
      // A value at `depth`: an array (above the leaves) or a number (at the leaves).
      this.ws();
      const c = b[this.i];
      if (c === LBRACKET) {
        if (depth === leafDepth || depth >= dims) throw DECLINE;
        this.i++;
        counts[depth++] = 0;
        continue;
      }
      if (leafDepth === 0) leafDepth = depth;
      else if (depth !== leafDepth) throw DECLINE;
      const v = this.number();
      if (k === values.length) values = grow(values, this.n);
      values[k++] = v;
      if (this.isFloat) {
        const j = counts[depth - 1];
        if (j >= floatAt.length) floatAt = growBytes(floatAt, j);
        floatAt[j] = 1;
      }
      // After a value: `,` (next value at this depth) or `]` (close arrays upwards).
      for (;;) {
        this.ws();
        const d = b[this.i++];
        counts[depth - 1]++;
        if (d === COMMA) break;
        if (d !== RBRACKET) throw DECLINE;
        const len = counts[depth - 1];
        if (shape.length < depth) shape.length = depth;
        if (shape[depth - 1] === undefined) {
          shape[depth - 1] = len;
          // The first innermost array: size the storage for as many as the rest of the body holds at its density.
          if (depth === leafDepth && depth > 1) values = resize(values, Math.ceil(((this.n - start) / (this.i - start)) * k * 1.1) + 16, this.n);
        } else if (shape[depth - 1] !== len) throw DECLINE;
        if (--depth === 0) {
          const flags = new Uint8Array(shape[leafDepth - 1]);
          flags.set(floatAt.subarray(0, flags.length));
          return { shape, values: k === values.length ? values : values.slice(0, k), floatAt: flags };
        }
      }
    }
  }

  /**
   * A JSON number at `this.i` (`-?(0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?`), as JSON.parse reads it;
   * sets `isFloat`. Declines anything else, and integers past 15 digits (bigint territory).
   */
  private number(): number {
    const b = this.b;
    const start = this.i;
    let i = start;
    let c = b[i];
    const neg = c === MINUS;
    if (neg) c = b[++i];
    let hi = 0; // first 15 significant digits
    let lo = 0; // the next ones, up to 4
    let loDigits = 0;
    let sig = 0; // significant digits seen
    let e10 = 0; // the power of ten of the last digit kept
    if (c === ZERO) c = b[++i];
    else if (c >= 49 && c <= NINE) {
      do {
        if (sig < 15) hi = hi * 10 + (c - ZERO);
        else if (sig < MAX_DECIMAL_DIGITS) (lo = lo * 10 + (c - ZERO)), loDigits++;
        else e10++;
        sig++;
        c = b[++i];
      } while (c >= ZERO && c <= NINE);
    } else throw DECLINE;
    let isFloat = false;
    if (c === DOT) {
      c = b[++i];
      if (!(c >= ZERO && c <= NINE)) throw DECLINE; // `1.` is not a number (the general path words the error)
      isFloat = true;
      do {
        if (sig === 0 && c === ZERO) e10--; // a leading zero of the fraction
        else {
          if (sig < 15) (hi = hi * 10 + (c - ZERO)), e10--;
          else if (sig < MAX_DECIMAL_DIGITS) (lo = lo * 10 + (c - ZERO)), loDigits++, e10--;
          sig++;
        }
        c = b[++i];
      } while (c >= ZERO && c <= NINE);
    }
    if (c === LOWER_E || c === UPPER_E) {
      c = b[++i];
      const eneg = c === MINUS;
      if (eneg || c === PLUS) c = b[++i];
      if (!(c >= ZERO && c <= NINE)) throw DECLINE;
      isFloat = true;
      let exp = 0;
      do {
        if (exp < 100000) exp = exp * 10 + (c - ZERO);
        c = b[++i];
      } while (c >= ZERO && c <= NINE);
      e10 += eneg ? -exp : exp;
    }
    this.i = i;
    this.isFloat = isFloat;
    if (!isFloat) {
      if (sig > 15) throw DECLINE;
      return neg ? 0 - hi : hi; // `-0` is the int 0
    }
    let v: number;
    if (sig === 0) v = 0;
    else if (sig > MAX_DECIMAL_DIGITS) v = NaN;
    else v = decimalToDouble(hi, lo, loDigits, e10);
    // Out of the fast method's reach (rare): the text, as JSON.parse would read it.
    if (v !== v) return Number(latin1(b, start, i));
    return neg ? -v : v;
  }

  /** `[ "a", "b" ]`: plain printable-ASCII strings without escapes; at least one. */
  private strings(): string[] {
    this.expect(LBRACKET);
    const out: string[] = [];
    for (;;) {
      this.ws();
      out.push(this.plainString());
      this.ws();
      const c = this.b[this.i++];
      if (c === RBRACKET) return out;
      if (c !== COMMA) throw DECLINE;
    }
  }

  /** The length of `index`: a non-empty array of numbers or plain strings (the values are not used). */
  private indexLength(): number {
    this.expect(LBRACKET);
    let len = 0;
    for (;;) {
      this.ws();
      if (this.b[this.i] === QUOTE) this.plainString();
      else this.number();
      len++;
      this.ws();
      const c = this.b[this.i++];
      if (c === RBRACKET) return len;
      if (c !== COMMA) throw DECLINE;
    }
  }

  /** A `"string"` of printable ASCII without escapes. */
  private plainString(): string {
    const start = this.skipPlainString();
    return latin1(this.b, start, this.i - 1);
  }

  /** `"key"` `:`, leaving `this.i` at the value; returns the key's first byte (its end is `keyEnd`). */
  private key(): number {
    const start = this.skipPlainString();
    this.keyEnd = this.i - 1;
    this.ws();
    this.expect(COLON);
    this.ws();
    return start;
  }

  /** Moves past a `"string"` of printable ASCII without escapes; returns the index of its first character. */
  private skipPlainString(): number {
    const b = this.b;
    this.expect(QUOTE);
    const start = this.i;
    let i = start;
    for (let c = b[i]; c !== QUOTE; c = b[++i]) if (!(c >= SPACE && c < 127) || c === 92) throw DECLINE;
    this.i = i + 1;
    return start;
  }

  private same(start: number, name: Uint8Array): boolean {
    if (this.keyEnd - start !== name.length) return false;
    for (let j = 0; j < name.length; j++) if (this.b[start + j] !== name[j]) return false;
    return true;
  }

  private expect(code: number): void {
    if (this.b[this.i] !== code) throw DECLINE;
    this.i++;
  }

  private ws(): void {
    const b = this.b;
    const n = this.n;
    let i = this.i;
    // Bounded: a read past the end would deoptimise the scanner once per process.
    for (let c; i < n && ((c = b[i]) === SPACE || c === LF || c === CR || c === TAB); i++);
    this.i = i;
  }
}

function latin1(b: Uint8Array, start: number, end: number): string {
  let s = '';
  for (let j = start; j < end; j++) s += String.fromCharCode(b[j]);
  return s;
}

/** A copy with twice the room. */
function grow(values: Float64Array, bodyBytes: number): Float64Array {
  return resize(values, values.length * 2, bodyBytes);
}

/** A copy with room for `capacity` values, but never more than the body can hold (a number and a comma per two bytes). */
function resize(values: Float64Array, capacity: number, bodyBytes: number): Float64Array {
  const next = new Float64Array(Math.max(values.length + 1, Math.min(capacity, (bodyBytes >> 1) + 1)));
  next.set(values);
  return next;
}

function growBytes(flags: Uint8Array, index: number): Uint8Array {
  const next = new Uint8Array(Math.max(index + 1, flags.length * 2));
  next.set(flags);
  return next;
}

/**
 * Scans a JSON request body of one of the recognised all-numbers shapes into typed numbers, or
 * returns undefined when the body is anything else (the caller decodes it the general way).
 * `maxDepth` is the nesting limit the general parser applies: deeper bodies are declined.
 * `arrays` false: `inputs` and `instances` bodies are declined at their key (only `dataframe_split` is read).
 */
export function scanNumericBody(body: Uint8Array, maxDepth: number, arrays = true): NumericBody | undefined {
  try {
    return new Scanner(body).body(maxDepth, arrays);
  } catch (err) {
    if (err === DECLINE) return undefined;
    throw err;
  }
}
