import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Frame } from '../data/frame.js';
import { BadRequestError, ServingError } from '../errors.js';
import type { ScoringContext } from '../pipeline/mlflow.js';
import { describeFault, faultMessage } from './faults.js';
import { scoreChunk, type Piece } from './score.js';
import type { InputChunk } from './types.js';

/** A chunk of one float column `x` holding `values`, on lines 2, 3, ... */
function chunkOf(values: number[]): InputChunk {
  return {
    firstRow: 0,
    size: values.length,
    rowWise: true,
    decode: (s, e) => ({ input: new Frame([{ name: 'x', dtype: 'float64', values: Float64Array.from(values.slice(s, e)) }]), params: null, unwrapped: false }),
    where: (i) => ({ row: i + 1, line: i + 2 }),
    raw: (i) => ({ kind: 'csv', fields: [String(values[i])] }),
    columnsOf: () => ['x'],
  };
}

/** A model refusing negative x (a 400, as input errors are), counting its calls. */
function picky(): ScoringContext & { calls: number } {
  const ctx = {
    calls: 0,
    schemaDetails: true,
    predictor: {
      async predict(input: unknown) {
        ctx.calls++;
        const x = (input as Frame).column('x') as Float64Array;
        if (x.some((v) => v === 500)) throw new ServingError('INTERNAL_ERROR', 'broken');
        if (x.some((v) => v < 0)) throw new BadRequestError('Incompatible input types for column x. Negative.');
        return x;
      },
      close: async () => undefined,
    },
  };
  return ctx;
}

const shape = (pieces: Piece[]): string[] => pieces.map((p) => ('ok' in p ? `ok ${p.start}-${p.end}` : `bad ${p.bad}`));

describe('scoreChunk', () => {
  const values = Array.from({ length: 16 }, (_, i) => (i === 5 || i === 12 ? -1 : i));

  it('scores a good chunk in one call', async () => {
    const ctx = picky();
    assert.deepEqual(shape(await scoreChunk(chunkOf([1, 2, 3]), ctx, false)), ['ok 0-3']);
    assert.equal(ctx.calls, 1);
  });

  it('bisects a failing chunk down to its first bad row in a few calls', async () => {
    const ctx = picky();
    const pieces = await scoreChunk(chunkOf(values), ctx, true);
    assert.deepEqual(shape(pieces), ['ok 0-4', 'ok 4-5', 'bad 5']);
    assert.equal(ctx.calls, 7);
    const bad = pieces[2] as { bad: number; error: unknown };
    assert.equal(faultMessage(describeFault(chunkOf(values), bad.bad, bad.error)), "Bad input at line 7, column 'x': Incompatible input types for column x. Negative.");
  });

  it('isolates every bad row and keeps the good runs in order', async () => {
    const ctx = picky();
    assert.deepEqual(shape(await scoreChunk(chunkOf(values), ctx, false)), ['ok 0-4', 'ok 4-5', 'bad 5', 'ok 6-8', 'ok 8-12', 'bad 12', 'ok 13-14', 'ok 14-16']);
    assert.equal(ctx.calls, 15);
  });

  it('stops on an error rows cannot cause', async () => {
    await assert.rejects(scoreChunk(chunkOf([1, -1, 500]), picky(), false), /broken/);
  });
});
