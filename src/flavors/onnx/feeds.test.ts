import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Frame } from '../../data/frame.js';
import { Tensor } from '../../data/tensor.js';
import { ServingError } from '../../errors.js';
import { buildFeeds, frameValues, pyList } from './feeds.js';

const ONE = [{ name: 'x', type: 'float32' }];
const TWO = [
  { name: 'a', type: 'float32' },
  { name: 'b', type: 'int64' },
];

describe('buildFeeds', () => {
  it('feeds a tensor to the only input and casts float64 to float32 for float inputs', () => {
    const feeds = buildFeeds(new Tensor('float64', [1, 2], new Float64Array([0.1, 2])), ONE);
    assert.deepEqual(Object.keys(feeds), ['x']);
    assert.equal(feeds.x.wire.type, 'float32');
    assert.deepEqual([...feeds.x.wire.dims], [1, 2]);
    assert.deepEqual(feeds.x.wire.data, new Float32Array([0.1, 2]));
    assert.equal(feeds.x.owned, true);
  });

  it('does not cast other dtypes, and shares data it did not convert', () => {
    const data = new BigInt64Array([1n, 2n]);
    const feeds = buildFeeds(new Tensor('int64', [2], data), ONE);
    assert.equal(feeds.x.wire.type, 'int64');
    assert.equal(feeds.x.wire.data, data);
    assert.equal(feeds.x.owned, false);
  });

  it('answers a tensor for a model with several inputs with INTERNAL_ERROR (500)', () => {
    assert.throws(
      () => buildFeeds(new Tensor('float32', [1], new Float32Array([1])), TWO),
      (err: unknown) => {
        assert.ok(err instanceof ServingError);
        assert.equal(err.errorCode, 'INTERNAL_ERROR');
        assert.equal(err.status, 500);
        assert.match(err.message, /^Unable to map numpy array input to the expected model input\./);
        assert.match(err.message, /This model requires 2 inputs\. .* following tensors: \['a', 'b'\]\.$/);
        return true;
      },
    );
  });

  it('feeds one 1-D column per input for a frame and a model with several inputs', () => {
    const frame = Frame.of({
      b: { dtype: 'int64', values: new BigInt64Array([3n, 4n]) },
      a: { dtype: 'float64', values: new Float64Array([1, 2]) },
      extra: { dtype: 'str', values: ['p', 'q'] },
    });
    const feeds = buildFeeds(frame, TWO);
    assert.deepEqual(Object.keys(feeds), ['a', 'b']);
    assert.deepEqual(feeds.a.wire, { type: 'float32', dims: [2], data: new Float32Array([1, 2]) });
    assert.deepEqual(feeds.b.wire, { type: 'int64', dims: [2], data: new BigInt64Array([3n, 4n]) });
  });

  it('fails with a plain error when a frame lacks an input column', () => {
    const frame = Frame.of({ a: { dtype: 'float64', values: new Float64Array([1]) } });
    assert.throws(() => buildFeeds(frame, TWO), (err: unknown) => err instanceof Error && !(err instanceof ServingError) && /'b'/.test(err.message));
  });

  it('uses named tensors as they are and rejects names the model lacks', () => {
    const a = new Tensor('float32', [1], new Float32Array([1]));
    const b = new Tensor('int64', [1], new BigInt64Array([1n]));
    assert.deepEqual(Object.keys(buildFeeds({ b, a }, TWO)), ['b', 'a']);
    assert.throws(() => buildFeeds({ a, c: b }, TWO), /Invalid input name: c/);
  });

  it('rejects inputs that are not tensors, frames or named tensors with a TypeError', () => {
    assert.throws(() => buildFeeds([1, 2], ONE), TypeError);
    assert.throws(() => buildFeeds({ x: [1, 2] }, ONE), TypeError);
  });

  it('turns booleans into bytes and all-string object tensors into string tensors', () => {
    const feeds = buildFeeds({ a: new Tensor('bool', [2], [true, false]), b: new Tensor('object', [1], ['s']) }, [
      { name: 'a', type: 'bool' },
      { name: 'b', type: 'string' },
    ]);
    assert.deepEqual(feeds.a.wire.data, new Uint8Array([1, 0]));
    assert.deepEqual(feeds.b.wire, { type: 'string', dims: [1], data: ['s'] });
    assert.throws(() => buildFeeds(new Tensor('object', [1], [1]), ONE), /no tensor type/);
  });
});

describe('frameValues', () => {
  it('lays the columns out row-major in their common dtype', () => {
    const frame = Frame.of({
      i: { dtype: 'int64', values: new BigInt64Array([1n, 2n]) },
      f: { dtype: 'float32', values: new Float32Array([0.5, 1.5]) },
    });
    const t = frameValues(frame);
    assert.equal(t.dtype, 'float64');
    assert.deepEqual(t.shape, [2, 2]);
    assert.deepEqual(t.data, new Float64Array([1, 0.5, 2, 1.5]));
  });

  it('keeps int64 exact when every column is an integer', () => {
    const big = 2n ** 60n + 1n;
    const frame = Frame.of({ a: { dtype: 'int64', values: new BigInt64Array([big]) }, b: { dtype: 'int32', values: new Int32Array([-1]) } });
    assert.deepEqual(frameValues(frame).data, new BigInt64Array([big, -1n]));
  });

  it('gives an object tensor for strings mixed with numbers', () => {
    const frame = Frame.of({ s: { dtype: 'str', values: ['a'] }, n: { dtype: 'float64', values: new Float64Array([1]) } });
    const t = frameValues(frame);
    assert.equal(t.dtype, 'object');
    assert.deepEqual(t.data, ['a', 1]);
  });
});

describe('pyList', () => {
  it('prints a list of strings as Python does', () => {
    assert.equal(pyList(['a', 'b']), "['a', 'b']");
    assert.equal(pyList(["it's"]), `["it's"]`);
    assert.equal(pyList([]), '[]');
  });
});
