import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Frame } from '../../data/frame.js';
import { Tensor } from '../../data/tensor.js';
import { markFloat } from '../../data/float-hint.js';
import { recordKeyOrder } from '../../data/key-order.js';
import { Payload } from './frames.js';
import { encodeValue } from './values.js';

function encode(v: unknown): { node: Record<string, unknown>; text: string; payload: Payload } {
  const payload = new Payload();
  const text = encodeValue(v, payload);
  return { node: JSON.parse(text.replace(/\bNaN\b|-?Infinity\b/g, 'null')) as Record<string, unknown>, text, payload };
}

describe('model input sent to a Python worker', () => {
  it('writes plain values as JSON that Python reads back as the same ints and floats', () => {
    const v: Record<string, unknown> = { a: 1, b: 1, c: 2.5, d: -0, e: 12345678901234567890n, f: NaN, g: Infinity, h: 1e21, s: 'x"y', n: null, t: true, l: [1, 2] };
    markFloat(v, 'b');
    markFloat(v.l as unknown[], 1);
    const { text } = encode(v);
    assert.equal(text, '{"t":"js","v":{"a":1,"b":1.0,"c":2.5,"d":-0.0,"e":12345678901234567890,"f":NaN,"g":Infinity,"h":1000000000000000000000,"s":"x\\"y","n":null,"t":true,"l":[1,2.0]}}');
  });

  it('keeps the key order Python saw for integer-like keys', () => {
    const v: Record<string, unknown> = { b: 1, '2': 2, '1': 3 };
    recordKeyOrder(v, ['b', '2', '1']);
    assert.equal(encode(v).text, '{"t":"js","v":{"b":1,"2":2,"1":3}}');
  });

  it('sends numeric Frame columns as raw buffers and strings as JSON, with labels as they are', () => {
    const f = new Frame([
      { name: 'x', dtype: 'float64', values: new Float64Array([1, 2.5]) },
      { name: 0, dtype: 'int64', values: new BigInt64Array([3n, -4n]) },
      { name: 's', dtype: 'str', values: ['a', 'b'] },
      { name: 'ok', dtype: 'bool', values: [true, false] },
    ]);
    const { node, payload } = encode(f);
    assert.deepEqual(node, {
      t: 'df',
      n: 2,
      cols: [
        { n: 'x', dt: 'float64', sh: [2], b: 0 },
        { n: 0, dt: 'int64', sh: [2], b: 1 },
        { n: 's', dt: 'str', sh: [2], v: ['a', 'b'] },
        { n: 'ok', dt: 'bool', sh: [2], b: 2 },
      ],
    });
    assert.deepEqual([...new Float64Array(new Uint8Array(payload.parts[0]).slice().buffer)], [1, 2.5]);
    assert.deepEqual([...payload.parts[2]], [1, 0]);
  });

  it('keeps which integral numbers of an object column are floats', () => {
    const cells: unknown[] = [1, 1];
    markFloat(cells, 1);
    const { text } = encode(new Frame([{ name: 'o', dtype: 'object', values: cells }]));
    assert.match(text, /"c":\{"t":"js","v":\[1,1\.0\]\}/);
  });

  it('sends object cells as JSON, with arrays and bytes inside them patched in by path', () => {
    const cells: unknown[] = [[1, 2], { k: Buffer.from('hi') }, new Tensor('float32', [2], new Float32Array([1, 2]))];
    const f = new Frame([{ name: 'o', dtype: 'object', values: cells }]);
    const { node, payload } = encode(f);
    const col = (node.cols as Record<string, unknown>[])[0];
    assert.equal(col.dt, 'object');
    assert.deepEqual(col.c, {
      t: 'js',
      v: [[1, 2], { k: null }, null],
      p: [
        [[1, 'k'], { t: 'by', b: 0 }],
        [[2], { t: 'nd', dt: 'float32', sh: [2], b: 1 }],
      ],
    });
    assert.equal(Buffer.from(payload.parts[0]).toString(), 'hi');
  });

  it('sends tensors with their dtype and shape, bytes tensors as data and offsets', () => {
    assert.deepEqual(encode(new Tensor('int32', [2, 2], new Int32Array([1, 2, 3, 4]))).node, { t: 'nd', dt: 'int32', sh: [2, 2], b: 0 });
    const { node, payload } = encode(new Tensor('bytes', [2], [Buffer.from('ab'), Buffer.from('c')]));
    assert.deepEqual(node, { t: 'nd', dt: 'bytes', sh: [2], b: 0, o: 1 });
    assert.equal(Buffer.from(payload.parts[0]).toString(), 'abc');
    assert.deepEqual([...new Uint32Array(new Uint8Array(payload.parts[1]).slice().buffer)], [0, 2, 3]);
  });

  it('sends a dict of tensors as JSON with each tensor patched in', () => {
    const { node } = encode({ a: new Tensor('float64', [1], new Float64Array([1])), b: new Tensor('str', [1], ['x']) });
    assert.deepEqual(node, {
      t: 'js',
      v: { a: null, b: null },
      p: [
        [['a'], { t: 'nd', dt: 'float64', sh: [1], b: 0 }],
        [['b'], { t: 'nd', dt: 'str', sh: [1], v: ['x'] }],
      ],
    });
  });

  it('treats a str column holding other values as an object column', () => {
    const f = new Frame([{ name: 's', dtype: 'str', values: ['a', null as unknown as string] }]);
    assert.equal((encode(f).node.cols as Record<string, unknown>[])[0].dt, 'object');
  });

  it('refuses with 400 values nested deeper than Python can read', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 5000; i++) deep = [deep];
    assert.throws(() => encode({ messages: deep }), (err: Error & { status?: number }) => err.status === 400 && /more than 900 levels deep/.test(err.message));
    let ok: unknown = 1;
    for (let i = 0; i < 800; i++) ok = [ok];
    assert.doesNotThrow(() => encode({ messages: ok }));
  });

  it('refuses values a worker could not rebuild', () => {
    assert.throws(() => encode({ f: () => 1 }), /A value of type function cannot be sent to the Python worker/);
    assert.throws(() => encode(new Map()), /A value of type Map cannot be sent/);
  });
});
