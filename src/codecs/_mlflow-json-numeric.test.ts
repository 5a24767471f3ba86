import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeNumericRequest } from './_mlflow-json-numeric.js';
import { decodeJsonRequest, decodeJsonRequestGeneral } from './mlflow-json.js';
import { parseSchema } from '../schema/signature.js';
import { enforceInput } from '../schema/enforce.js';
import { isFrame } from '../data/frame.js';
import { isTensor } from '../data/tensor.js';
import { isPlainObject } from '../data/pytype.js';
import type { DecodeContext } from './types.js';
import type { Signature } from '../schema/types.js';
import { rng } from '../../test/helpers/fuzz-gen.js';

const sig = (inputs: unknown[]): Signature => ({ inputs: parseSchema(JSON.stringify(inputs)) });
const tensor = (dtype: string, shape: number[], name?: string): unknown => ({ type: 'tensor', 'tensor-spec': { dtype, shape }, ...(name ? { name } : {}) });
const cols = (type: string, names = ['a', 'b', 'c']): unknown[] => names.map((name) => ({ type, name }));

/** Signatures the fast path meets: none, tensors of each kind, columns of each type. */
const SIGNATURES: Record<string, Signature | undefined> = {
  none: undefined,
  'tensor float32 named [-1, 3]': sig([tensor('float32', [-1, 3], 'input')]),
  'tensor float32 unnamed [-1, 3]': sig([tensor('float32', [-1, 3])]),
  'tensor float64 named [-1, 4]': sig([tensor('float64', [-1, 4], 'x')]),
  'tensor int64 named': sig([tensor('int64', [-1, 3], 'x')]),
  'two named tensors': sig([tensor('float32', [-1, 3], 'x'), tensor('float32', [-1], 'y')]),
  'tensor __proto__': sig([tensor('float64', [-1, 3], '__proto__')]),
  'columns double': sig(cols('double')),
  'columns float': sig(cols('float')),
  'columns long': sig(cols('long')),
  'columns integer': sig(cols('integer')),
  'columns string': sig(cols('string')),
  'columns double unnamed': sig([{ type: 'double' }, { type: 'double' }, { type: 'double' }]),
  'one column double': sig(cols('double', ['a'])),
  'columns any': sig([{ type: 'any', name: 'a' }]),
};

/** Decoded input as plain data (typed arrays as arrays, classes named) so deepStrictEqual compares every bit that matters. */
function plain(v: unknown): unknown {
  if (isTensor(v)) return { tensor: v.dtype, shape: [...v.shape], data: Array.from(v.data as ArrayLike<unknown>) };
  if (isFrame(v)) return { frame: v.numRows, cols: v.cols.map((c) => ({ name: c.name, dtype: c.dtype, values: Array.from(c.values as ArrayLike<unknown>) })) };
  if (isPlainObject(v)) return { object: Object.entries(v).map(([k, x]) => [k, plain(x)]) };
  if (Array.isArray(v)) return v.map(plain);
  return v;
}

type Outcome = { ok: unknown } | { error: { name: string; message: string; code: unknown; status: unknown } };

function outcome(run: () => unknown): Outcome {
  try {
    return { ok: plain(run()) };
  } catch (err) {
    const e = err as Error & { errorCode?: unknown; status?: unknown };
    return { error: { name: e.constructor.name, message: e.message, code: e.errorCode, status: e.status } };
  }
}

/** Decode (and enforce, as the server does next) with and without the fast path: same input, same errors. */
function assertSame(body: string | Uint8Array, ctx: DecodeContext, label: string): void {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  const schema = ctx.signature?.inputs;
  const fast = outcome(() => enforceInput(decodeJsonRequest(bytes, ctx).input, schema));
  const general = outcome(() => enforceInput(decodeJsonRequestGeneral(bytes, ctx).input, schema));
  assert.deepStrictEqual(fast, general, `${label}: ${Buffer.from(bytes).toString('latin1').slice(0, 300)}`);
  const fastDecoded = outcome(() => decodeJsonRequest(bytes, ctx));
  assert.deepStrictEqual(fastDecoded, outcome(() => decodeJsonRequestGeneral(bytes, ctx)), label);
}

