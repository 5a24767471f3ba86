// The scikit-learn fixtures are consistent: every case in index.json has its MLflow folder, model file,
// request, expected output and MLflow answer, and they agree with each other and with the index.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import {
  SKLEARN_FIXTURES,
  caseModelDir,
  compareToExpected,
  compareValues,
  decodeArray,
  loadSklearnIndex,
  parseMlflowJson,
  readCaseExpected,
  readCaseRequest,
  readCaseResponse,
  sklearnCases,
  type SklearnCase,
} from './sklearn-fixtures.js';

interface MLmodel {
  flavors: {
    sklearn?: { pickled_model: string; serialization_format: string; sklearn_version: string; skops_trusted_types?: string[] | null };
    python_function?: { loader_module: string; model_path: string; predict_fn: string };
  };
  signature?: { inputs: string };
}

function mlmodel(c: SklearnCase): MLmodel {
  return parseYaml(readFileSync(join(caseModelDir(c), 'MLmodel'), 'utf8')) as MLmodel;
}

/** Row-major flattening of MLflow's `predictions` (arrays of rows for 2-D outputs). */
function flatten(v: unknown): unknown[] {
  return Array.isArray(v) ? v.flatMap(flatten) : [v];
}

describe('scikit-learn fixtures (test/fixtures/sklearn)', () => {
  const index = loadSklearnIndex();

  it('covers the three scikit-learn versions, both pickle protocols, every format and predict function', () => {
    assert.deepEqual(Object.keys(index.versions).sort(), ['1.2.1', '1.6.1', '1.9.1']);
    for (const v of Object.keys(index.versions)) assert.ok(sklearnCases({ sklearnVersion: v }).length >= 20, v);
    const formats = new Set(index.cases.map((c) => `${c.serializationFormat}${c.protocol ?? ''}`));
    for (const f of ['pickle4', 'pickle5', 'cloudpickle4', 'cloudpickle5', 'skops']) assert.ok(formats.has(f), f);
    const fns = new Set(index.cases.map((c) => c.predictFn));
    for (const f of ['predict', 'predict_proba', 'predict_log_proba', 'predict_joint_log_proba', 'score']) assert.ok(fns.has(f as never), f);
    assert.ok(index.cases.some((c) => c.native.expect === 'refuse'));
    assert.equal(new Set(index.cases.map((c) => c.id)).size, index.cases.length, 'case ids are unique');
  });

  it('gives each case an MLflow folder whose MLmodel matches the index', () => {
    for (const c of index.cases) {
      const m = mlmodel(c);
      const sk = m.flavors.sklearn;
      assert.ok(sk, `${c.id}: sklearn flavor`);
      assert.equal(sk.serialization_format, c.serializationFormat, c.id);
      assert.equal(sk.pickled_model, c.file, c.id);
      assert.equal(sk.sklearn_version, c.sklearnVersion, c.id);
      if (c.serializationFormat === 'skops') assert.ok('skops_trusted_types' in sk, `${c.id}: skops_trusted_types`);
      const py = m.flavors.python_function;
      if (c.pyfunc) {
        assert.equal(py?.loader_module, 'mlflow.sklearn', c.id);
        assert.equal(py?.model_path, c.file, c.id);
        assert.equal(py?.predict_fn, c.predictFn, c.id);
      } else {
        assert.equal(py, undefined, `${c.id}: no python_function flavor`);
      }
      for (const f of ['conda.yaml', 'python_env.yaml', 'requirements.txt', 'input_example.json', 'serving_input_example.json']) {
        assert.ok(existsSync(join(caseModelDir(c), f)), `${c.id}: ${f}`);
      }
    }
  });

  it('stores model files in the format and protocol the index states', () => {
    for (const c of index.cases) {
      const path = join(caseModelDir(c), c.file);
      assert.equal(statSync(path).size, c.bytes, c.id);
      const head = Buffer.alloc(4);
      const bytes = readFileSync(path);
      bytes.copy(head, 0, 0, 4);
      if (c.serializationFormat === 'skops') {
        assert.deepEqual([...head], [0x50, 0x4b, 0x03, 0x04], `${c.id}: a zip`);
        assert.ok(bytes.includes('schema.json'), `${c.id}: schema.json`);
      } else {
        assert.deepEqual([head[0], head[1]], [0x80, c.protocol], `${c.id}: PROTO ${c.protocol}`);
        assert.equal(bytes[bytes.length - 1], 0x2e, `${c.id}: ends with STOP`);
      }
    }
  });

  it('keeps requests, expected outputs and MLflow answers in step', () => {
    for (const c of index.cases) {
      const req = JSON.parse(readCaseRequest(c)) as { dataframe_split: { columns: string[]; data: unknown[][] } };
      const exp = readCaseExpected(c);
      assert.equal(req.dataframe_split.data.length, c.rows, c.id);
      assert.deepEqual(req.dataframe_split.columns, exp.columns, c.id);
      for (const row of req.dataframe_split.data) assert.equal(row.length, exp.columns.length, c.id);
      assert.equal(exp.status, c.status, c.id);
      if (c.status !== null && c.status !== 200) {
        assert.ok(exp.error?.error_code && exp.output === null && c.response === null, `${c.id}: MLflow's error`);
        continue;
      }
      const out = exp.output ?? exp.transform;
      assert.ok(out, c.id);
      assert.deepEqual({ dtype: out.dtype, shape: out.shape }, c.output, c.id);
      assert.equal(out.values.length, out.shape.reduce((a, b) => a * b, 1), c.id);
      assert.equal(out.shape[0], c.rows, c.id);
      const body = readCaseResponse(c);
      assert.equal(body === null, !c.pyfunc, c.id);
      if (body === null) continue;
      const predictions = (parseMlflowJson(body) as { predictions: unknown[] }).predictions;
      assert.equal(predictions.length, c.rows, c.id);
      // MLflow writes the same doubles: its answer equals the raw output exactly (NaN as NaN).
      const flat = flatten(predictions).map((v) => (v === null && out.dtype.startsWith('float') ? NaN : v));
      const cmp = compareToExpected(c, flat);
      assert.ok(cmp.ok && cmp.maxAbsDiff === 0, `${c.id}: response.json differs from expected.json (max |diff| ${cmp.maxAbsDiff}, first mismatch ${JSON.stringify(cmp.first)})`);
    }
  });

  it('names, for every case a native evaluator must refuse, what it does not know', () => {
    for (const c of index.cases.filter((x) => x.native.expect === 'refuse')) {
      assert.ok(c.native.expect === 'refuse' && c.native.unknown.length > 0, c.id);
    }
  });
});

