import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type * as Ort from 'onnxruntime-node';
import type { WireTensor } from '../protocol.js';
import { fromOrtResult, toOrtFeeds } from '../ort-tensors.js';
import { cpuKernels } from './f32.js';
import { compileOnnx, type NativeGraph } from './graph.js';

// Tests run from dist/src/flavors/onnx/native/; fixtures stay in the source tree.
const ONNX_FIXTURES = fileURLToPath(new URL('../../../../../test/fixtures/onnx/', import.meta.url));
const NATIVE_FIXTURES = join(ONNX_FIXTURES, 'native');
const ort = createRequire(import.meta.url)('onnxruntime-node') as typeof Ort;

/** The models the differential test runs: every fixture graph, and every fixture model folder's file. */
const MODELS: Record<string, string> = {
  ...Object.fromEntries(readdirSync(NATIVE_FIXTURES).filter((f) => f.endsWith('.onnx')).map((f) => [f.replace('.onnx', ''), join(NATIVE_FIXTURES, f)])),
  ...Object.fromEntries(['iris', 'add', 'identity', 'matmul_chain', 'multi_out', 'dtypes', 'string', 'zipmap', 'external'].map((d) => [`fixture ${d}`, join(ONNX_FIXTURES, d, 'model.onnx')])),
};

/** Deterministic pseudo-random float32 values: mostly in [-4, 4], some large, some tiny, some exact small integers, a few NaN and infinite. */
function values(n: number, seed: number): Float32Array {
  let s = seed >>> 0 || 1;
  const next = (): number => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const u = next();
    out[i] = u < 0.004 ? NaN : u < 0.008 ? (next() < 0.5 ? Infinity : -Infinity) : u < 0.05 ? (next() - 0.5) * 200 : u < 0.1 ? (next() - 0.5) * 1e-6 : u < 0.15 ? Math.round((next() - 0.5) * 10) : (next() - 0.5) * 8;
  }
  return out;
}

function feedsFor(graph: NativeGraph, rows: number, seed: number): Record<string, WireTensor> {
  const feeds: Record<string, WireTensor> = {};
  // The first input's first symbolic dimension is the rows; every other symbol is 3, the same in every input.
  const symbols = new Map<string, number>();
  for (const input of graph.inputs) {
    if (!input.isTensor) throw new Error('tensor inputs only');
    const dims = input.shape.map((d) => {
      if (typeof d === 'number') return d;
      if (!symbols.has(d)) symbols.set(d, symbols.size === 0 ? rows : 3);
      return symbols.get(d)!;
    });
    feeds[input.name] = { type: 'float32', dims, data: values(dims.reduce((a, b) => a * b, 1), seed) };
  }
  return feeds;
}

const bits = (t: WireTensor): string[] => Array.from(t.data as ArrayLike<number | bigint>, (v) => (typeof v === 'bigint' ? v.toString() : Object.is(v, -0) ? '-0' : String(v)));

/** Distance in float32 units in the last place (0 for equal, including two NaNs). */
function ulps(a: number, b: number): number {
  if (Object.is(a, b) || (a !== a && b !== b)) return 0;
  const v = new Float32Array([a, b]);
  const i = new Int32Array(v.buffer);
  const key = (x: number): number => (x < 0 ? -2147483648 - x : x);
  return Math.abs(key(i[0]!) - key(i[1]!));
}

