// Owns MLflow's mapping of model input (Tensor, named Tensors, Frame) to onnxruntime feeds (spec §6.6).

import { type DType, type DTypeStorage, allocate, isBigIntDType } from '../../data/dtype.js';
import { cellToJs, floatToHalf, halfToFloat } from '../../data/cell.js';
import { type Frame, isFrame } from '../../data/frame.js';
import { Tensor, isTensor } from '../../data/tensor.js';
import { ServingError } from '../../errors.js';
import { commonDType } from './common-dtype.js';
import { type Feed, tensorToFeed } from './wire-tensor.js';

/** A model input as the feed mapping needs it: name and element type (onnxruntime-node's name). */
export interface InputInfo {
  readonly name: string;
  readonly type: string;
}

/**
 * The feeds for `input`, as `mlflow.onnx._OnnxModelWrapper.predict` builds them:
 * - named Tensors are the feeds as they are (names the model lacks fail, as in onnxruntime);
 * - a Tensor feeds the only model input; a model with several inputs gets ServingError
 *   INTERNAL_ERROR (500), MLflow's MlflowException;
 * - a Frame feeds one model input with `df.values` (rows × columns, the columns' common dtype),
 *   or each of several inputs with the 1-D column of its name (a missing column fails).
 * Then float64 feeds of float32 inputs are cast to float32. Other failures are plain errors.
 */
export function buildFeeds(input: unknown, inputs: readonly InputInfo[]): Record<string, Feed> {
  const tensors = feedTensors(input, inputs);
  const types = new Map(inputs.map((i) => [i.name, i.type]));
  const feeds: Record<string, Feed> = {};
  for (const [name, t] of Object.entries(tensors)) {
    if (!types.has(name)) throw new Error(`Invalid input name: ${name}. The model's inputs are ${pyList(inputs.map((i) => i.name))}.`);
    feeds[name] = tensorToFeed(t, name, types.get(name));
  }
  return feeds;
}

function feedTensors(input: unknown, inputs: readonly InputInfo[]): Record<string, Tensor> {
  if (isTensor(input)) {
    if (inputs.length !== 1) {
      throw new ServingError(
        'INTERNAL_ERROR',
        'Unable to map numpy array input to the expected model input. Numpy arrays can only be used as input for MLflow ONNX models ' +
          `that have a single input. This model requires ${inputs.length} inputs. Please pass in data as either a dictionary or a ` +
          `DataFrame with the following tensors: ${pyList(inputs.map((i) => i.name))}.`,
      );
    }
    return { [inputs[0].name]: input };
  }
  if (isFrame(input)) {
    if (inputs.length === 1) return { [inputs[0].name]: frameValues(input) };
    const out: Record<string, Tensor> = {};
    for (const { name } of inputs) {
      const col = input.getColumn(name);
      if (!col) throw new Error(`The model input '${name}' has no column of that name in the input DataFrame, whose columns are ${pyList(input.columns)}.`);
      out[name] = new Tensor(col.dtype, [input.numRows], col.values);
    }
    return out;
  }
  if (input !== null && typeof input === 'object' && !Array.isArray(input)) {
    const entries = Object.entries(input as Record<string, unknown>);
    for (const [name, v] of entries) {
      if (!isTensor(v)) throw new TypeError(`Input '${name}' must be a tensor, got ${describe(v)}.`);
    }
    return Object.fromEntries(entries) as Record<string, Tensor>;
  }
  throw new TypeError(`Input should be a dictionary or a numpy array or a pandas.DataFrame, got ${describe(input)}.`);
}

/** `df.values`: the frame as a rows × columns tensor of the columns' common dtype. */
export function frameValues(frame: Frame): Tensor {
  const dtype = commonDType(frame.cols.map((c) => c.dtype));
  const rows = frame.numRows;
  const ncols = frame.cols.length;
  const out = allocate(dtype, rows * ncols) as unknown[];
  frame.cols.forEach((col, c) => {
    const convert = converter(col.dtype, dtype);
    for (let r = 0; r < rows; r++) out[r * ncols + c] = convert(col.values, r);
  });
  return new Tensor(dtype, [rows, ncols], out as DTypeStorage[DType]);
}

type Convert = (values: DTypeStorage[DType], i: number) => unknown;

/** Reads element `i` of a `from` column as a value stored in a `to` array. */
function converter(from: DType, to: DType): Convert {
  if (from === to) return (v, i) => v[i];
  if (to === 'object') return (v, i) => cellToJs(from, v, i);
  if (to === 'float16') return from === 'float16' ? (v, i) => v[i] : (v, i) => floatToHalf(Number(v[i]));
  if (isBigIntDType(to)) {
    const wrap = to === 'uint64' ? BigInt.asUintN : BigInt.asIntN;
    return (v, i) => wrap(64, BigInt(v[i] as number | bigint));
  }
  if (from === 'float16') return (v, i) => halfToFloat(v[i] as number);
  return (v, i) => Number(v[i]);
}

/** Python's `str()` of a list of strings: `['a', 'b']`. */
export function pyList(items: readonly string[]): string {
  return `[${items.map((s) => (s.includes("'") && !s.includes('"') ? `"${s}"` : `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`)).join(', ')}]`;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  return typeof v === 'object' ? (v.constructor?.name ?? 'object') : typeof v;
}
