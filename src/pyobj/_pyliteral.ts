// Owns parsing the small Python literals of `.npy` headers (`{'descr': '<f8', 'fortran_order':
// False, 'shape': (3, 4), }`): dicts, lists, tuples, str, int, True/False/None. Never evaluates.

import { PickleError } from './errors.js';
import { EMPTY_TUPLE, type PyValue } from './tree.js';

const MAX_DEPTH = 64;

/** Parses one Python literal of the subset numpy writes in `.npy` headers. */
export function parsePyLiteral(text: string): PyValue {
  let i = 0;
  const fail = (what: string): never => {
    throw new PickleError(`Invalid .npy header: ${what} at character ${i} of ${JSON.stringify(text.slice(0, 200))}`);
  };
  const space = (): void => {
    while (i < text.length && /\s/.test(text[i])) i++;
  };
  const value = (depth: number): PyValue => {
    if (depth > MAX_DEPTH) fail('nesting too deep');
    space();
    const c = text[i];
    if (c === '{' || c === '[' || c === '(') return container(c, depth);
    if (c === "'" || c === '"') return str(c);
    const word = /^(?:True|False|None|[+-]?\d+L?)/.exec(text.slice(i, i + 32));
    if (!word) return fail('unexpected text');
    i += word[0].length;
    if (word[0] === 'True') return true;
    if (word[0] === 'False') return false;
    if (word[0] === 'None') return null;
    const n = Number(word[0].replace(/L$/, ''));
    return Number.isSafeInteger(n) ? n : fail('integer out of range');
  };
  const str = (quote: string): string => {
    let out = '';
    i++;
    while (i < text.length && text[i] !== quote) {
      if (text[i] === '\\') {
        const e = text[++i];
        const simple: Record<string, string> = { '\\': '\\', "'": "'", '"': '"', n: '\n', t: '\t', r: '\r', '0': '\0' };
        if (e in simple) out += simple[e];
        else if (e === 'x' || e === 'u') {
          const n = e === 'x' ? 2 : 4;
          const hex = text.slice(i + 1, i + 1 + n);
          if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== n) fail('bad escape');
          out += String.fromCharCode(parseInt(hex, 16));
          i += n;
        } else fail('unsupported escape');
        i++;
      } else out += text[i++];
    }
    if (i >= text.length) fail('unterminated string');
    i++;
    return out;
  };
  const container = (open: string, depth: number): PyValue => {
    const close = open === '{' ? '}' : open === '[' ? ']' : ')';
    i++;
    const items: PyValue[] = [];
    const dict = new Map<PyValue, PyValue>();
    let sawComma = false;
    for (;;) {
      space();
      if (text[i] === close) {
        i++;
        break;
      }
      if (items.length + dict.size > 0 && !sawComma) fail(`expected ',' or '${close}'`);
      const item = value(depth + 1);
      if (open === '{') {
        space();
        if (text[i++] !== ':') fail("expected ':'");
        dict.set(item, value(depth + 1));
      } else items.push(item);
      space();
      sawComma = text[i] === ',';
      if (sawComma) i++;
    }
    if (open === '{') return dict;
    if (open === '[') return items;
    // (x) is x, (x,) is a one-tuple.
    if (items.length === 1 && !sawComma) return items[0];
    return items.length === 0 ? EMPTY_TUPLE : Object.freeze(items);
  };
  const result = value(0);
  space();
  if (i !== text.length) fail('trailing text');
  return result;
}
