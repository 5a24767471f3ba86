import assert from 'node:assert/strict';
import { cp, readFile, rm, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Frame } from '../../data/frame.js';
import { Tensor } from '../../data/tensor.js';
import { ModelLoadError, ServingError, WorkerCrashedError } from '../../errors.js';
import type { LoadedFlavorModel } from '../types.js';
import { type LoadedOnnxModel, onnxFlavor } from './index.js';
import { cpuKernels } from './native/f32.js';
import { tempDir } from '../../../test/helpers/temp.js';

// Tests run from dist/src/flavors/onnx/; fixtures stay in the source tree.
const FIXTURES = fileURLToPath(new URL('../../../../test/fixtures/onnx/', import.meta.url));
const CPU = { providers: ['CPUExecutionProvider'] };

const open: LoadedFlavorModel[] = [];
after(async () => {
  await Promise.all(open.map((m) => m.close?.()));
});

async function load(dir: string, conf: Record<string, unknown> = {}): Promise<LoadedOnnxModel> {
  const model = (await onnxFlavor.load({ modelPath: join(FIXTURES, dir), flavorConf: { data: 'model.onnx', ...CPU, ...conf } })) as LoadedOnnxModel;
  open.push(model);
  return model;
}

function f32(...v: number[]): Float32Array {
  return new Float32Array(v);
}

function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  assert.equal(actual.length, expected.length, what);
  for (let i = 0; i < expected.length; i++) {
    // Within float32 rounding (the expected values were computed by numpy, not onnxruntime).
    const tol = 1e-6 * Math.max(1, Math.abs(expected[i]));
    assert.ok(Math.abs(actual[i] - expected[i]) <= tol, `${what}[${i}]: ${actual[i]} vs ${expected[i]}`);
  }
}

describe('onnx flavor: iris (the conformance model)', () => {
  it('answers named outputs with their shapes, equal to the expected values', async () => {
    const expected = JSON.parse(await readFile(join(FIXTURES, 'iris.expected.json'), 'utf8'));
    const model = await load('iris');
    const rows: number[][] = expected.rows;
    const out = (await model.predict(new Tensor('float32', [rows.length, 4], Float32Array.from(rows.flat())), null)) as Record<string, Tensor>;
    assert.deepEqual(Object.keys(out), ['probabilities', 'label']);
    assert.equal(out.probabilities.dtype, 'float32');
    assert.deepEqual(out.probabilities.shape, [10, 3]);
    assertClose(out.probabilities.data as Float32Array, expected.probabilities.flat(), 'probabilities');
    assert.equal(out.label.dtype, 'int64');
    assert.deepEqual(out.label.toArray(), expected.label);
  });

  it('reads the flavor section of its MLmodel (CUDA first, then CPU) and runs on CPU here', async () => {
    const model = await load('iris', { providers: ['CUDAExecutionProvider', 'CPUExecutionProvider'] });
    assert.ok(model.info.providers.includes('cpu'));
    assert.deepEqual(model.info.inputs.map((i) => i.name), ['input']);
    assert.equal(model.batchable, true);
  });

  it('answers a frame with one row per example when outputs flatten to different lengths', async () => {
    const model = await load('iris');
    const frame = Frame.of({
      sepal_length: { dtype: 'float64', values: new Float64Array([5.1, 7.6]) },
      sepal_width: { dtype: 'float64', values: new Float64Array([3.5, 3.0]) },
      petal_length: { dtype: 'float64', values: new Float64Array([1.4, 6.6]) },
      petal_width: { dtype: 'float64', values: new Float64Array([0.2, 2.1]) },
    });
    const out = (await model.predict(frame, null)) as Frame;
    assert.equal(out.numRows, 2);
    assert.deepEqual(out.columns, ['probabilities', 'label']);
    assert.deepEqual(out.toRecords().map((r) => r.label), [0, 2]);
    const probs = out.column('probabilities') as Tensor[];
    assert.deepEqual(probs[0].shape, [3]);
    assertClose(probs[1].data as Float32Array, [5.536711000786454e-8, 0.004639239516109228, 0.9953606724739075], 'row 1');
  });

  it('serves many concurrent requests, each with its own answer', async () => {
    const model = await load('iris');
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => model.predict(new Tensor('float32', [1, 4], f32(i % 2 ? 7.6 : 5.1, 3, i % 2 ? 6.6 : 1.4, i % 2 ? 2.1 : 0.2)), null)),
    );
    assert.deepEqual(answers.map((a) => (a as Record<string, Tensor>).label.toArray()), Array.from({ length: 20 }, (_, i) => [i % 2 ? 2 : 0]));
  });
});

