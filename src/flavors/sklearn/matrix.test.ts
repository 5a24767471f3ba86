import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { f8, record, root } from '../../../test/helpers/sklearn-tree.js';
import { NdArray, NpDType, PyTreeError } from '../../pyobj/index.js';
import { densify, isSparse, readSparse } from './matrix.js';

const i4 = (v: number[]) => new NdArray(NpDType.parse('<i4'), [v.length], Int32Array.from(v));

function sparse(kind: 'csr' | 'csc', shape: [number, number], indptr: number[], indices: number[], data: number[], module = `scipy.sparse._${kind}`) {
  return root(record(`${module}.${kind}_matrix`, { _shape: shape, indptr: i4(indptr), indices: i4(indices), data: f8(data), maxprint: 50 }));
}

describe('scipy sparse matrices in a fitted state', () => {
  it('reads CSR as it is and CSC transposed, under the module names scipy used', () => {
    // [[1, 0, 2], [0, 3, 0]]
    const csr = sparse('csr', [2, 3], [0, 2, 3], [0, 2, 1], [1, 2, 3]);
    assert.ok(isSparse(csr));
    assert.deepEqual([...densify(readSparse(csr)).data], [1, 0, 2, 0, 3, 0]);
    const csc = sparse('csc', [2, 3], [0, 1, 2, 3], [0, 1, 0], [1, 3, 2], 'scipy.sparse.csc');
    const m = readSparse(csc);
    assert.deepEqual([m.rows, m.cols], [2, 3]);
    assert.deepEqual([...densify(m).data], [1, 0, 2, 0, 3, 0]);
  });

  it('refuses layouts scipy does not write: unsorted or out-of-range indices, a short indptr', () => {
    assert.throws(() => readSparse(sparse('csr', [1, 3], [0, 2], [2, 0], [1, 1])), (e: unknown) => e instanceof PyTreeError && /unsorted, repeated or out-of-range index 0/.test(e.message));
    assert.throws(() => readSparse(sparse('csr', [1, 3], [0, 1], [3], [1])), /out-of-range index 3/);
    assert.throws(() => readSparse(sparse('csr', [2, 3], [0, 1], [0], [1])), /inconsistent layout/);
  });

  it('refuses a CSC matrix whose declared rows would make its transpose allocate without bound', () => {
    assert.throws(() => readSparse(sparse('csc', [2 ** 30, 1], [0, 0], [], [])), /more than mlserve transposes/);
  });
});
