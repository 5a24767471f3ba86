// Model input encoded by mlserve and rebuilt by the Python worker's decoder: the same numpy dtypes, shapes, pandas columns and Python ints/floats.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Frame } from '../../src/data/frame.js';
import { Tensor } from '../../src/data/tensor.js';
import { markFloat } from '../../src/data/float-hint.js';
import { Payload, encodeFrame } from '../../src/runtime/python/frames.js';
import { encodeValue } from '../../src/runtime/python/values.js';
import { ROOT } from '../helpers/cli.js';
import { mlflowPython } from '../helpers/mlflow-venv.js';

/** Decodes every unit of a frame with the worker's code and describes each value in JSON (types, dtypes, shapes, values). */
const DESCRIBE = `
import json, struct, sys
import numpy as np, pandas as pd
from mlserve_worker.engine import read_unit
from mlserve_worker.protocol import buffers

def big(x):
    # Ints beyond 2**53 as text, so JavaScript's JSON.parse keeps them exact.
    return str(x) if isinstance(x, int) and not isinstance(x, bool) and abs(x) > 2**53 else x

def describe(v):
    if isinstance(v, int) and not isinstance(v, bool) and abs(v) > 2**53:
        return {"bigint": str(v)}
    if isinstance(v, pd.DataFrame):
        return {"DataFrame": {"columns": [[c if isinstance(c, (int, str)) else str(c), str(v[c].dtype), [describe(x) for x in v[c].tolist()]] for c in v.columns],
                              "column_index": type(v.columns).__name__, "index": type(v.index).__name__, "rows": len(v)}}
    if isinstance(v, np.ndarray):
        if v.dtype == object:
            return {"ndarray": {"dtype": "object", "shape": list(v.shape), "items": [describe(x) for x in v.reshape(-1)]}}
        items = v.reshape(-1).tolist()
        return {"ndarray": {"dtype": str(v.dtype), "shape": list(v.shape), "items": [x.decode() if isinstance(x, bytes) else big(x) for x in items]}}
    if isinstance(v, dict):
        return {"dict": [[k, describe(x)] for k, x in v.items()]}
    if isinstance(v, list):
        return {"list": [describe(x) for x in v]}
    if isinstance(v, bytes):
        return {"bytes": v.decode()}
    if isinstance(v, float) and v != v:
        return {"float": "nan"}
    return {type(v).__name__: v}

data = bytearray(open(sys.argv[1], "rb").read())
(hl,) = struct.unpack_from("<I", data, 4)
header = json.loads(bytes(data[8 : 8 + hl]))
buf = buffers(header, memoryview(data)[8 + hl :])
print(json.dumps([describe(read_unit(u, buf)[0]) for u in header["units"]]))
`;