describe('onnx flavor: cheap calls run on the calling thread', () => {
  it('runs 1-row iris calls inline and calls past the timed budget on the worker, with the same answers', async (t) => {
    const expected = JSON.parse(await readFile(join(FIXTURES, 'iris.expected.json'), 'utf8'));
    const model = await load('iris');
    const rows: number[][] = expected.rows;
    const one = new Tensor('float32', [1, 4], Float32Array.from(rows[0]));
    // The choice comes from timed warm-up calls (the rule itself: ../inline-policy.test.ts, fake timings);
    // a machine too busy to find a 1-row call cheap runs everything on the worker, which is right there.
    if (model.executionOf(one) !== 'inline') t.diagnostic('warm-up here did not find 1-row calls cheap: all calls on the worker');
    // 5,000 copies of the ten rows: far past what 1 ms of inline work allows (at most 4x the 256 rows timed).
    const many = new Tensor('float32', [rows.length * 5000, 4], Float32Array.from({ length: rows.length * 5000 * 4 }, (_, i) => rows[(i >> 2) % rows.length][i & 3]));
    assert.equal(model.executionOf(many), 'worker');
    const small = (await model.predict(one, null)) as Record<string, Tensor>;
    const large = (await model.predict(many, null)) as Record<string, Tensor>;
    assert.deepEqual(small.label.toArray(), [expected.label[0]]);
    assert.deepEqual((large.label.toArray() as number[]).slice(0, rows.length), expected.label);
    assertClose((large.probabilities.data as Float32Array).subarray(0, 3), small.probabilities.data as Float32Array, 'same first row both ways');
  });

  it('never runs inline a model whose cost does not follow from its row count (a variable inner dimension)', async () => {
    // matmul_chain: a [M, K] @ b [K, K], eight times; K is free, so a 1-row call may cost seconds.
    const model = await load('matmul_chain');
    const a = new Tensor('float32', [1, 2], f32(1, 2));
    const b = new Tensor('float32', [2, 2], f32(1, 0, 0, 1));
    assert.equal(model.executionOf({ a, b }), 'worker');
    const out = (await model.predict({ a, b }, null)) as Record<string, Tensor>;
    assert.deepEqual(Array.from(out.c.data as Float32Array), [1, 2]);
  });
});

describe('onnx flavor: the native evaluator', () => {
  async function loadWith(dir: string, onnxEvaluator: 'auto' | 'native' | 'onnxruntime'): Promise<LoadedOnnxModel> {
    const model = (await onnxFlavor.load({ modelPath: join(FIXTURES, dir), flavorConf: { data: 'model.onnx', ...CPU }, onnxEvaluator })) as LoadedOnnxModel;
    open.push(model);
    return model;
  }

  it('runs iris on the native evaluator (by default where its bits were established) and on onnxruntime when asked, with the same bits', async () => {
    const auto = await loadWith('iris', 'auto');
    const native = await loadWith('iris', 'native');
    const ort = await loadWith('iris', 'onnxruntime');
    assert.equal(auto.info.engine, cpuKernels().avx512 ? 'native' : 'onnxruntime');
    assert.equal(native.info.engine, 'native');
    assert.equal(ort.info.engine, 'onnxruntime');
    assert.deepEqual(native.info.inputs, ort.info.inputs);
    assert.deepEqual(native.info.outputs, ort.info.outputs);
    const x = new Tensor('float32', [64, 4], Float32Array.from({ length: 256 }, (_, i) => ((i * 7919) % 97) / 9 - 3));
    const a = (await native.predict(x, null)) as Record<string, Tensor>;
    const b = (await ort.predict(x, null)) as Record<string, Tensor>;
    assert.deepEqual(a.label.toArray(), b.label.toArray());
    const p = a.probabilities.data as Float32Array;
    const q = b.probabilities.data as Float32Array;
    if (cpuKernels().avx512) assert.deepEqual(Array.from(p), Array.from(q));
    else assertClose(p, q, 'native vs onnxruntime where bit-exactness was not established');
  });

  it('warns, as onnxruntime does, that the model asked for a provider that is not available', async () => {
    const native = (await onnxFlavor.load({ modelPath: join(FIXTURES, 'iris'), flavorConf: { data: 'model.onnx', providers: ['CUDAExecutionProvider', 'CPUExecutionProvider'] }, onnxEvaluator: 'native' })) as LoadedOnnxModel;
    open.push(native);
    assert.equal(native.info.engine, 'native');
    assert.deepEqual(native.info.notices.map((n) => n.replace(/^.*: /, '')), ['CUDAExecutionProvider requested but not available to onnxruntime-node; running on CPU.']);
  });

  it('runs calls too large for this thread on onnxruntime in the worker thread, with the same answers', async () => {
    const model = await loadWith('iris', 'native');
    const rows = 5000;
    const many = new Tensor('float32', [rows, 4], Float32Array.from({ length: rows * 4 }, (_, i) => (i % 13) / 3));
    assert.equal(model.executionOf(many), 'worker');
    const large = (await model.predict(many, null)) as Record<string, Tensor>;
    const first = (await model.predict(new Tensor('float32', [1, 4], Float32Array.from([0, 1 / 3, 2 / 3, 1])), null)) as Record<string, Tensor>;
    assertClose(Array.from(large.probabilities.data as Float32Array).slice(0, 3), first.probabilities.data as Float32Array, 'the first row both ways');
    // Bad feeds fail with onnxruntime's message on either side.
    await assert.rejects(model.predict(new Tensor('float32', [rows, 2], new Float32Array(rows * 2)), null), /Got invalid dimensions for input: input/);
    await assert.rejects(model.predict(new Tensor('float32', [1, 2], new Float32Array(2)), null), /Got invalid dimensions for input: input/);
  });

  it('leaves to onnxruntime what it does not compute (an ML-domain operator), as before', async () => {
    const model = await loadWith('zipmap', 'native');
    assert.equal(model.info.engine, 'onnxruntime');
  });
});

