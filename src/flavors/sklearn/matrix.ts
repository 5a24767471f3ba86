// Owns reading 2-D numeric matrices from a fitted state: numpy arrays, and scipy's CSR/CSC sparse
// matrices (`csr_matrix`, `csr_array`, … as the pickle names them), kept sparse or densified.

import type { PyNode } from '../../pyobj/index.js';

/** A 2-D float64 matrix, row-major. */
export interface DenseMatrix {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float64Array;
}

/** A compressed-sparse-row float64 matrix with sorted column indices per row. */
export interface CsrMatrix {
  readonly rows: number;
  readonly cols: number;
  /** `rows + 1` offsets into `indices` and `data`. */
  readonly indptr: Int32Array;
  readonly indices: Int32Array;
  readonly data: Float64Array;
}

/** The most rows a CSC matrix may have (its transpose allocates an offset per row). */
const MAX_TRANSPOSED_ROWS = 1 << 26;

const SPARSE = /^scipy\.sparse\.(?:_?csr|_?csc|_?arrays)\.(csr|csc)_(?:matrix|array)$/;

/** True when the node is a scipy CSR or CSC matrix (or sparse array). */
export function isSparse(node: PyNode): boolean {
  return node.className !== undefined && SPARSE.test(node.className);
}

/** True for a CSR matrix (as opposed to a dense one). */
export function isCsr(m: DenseMatrix | CsrMatrix): m is CsrMatrix {
  return 'indptr' in m;
}

/** A 2-D numeric numpy array as a row-major float64 matrix (no copy for float64 data). */
export function readDense(node: PyNode): DenseMatrix {
  const a = node.asArray();
  if (a.ndim !== 2) throw node.error(`should be a 2-D array, found shape (${a.shape.join(', ')})`);
  return { rows: a.shape[0], cols: a.shape[1], data: node.asFloat64Array() };
}

/**
 * A scipy CSR or CSC matrix as CSR, checked: indptr monotone within the stored entries, indices
 * within the columns (sorted per row, as sklearn sorts them before libsvm sees them; duplicates
 * refused). CSC is transposed once.
 */
export function readSparse(node: PyNode): CsrMatrix {
  const m = SPARSE.exec(node.className ?? '');
  if (!m) throw node.error(`should be a scipy sparse CSR or CSC matrix, found ${node.typeName}`);
  const shapeNode = node.has('_shape') ? node.get('_shape') : node.get('shape');
  const shape = shapeNode.asList().map((d) => d.asInt());
  if (shape.length !== 2 || shape.some((d) => d < 0)) throw shapeNode.error(`should be a 2-D shape, found (${shape.join(', ')})`);
  const data = node.float64('data');
  const indices = node.get('indices').asInt32Array();
  const indptr = node.get('indptr').asInt32Array();
  const [major, minor] = m[1] === 'csr' ? shape : [shape[1], shape[0]];
  if (indptr.length !== major + 1 || indptr[0] !== 0 || indptr[major] !== data.length || indices.length !== data.length) {
    throw node.error(`has an inconsistent layout (indptr of ${indptr.length}, ${indices.length} indices, ${data.length} values for shape (${shape.join(', ')}))`);
  }
  for (let r = 0; r < major; r++) {
    if (indptr[r + 1] < indptr[r]) throw node.error(`has a decreasing indptr at ${r}`);
    for (let p = indptr[r], prev = -1; p < indptr[r + 1]; p++) {
      const c = indices[p];
      if (!(c > prev && c < minor)) throw node.error(`has an unsorted, repeated or out-of-range index ${c} in line ${r}`);
      prev = c;
    }
  }
  if (m[1] === 'csr') return { rows: shape[0], cols: shape[1], indptr, indices, data };
  // Transposing allocates one offset per row: bound what the file's declared shape may ask for.
  if (minor > MAX_TRANSPOSED_ROWS) throw node.error(`is a CSC matrix of ${minor} rows, more than mlserve transposes`);
  return transpose({ rows: shape[1], cols: shape[0], indptr, indices, data });
}

/** The transpose of a CSR matrix (a CSC matrix read as CSR is its transpose); indices come out sorted. */
function transpose(a: CsrMatrix): CsrMatrix {
  const counts = new Int32Array(a.cols + 1);
  for (let p = 0; p < a.indices.length; p++) counts[a.indices[p] + 1]++;
  for (let c = 0; c < a.cols; c++) counts[c + 1] += counts[c];
  const indptr = counts.slice();
  const indices = new Int32Array(a.indices.length);
  const data = new Float64Array(a.data.length);
  const next = counts.subarray(0, a.cols).slice();
  for (let r = 0; r < a.rows; r++) {
    for (let p = a.indptr[r]; p < a.indptr[r + 1]; p++) {
      const q = next[a.indices[p]]++;
      indices[q] = r;
      data[q] = a.data[p];
    }
  }
  return { rows: a.cols, cols: a.rows, indptr, indices, data };
}

/** A CSR matrix as a dense row-major matrix. */
export function densify(s: CsrMatrix): DenseMatrix {
  const data = new Float64Array(s.rows * s.cols);
  for (let r = 0; r < s.rows; r++) for (let p = s.indptr[r]; p < s.indptr[r + 1]; p++) data[r * s.cols + s.indices[p]] = s.data[p];
  return { rows: s.rows, cols: s.cols, data };
}
