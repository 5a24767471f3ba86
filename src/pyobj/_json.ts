// Owns parsing JSON the way Python's json module reads it, for skops schemas: object keys in
// document order (JSON.parse puts integer-like keys first), numbers with their int/float kind
// and exact big ints, NaN/Infinity, iteratively (no recursion), with a depth bound.

import { PickleError } from './errors.js';

/** A JSON value: objects are `JsonObject`s (ordered), numbers are `JsonNumber`s in `exact` mode. */
export type JsonValue = null | boolean | number | string | JsonNumber | JsonValue[] | JsonObject;

/** An object with its keys in document order. */
export class JsonObject extends Map<string, JsonValue> {}

/** A number with the kind Python's json would give it. */
export class JsonNumber {
  constructor(
    /** The value: a number, or a bigint for ints beyond 2^53. */
    readonly value: number | bigint,
    /** True for a float literal (with `.`, `e`, or NaN/Infinity). */
    readonly isFloat: boolean,
  ) {}
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|NaN|-?Infinity|true|false|null/y;

/**
 * Parses `text`. With `exact`, numbers are `JsonNumber`s; otherwise plain numbers (ints beyond
 * 2^53 rounded). `maxDepth` bounds nesting.
 */
export function parseJson(text: string, options: { exact?: boolean; maxDepth: number }): JsonValue {
  let i = 0;
  const fail = (what: string): never => {
    throw new PickleError(`Invalid JSON: ${what} at character ${i}`);
  };
  const ws = (): void => {
    for (let c = text.charCodeAt(i); c === 32 || c === 10 || c === 13 || c === 9; c = text.charCodeAt(++i));
  };
  const str = (): string => {
    const start = i++;
    for (;;) {
      if (i >= text.length) fail('unterminated string');
      const c = text.charCodeAt(i);
      if (c === 34) break;
      i += c === 92 ? 2 : 1;
    }
    i++;
    try {
      return JSON.parse(text.slice(start, i)) as string;
    } catch {
      return fail('bad string');
    }
  };
  const scalar = (): JsonValue => {
    if (text[i] === '"') return str();
    NUMBER.lastIndex = i;
    const m = NUMBER.exec(text);
    if (!m) return fail('unexpected character');
    i += m[0].length;
    const w = m[0];
    if (w === 'true' || w === 'false') return w === 'true';
    if (w === 'null') return null;
    const isFloat = /[.eEN]|Infinity/.test(w);
    const value = w === 'NaN' ? NaN : w.endsWith('Infinity') ? (w[0] === '-' ? -Infinity : Infinity) : Number(w);
    if (!options.exact) return value;
    return !isFloat && !Number.isSafeInteger(value) ? new JsonNumber(BigInt(w), false) : new JsonNumber(value, isFloat);
  };

  const stack: (JsonValue[] | JsonObject)[] = [];
  const keys: (string | null)[] = [];
  let result: JsonValue = null;
  const put = (v: JsonValue): void => {
    const top = stack[stack.length - 1];
    if (top === undefined) result = v;
    else if (Array.isArray(top)) top.push(v);
    else top.set(keys[keys.length - 1]!, v);
  };
  const key = (): void => {
    ws();
    if (text[i] !== '"') fail('expected a key');
    keys[keys.length - 1] = str();
    ws();
    if (text[i++] !== ':') fail("expected ':'");
  };
  let expectValue = true;
  for (;;) {
    ws();
    if (expectValue) {
      const c = text[i];
      if (c === '[' || c === '{') {
        if (stack.length >= options.maxDepth) fail(`nesting deeper than ${options.maxDepth}`);
        i++;
        const container = c === '[' ? [] : new JsonObject();
        put(container);
        stack.push(container);
        keys.push(null);
        ws();
        if (text[i] === (c === '[' ? ']' : '}')) {
          i++;
          stack.pop();
          keys.pop();
          expectValue = false;
        } else if (c === '{') key();
        continue;
      }
      put(scalar());
      expectValue = false;
      continue;
    }
    const top = stack[stack.length - 1];
    if (top === undefined) {
      if (i !== text.length) fail('trailing text');
      return result;
    }
    if (text[i] === ',') {
      i++;
      if (!Array.isArray(top)) key();
      expectValue = true;
    } else if (text[i] === (Array.isArray(top) ? ']' : '}')) {
      i++;
      stack.pop();
      keys.pop();
    } else fail(`expected ',' or a closing bracket`);
  }
}