describe('onnx flavor: input mapping (spec §6.6)', () => {
  it('O1: a tensor feeds the single input; the answer keeps its shape', async () => {
    const model = await load('identity');
    const data = f32(1, 2, 3);
    const out = (await model.predict(new Tensor('float32', [1, 3], data), null)) as Record<string, Tensor>;
    assert.deepEqual(out.y.toArray(), [[1, 2, 3]]);
    assert.deepEqual(data, f32(1, 2, 3), "the caller's buffer is copied to the worker, not transferred away");
  });

  it('O1: casts float64 feeds to float32 for float inputs', async () => {
    const model = await load('identity');
    const out = (await model.predict(new Tensor('float64', [1, 3], new Float64Array([0.1, 2, 3])), null)) as Record<string, Tensor>;
    assert.equal(out.y.dtype, 'float32');
    assert.deepEqual(out.y.data, f32(0.1, 2, 3));
  });

  it('O1: int64 feeds for float inputs fail with onnxruntime\'s plain error (generic 400)', async () => {
    const model = await load('identity');
    await assert.rejects(model.predict(new Tensor('int64', [1, 3], new BigInt64Array([1n, 2n, 3n])), null), (err: unknown) => {
      assert.ok(err instanceof Error && !(err instanceof ServingError));
      assert.match(err.message, /tensor\(int64\).*tensor\(float\)/);
      return true;
    });
  });

  it('O1: the worker survives a failed run and serves the next request', async () => {
    const model = await load('identity');
    await assert.rejects(model.predict(new Tensor('int32', [1, 3], new Int32Array(3)), null));
    const out = (await model.predict(new Tensor('float32', [1, 3], f32(4, 5, 6)), null)) as Record<string, Tensor>;
    assert.deepEqual(out.y.toArray(), [[4, 5, 6]]);
  });

  it('O1: a frame becomes one rows × columns feed, and the answer is flattened to one column', async () => {
    const model = await load('identity');
    const frame = Frame.of({
      a: { dtype: 'float64', values: new Float64Array([1]) },
      b: { dtype: 'int64', values: new BigInt64Array([2n]) },
      c: { dtype: 'float32', values: f32(3) },
    });
    const out = (await model.predict(frame, null)) as Frame;
    assert.deepEqual(out.columns, ['y']);
    assert.deepEqual(out.toRecords(), [{ y: 1 }, { y: 2 }, { y: 3 }]);
  });

  it('O3: a tensor for a model with two inputs fails with INTERNAL_ERROR (500)', async () => {
    const model = await load('add');
    await assert.rejects(model.predict(new Tensor('float64', [2], new Float64Array([1, 2])), null), (err: unknown) => {
      assert.ok(err instanceof ServingError);
      assert.equal(err.errorCode, 'INTERNAL_ERROR');
      assert.equal(err.status, 500);
      assert.match(err.message, /Unable to map numpy array input to the expected model input.*requires 2 inputs.*\['a', 'b'\]/);
      return true;
    });
  });

  it('O3: named tensors are the feeds', async () => {
    const model = await load('add');
    const out = (await model.predict({ a: new Tensor('float64', [2], new Float64Array([1, 2])), b: new Tensor('float32', [2], f32(3, 4)) }, null)) as Record<string, Tensor>;
    assert.deepEqual(out.s.toArray(), [4, 6]);
  });

  it('O3: a frame feeds each input from its column; a missing column is a plain error', async () => {
    const model = await load('add');
    const frame = Frame.of({ a: { dtype: 'float64', values: new Float64Array([1]) }, b: { dtype: 'float64', values: new Float64Array([3]) } });
    assert.deepEqual(((await model.predict(frame, null)) as Frame).toRecords(), [{ s: 4 }]);
    const partial = Frame.of({ a: { dtype: 'float64', values: new Float64Array([1]) } });
    await assert.rejects(model.predict(partial, null), (err: unknown) => err instanceof Error && !(err instanceof ServingError));
  });

  it('feeds and returns string tensors', async () => {
    const model = await load('string');
    const text = ['hello', '', 'é😀', 'tab\t'];
    const out = (await model.predict(new Tensor('str', [4], text), null)) as Record<string, Tensor>;
    assert.equal(out.echo.dtype, 'str');
    assert.deepEqual(out.echo.data, text);
  });

  it('feeds a frame to a single 1-D input as rows × 1, which onnxruntime rejects, as in MLflow', async () => {
    // With the model's tensor signature, schema enforcement turns such frames into 1-D tensors first.
    const model = await load('string');
    await assert.rejects(model.predict(Frame.of({ text: { dtype: 'str', values: ['a', 'b'] } }), null), /Invalid rank for input: text Got: 2 Expected: 1/);
  });
});

