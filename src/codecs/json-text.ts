// Owns JSON text output with Python `json.dumps` defaults (spec §4.3): `", "`/`": "` separators,
// ensure_ascii escaping, Python float repr with NaN/Infinity tokens, ints in full.

import { isIndexKey, orderedKeys, recordKeyOrder } from '../data/key-order.js';
import { floatRepr } from '../data/pyrepr.js';
import { hasFloatMarks, isMarkedFloat } from '../data/float-hint.js';
import { isPlainObject } from '../data/pytype.js';

/** Python JSON text of a float: `repr`, except `NaN`, `Infinity`, `-Infinity`. */
export function floatJson(x: number): string {
  if (x !== x) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  return floatRepr(x);
}

/**
 * Python JSON text of a JS number: an int when integral, exactly representable and not
 * `isFloat` (a float mark); otherwise a float (`1.0`, `0.5`, `-0.0`, `1e+20`).
 */
export function numberJson(x: number, isFloat: boolean): string {
  if (!isFloat && Number.isSafeInteger(x) && (x !== 0 || 1 / x > 0)) return String(x);
  return floatJson(x);
}

// Escapes of the ASCII range; undefined means the character is written as is.
const ASCII_ESCAPES: (string | undefined)[] = Array.from({ length: 128 }, (_, c) =>
  c >= 0x20 && c < 0x7f ? undefined : '\\u' + c.toString(16).padStart(4, '0'),
);
Object.assign(ASCII_ESCAPES, { 8: '\\b', 9: '\\t', 10: '\\n', 12: '\\f', 13: '\\r', 34: '\\"', 92: '\\\\' });

/**
 * A JSON string literal with `ensure_ascii=True`: `"` and `\` escaped, `\b\f\n\r\t` by name,
 * everything else outside 0x20–0x7E as lowercase `\uXXXX` (astral characters as surrogate pairs).
 */
export function quoteJson(s: string): string {
  let out = '';
  let run = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x20 && c < 0x7f && c !== 34 && c !== 92) continue;
    out += s.slice(run, i) + (c < 128 ? ASCII_ESCAPES[c] : '\\u' + c.toString(16).padStart(4, '0'));
    run = i + 1;
  }
  return run === 0 ? '"' + s + '"' : '"' + out + s.slice(run) + '"';
}

/** Name of a value's type for "not JSON serializable" messages (`Set`, `function`, `Foo`). */
export function typeName(v: unknown): string {
  if (typeof v !== 'object' || v === null) return typeof v;
  return (v as { constructor?: { name?: string } }).constructor?.name || 'object';
}

/** How a JsonWriter handles values that are not JSON-like. */
export interface JsonWriterOptions {
  /** Appends a non-JSON-like object (Tensor, Buffer, ...) and returns true, or returns false. */
  extend?: (writer: JsonWriter, value: object) => boolean;
  /** The error thrown for `value`; `problem` is `is not JSON serializable`, `contains a circular reference`, ... */
  fail?: (value: unknown, problem: string) => Error;
}

const MAX_DEPTH = 10_000;
// Cycles make nesting unbounded, so ancestors are only searched past this depth.
const CYCLE_CHECK_DEPTH = 64;

function defaultFail(value: unknown, problem: string): Error {
  return new TypeError(`Object of type ${typeName(value)} ${problem}`);
}

/** Appends JSON text to `out`; plain values natively, other objects through `options.extend`. */
export class JsonWriter {
  /** The text written so far. */
  out = '';
  private readonly extend?: (writer: JsonWriter, value: object) => boolean;
  private readonly makeError: (value: unknown, problem: string) => Error;
  private readonly ancestors: object[] = [];

  constructor(options: JsonWriterOptions = {}) {
    this.extend = options.extend;
    this.makeError = options.fail ?? defaultFail;
  }

  /** Appends any value; a number prints as a float when `isFloat` or when not an exact integer. */
  value(v: unknown, isFloat = false): void {
    switch (typeof v) {
      case 'string':
        this.out += quoteJson(v);
        return;
      case 'number':
        this.out += numberJson(v, isFloat);
        return;
      case 'boolean':
        this.out += v ? 'true' : 'false';
        return;
      case 'bigint':
        this.out += v.toString();
        return;
      case 'undefined':
        this.out += 'null';
        return;
      case 'object':
        if (v === null) this.out += 'null';
        else if (Array.isArray(v)) this.array(v);
        else if (isPlainObject(v)) this.object(v as Record<string, unknown>);
        else if (!this.extend?.(this, v)) throw this.fail(v, 'is not JSON serializable');
        return;
      default:
        throw this.fail(v, 'is not JSON serializable');
    }
  }

  /** The error to throw for `value` (see `JsonWriterOptions.fail`). */
  fail(value: unknown, problem: string): Error {
    return this.makeError(value, problem);
  }

  /** Appends `container[key]`, honouring its float mark. */
  valueAt(container: object, key: string | number, v: unknown): void {
    if (typeof v === 'number') this.out += numberJson(v, isMarkedFloat(container, key));
    else this.value(v);
  }

  /** Tracks `container` while its contents are written: detects cycles and excessive depth. */
  enter(container: object): void {
    const stack = this.ancestors;
    if (stack.length >= CYCLE_CHECK_DEPTH && stack.includes(container)) throw this.fail(container, 'contains a circular reference');
    if (stack.length >= MAX_DEPTH) throw this.fail(container, `is nested deeper than ${MAX_DEPTH} levels`);
    stack.push(container);
  }

  /** Ends the container opened by the last `enter`. */
  leave(): void {
    this.ancestors.pop();
  }

  private array(a: readonly unknown[]): void {
    this.enter(a);
    const marked = hasFloatMarks(a);
    // Numbers are appended to a local string (the common all-numeric row stays in registers).
    let out = this.out + '[';
    for (let i = 0; i < a.length; i++) {
      if (i > 0) out += ', ';
      const x = a[i];
      if (typeof x === 'number') {
        out += numberJson(x, marked && Number.isInteger(x) && isMarkedFloat(a, i));
      } else {
        this.out = out;
        this.value(x);
        out = this.out;
      }
    }
    this.out = out + ']';
    this.leave();
  }

  private object(o: Record<string, unknown>): void {
    this.enter(o);
    const marked = hasFloatMarks(o);
    let sep = '{';
    for (const k of orderedKeys(o)) {
      this.out += sep + quoteJson(k) + ': ';
      sep = ', ';
      const x = o[k];
      if (typeof x === 'number') this.out += numberJson(x, marked && isMarkedFloat(o, k));
      else this.value(x);
    }
    this.out += sep === '{' ? '{}' : '}';
    this.leave();
  }
}


/**
 * Python `json.dumps(value)` with default settings for JSON-like values (null, booleans, numbers
 * with float marks, bigints, strings, arrays, plain objects; undefined as null). Throws TypeError
 * (`Object of type X is not JSON serializable`) for anything else.
 */
export function writeJson(value: unknown): string {
  const w = new JsonWriter();
  w.value(value);
  return w.out;
}

export { isIndexKey, orderedKeys, recordKeyOrder };
