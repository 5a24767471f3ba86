// Owns JSON request parsing with Python `json.loads` semantics (spec §2.1): encoding detection,
// int/float distinction (float marks, bigints), NaN/Infinity, last-duplicate-wins, and Python's
// error messages and positions.

import { copyFloatMark, hasFloatMarks, isMarkedFloat, markFloat } from '../data/float-hint.js';
import { isIndexKey, orderedKeys, recordKeyOrder } from './json-text.js';
import { JsonDecodeError, decodeBody } from './_json-body.js';
import { decimalToDouble } from './_decimal.js';

export { JsonDecodeError };

/**
 * Default maximum nesting of arrays and objects: Python's recursion limit, where `json.loads` in
 * MLflow fails too. Deeper input is rejected, so that no code after the parser recurses deeper.
 */
export const MAX_JSON_DEPTH = 1000;

/** Hand-written scanner mirroring CPython's `_json.c` (same acceptance, messages and positions). */
class Parser {
  private readonly s: string;
  private readonly n: number;
  private readonly maxDepth: number;
  /** Index just past the last value parsed. */
  private i = 0;
  /** Set when the last value parsed was an integral float literal its container must mark. */
  private floatFlag = false;

  constructor(text: string, maxDepth: number) {
    this.s = text;
    this.n = text.length;
    this.maxDepth = maxDepth;
  }

  /**
   * Iterative (explicit stack) so that nesting depth is bounded by MAX_JSON_DEPTH, not by the
   * call stack. `keys[d]` is the pending key of an object level, null for an array level.
   */
  parseDocument(): unknown {
    const s = this.s;
    const stack: (unknown[] | Record<string, unknown>)[] = [];
    const keys: (string | null)[] = [];
    // Source key order of each object level, once it has an integer-like key (see orderedKeys).
    const orders: (string[] | undefined)[] = [];
    let i = this.ws(0);
    let value: unknown;
    for (;;) {
      const c = s.charCodeAt(i);
      if (c === 91 || c === 123) {
        if (stack.length >= this.maxDepth) throw this.err(`Nesting deeper than ${this.maxDepth} levels`, i);
        i = this.ws(i + 1);
        if (c === 91) {
          if (s.charCodeAt(i) !== 93) {
            stack.push([]);
            keys.push(null);
            orders.push(undefined);
            continue;
          }
          value = [];
        } else {
          if (s.charCodeAt(i) !== 125) {
            stack.push({});
            keys.push(this.key(i));
            orders.push(undefined);
            i = this.i;
            continue;
          }
          value = {};
        }
        i++;
      } else {
        value = this.value(i);
        i = this.i;
      }
      // Attach `value` to its container, then read `,` (next value) or closers (attach upwards).
      for (;;) {
        const d = stack.length - 1;
        if (d < 0) {
          const end = this.ws(i);
          if (end !== this.n) throw this.err('Extra data', end);
          return value;
        }
        const key = keys[d];
        if (key === null) this.push(stack[d] as unknown[], value);
        else {
          const obj = stack[d] as Record<string, unknown>;
          let order = orders[d];
          if (order === undefined && isIndexKey(key)) {
            order = orders[d] = Object.keys(obj); // no index keys yet: this is insertion order
            recordKeyOrder(obj, order);
          }
          if (order !== undefined && !Object.hasOwn(obj, key)) order.push(key);
          const next = this.set(obj, key, value);
          if (next !== obj) {
            stack[d] = next;
            if (order !== undefined) recordKeyOrder(next, order);
          }
        }
        i = this.ws(i);
        const c2 = s.charCodeAt(i);
        if (c2 === 44) {
          i = this.ws(i + 1);
          if (key !== null) {
            keys[d] = this.key(i);
            i = this.i;
          }
          break;
        }
        if (c2 !== (key === null ? 93 : 125)) throw this.err("Expecting ',' delimiter", i);
        value = stack.pop();
        keys.pop();
        orders.pop();
        i++;
      }
    }
  }

  private push(arr: unknown[], v: unknown): void {
    if (this.floatFlag) {
      markFloat(arr, arr.length);
      this.floatFlag = false;
    }
    arr.push(v);
  }