/** The values, as the worker sees them. */
function decodeInPython(python: string, values: unknown[]): unknown[] {
  const payload = new Payload();
  const units = values.map((v) => ({ v: payload.add(Buffer.from(`{"in":${encodeValue(v, payload)},"pa":{"t":"js","v":null}}`)) }));
  const dir = mkdtempSync(join(tmpdir(), 'mlserve-values-'));
  try {
    const file = join(dir, 'frame.bin');
    writeFileSync(file, Buffer.concat(encodeFrame({ k: 'predict', id: 1, units }, payload)));
    const r = spawnSync(python, ['-c', DESCRIBE, file], { encoding: 'utf8', env: { ...process.env, PYTHONPATH: join(ROOT, 'python') } });
    assert.equal(r.status, 0, r.stderr);
    return JSON.parse(r.stdout) as unknown[];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const py = mlflowPython();

describe('model input rebuilt in the Python worker', { skip: 'skip' in py ? py.skip : false }, () => {
  const python = 'python' in py ? py.python : '';

  it('keeps every numpy dtype and shape of tensors', () => {
    const half = new Uint16Array([0x3c00, 0xc000]); // 1.0, -2.0
    const got = decodeInPython(python, [
      new Tensor('float16', [2], half),
      new Tensor('uint64', [1], new BigUint64Array([18446744073709551615n])),
      new Tensor('int8', [2, 1], new Int8Array([-1, 2])),
      new Tensor('bool', [3], [true, false, true]),
      new Tensor('datetime64', [1], new BigInt64Array([1700000000000000000n])),
      new Tensor('str', [2], ['a', 'bcd']),
      new Tensor('bytes', [2], [Buffer.from('x'), Buffer.from('yz')]),
      new Tensor('float64', [], new Float64Array([2.5])),
      new Tensor('float32', [0, 3], new Float32Array(0)),
    ]);
    assert.deepEqual(got, [
      { ndarray: { dtype: 'float16', shape: [2], items: [1, -2] } },
      { ndarray: { dtype: 'uint64', shape: [1], items: ['18446744073709551615'] } },
      { ndarray: { dtype: 'int8', shape: [2, 1], items: [-1, 2] } },
      { ndarray: { dtype: 'bool', shape: [3], items: [true, false, true] } },
      { ndarray: { dtype: 'datetime64[ns]', shape: [1], items: ['1700000000000000000'] } },
      { ndarray: { dtype: '<U3', shape: [2], items: ['a', 'bcd'] } },
      { ndarray: { dtype: '|S2', shape: [2], items: ['x', 'yz'] } },
      { ndarray: { dtype: 'float64', shape: [], items: [2.5] } },
      { ndarray: { dtype: 'float32', shape: [0, 3], items: [] } },
    ]);
  });

  it('builds DataFrames with pandas\' dtypes, Python objects in object columns, and default integer labels as a RangeIndex', () => {
    const cells: unknown[] = [1, 2, 'x', null, [1, { a: 2 }]];
    markFloat(cells, 1);
    const got = decodeInPython(python, [
      new Frame([
        { name: 'f', dtype: 'float64', values: new Float64Array([1, 2, 3, NaN, 0.5]) },
        { name: 'i', dtype: 'int32', values: new Int32Array([1, 2, 3, 4, 5]) },
        { name: 's', dtype: 'str', values: ['a', 'b', 'c', 'd', 'e'] },
        { name: 'o', dtype: 'object', values: cells },
        { name: 'b', dtype: 'bytes', values: ['1', '2', '3', '4', '5'].map((x) => Buffer.from(x)) },
      ]),
      new Frame([
        { name: 0, dtype: 'int64', values: new BigInt64Array([7n]) },
        { name: 1, dtype: 'bool', values: [true] },
      ]),
    ]) as { DataFrame: { columns: [string | number, string, unknown[]][]; column_index: string; index: string; rows: number } }[];
    const [first, second] = got.map((g) => g.DataFrame);
    assert.deepEqual(first.columns.map(([n, dt]) => [n, dt]), [['f', 'float64'], ['i', 'int32'], ['s', 'object'], ['o', 'object'], ['b', 'object']]);
    assert.deepEqual(first.columns[3][2], [{ int: 1 }, { float: 2 }, { str: 'x' }, { NoneType: null }, { list: [{ int: 1 }, { dict: [['a', { int: 2 }]] }] }]);
    assert.deepEqual(first.columns[4][2][0], { bytes: '1' });
    assert.deepEqual(first.columns[0][2][3], { float: 'nan' });
    assert.equal(first.index, 'RangeIndex');
    assert.equal(first.column_index, 'Index');
    assert.equal(second.column_index, 'RangeIndex');
    assert.deepEqual(second.columns.map(([n, dt]) => [n, dt]), [[0, 'int64'], [1, 'bool']]);
  });

  it('gives plain values as Python\'s json.loads made them, with arrays and bytes where they were', () => {
    const msg: Record<string, unknown> = { role: 'user', temperature: 1, n: 2, big: 2n ** 70n };
    markFloat(msg, 'temperature');
    const got = decodeInPython(python, [{ messages: [msg], named: new Tensor('int64', [1], new BigInt64Array([5n])), raw: Buffer.from('hi') }]);
    assert.deepEqual(got, [
      {
        dict: [
          ['messages', { list: [{ dict: [['role', { str: 'user' }], ['temperature', { float: 1 }], ['n', { int: 2 }], ['big', { bigint: '1180591620717411303424' }]] }] }],
          ['named', { ndarray: { dtype: 'int64', shape: [1], items: [5] } }],
          ['raw', { bytes: 'hi' }],
        ],
      },
    ]);
  });
});
