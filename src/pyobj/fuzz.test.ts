// Fuzzes the readers with mutated and truncated real pickles and skops files (seeded, bounded):
// every input must read or fail with a PickleError/PyTreeError, never anything else, and
// ArrayBuffer memory must not grow past the stated bound. Times are reported, not asserted.
// The long run is bench/pyobj-fuzz.ts.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { PickleError } from './errors.js';
import { readPickle } from './pickle.js';
import { toTreeJson } from './tree-json.js';
import { walkTree } from './walk.js';
import { allocationBound, loadSeeds, runFuzz } from '../../test/helpers/pyobj-fuzz.js';

const ROOT = fileURLToPath(new URL('../../../test/fixtures/pyobj/', import.meta.url));

describe('pyobj readers under fuzzing', () => {
  it('reads or cleanly rejects 1,000 mutated real files, within the allocation bound', { timeout: 300_000 }, (t) => {
    const seeds = loadSeeds(ROOT);
    assert.ok(seeds.length > 100);
    const report = runFuzz(seeds, { seed: 20240601, count: 1000, measureEvery: 10 });
    t.diagnostic(
      `${report.inputs} inputs: ${report.accepted} read, rejected ${JSON.stringify(report.rejected)}; ` +
        `time per input p99 ${report.p99Ms.toFixed(1)} ms, max ${report.maxMs.toFixed(1)} ms (${report.slowest}); ` +
        `max ArrayBuffer growth ${report.maxGrowth} bytes (bound: 2 x input + 1 MiB)`,
    );
    assert.deepEqual(report.crashes, []);
    assert.deepEqual(report.overBound, []);
    assert.ok(report.accepted > 0 && Object.keys(report.rejected).length > 0);
  });

  it('bounds hostile shapes that cost little input: deep nesting, exponential sharing, zero-size elements', () => {
    // 200,000 nested one-tuples (no MARK needed): readable, walkable, and too deep to write as JSON.
    const deep = readPickle(Buffer.concat([Buffer.from('N'), Buffer.alloc(200_000, 0x85), Buffer.from('.')]));
    let count = 0;
    walkTree(deep, () => void count++);
    assert.equal(count, 200_001);
    assert.throws(() => toTreeJson(deep), /nested deeper than 1000/);
    // x = [x, x] sixty times over: 2^60 paths, a few hundred bytes.
    const parts = [']'];
    for (let k = 0; k < 60; k++) parts.push('2\x86');
    const shared = readPickle(Buffer.from(parts.join('') + '.', 'latin1'));
    count = 0;
    walkTree(shared, () => void count++);
    assert.equal(count, 61);
    assert.throws(() => toTreeJson(shared, { maxNodes: 10_000 }), /more than 10000 values/);
    // A numpy array of 10^9 zero-byte strings declared by a few bytes.
    const zeroSize = Buffer.from(
      '\x80\x02cnumpy.core.multiarray\n_reconstruct\ncnumpy\nndarray\nK\x00\x85C\x01b\x87R(K\x01J\x00\xca\x9a;\x85cnumpy\ndtype\nX\x02\x00\x00\x00S0\x89\x88\x87R(K\x03X\x01\x00\x00\x00|NNNK\x00K\x01K\x00tb\x89C\x00tb.',
      'latin1',
    );
    assert.throws(() => readPickle(zeroSize), (e: unknown) => e instanceof PickleError && /zero bytes/.test(e.message));
  });

  it('states its allocation bound', () => {
    assert.equal(allocationBound(1000), 2000 + 1048576);
  });
});