describe('onnx flavor: every tensor type', () => {
  const big = 2n ** 53n + 1n;
  const inputs: Record<string, Tensor> = {
    in_float32: new Tensor('float32', [2, 2], f32(1.5, -0, Infinity, NaN)),
    in_float64: new Tensor('float64', [3], new Float64Array([0.1, 1e300, -2.5])),
    in_float16: new Tensor('float16', [4], new Uint16Array([0x3c00, 0xc000, 0x7c00, 0x7e00])),
    in_int8: new Tensor('int8', [2], new Int8Array([-128, 127])),
    in_int16: new Tensor('int16', [2], new Int16Array([-32768, 32767])),
    in_int32: new Tensor('int32', [2], new Int32Array([-(2 ** 31), 2 ** 31 - 1])),
    in_int64: new Tensor('int64', [1, 3], new BigInt64Array([big, -(2n ** 63n), 2n ** 63n - 1n])),
    in_uint8: new Tensor('uint8', [2], new Uint8Array([0, 255])),
    in_uint16: new Tensor('uint16', [2], new Uint16Array([0, 65535])),
    in_uint32: new Tensor('uint32', [2], new Uint32Array([0, 2 ** 32 - 1])),
    in_uint64: new Tensor('uint64', [2], new BigUint64Array([big, 2n ** 64n - 1n])),
    in_bool: new Tensor('bool', [3], [true, false, true]),
    in_string: new Tensor('str', [], ['scalar']),
  };

  it('round-trips each dtype with its values and shape (int64 beyond 2^53 exact)', async () => {
    const model = await load('dtypes');
    const out = (await model.predict(inputs, null)) as Record<string, Tensor>;
    for (const [name, t] of Object.entries(inputs)) {
      const y = out[name.replace('in_', 'out_')];
      assert.equal(y.dtype, t.dtype, name);
      assert.deepEqual(y.shape, t.shape, name);
      assert.deepEqual(y.data, t.data, name);
    }
    assert.equal(out.out_int64.data[0], big);
  });

  it('round-trips each dtype through a frame with one column per input', async () => {
    const model = await load('dtypes');
    const frame = new Frame(
      Object.entries(inputs).map(([name, t]) => {
        const n = 2;
        const values = Array.isArray(t.data) ? t.data.slice(0, n) : (t.data as Float32Array).slice(0, n);
        return { name, dtype: t.dtype, values: t.dtype === 'str' ? ['x', 'y'] : values } as never;
      }),
    );
    const out = (await model.predict(frame, null)) as Frame;
    assert.equal(out.numRows, 2);
    assert.deepEqual(out.column('out_int64'), new BigInt64Array([big, -(2n ** 63n)]));
    assert.deepEqual(out.column('out_bool'), [true, false]);
    assert.deepEqual(out.column('out_string'), ['x', 'y']);
    assert.deepEqual(out.column('out_float16'), new Uint16Array([0x3c00, 0xc000]));
  });
});