  private set(obj: Record<string, unknown>, key: string, v: unknown): Record<string, unknown> {
    if (this.floatFlag) {
      this.floatFlag = false;
      setProp(obj, key, v);
      markFloat(obj, key);
      return obj;
    }
    // A duplicate key replacing a marked float must drop the mark: rebuild (rare).
    if (hasFloatMarks(obj) && isMarkedFloat(obj, key)) obj = withoutMark(obj, key);
    setProp(obj, key, v);
    return obj;
  }

  /** Reads `"key"` `:` at `i`; leaves `this.i` at the start of the value. */
  private key(i: number): string {
    if (this.s.charCodeAt(i) !== 34) throw this.err('Expecting property name enclosed in double quotes', i);
    const key = this.string(i + 1);
    i = this.ws(this.i);
    if (this.s.charCodeAt(i) !== 58) throw this.err("Expecting ':' delimiter", i);
    this.i = this.ws(i + 1);
    return key;
  }

  private err(msg: string, index: number): JsonDecodeError {
    return new JsonDecodeError(msg, this.s, index);
  }

  private ws(i: number): number {
    const s = this.s;
    for (let c; i < this.n && ((c = s.charCodeAt(i)) === 32 || c === 10 || c === 13 || c === 9); i++);
    return i;
  }

  /** A scalar (string, number, literal) at `i`; containers are handled by `parseDocument`. */
  private value(i: number): unknown {
    const s = this.s;
    const c = s.charCodeAt(i); // NaN past the end: falls through to the error
    if (c === 34) return this.string(i + 1);
    if ((c >= 48 && c <= 57) || c === 45) {
      if (c === 45 && s.startsWith('-Infinity', i)) return this.constant(-Infinity, i + 9);
      return this.number(i);
    }
    if (c === 110 && s.startsWith('null', i)) return this.constant(null, i + 4);
    if (c === 116 && s.startsWith('true', i)) return this.constant(true, i + 4);
    if (c === 102 && s.startsWith('false', i)) return this.constant(false, i + 5);
    if (c === 78 && s.startsWith('NaN', i)) return this.constant(NaN, i + 3);
    if (c === 73 && s.startsWith('Infinity', i)) return this.constant(Infinity, i + 8);
    throw this.err('Expecting value', i);
  }

  private constant<T>(v: T, end: number): T {
    this.i = end;
    return v;
  }

  /** `-?(0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?`, as CPython's `_match_number_unicode`. */
  private number(start: number): number | bigint {
    const s = this.s;
    const n = this.n;
    let i = start;
    let c = s.charCodeAt(i);
    const neg = c === 45;
    if (neg) c = s.charCodeAt(++i);
    let mant = 0;
    let digits = 0;
    if (c === 48) {
      i++;
      digits = 1;
    } else if (c >= 49 && c <= 57) {
      do {
        mant = mant * 10 + (c - 48);
        digits++;
      } while (++i < n && (c = s.charCodeAt(i)) >= 48 && c <= 57);
    } else {
      throw this.err('Expecting value', start);
    }
    let isFloat = false;
    let frac = 0;
    if (i + 1 < n && s.charCodeAt(i) === 46 && (c = s.charCodeAt(i + 1)) >= 48 && c <= 57) {
      isFloat = true;
      i++;
      do {
        mant = mant * 10 + (c - 48);
        frac++;
      } while (++i < n && (c = s.charCodeAt(i)) >= 48 && c <= 57);
    }
    let exp = 0;
    if (i + 1 < n && ((c = s.charCodeAt(i)) === 101 || c === 69)) {
      let j = i + 1;
      c = s.charCodeAt(j);
      const eneg = c === 45;
      if (eneg || c === 43) j++;
      const first = j;
      for (; j < n && (c = s.charCodeAt(j)) >= 48 && c <= 57; j++) if (exp < 1e6) exp = exp * 10 + (c - 48);
      if (j > first) {
        isFloat = true;
        if (eneg) exp = -exp;
        i = j;
      } else {
        exp = 0; // no digits: the exponent is not part of the number (CPython backtracks)
      }
    }
    this.i = i;
    if (!isFloat) {
      if (digits <= 15) return neg ? 0 - mant : mant; // 0 - 0 is +0: `-0` is the int 0
      const text = s.slice(start, i);
      const v = Number(text);
      return Number.isSafeInteger(v) ? v : BigInt(text);
    }
    const e10 = exp - frac;
    // Up to 15 digits `mant` is exact: the decimal reader rounds it correctly or says it cannot (NaN).
    let v = digits + frac <= 15 ? decimalToDouble(mant, 0, 0, e10) : NaN;
    if (v !== v) v = Number(s.slice(start, i));
    else if (neg) v = -v;
    if (Number.isInteger(v)) this.floatFlag = true;
    return v;
  }

