// Owns the values a skops schema writes inline: JsonNode contents (ints and floats told apart),
// dict keys converted by their key type (numpy scalar keys included), plain JSON, and checked
// access to node fields.

import { decodeItems } from './_decode.js';
import { JsonNumber, JsonObject, type JsonValue, parseJson } from './_json.js';
import { parsePyFloat, parsePyInt } from './_text.js';
import { NpDType } from './dtype.js';
import { PickleError } from './errors.js';
import { Budget, resolveLimits } from './limits.js';
import { NdArray } from './ndarray.js';
import type { PyValue } from './tree.js';

/** A node's string field, or a clear error. */
export function str(value: JsonValue | undefined, name: string, where: string): string {
  if (typeof value !== 'string') throw new PickleError(`skops node at ${where} has no string '${name}'`);
  return value;
}

/** A node's list field, or a clear error. */
export function list(value: JsonValue | undefined, where: string): JsonValue[] {
  if (!Array.isArray(value)) throw new PickleError(`skops node at ${where} has no content list`);
  return value;
}

/** A node's object field, or a clear error. */
export function object(value: JsonValue | undefined, where: string): JsonObject {
  if (!(value instanceof JsonObject)) throw new PickleError(`skops node at ${where} has no content object`);
  return value;
}

/** A dict key from its JSON text and the qualified name of its Python type. */
export function convertKey(text: string, type: string, where: string): PyValue {
  // skops writes numpy scalar keys with .item() and restores them with their numpy type.
  const np = /^numpy\.(u?int(?:8|16|32|64)|float(?:16|32|64)|bool_?|str_)$/.exec(type);
  if (np) return numpyScalarKey(text, np[1], where);
  switch (type) {
    case 'builtins.str':
      return text;
    case 'builtins.int':
      return parsePyInt(text, 4300);
    case 'builtins.float':
      return parsePyFloat(text);
    case 'builtins.bool':
      if (text === 'true' || text === 'false') return text === 'true';
      break;
  }
  throw new PickleError(`skops dict at ${where} has a key '${text}' of type ${type}, which this reader does not convert`);
}

function numpyScalarKey(text: string, name: string, where: string): NdArray {
  if (name === 'str_') {
    const chars = [...text];
    return new NdArray(NpDType.parse(`<U${Math.max(1, chars.length)}`), [], [text], { isScalar: true, pyClass: 'numpy.str_' });
  }
  if (name.startsWith('bool')) {
    if (text !== 'true' && text !== 'false') throw new PickleError(`skops dict at ${where} has a bool key '${text}'`);
    return new NdArray(NpDType.parse('|b1'), [], Uint8Array.of(text === 'true' ? 1 : 0), { isScalar: true, pyClass: 'numpy.bool_' });
  }
  const bits = Number(/\d+$/.exec(name)![0]);
  const dtype = NpDType.parse(`<${name[0] === 'f' ? 'f' : name[0]}${bits / 8}`);
  const value = name[0] === 'f' ? parsePyFloat(text) : parsePyInt(text, 4300);
  const bytes = new Uint8Array(bits / 8);
  const view = new DataView(bytes.buffer);
  if (name[0] === 'f') {
    if (bits === 16) throw new PickleError(`skops dict at ${where} has a float16 key, which this reader does not convert`);
    if (bits === 32) view.setFloat32(0, value as number, true);
    else view.setFloat64(0, value as number, true);
  } else if (bits === 64) view.setBigUint64(0, BigInt.asUintN(64, BigInt(value)), true);
  else for (let b = 0, v = BigInt.asUintN(bits, BigInt(value)); b < bits / 8; b++, v >>= 8n) bytes[b] = Number(v & 0xffn);
  return new NdArray(dtype, [], decodeItems(bytes, 0, 1, dtype, new Budget(resolveLimits())), { isScalar: true, pyClass: `numpy.${name}` });
}

/** A JsonNode's content (the json.dumps text of a value, usually a scalar) and whether it is a float. */
export function jsonContent(content: JsonValue | undefined, where: string, maxDepth: number): [PyValue, boolean] {
  if (typeof content !== 'string') throw new PickleError(`skops JSON node at ${where} has no content text`);
  const parsed = parseJson(content, { exact: true, maxDepth });
  if (parsed instanceof JsonNumber) return [parsed.value, parsed.isFloat];
  return [jsonToPy(parsed), false];
}

/** Plain JSON (not skops nodes) as tree values: objects become dicts, arrays lists (iteratively). */
export function jsonToPy(value: JsonValue): PyValue {
  const queue: [JsonValue, (v: PyValue) => void][] = [];
  let root: PyValue = null;
  const convert = (v: JsonValue, put: (v: PyValue) => void): void => {
    if (v instanceof JsonNumber) put(v.value);
    else if (v === null || typeof v !== 'object') put(v);
    else if (Array.isArray(v)) {
      const out: PyValue[] = [];
      put(out);
      for (const item of v) queue.push([item, (x) => out.push(x)]);
    } else {
      const map = new Map<PyValue, PyValue>();
      put(map);
      for (const [k, item] of v) queue.push([item, (x) => map.set(k, x)]);
    }
  };
  convert(value, (v) => (root = v));
  // First in, first out: the items of one container are converted in their order.
  for (let i = 0; i < queue.length; i++) convert(queue[i][0], queue[i][1]);
  return root;
}