describe('compareValues', () => {
  const floats = decodeArray({ dtype: 'float64', shape: [4], values: [1.5, 'NaN', -2e-300, 'Infinity'] });

  it('accepts equal values, NaN for NaN and infinities for themselves', () => {
    const r = compareValues(floats, [1.5, NaN, -2e-300, Infinity], { kind: 'exact' });
    assert.deepEqual([r.ok, r.mismatches, r.maxAbsDiff], [true, 0, 0]);
  });

  it('rejects one ulp under the exact rule and reports where', () => {
    const r = compareValues(floats, [1.5000000000000002, NaN, -2e-300, Infinity], { kind: 'exact' });
    assert.equal(r.ok, false);
    assert.deepEqual(r.first, { index: 0, expected: 1.5, actual: 1.5000000000000002 });
  });

  it('accepts 1e-10 relative and rejects 1e-8 relative under the 1e-9 rule', () => {
    const rule = { kind: 'close', rel: 1e-9, abs: 1e-12 } as const;
    assert.equal(compareValues(floats, [1.5 * (1 + 1e-10), NaN, -2e-300, Infinity], rule).ok, true);
    const r = compareValues(floats, [1.5 * (1 + 1e-8), NaN, -2e-300, Infinity], rule);
    assert.equal(r.ok, false);
    assert.ok(r.maxRelDiff > 9e-9 && r.maxRelDiff < 1.1e-8);
  });

  it('rejects NaN where a number is expected, a wrong length and a label of another type', () => {
    assert.equal(compareValues(floats, [NaN, NaN, -2e-300, Infinity], { kind: 'close', rel: 1, abs: 1 }).ok, false);
    assert.equal(compareValues(floats, [1.5], { kind: 'exact' }).ok, false);
    const labels = decodeArray({ dtype: 'object', shape: [2], values: ['1', 'ant'], pythonTypes: ['str'] });
    assert.equal(compareValues(labels, [1, 'ant'], { kind: 'exact' }).ok, false);
    assert.equal(compareValues(labels, ['1', 'ant'], { kind: 'exact' }).ok, true);
  });

  it('decodes integers beyond 2^53 to bigint', () => {
    const big = decodeArray({ dtype: 'int64', shape: [2], values: ['9007199254740993', 7] });
    assert.deepEqual(big.values, [9007199254740993n, 7]);
  });
});

describe('parseMlflowJson', () => {
  it("reads Python json's bare NaN and infinities as numbers, and leaves strings that spell them alone", () => {
    const v = parseMlflowJson('{"predictions": [[NaN, -Infinity], [Infinity, 0.5]], "s": "NaN, -Infinity"}');
    assert.deepEqual(v, { predictions: [[NaN, -Infinity], [Infinity, 0.5]], s: 'NaN, -Infinity' });
  });
});

describe('fixture folder', () => {
  it('is found from the compiled helper', () => {
    assert.ok(existsSync(join(SKLEARN_FIXTURES, 'generate.py')));
  });
});
