// Owns enforcement of tensor-based signatures: shapes, dtypes, and DataFrame-to-tensor conversion (spec §3.7).

import { Frame, isFrame, type Column } from '../data/frame.js';
import { Tensor, isTensor } from '../data/tensor.js';
import { numpyName } from '../data/dtype.js';
import { toNdarray, ConversionError, castLeaves } from '../data/ndarray.js';
import { cellToJs } from '../data/cell.js';
import { isPlainObject, pyClass } from '../data/pytype.js';
import { EnforceError } from './column-check.js';
import { shapeRepr } from './repr.js';
import type { Schema, TensorSpec } from './types.js';

type TensorSchema = Extract<Schema, { kind: 'tensors' }>;

function checkTensor(t: Tensor, spec: TensorSpec): Tensor {
  const ragged = t.dtype === 'object' && ((spec.dtype === 'object' && spec.shape.length === 1) || (spec.shape.length > 1 && spec.shape.slice(1).includes(-1)));
  if (ragged) return t;
  const shapeOk = t.ndim === spec.shape.length && spec.shape.every((d, i) => d === -1 || d === t.shape[i]);
  if (!shapeOk) throw new EnforceError(`Shape of input ${shapeRepr(t.shape)} does not match expected shape ${shapeRepr(spec.shape)}.`);
  if (t.dtype !== spec.dtype) throw new EnforceError(`dtype of input ${numpyName(t.dtype)} does not match expected dtype ${numpyName(spec.dtype)}`);
  return t;
}

/** Runs a cast to the spec's dtype; a value that does not convert is a signature error, not a crash. */
function castFor<T>(spec: TensorSpec, cast: () => T): T {
  try {
    return cast();
  } catch (err) {
    if (!(err instanceof ConversionError)) throw err;
    throw new EnforceError(`The input data could not be coerced to the tensor type '${numpyName(spec.dtype)}': ${err.message}`);
  }
}

function columnLeaves(col: Column): unknown[] {
  return Array.from({ length: col.values.length }, (_, i) => cellToJs(col.dtype, col.values, i));
}

/** Converts one frame column to the tensor of a named spec (`_enforce_tensor_schema` for DataFrames). */
function columnToTensor(col: Column, spec: TensorSpec, n: number): Tensor {
  const shape = spec.shape;
  if (shape[0] !== -1 || shape.slice(1).some((d) => d === -1)) {
    throw new EnforceError(
      `For pandas dataframe input, the first dimension of shape must be a variable dimension and other dimensions must be fixed, but in model signature the shape of input ${spec.name} is ${shapeRepr(shape)}.`,
    );
  }
  const cells = col.values as ArrayLike<unknown>;
  const listCells = col.dtype === 'object' && n > 0 && (Array.isArray(cells[0]) || isTensor(cells[0]));
  if (!listCells) {
    if (!(shape.length === 1 || (shape.length === 2 && shape[1] === 1))) {
      throw new EnforceError(
        `The input pandas dataframe column '${spec.name}' contains scalar values, which requires the shape to be (-1,) or (-1, 1), but got tensor spec shape of ${shapeRepr(shape)}.`,
      );
    }
    const data = col.dtype === spec.dtype ? col.values : castFor(spec, () => castLeaves(spec.dtype, columnLeaves(col), new Uint8Array(n)));
    return new Tensor(spec.dtype, shape.length === 1 ? [n] : [n, 1], data as Tensor['data']);
  }
  const fail = (): never => {
    throw new EnforceError(
      `The value in the Input DataFrame column '${spec.name}' could not be converted to the expected shape of: '${shapeRepr(shape)}'. Ensure that each of the input list elements are of uniform length and that the data can be coerced to the tensor type '${numpyName(spec.dtype)}'`,
    );
  };
  let t: Tensor;
  try {
    t = toNdarray(Array.from(cells, (c) => (isTensor(c) ? c.toArray() : c)), spec.dtype);
  } catch (err) {
    if (err instanceof ConversionError) fail();
    throw err;
  }
  const inner = shape.slice(1).reduce((a, b) => a * b, 1);
  if (t.size !== n * inner) fail();
  return t.reshape([n, ...shape.slice(1)]);
}