describe('onnx flavor: outputs', () => {
  it('answers a frame of different output shapes with one row per example', async () => {
    const model = await load('multi_out');
    const frame = Frame.of({ p: { dtype: 'float32', values: f32(1, -3) }, q: { dtype: 'float32', values: f32(2, 1) } });
    const out = (await model.predict(frame, null)) as Frame;
    assert.deepEqual(out.dtypes, { doubled: 'object', total: 'float32', positive: 'bool' });
    assert.deepEqual(
      out.toRecords().map((r) => [(r.doubled as Tensor).toArray(), r.total, r.positive]),
      [
        [[2, 4], 3, true],
        [[-6, 2], -2, false],
      ],
    );
  });

  it('answers a tensor input with every output in its own shape', async () => {
    const model = await load('multi_out');
    const out = (await model.predict(new Tensor('float32', [1, 2], f32(1, 2)), null)) as Record<string, Tensor>;
    assert.deepEqual(Object.fromEntries(Object.entries(out).map(([k, v]) => [k, v.toArray()])), { doubled: [[2, 4]], total: [3], positive: [true] });
  });

  it('leaves out outputs onnxruntime-node cannot return (sequences, maps) and says so at load', async () => {
    const model = await load('zipmap');
    assert.equal(model.info.notices.length, 1);
    assert.match(model.info.notices[0], /output\(s\) z are sequences or maps/);
    const out = (await model.predict(new Tensor('float32', [1, 3], f32(0.2, 0.3, 0.5)), null)) as Record<string, Tensor>;
    assert.deepEqual(Object.keys(out), ['y']);
  });
});

describe('onnx flavor: loading', () => {
  it('loads weights stored in an external data file beside the model', async () => {
    const model = await load('external');
    const out = (await model.predict(new Tensor('float32', [1, 16], new Float32Array(16).fill(1)), null)) as Record<string, Tensor>;
    // W[i][j] = ((32 i + j) % 7 - 3) / 4; y[j] = sum_i W[i][j].
    const expected = Array.from({ length: 32 }, (_, j) => Array.from({ length: 16 }, (_, i) => (((32 * i + j) % 7) - 3) / 4).reduce((a, b) => a + b));
    assert.deepEqual(out.y.shape, [1, 32]);
    assertClose(out.y.data as Float32Array, expected, 'y');
  });

  it('fails with ModelLoadError naming the file when its external data file is missing', async (t) => {
    const dir = tempDir('mlserve-onnx-');
    t.after(() => rm(dir, { recursive: true, force: true }));
    await cp(join(FIXTURES, 'external'), dir, { recursive: true });
    await unlink(join(dir, '3f0c6d1e-5b7a-4c1e-9d2f-6a8b0c4e2f10'));
    await assert.rejects(onnxFlavor.load({ modelPath: dir, flavorConf: { data: 'model.onnx', ...CPU } }), (err: unknown) => {
      assert.ok(err instanceof ModelLoadError);
      assert.ok(err.message.includes(join(dir, 'model.onnx')), err.message);
      return true;
    });
  });

  it('fails with ModelLoadError naming the file and the cause for a file that is not ONNX', async () => {
    await assert.rejects(onnxFlavor.load({ modelPath: join(FIXTURES, 'invalid'), flavorConf: { data: 'model.onnx', ...CPU } }), (err: unknown) => {
      assert.ok(err instanceof ModelLoadError);
      assert.ok(err.message.includes(join(FIXTURES, 'invalid', 'model.onnx')), err.message);
      assert.match(err.message, /Protobuf parsing failed/);
      return true;
    });
  });

  it('fails with ModelLoadError when the model file does not exist', async () => {
    await assert.rejects(onnxFlavor.load({ modelPath: join(FIXTURES, 'identity'), flavorConf: { data: 'nope.onnx' } }), ModelLoadError);
  });

  it('applies onnx_session_options and rejects ones onnxruntime cannot take', async () => {
    const model = await load('identity', {
      onnx_session_options: {
        inter_op_num_threads: 1,
        intra_op_num_threads: 2,
        execution_mode: 'Parallel',
        graph_optimization_level: 1,
        extra_session_config: { 'session.intra_op.allow_spinning': '1' },
      },
    });
    const out = (await model.predict(new Tensor('float32', [1, 3], f32(1, 2, 3)), null)) as Record<string, Tensor>;
    assert.deepEqual(out.y.toArray(), [[1, 2, 3]]);
    await assert.rejects(load('identity', { onnx_session_options: { graph_optimization_level: 7 } }), ModelLoadError);
  });

  it('rejects requests after close with WorkerCrashedError', async () => {
    const model = await load('identity');
    await model.close?.();
    await assert.rejects(model.predict(new Tensor('float32', [1, 3], f32(1, 2, 3)), null), WorkerCrashedError);
  });
});
