import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { NdArray } from './ndarray.js';
import { readPickleFile, readPythonObjectFile, sniffFormat } from './read.js';
import { PyObject } from './tree.js';

const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/pyobj/py311-np2.2.6-sk1.6.1/', import.meta.url));

describe('readPythonObjectFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mlserve-pyobj-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('tells pickles, skops zips and .npy files apart by their first bytes', () => {
    assert.equal(sniffFormat(Buffer.from('\x80\x04N.', 'latin1')), 'pickle');
    assert.equal(sniffFormat(Buffer.from('PK\x03\x04', 'latin1')), 'skops');
    assert.equal(sniffFormat(Buffer.from('\x93NUMPY\x01\x00', 'latin1')), 'npy');
    assert.equal((readPythonObjectFile(join(FIXTURES, 'model_logreg.skops')) as PyObject).className, 'sklearn.linear_model._logistic.LogisticRegression');
    assert.equal((readPythonObjectFile(join(FIXTURES, 'model_logreg.p5.pkl')) as PyObject).className, 'sklearn.linear_model._logistic.LogisticRegression');
    const npy = join(dir, 'a.npy');
    const header = "{'descr': '<i2', 'fortran_order': False, 'shape': (2,), }";
    writeFileSync(npy, Buffer.concat([Buffer.from('\x93NUMPY\x01\x00', 'latin1'), Buffer.from([header.length + 1, 0]), Buffer.from(`${header}\n`), Buffer.from([1, 0, 2, 0])]));
    assert.deepEqual((readPythonObjectFile(npy) as NdArray).toList(), [1, 2]);
  });

  it('checks the file size against maxInputBytes before reading it', () => {
    const file = join(dir, 'big.pkl');
    writeFileSync(file, Buffer.alloc(1000, 0x4e));
    assert.throws(() => readPickleFile(file, { limits: { maxInputBytes: 100 } }), /1000 bytes, over the input limit of 100 bytes/);
  });
});