const NUMBERS = ['1', '-0', '0', '2.0', '-0.0', '0.5', '3.14159', '1e3', '-2.5E-3', '5.109999999999999', '0.30000000000000004', '1.7976931348623157e308', '5e-324', '123456789012345', '-7'];

function body(next: () => number, kind: 'inputs' | 'instances' | 'split', rows: number, width: number, pretty: boolean, ints: boolean): string {
  const sp = pretty ? ' ' : '';
  const nl = pretty ? '\n  ' : '';
  const num = (): string => (ints ? String(Math.floor(next() * 2000) - 1000) : NUMBERS[Math.floor(next() * NUMBERS.length)]);
  const data = `[${nl}${Array.from({ length: rows }, () => `[${Array.from({ length: width }, num).join(`,${sp}`)}]`).join(`,${nl}`)}]`;
  if (kind !== 'split') return `{"${kind}":${sp}${data}}`;
  const names = ['a', 'b', 'c', 'd'].slice(0, width);
  const parts = [`"data":${sp}${data}`];
  if (next() < 0.7) parts.push(`"columns":${sp}[${names.map((n) => `"${n}"`).join(`,${sp}`)}]`);
  if (next() < 0.3) parts.push(`"index":${sp}[${Array.from({ length: rows }, (_, i) => i).join(',')}]`);
  if (next() < 0.5) parts.reverse();
  return `{"dataframe_split":${sp}{${parts.join(`,${sp}`)}}}`;
}

test('all-numbers bodies decode to the same input (and the same enforcement errors) with and without the fast path, for every signature kind', () => {
  const next = rng(1818);
  let taken = 0;
  for (const [name, signature] of Object.entries(SIGNATURES)) {
    for (let i = 0; i < 40; i++) {
      const kind = i % 2 === 0 ? (i % 4 === 0 ? 'inputs' : 'instances') : 'split';
      const width = i % 5 === 4 ? 4 : 3;
      const text = body(next, kind, 1 + Math.floor(next() * 6), width, i % 3 === 0, i % 4 === 1);
      const ctx = { signature };
      assertSame(text, ctx, name);
      if (decodeNumericRequest(Buffer.from(text), ctx)) taken++;
    }
  }
  assert.ok(taken > 300, `the fast path took ${taken} bodies`);
});

test('the fast path takes iris-shaped inputs and dataframe_split bodies with their usual signatures', () => {
  const inputs = Buffer.from('{"inputs": [[5.1, 3.5, 1.4, 0.2], [4.9, 3.0, 1.4, 0.2]]}');
  const split = Buffer.from('{"dataframe_split": {"columns": ["a", "b", "c", "d"], "data": [[5.1, 3.5, 1.4, 0.2]]}}');
  assert.ok(decodeNumericRequest(inputs, { signature: sig([tensor('float32', [-1, 4], 'input')]) }));
  assert.ok(decodeNumericRequest(inputs, {}));
  assert.ok(decodeNumericRequest(Buffer.from('{"instances": [[5.1, 3.5, 1.4, 0.2]]}'), { signature: sig([tensor('float32', [-1, 4], 'input')]) }));
  assert.ok(decodeNumericRequest(split, {}));
  assert.ok(decodeNumericRequest(split, { signature: sig(cols('double', ['a', 'b', 'c', 'd'])) }));
  assert.equal(decodeNumericRequest(inputs, { signatureFromTypeHint: true }), undefined, 'type-hint models get inputs as parsed JSON');
});

