import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ModelLoadError, ServingError, UnsupportedModelError } from '../errors.js';
import type { MLmodel } from '../model/load.js';
import { openEngine } from './engine.js';

const model = (...flavors: string[]): MLmodel => ({ path: '/m', flavors: Object.fromEntries(flavors.map((f) => [f, {}])), signatureFromTypeHint: false, raw: {} });
const native = async (flavor: string) => `native ${flavor}`;
const python = async () => 'python';
const unsupported = (err: Error) => async () => {
  throw err;
};

describe('choosing the engine', () => {
  it('auto runs a native flavor when the model has one and it loads', async () => {
    const { value, choice } = await openEngine(model('onnx', 'python_function'), 'auto', native, python);
    assert.equal(value, 'native onnx');
    assert.deepEqual(choice, { engine: 'native', flavor: 'onnx', reason: 'flavor onnx' });
  });

  it('auto falls back to Python when the native load says it cannot evaluate the model, naming what', async () => {
    const err = new UnsupportedModelError('not natively', ['class mypkg.MyTransformer at steps[0] is not supported natively']);
    const { value, choice } = await openEngine(model('xgboost', 'python_function'), 'auto', unsupported(err), python);
    assert.equal(value, 'python');
    assert.equal(choice.reason, 'flavor xgboost: class mypkg.MyTransformer at steps[0] is not supported natively');
  });

  it('recognises that error after it crossed a worker thread (rebuilt by name)', async () => {
    const err = new ServingError('INVALID_STATE', 'lost its class on the way');
    err.name = 'UnsupportedModelError';
    const { choice } = await openEngine(model('js_function', 'python_function'), 'auto', unsupported(err), python);
    assert.equal(choice.reason, 'flavor js_function: lost its class on the way');
  });

  it('auto does not fall back on other load errors, nor without python_function', async () => {
    await assert.rejects(openEngine(model('onnx', 'python_function'), 'auto', unsupported(new ModelLoadError('corrupt file')), python), /corrupt file/);
    await assert.rejects(openEngine(model('onnx'), 'auto', unsupported(new UnsupportedModelError('nope')), python), /nope/);
  });

  it('a failed fallback says both why the model cannot run natively and why Python could not take it', async () => {
    const err = new UnsupportedModelError('not natively', ['function __main__.<lambda> at step fn']);
    const noMlflow = async () => {
      throw new ModelLoadError("The Python interpreter 'python3' cannot import mlflow.");
    };
    await assert.rejects(openEngine(model('sklearn', 'python_function'), 'auto', unsupported(err), noMlflow), (e: ServingError) => {
      assert.ok(e instanceof ModelLoadError);
      assert.match(e.message, /^mlserve cannot evaluate this sklearn model natively \(function __main__\.<lambda> at step fn\), and the Python engine could not take it: The Python interpreter 'python3' cannot import mlflow\.$/);
      return true;
    });
  });

  it('auto uses Python when no flavor runs natively', async () => {
    const { choice } = await openEngine(model('pytorch', 'python_function'), 'auto', native, python);
    assert.deepEqual(choice, { engine: 'python', flavor: 'python_function', reason: 'flavors [pytorch, python_function]: none runs natively' });
  });

  it('answers MLflow\'s "No suitable flavor backend" when nothing can serve the model', async () => {
    await assert.rejects(openEngine(model('pytorch'), 'auto', native, python), (err: ServingError) => {
      assert.equal(err.errorCode, 'RESOURCE_DOES_NOT_EXIST');
      assert.match(err.message, /^No suitable flavor backend was found for the model\. It has flavors \[pytorch\]/);
      return true;
    });
  });

  it('native never falls back; python always uses Python', async () => {
    await assert.rejects(openEngine(model('onnx', 'python_function'), 'native', unsupported(new UnsupportedModelError('nope')), python), /nope/);
    await assert.rejects(openEngine(model('pytorch', 'python_function'), 'native', native, python), /No suitable flavor backend/);
    const { choice } = await openEngine(model('onnx', 'python_function'), 'python', native, python);
    assert.deepEqual(choice, { engine: 'python', flavor: 'python_function', reason: 'requested with --engine python' });
    await assert.rejects(openEngine(model('onnx'), 'python', native, python), /--engine python needs the python_function flavor; this model has flavors \[onnx\]/);
  });
});