  private string(start: number): string {
    const s = this.s;
    for (let i = start; i < this.n; i++) {
      const c = s.charCodeAt(i);
      if (c === 34) {
        this.i = i + 1;
        return s.slice(start, i);
      }
      if (c === 92) return this.escapedString(start, i);
      if (c < 32) throw this.err('Invalid control character at', i);
    }
    throw this.err('Unterminated string starting at', start - 1);
  }

  private escapedString(start: number, i: number): string {
    const s = this.s;
    const n = this.n;
    let out = '';
    let run = start;
    while (i < n) {
      const c = s.charCodeAt(i);
      if (c === 34) {
        this.i = i + 1;
        return out + s.slice(run, i);
      }
      if (c < 32) throw this.err('Invalid control character at', i);
      if (c !== 92) {
        i++;
        continue;
      }
      out += s.slice(run, i);
      if (i + 1 >= n) break;
      const e = s.charCodeAt(i + 1);
      if (e === 117) {
        if (i + 6 >= n) throw this.err('Invalid \\uXXXX escape', i + 1);
        const hi = this.hex4(i + 2);
        i += 6;
        out += String.fromCharCode(hi);
        // A high surrogate followed by `\u` + low surrogate is one character (CPython joins them).
        if (hi >= 0xd800 && hi <= 0xdbff && i + 6 < n && s.charCodeAt(i) === 92 && s.charCodeAt(i + 1) === 117) {
          const lo = this.hex4(i + 2);
          if (lo >= 0xdc00 && lo <= 0xdfff) {
            out += String.fromCharCode(lo);
            i += 6;
          }
        }
      } else {
        const ch = ESCAPES[e];
        if (ch === undefined) throw this.err('Invalid \\escape', i);
        out += ch;
        i += 2;
      }
      run = i;
    }
    throw this.err('Unterminated string starting at', start - 1);
  }

  private hex4(i: number): number {
    let v = 0;
    for (let k = i; k < i + 4; k++) {
      const c = this.s.charCodeAt(k);
      const d = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : c >= 65 && c <= 70 ? c - 55 : -1;
      if (d < 0) throw this.err('Invalid \\uXXXX escape', i - 1);
      v = v * 16 + d;
    }
    return v;
  }
}

const ESCAPES: (string | undefined)[] = [];
ESCAPES[34] = '"';
ESCAPES[92] = '\\';
ESCAPES[47] = '/';
ESCAPES[98] = '\b';
ESCAPES[102] = '\f';
ESCAPES[110] = '\n';
ESCAPES[114] = '\r';
ESCAPES[116] = '\t';

/** Sets an own data property; `__proto__` must not reach the prototype setter. */
function setProp(obj: Record<string, unknown>, key: string, v: unknown): void {
  if (key === '__proto__') Object.defineProperty(obj, key, { value: v, writable: true, enumerable: true, configurable: true });
  else obj[key] = v;
}

/** A copy of `obj` (same key order and marks) without the float mark on `key`. */
function withoutMark(obj: Record<string, unknown>, key: string): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (const k of orderedKeys(obj)) {
    setProp(copy, k, obj[k]);
    if (k !== key) copyFloatMark(obj, k, copy, k);
  }
  return copy;
}

/**
 * Parses a request body like Python's `json.loads`. Integers become numbers (bigint beyond 2^53-1),
 * integral float literals (`1.0`, `2e3`) are float-marked in their container, `NaN`/`Infinity`
 * are accepted. Throws JsonDecodeError with Python's message and position, or (kind `encoding`)
 * when the bytes cannot be decoded.
 */
export function parseJson(body: Uint8Array | string, maxDepth: number = MAX_JSON_DEPTH): unknown {
  let text: string;
  if (typeof body === 'string') {
    if (body.charCodeAt(0) === 0xfeff) throw new JsonDecodeError('Unexpected UTF-8 BOM (decode using utf-8-sig)', body, 0);
    text = body;
  } else {
    text = decodeBody(body);
  }
  return new Parser(text, maxDepth).parseDocument();
}
