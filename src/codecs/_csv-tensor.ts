// Owns reading CSV rows as the one named tensor input of a signature (mlserve's addition to MLflow's
// CSV reading): the iris model's `input` float32 (-1, 4) takes a CSV of its four feature columns.

import { SchemaEnforcementError } from '../errors.js';
import type { Frame } from '../data/frame.js';
import { Tensor } from '../data/tensor.js';
import { cellToJs } from '../data/cell.js';
import { castLeaves } from '../data/ndarray.js';
import { numpyName, type DType } from '../data/dtype.js';
import { shapeRepr } from '../schema/repr.js';
import type { Schema, TensorSpec } from '../schema/types.js';
import type { CsvColumnType } from './_csv-declared.js';

/** CSV readers of tensor dtypes; other dtypes are read as float64 and cast (as numpy would). */
export const TENSOR_CSV_TYPES: Partial<Record<DType, CsvColumnType>> = {
  bool: 'bool', int32: 'int32', int64: 'int64', float32: 'float32', float64: 'float64', str: 'str', datetime64: 'datetime',
};

function listRepr(names: readonly string[]): string {
  return `[${names.map((n) => `'${n}'`).join(', ')}]`;
}

/**
 * The single named tensor input whose rows a CSV with `header` fills, or undefined when the CSV is
 * read as MLflow reads it (a column signature, several or unnamed tensor inputs, or a column named
 * after the input). The input's shape must be (-1, k) with k the number of columns (or -1), or
 * (-1) for one column. Throws SchemaEnforcementError naming the header and the input when the
 * single named input cannot be filled from these columns.
 */
export function csvTensorSpec(schema: Schema | undefined, header: readonly string[]): TensorSpec | undefined {
  if (schema?.kind !== 'tensors' || schema.specs.length !== 1) return undefined;
  const spec = schema.specs[0];
  if (spec.name === undefined || header.includes(spec.name)) return undefined;
  const [first, width, ...rest] = spec.shape;
  const fits = first === -1 && rest.length === 0 && (width === undefined ? header.length === 1 : width === -1 || width === header.length);
  if (fits) return spec;
  const expected =
    first === -1 && rest.length === 0
      ? `send ${width === undefined ? 'one column' : `${width} column${width === 1 ? '' : 's'}, one per element (any names)`}, or one column named '${spec.name}'`
      : `CSV rows cannot fill it; send JSON ("inputs" or "instances") instead`;
  throw new SchemaEnforcementError(
    `Model is missing inputs ['${spec.name}']. The CSV header has ${header.length} column${header.length === 1 ? '' : 's'} ${listRepr(header)}, and the model's single input '${spec.name}' is a ${numpyName(spec.dtype)} tensor of shape ${shapeRepr(spec.shape)}: ${expected}.`,
  );
}

/** Declared CSV types for reading every column as an element of `spec` (by position). */
export function tensorColumnTypes(spec: TensorSpec, columns: number): Map<number, CsvColumnType> {
  const type = TENSOR_CSV_TYPES[spec.dtype] ?? 'float64';
  return new Map(Array.from({ length: columns }, (_, i) => [i, type]));
}

/** The rows of `frame` (read with tensorColumnTypes) as a tensor of `spec`: (n, k), or (n) for shape (-1). */
export function rowsAsTensor(frame: Frame, spec: TensorSpec): Tensor {
  const n = frame.numRows;
  const k = frame.cols.length;
  const shape = spec.shape.length === 1 ? [n] : [n, k];
  const typed = frame.cols.every((c) => c.dtype === spec.dtype && ArrayBuffer.isView(c.values));
  if (typed) {
    const out = Tensor.zeros(spec.dtype, [n * k]).data as unknown as { [i: number]: unknown };
    frame.cols.forEach((col, c) => {
      const values = col.values as unknown as ArrayLike<unknown>;
      for (let r = 0; r < n; r++) out[r * k + c] = values[r];
    });
    return new Tensor(spec.dtype, shape, out as unknown as Tensor['data']);
  }
  // Other dtypes (int8, float16, ...) or object columns: element by element, as numpy's astype would.
  const leaves: unknown[] = new Array(n * k);
  const floats = new Uint8Array(n * k);
  frame.cols.forEach((col, c) => {
    const float = col.dtype.startsWith('float') ? 1 : 0;
    for (let r = 0; r < n; r++) {
      leaves[r * k + c] = cellToJs(col.dtype, col.values, r);
      floats[r * k + c] = float;
    }
  });
  return new Tensor(spec.dtype, shape, castLeaves(spec.dtype, leaves, floats) as Tensor['data']);
}