describe('native ONNX evaluator: the same answers as onnxruntime', () => {
  const compiled = Object.entries(MODELS).map(([name, file]) => [name, file, compileOnnx(readFileSync(file))] as const);

  it('takes the graphs made of its operators and leaves the others to onnxruntime, saying why', () => {
    const why = Object.fromEntries(compiled.map(([name, , g]) => [name, typeof g === 'string' ? g : 'native']));
    assert.deepEqual(why, {
      broadcast: 'native',
      cast_range: 'native',
      gemm_trans_a: 'native',
      inferred_shapes: 'native',
      long_dot: 'MatMul with an inner dimension of 300 (more than 256)',
      long_dot_only: 'MatMul with an inner dimension of 300 (more than 256)',
      mlp: 'native',
      mlp_tanh_sigmoid: 'native',
      refused_argmax_last_opset11: 'ArgMax attribute select_last_index (type 2) at opset 11',
      refused_duplicate_name: 'the name w is defined twice',
      refused_float_transB: 'Gemm attribute transB (type 1) at opset 13',
      refused_reciprocal: 'Div(1, x) times y (onnxruntime computes y / x)',
      refused_reshape_zero_past_rank: "shape inference fails: Reshape to [0, 0]: a 0 past the input's rank 1",
      refused_scaled_matmul: 'a scalar Mul or Div feeding a MatMul (onnxruntime fuses them)',
      shapes: 'native',
      silu: 'native',
      softmax_axis1: 'native',
      softmax_opset11: 'native',
      softmax_wide: 'native',
      unsupported_erf: 'operator Erf',
      'fixture iris': 'native',
      'fixture add': 'native',
      'fixture identity': 'native',
      'fixture matmul_chain': 'MatMul with a right operand computed at run time',
      'fixture multi_out': 'operator ReduceSum',
      'fixture dtypes': 'input in_float32 has no declared shape',
      'fixture string': 'input text is string',
      'fixture zipmap': 'operator ai.onnx.ml.ZipMap',
      'fixture external': 'initializer W keeps its data in an external file',
    });
  });

  it('refuses what onnxruntime refuses to load, and what its optimiser computes differently from the graph as written', async () => {
    for (const name of ['refused_argmax_last_opset11', 'refused_duplicate_name', 'refused_float_transB', 'refused_reshape_zero_past_rank']) {
      await assert.rejects(ort.InferenceSession.create(MODELS[name]!), Error, `${name} loads in onnxruntime`);
    }
    for (const name of ['refused_scaled_matmul', 'refused_reciprocal']) {
      // Optimised as onnxruntime serves it by default, and as written: the bits differ somewhere.
      const [all, none] = await Promise.all(['all', 'disabled'].map((level) => ort.InferenceSession.create(MODELS[name]!, { graphOptimizationLevel: level as 'all' })));
      const feeds = Object.fromEntries(all!.inputNames.map((n) => [n, new ort.Tensor('float32', values(300 * 4, 11).map((v) => (Number.isFinite(v) ? v : 1.5)), [100, name === 'refused_scaled_matmul' ? 4 : 3].map((d, i) => (i === 0 ? (300 * 4) / (name === 'refused_scaled_matmul' ? 4 : 3) : d)))]));
      const [x, y] = await Promise.all([all!.run(feeds), none!.run(feeds)]);
      const out = all!.outputNames[0]!;
      assert.notDeepEqual(Array.from(x[out]!.data as Float32Array), Array.from(y[out]!.data as Float32Array), `${name}: optimised and not optimised agree`);
      await Promise.all([all!.release(), none!.release()]);
    }
  });

  for (const [name, file, graph] of compiled) {
    if (typeof graph === 'string') continue;
    it(`${name}: inputs and outputs as onnxruntime reports them, and outputs bit for bit (1, 7 and 300 rows)`, async () => {
      const session = await ort.InferenceSession.create(file, { intraOpNumThreads: 1, interOpNumThreads: 1 });
      try {
        const meta = (m: readonly Ort.InferenceSession.ValueMetadata[]): unknown[] => m.map((v) => (v.isTensor ? { name: v.name, isTensor: true, type: v.type, shape: [...v.shape] } : { name: v.name, isTensor: false }));
        assert.deepEqual(graph.inputs, meta(session.inputMetadata));
        assert.deepEqual(graph.outputs, meta(session.outputMetadata));
        const fetches = graph.outputs.map((o) => o.name);
        const exact = cpuKernels().avx512; // bit-exactness was established on AVX512F machines; elsewhere within 4 ulps
        let compared = 0;
        for (const [rows, seed] of [[1, 1], [7, 2], [300, 3]] as const) {
          const feeds = feedsFor(graph, rows, seed);
          const expected = fromOrtResult(await session.run(toOrtFeeds(ort, feeds), fetches), fetches);
          const got = graph.run(feeds, fetches);
          for (const out of fetches) {
            assert.deepEqual(got[out]!.dims, expected[out]!.dims, `${out} dims`);
            assert.equal(got[out]!.type, expected[out]!.type, `${out} type`);
            if (exact || got[out]!.type !== 'float32') assert.deepEqual(bits(got[out]!), bits(expected[out]!), `${out}, ${rows} rows`);
            else (got[out]!.data as Float32Array).forEach((v, i) => assert.ok(ulps(v, (expected[out]!.data as Float32Array)[i]!) <= 4, `${out}[${i}]`));
            compared += got[out]!.data.length;
          }
        }
        assert.ok(compared > 0);
      } finally {
        await session.release();
      }
    });
  }

  it("rejects feeds onnxruntime rejects, with onnxruntime's messages", async () => {
    const file = join(ONNX_FIXTURES, 'iris', 'model.onnx');
    const graph = compileOnnx(readFileSync(file)) as NativeGraph;
    const session = await ort.InferenceSession.create(file);
    try {
      const cases: Record<string, WireTensor>[] = [
        { input: { type: 'float32', dims: [1, 5], data: new Float32Array(5) } },
        { input: { type: 'float32', dims: [4], data: new Float32Array(4) } },
        { input: { type: 'float64', dims: [1, 4], data: new Float64Array(4) } },
        {},
      ];
      for (const feeds of cases) {
        const theirs = await session.run(toOrtFeeds(ort, feeds), ['label']).then(
          () => 'no error',
          (e: Error) => e.message,
        );
        assert.throws(() => graph.run(feeds, ['label']), (e: Error) => e.message === theirs, theirs);
      }
    } finally {
      await session.release();
    }
  });

  it('gives each call outputs of its own: never a feed, a constant or an earlier answer', () => {
    const graph = compileOnnx(readFileSync(join(ONNX_FIXTURES, 'identity', 'model.onnx'))) as NativeGraph;
    const input = graph.inputs[0]!;
    const data = new Float32Array([1, 2, 3, 4, 5, 6, 7, 8]);
    const dims = input.isTensor ? input.shape.map((d) => (typeof d === 'number' ? d : 8 / input.shape.reduce<number>((a, b) => (typeof b === 'number' ? a * b : a), 1))) : [];
    const out = graph.run({ [input.name]: { type: 'float32', dims, data } }, graph.outputs.map((o) => o.name));
    for (const t of Object.values(out)) assert.notEqual((t.data as Float32Array).buffer, data.buffer);
  });
});