test('bodies outside the subset take the general path and keep its answers and errors', () => {
  const cases = [
    '{"inputs": [[1, null, 3]]}', '{"inputs": [[1, NaN, 3]]}', '{"inputs": [[1, "2", 3]]}', '{"inputs": [[1, 2], [3]]}', '{"inputs": []}',
    '{"inputs": [[1, 2, 3]], "params": {"k": 1}}', '{"inputs": [[1, 2, 3]], "inputs": [[4, 5, 6]]}', '{"inputs": [[1., 2, 3]]}',
    '{"inputs": [[12345678901234567890, 2, 3]]}', '{"inputs": [[-9007199254740993, 2, 3]]}', '{"inputs": [[1, 2, 3]]} []', '{"inputs": [[1, 2, 3]]',
    '{"inputs": {"a": [1, 2]}}', '{"inputs": [{"a": 1}]}', '{"inputs": [[1, 2, 3]],\f"x": 1}', '\ufeff{"inputs": [[1, 2, 3]]}',
    '{"dataframe_split": {"columns": ["a", "b"], "data": [[1, 2, 3]]}}', '{"dataframe_split": {"columns": ["a", "b", "c"], "data": [[1, 2, 3]], "index": [0, 1]}}',
    '{"dataframe_split": {"data": [[1, 2, 3]], "extra": 1}}', '{"dataframe_split": {"columns": ["a", "a", "b"], "data": [[1, 2, 3]]}}',
    '{"dataframe_split": {"columns": ["ä", "b", "c"], "data": [[1, 2.5, 3]]}}', '{"dataframe_split": {"data": [1, 2, 3]}}', '{"dataframe_split": [[1, 2, 3]]}',
    '{"dataframe_records": [{"a": 1}]}', '{"instances": [{"a": 1, "b": 2}]}', '{"instances": [[1, 2], [3]]}', '[1, 2, 3]', '{"inputs": [[1, 2, 3]], "messages": []}',
  ];
  for (const [name, signature] of Object.entries(SIGNATURES)) {
    for (const text of cases) assertSame(text, { signature }, name);
  }
  assertSame(Buffer.from('{"inputs": [[1, 2, 3]]}', 'utf16le'), {}, 'utf-16');
  for (const maxDepth of [1, 2, 3, 4]) {
    const limits = { maxDepth, maxRows: 10, maxColumns: 10, maxElements: 100 };
    assertSame('{"inputs": [[1, 2, 3]]}', { limits }, `maxDepth ${maxDepth}`);
    assertSame('{"dataframe_split": {"data": [[1, 2, 3]]}}', { limits }, `maxDepth ${maxDepth}`);
  }
});

test('mutated bodies decode (or fail) the same with and without the fast path', () => {
  const next = rng(77);
  const alphabet = '[]{},:"-.eE+0123456789 \n\t\r\u000bnulNaIfty\\a';
  const seeds = ['{"inputs": [[5.1, 3.5], [4.9, 3.0]]}', '{"dataframe_split": {"columns": ["a", "b"], "data": [[1, 2.5], [3, 4]], "index": [0, 1]}}', '{"instances": [1, 2.5e1]}'];
  for (let i = 0; i < 3000; i++) {
    const chars = [...seeds[i % seeds.length]];
    for (let m = 1 + Math.floor(next() * 3); m > 0; m--) {
      const at = Math.floor(next() * (chars.length + 1));
      const c = alphabet[Math.floor(next() * alphabet.length)];
      const op = Math.floor(next() * 3);
      if (op === 0) chars.splice(at, 0, c);
      else if (op === 1) chars.splice(at, 1);
      else chars[Math.min(at, chars.length - 1)] = c;
    }
    const signature = Object.values(SIGNATURES)[i % Object.keys(SIGNATURES).length];
    assertSame(chars.join(''), { signature }, 'mutation');
  }
});

test('signatures whose arrays the shortcut does not convert leave inputs and instances to the general path, dataframe_split to the shortcut', () => {
  const inputs = Buffer.from('{"inputs": [[1, 2, 3]]}');
  const split = Buffer.from('{"dataframe_split": {"columns": ["a", "b", "c"], "data": [[1, 2, 3]]}}');
  for (const name of ['tensor int64 named', 'columns long', 'columns string', 'columns any', 'tensor __proto__']) {
    assert.equal(decodeNumericRequest(inputs, { signature: SIGNATURES[name] }), undefined, name);
    assert.equal(decodeNumericRequest(Buffer.from('{"instances": [[1, 2, 3]]}'), { signature: SIGNATURES[name] }), undefined, name);
  }
  assert.ok(decodeNumericRequest(split, { signature: SIGNATURES['columns long'] }));
  for (const name of ['none', 'tensor float32 named [-1, 3]', 'two named tensors', 'columns double unnamed']) {
    assert.ok(decodeNumericRequest(inputs, { signature: SIGNATURES[name] }), name);
  }
});
