import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Frame } from '../data/frame.js';
import { Tensor } from '../data/tensor.js';
import { encodePredictions } from '../codecs/predictions.js';
import { ServingError } from '../errors.js';
import type { Sink } from './sink.js';
import type { ScoredBatch } from './types.js';
import { mlflowJsonWriter } from './write-json.js';

/** A sink that keeps what it is given. */
function memorySink(): Sink & { text(): string } {
  const parts: string[] = [];
  return {
    write: async (d) => void parts.push(typeof d === 'string' ? d : Buffer.from(d).toString()),
    commit: async () => undefined,
    abort: async () => undefined,
    text: () => parts.join(''),
  };
}

const batch = (output: unknown, unwrapped = false): ScoredBatch => ({ output, input: null, rows: 1, unwrapped });

async function written(outputs: unknown[], unwrapped = false): Promise<string> {
  const sink = memorySink();
  const w = mlflowJsonWriter(sink);
  try {
    for (const o of outputs) await w.write(batch(o, unwrapped));
    await w.finish();
  } catch (err) {
    // As predictBatch does: a failed writer discards its spill files.
    await w.abort();
    throw err;
  }
  return sink.text();
}

const frame = (x: number[]): Frame => new Frame([{ name: 'y', dtype: 'float64', values: Float64Array.from(x) }]);

describe('mlflowJsonWriter', () => {
  it("writes one batch exactly as MLflow does, whatever its shape", async () => {
    for (const output of ['text', 7, { a: 1 }, frame([1]), null]) assert.equal(await written([output]), encodePredictions(output, true));
    assert.equal(await written([{ text: 'hi' }], true), '{"text": "hi"}');
    assert.equal(await written([]), '{"predictions": []}');
  });

  it('concatenates list-like answers of several batches into the list MLflow writes for all rows', async () => {
    assert.equal(await written([frame([1, 2]), frame([]), frame([3])]), encodePredictions(frame([1, 2, 3]), true));
    assert.equal(await written([Float64Array.from([1]), new Tensor('int64', [1], BigInt64Array.from([2n])), [3]]), '{"predictions": [1.0, 2, 3]}');
    const rows = (n: number[]): Tensor => new Tensor('float64', [n.length / 2, 2], Float64Array.from(n));
    assert.equal(await written([rows([1, 2]), rows([3, 4])]), encodePredictions(rows([1, 2, 3, 4]), true));
  });

  it('concatenates dicts of lists per key', async () => {
    const out = (label: number[], p: number[]): Record<string, unknown> => ({ label: BigInt64Array.from(label.map(BigInt)), p: Float64Array.from(p) });
    assert.equal(await written([out([1], [0.5]), out([], []), out([0, 2], [0.25, 1])]), encodePredictions(out([1, 0, 2], [0.5, 0.25, 1]), true));
  });

  it('refuses answers that cannot be combined across batches', async () => {
    await assert.rejects(written(['a', 'b']), (e: unknown) => e instanceof ServingError && /returned string, which cannot be combined across batches/.test(e.message));
    await assert.rejects(written([[1], 'b']), /cannot be combined/);
    await assert.rejects(written([{ a: [1] }, { b: [1] }]), /returned keys \[b\] for a batch after returning \[a\]/);
  });
});
