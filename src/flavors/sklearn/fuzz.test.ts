// Mutated real scikit-learn pickles and skops files (the pyobj fuzzer's mutations) through the whole
// flavor path (read, build, predict): a damaged or crafted model file may be refused at load or make
// predict fail (MLflow's 400), never anything else.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { UnsupportedModelError } from '../../errors.js';
import { loadModel } from '../../model/load.js';
import { decodeRequest } from '../../pipeline/mlflow.js';
import { enforceInput } from '../../schema/enforce.js';
import { PickleError, PyNode, PyTreeError, readPythonObject } from '../../pyobj/index.js';
import { mutate, random } from '../../../test/helpers/pyobj-fuzz.js';
import { caseModelDir, readCaseRequest, sklearnCases } from '../../../test/helpers/sklearn-fixtures.js';
import { buildModel } from './build.js';
import { PREDICT_METHODS, type PredictFn } from './estimator.js';
import { toTable } from './input.js';

const PER_SEED = 20;

describe('sklearn flavor fuzz (mutated real pickles and skops files)', () => {
  it('refuses or fails cleanly on every mutated model: no other error, no hang', async () => {
    const seen = new Set<string>();
    const seeds = sklearnCases({ sklearnVersion: '1.6.1' }).filter((c) => c.native.expect === 'evaluate' && !seen.has(`${c.model}/${c.protocol === null}`) && seen.add(`${c.model}/${c.protocol === null}`));
    let tried = 0;
    let maxMs = 0;
    const outcomes: Record<string, number> = {};
    for (const c of seeds) {
      // Only models the flavor evaluates today (the others are refused before any builder runs).
      let model;
      try {
        model = await loadModel(caseModelDir(c));
      } catch {
        continue;
      }
      const ctx = { signature: model.signature, signatureFromTypeHint: false, schemaDetails: true };
      const decoded = decodeRequest('application/json', Buffer.from(readCaseRequest(c)), ctx);
      const input = decoded.enforced ? decoded.input : enforceInput(decoded.input, model.signature?.inputs, { schemaDetails: true });
      const bytes = new Uint8Array(readFileSync(join(caseModelDir(c), c.file)));
      const rnd = random(tried + 1);
      for (let i = 0; i < PER_SEED; i++) {
        const { bytes: data, mutation: what } = mutate({ name: c.id, bytes }, rnd);
        const t0 = performance.now();
        let outcome: string;
        try {
          const est = buildModel(PyNode.root(readPythonObject(data)), c.file);
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
