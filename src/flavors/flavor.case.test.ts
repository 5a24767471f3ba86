// One suite every model flavor passes: the contract the runtime relies on, whatever runs the model.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ModelLoadError, ServingError } from '../errors.js';
import { readMLmodel } from '../model/mlmodel.js';
import type { ModelFlavor, ModelInput, ModelParams } from './types.js';
import { jsFunctionFlavor } from './js/index.js';
import { onnxFlavor } from './onnx/index.js';
import { xgboostFlavor } from './xgboost/index.js';
import { lightgbmFlavor } from './lightgbm/index.js';
import { Frame } from '../data/frame.js';
import { Tensor } from '../data/tensor.js';
import { tempDir as testTempDir } from '../../test/helpers/temp.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../..');

/** What the suite needs to exercise one flavor. */
export interface FlavorCase {
  readonly flavor: ModelFlavor;
  /** A model directory this flavor serves. */
  readonly modelDir: string;
  /** An input the model scores; `rows` rows when it has rows. */
  readonly input: (rows: number) => ModelInput;
  /** Params as the server hands them after enforcement (defaults filled in). @default null */
  readonly params?: ModelParams;
  /** An input the model cannot score (wrong type or shape). */
  readonly badInput: ModelInput;
  /** Writes a model directory whose model file is missing or broken; returns it. */
  readonly brokenModelDir: () => string;
}

function tempDir(): string {
  return testTempDir('mlserve-flavor-');
}

/** The shared contract: load, predict (async, repeatable), isolation of bad input, batchable, close, load errors. */
export function runFlavorSuite(c: FlavorCase): void {
  describe(`flavor contract: ${c.flavor.name}`, () => {
    const params = c.params ?? null;
    const load = async (dir: string) => {
      const mlmodel = await readMLmodel(dir);
      return c.flavor.load({ modelPath: mlmodel.path, flavorConf: mlmodel.flavors[c.flavor.name] ?? {}, signature: mlmodel.signature, threads: 1 });
    };

    it('loads, predicts asynchronously and gives the same answer twice', async () => {
      const model = await load(c.modelDir);
      try {
        const pending = model.predict(c.input(2), params);
        assert.ok(pending instanceof Promise, 'predict returns a promise');
        const first = await pending;
        assert.notEqual(first, undefined);
        assert.deepEqual(await model.predict(c.input(2), params), first);
      } finally {
        await model.close?.();
      }
    });

    it('rejects (never throws synchronously) for input it cannot score, and keeps serving', async () => {
      const model = await load(c.modelDir);
      try {
        let threw = false;
        let result: Promise<unknown> | undefined;
        try {
          result = model.predict(c.badInput, params);
        } catch {
          threw = true;
        }
        assert.equal(threw, false, 'predict threw synchronously');
        await assert.rejects(result!);
        assert.notEqual(await model.predict(c.input(1), params), undefined);
      } finally {
        await model.close?.();
      }
    });

    it('reports whether rows of several requests may be merged, as a boolean', async () => {
      const model = await load(c.modelDir);
      try {
        assert.equal(typeof (model.batchable ?? false), 'boolean');
        if (model.batchable) {
          // A batchable model answers row i of its output for row i of its input.
          const one = await model.predict(c.input(1), params);
          const three = await model.predict(c.input(3), params);
          assert.notDeepEqual(one, three);
        }
      } finally {
        await model.close?.();
      }
    });

    it('fails to load a broken model with ModelLoadError naming the directory or file', async () => {
      const dir = c.brokenModelDir();
      await assert.rejects(load(dir), (err: unknown) => {
        assert.ok(err instanceof ModelLoadError || err instanceof ServingError, String(err));
        assert.ok((err as Error).message.includes(dir), (err as Error).message);
        return true;
      });
    });

    it('closes more than once without failing', async () => {
      const model = await load(c.modelDir);
      await model.close?.();
      await model.close?.();
    });
  });
}

const iris = (rows: number): ModelInput => new Tensor('float32', [rows, 4], Float32Array.from({ length: rows * 4 }, (_, i) => [5.1, 3.5, 1.4, 0.2][i % 4] + Math.floor(i / 4)));

runFlavorSuite({
  flavor: jsFunctionFlavor,
  modelDir: join(ROOT, 'examples/js-linear'),
  input: (rows) => Frame.of({ x1: { dtype: 'float64', values: Float64Array.from({ length: rows }, (_, i) => i) }, x2: { dtype: 'float64', values: new Float64Array(rows) } }),
  params: { bias: 0 },
  badInput: 'not a frame',
  brokenModelDir: () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'MLmodel'), 'flavors:\n  js_function:\n    entry: missing.mjs\n');
    return dir;
  },
});

runFlavorSuite({
  flavor: onnxFlavor,
  modelDir: join(ROOT, 'examples/iris'),
  input: iris,
  badInput: new Tensor('float32', [1, 3], Float32Array.from([1, 2, 3])),
  brokenModelDir: () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'MLmodel'), 'flavors:\n  onnx:\n    data: model.onnx\n');
    writeFileSync(join(dir, 'model.onnx'), 'not onnx');
    return dir;
  },
});

runFlavorSuite({
  flavor: xgboostFlavor,
  modelDir: join(ROOT, 'test/fixtures/xgboost/reg-squarederror/json'),
  input: (rows) => new Tensor('float64', [rows, 5], Float64Array.from({ length: rows * 5 }, (_, i) => (i % 7) / 3 - 1 + Math.floor(i / 5))),
  badInput: new Tensor('str', [1, 1], ['x']),
  brokenModelDir: () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'MLmodel'), 'flavors:\n  xgboost:\n    data: model.json\n    model_format: json\n');
    writeFileSync(join(dir, 'model.json'), '{"learner": ');
    return dir;
  },
});

runFlavorSuite({
  flavor: lightgbmFlavor,
  modelDir: join(ROOT, 'test/fixtures/lightgbm/binary'),
  input: (rows) => new Tensor('float64', [rows, 5], Float64Array.from({ length: rows * 5 }, (_, i) => (i % 7) / 3 - 1 + Math.floor(i / 5))),
  badInput: new Tensor('str', [1, 5], ['x', 'y', 'z', 'w', 'v']),
  brokenModelDir: () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'MLmodel'), 'flavors:\n  lightgbm:\n    data: model.lgb\n    model_class: lightgbm.basic.Booster\n');
    writeFileSync(join(dir, 'model.lgb'), 'tree\nversion=v4\nnum_class=1\n');
    return dir;
  },
});
