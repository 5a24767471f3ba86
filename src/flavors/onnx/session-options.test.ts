import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ModelLoadError } from '../../errors.js';
import { planProviders } from './providers.js';
import { DEFAULT_PROVIDERS, parseSessionOptions, readOnnxFlavorConf } from './session-options.js';

const SPIN_OFF = { 'session.intra_op.allow_spinning': '0', 'session.inter_op.allow_spinning': '0' };

describe('readOnnxFlavorConf', () => {
  it('resolves data against the model directory and defaults providers as MLflow does', () => {
    const conf = readOnnxFlavorConf('/models/m', { data: 'model.onnx', onnx_session_options: null });
    assert.equal(conf.modelFile, '/models/m/model.onnx');
    assert.deepEqual(conf.providers, DEFAULT_PROVIDERS);
    assert.deepEqual(conf.sessionOptions, { extra: SPIN_OFF });
  });

  it('keeps the configured providers', () => {
    const conf = readOnnxFlavorConf('/m', { data: 'x.onnx', providers: ['CPUExecutionProvider'] });
    assert.deepEqual(conf.providers, ['CPUExecutionProvider']);
  });

  it('rejects a flavor section without data with ModelLoadError', () => {
    assert.throws(() => readOnnxFlavorConf('/m', {}), ModelLoadError);
  });

  it('rejects providers that are not a list of names', () => {
    assert.throws(() => readOnnxFlavorConf('/m', { data: 'x.onnx', providers: 'CPUExecutionProvider' }), ModelLoadError);
  });
});

describe('parseSessionOptions', () => {
  it('maps threads, execution mode (any case), optimization level and config entries', () => {
    const opts = parseSessionOptions({
      inter_op_num_threads: 2,
      intra_op_num_threads: 3,
      execution_mode: 'PARALLEL',
      graph_optimization_level: 99,
      extra_session_config: { 'session.use_env_allocators': '1' },
    });
    assert.deepEqual(opts, {
      interOpNumThreads: 2,
      intraOpNumThreads: 3,
      executionMode: 'parallel',
      graphOptimizationLevel: 'all',
      extra: { ...SPIN_OFF, 'session.use_env_allocators': '1' },
    });
  });

  it('maps each GraphOptimizationLevel value', () => {
    assert.equal(parseSessionOptions({ graph_optimization_level: 1 }).graphOptimizationLevel, 'basic');
    assert.equal(parseSessionOptions({ graph_optimization_level: 2 }).graphOptimizationLevel, 'extended');
    assert.equal(parseSessionOptions({ graph_optimization_level: 3 }).graphOptimizationLevel, 'layout');
    assert.equal(parseSessionOptions({ execution_mode: 'Sequential' }).executionMode, 'sequential');
  });

  it('ignores falsy values and unknown execution modes, as MLflow does', () => {
    const opts = parseSessionOptions({ intra_op_num_threads: 0, graph_optimization_level: 0, execution_mode: 'turbo' });
    assert.deepEqual(opts, { extra: SPIN_OFF });
  });

  it('lets extra_session_config turn thread spinning back on', () => {
    const opts = parseSessionOptions({ extra_session_config: { 'session.intra_op.allow_spinning': '1' } });
    assert.equal(opts.extra['session.intra_op.allow_spinning'], '1');
    assert.equal(opts.extra['session.inter_op.allow_spinning'], '0');
  });

  it('rejects values MLflow cannot apply with ModelLoadError', () => {
    assert.throws(() => parseSessionOptions({ graph_optimization_level: 5 }), ModelLoadError);
    assert.throws(() => parseSessionOptions({ graph_optimization_level: 'all' }), ModelLoadError);
    assert.throws(() => parseSessionOptions({ intra_op_num_threads: 1.5 }), ModelLoadError);
    assert.throws(() => parseSessionOptions({ execution_mode: 1 }), ModelLoadError);
    assert.throws(() => parseSessionOptions({ extra_session_config: ['a'] }), ModelLoadError);
    assert.throws(() => parseSessionOptions({ extra_session_config: { a: { b: 1 } } }), ModelLoadError);
    assert.throws(() => parseSessionOptions('fast'), ModelLoadError);
  });
});

describe('planProviders', () => {
  const installed = () => true;
  const missing = () => false;

  it('runs CPU-only lists on CPU without notice', () => {
    assert.deepEqual(planProviders(['CPUExecutionProvider'], installed), { accelerators: [], unavailable: [] });
  });

  it('uses CUDA when asked and its provider library is installed', () => {
    assert.deepEqual(planProviders(DEFAULT_PROVIDERS, installed), { accelerators: ['cuda'], unavailable: [] });
  });

  it('reports CUDA as unavailable when its provider library is missing', () => {
    assert.deepEqual(planProviders(DEFAULT_PROVIDERS, missing), { accelerators: [], unavailable: ['CUDAExecutionProvider'] });
  });

  it('reports providers onnxruntime-node does not have', () => {
    assert.deepEqual(planProviders(['OpenVINOExecutionProvider', 'CPUExecutionProvider'], installed), {
      accelerators: [],
      unavailable: ['OpenVINOExecutionProvider'],
    });
  });
});

describe('withThreadBudget', () => {
  it('sizes the intra-op pool from the CPU budget unless the model sets it', async () => {
    const { withThreadBudget, parseSessionOptions } = await import('./session-options.js');
    assert.equal(withThreadBudget(parseSessionOptions(null), 1).intraOpNumThreads, 1);
    assert.equal(withThreadBudget(parseSessionOptions(null), 2.5).intraOpNumThreads, 2);
    assert.equal(withThreadBudget(parseSessionOptions({ intra_op_num_threads: 4 }), 1).intraOpNumThreads, 4);
    assert.equal(withThreadBudget(parseSessionOptions(null), undefined).intraOpNumThreads, undefined);
  });
});
