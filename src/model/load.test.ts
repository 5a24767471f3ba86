import { it } from 'node:test';
import assert from 'node:assert/strict';
import { chooseFlavor, type MLmodel } from './load.js';

const mlmodel = (flavors: Record<string, Record<string, unknown>>): MLmodel => ({ path: '/m', flavors, signatureFromTypeHint: false, raw: {} });

it('lets the cheap calls of flavors without user code run on the HTTP thread, never a js_function model (user code can loop)', () => {
  for (const name of ['sklearn', 'lightgbm', 'xgboost']) assert.equal(chooseFlavor(mlmodel({ [name]: {} })).inline, true, name);
  assert.equal(chooseFlavor(mlmodel({ js_function: {} })).inline, false);
  // ONNX decides inside its flavor (an in-process session of its own), not through the worker pool.
  assert.equal(chooseFlavor(mlmodel({ onnx: {} })).inline, false);
  assert.equal(chooseFlavor(mlmodel({ js_function: {}, sklearn: {} })).inline, false, 'the flavor chosen (the first supported) decides');
});