function frameToTensor(frame: Frame, spec: TensorSpec): Tensor {
  if (frame.cols.length === 0 || frame.numRows === 0) throw new EnforceError('Input DataFrame is empty.');
  if (frame.cols.length === 1) return checkTensor(columnToTensor(frame.cols[0], { ...spec, name: String(frame.cols[0].name) }, frame.numRows), spec);
  const n = frame.cols.length;
  if (spec.shape.length !== 2 || spec.shape[0] !== -1 || spec.shape[1] !== n) {
    throw new EnforceError(
      `This model contains a model signature with an unnamed input. Since the input data is a pandas DataFrame containing multiple columns, the input shape must be of the structure (-1, number_of_dataframe_columns). The input data shape is (${frame.numRows}, ${n}) and the expected shape is ${shapeRepr(spec.shape)}.`,
    );
  }
  const rows = frame.numRows;
  if ((spec.dtype === 'float32' || spec.dtype === 'float64') && frame.cols.every((c) => c.dtype === 'float32' || c.dtype === 'float64')) {
    // Float columns into a float tensor: the numbers interleaved as they are, no JS value per cell.
    const data = spec.dtype === 'float32' ? new Float32Array(rows * n) : new Float64Array(rows * n);
    frame.cols.forEach((col, c) => {
      const v = col.values as Float32Array | Float64Array;
      for (let r = 0, k = c; r < rows; r++, k += n) data[k] = v[r];
    });
    return checkTensor(new Tensor(spec.dtype, [rows, n], data), spec);
  }
  const leaves: unknown[] = new Array(rows * n);
  const floats = new Uint8Array(rows * n);
  frame.cols.forEach((col, c) => {
    for (let r = 0; r < rows; r++) leaves[r * n + c] = cellToJs(col.dtype, col.values, r);
  });
  const data = castFor(spec, () => castLeaves(spec.dtype, leaves, floats));
  return checkTensor(new Tensor(spec.dtype, [rows, n], data), spec);
}

/** Enforces input against a tensor signature; returns a Tensor (unnamed) or named tensors in schema order. */
export function enforceTensorSchema(input: unknown, schema: TensorSchema): Tensor | Record<string, Tensor> {
  const specs = schema.specs;
  const named = specs.every((s) => s.name !== undefined);
  if (!named) {
    const spec = specs[0];
    if (isTensor(input)) return checkTensor(input, spec);
    if (isFrame(input)) return frameToTensor(input, spec);
    throw new EnforceError(
      `This model contains a tensor-based model signature with no input names, which suggests a numpy array input or a pandas dataframe input with proper column values, but an input of type ${pyClass(input)} was found.`,
    );
  }
  if (isTensor(input) && specs.length === 1) input = { [specs[0].name as string]: input };
  if (isFrame(input)) {
    const missing = specs.filter((s) => !input.getColumn(s.name as string)).map((s) => `'${s.name}'`);
    if (missing.length) throw new EnforceError(`Model is missing inputs [${missing.join(', ')}].`);
    const frame = input;
    return Object.fromEntries(specs.map((s) => [s.name as string, checkTensor(columnToTensor(frame.getColumn(s.name as string)!, s, frame.numRows), s)]));
  }
  if (!isPlainObject(input)) {
    throw new EnforceError(
      `This model contains a tensor-based model signature with input names, which suggests a dictionary input mapping input name to a numpy array, but an input of type ${pyClass(input)} was found.`,
    );
  }
  const dict = input;
  const missing = specs.filter((s) => !((s.name as string) in dict)).map((s) => `'${s.name}'`);
  if (missing.length) throw new EnforceError(`Model is missing inputs [${missing.join(', ')}].`);
  const out: Record<string, Tensor> = {};
  for (const s of specs) {
    const v = dict[s.name as string];
    if (!isTensor(v)) {
      throw new EnforceError(
        `This model contains a tensor-based model signature with input names, which suggests a dictionary input mapping input name to a numpy array, but a dict with value type ${pyClass(v)} was found.`,
      );
    }
    out[s.name as string] = checkTensor(v, s);
  }
  return out;
}