describe('native ONNX evaluator: files it must not trust', () => {
  it('turns every truncation and corruption of a model file into a reason, never a crash or a huge allocation; what compiles, onnxruntime loads', async () => {
    const bytes = readFileSync(join(NATIVE_FIXTURES, 'mlp.onnx'));
    let s = 7;
    const rand = (n: number): number => {
      s = (s * 1103515245 + 12345) % 2 ** 31;
      return s % n;
    };
    let refused = 0;
    let loaded = 0;
    for (let i = 0; i < 3000; i++) {
      const b = Uint8Array.from(bytes.subarray(0, i < 500 ? rand(bytes.length) : bytes.length));
      if (i >= 500) for (let k = 0; k < 1 + rand(4); k++) b[rand(b.length)] = rand(256);
      const g = compileOnnx(b);
      if (typeof g === 'string') refused++;
      else {
        // What compiles must also be a model onnxruntime loads (the large calls go to it).
        if (loaded++ < 200) await ort.InferenceSession.create(b).then((session) => session.release());
        // A corruption that still compiles must still run (or refuse its feeds) without crashing the process.
        const elements = g.inputs.reduce((n, v) => n * (v.isTensor ? v.shape.reduce<number>((a, d) => a * (typeof d === 'number' ? d : 2), 1) : 1), 1);
        if (elements > 1e6) continue;
        try {
          g.run(feedsFor(g, 2, i), g.outputs.map((o) => o.name));
        } catch (err) {
          assert.ok(err instanceof Error);
        }
      }
    }
    assert.ok(refused > 500, `${refused} refused`);
  });
});
