// Mutated real scikit-learn pickles through the whole flavor path (read, build, predict): a damaged or
// crafted model file may be refused at load or make predict fail (MLflow's 400), never anything else.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { UnsupportedModelError } from '../../errors.js';
import { loadModel } from '../../model/load.js';
import { decodeRequest } from '../../pipeline/mlflow.js';
import { enforceInput } from '../../schema/enforce.js';
import { PickleError, PyNode, PyTreeError, readPickle } from '../../pyobj/index.js';
import { caseModelDir, readCaseRequest, sklearnCases } from '../../../test/helpers/sklearn-fixtures.js';
import { buildModel } from './build.js';
import { PREDICT_METHODS, type PredictFn } from './estimator.js';
import { toTable } from './input.js';

/** mulberry32: a small seeded generator, so that a failure replays. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function mutate(bytes: Uint8Array, rnd: () => number): { data: Uint8Array; what: string } {
  const data = Uint8Array.from(bytes);
  if (rnd() < 0.2) {
    const end = Math.floor(rnd() * data.length);
    return { data: data.subarray(0, end), what: `truncated at ${end}` };
  }
  const flips: string[] = [];
  for (let k = 1 + Math.floor(rnd() * 4); k > 0; k--) {
    const at = Math.floor(rnd() * data.length);
    data[at] = Math.floor(rnd() * 256);
    flips.push(`${at}=${data[at]}`);
  }
  return { data, what: `bytes ${flips.join(',')}` };
}

const PER_SEED = 20;

describe('sklearn flavor fuzz (mutated real pickles)', () => {
  it('refuses or fails cleanly on every mutated model: no other error, no hang', async () => {
    const seen = new Set<string>();
    const seeds = sklearnCases({ sklearnVersion: '1.6.1' }).filter((c) => c.native.expect === 'evaluate' && c.protocol !== null && !seen.has(c.model) && seen.add(c.model));
    let tried = 0;
    let maxMs = 0;
    const outcomes: Record<string, number> = {};
    for (const c of seeds) {
      // Only models the flavor evaluates today (the others are refused before any builder runs).
      let model;
      try {
        model = await loadModel(caseModelDir(c), { log: () => {} });
      } catch {
        continue;
      }
      const ctx = { signature: model.signature, signatureFromTypeHint: false, schemaDetails: true };
      const decoded = decodeRequest('application/json', Buffer.from(readCaseRequest(c)), ctx);
      const input = decoded.enforced ? decoded.input : enforceInput(decoded.input, model.signature?.inputs, { schemaDetails: true });
      const bytes = new Uint8Array(readFileSync(join(caseModelDir(c), c.file)));
      const rnd = random(tried + 1);
      for (let i = 0; i < PER_SEED; i++) {
        const { data, what } = mutate(bytes, rnd);
        const t0 = performance.now();
        let outcome: string;
        try {
          const est = buildModel(PyNode.root(readPickle(data)), c.file);
          const method = est[PREDICT_METHODS[c.predictFn as PredictFn]];
          if (!method) outcome = 'no such method';
          else {
            try {
              method.call(est, toTable(input));
              outcome = 'predicted';
            } catch (err) {
              assert.ok(err instanceof Error, `${c.id} ${what}: predict threw a non-Error ${String(err)}`);
              assert.ok(!(err instanceof RangeError && /call stack/.test(err.message)), `${c.id} ${what}: ${err.message}`);
              outcome = 'predict error';
            }
          }
        } catch (err) {
          const clean = err instanceof PickleError || err instanceof PyTreeError || err instanceof UnsupportedModelError;
          assert.ok(clean, `${c.id} ${what}: load threw ${(err as Error)?.stack ?? String(err)}`);
          outcome = (err as Error).name;
        }
        const elapsed = performance.now() - t0;
        maxMs = Math.max(maxMs, elapsed);
        assert.ok(elapsed < 5000, `${c.id} ${what}: took ${elapsed.toFixed(0)} ms`);
        outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
        tried++;
      }
    }
    assert.ok(tried >= PER_SEED * 20, `fuzzed ${tried} inputs`);
    process.stdout.write(`# sklearn fuzz: ${tried} mutated models, ${JSON.stringify(outcomes)}, slowest ${maxMs.toFixed(1)} ms\n`);
  });
});
