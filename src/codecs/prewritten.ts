// Owns rebuilding typed values from an answer that arrived as MLflow's JSON (PrewrittenJson), for formats other than MLflow's JSON.
//
// `/invocations` and `models predict -o json` write the text as is. V2 answers and CSV, JSON lines
// and Parquet output need values: the JSON is parsed (Python's int/float kept) and, where the
// worker said what the answer was, numpy arrays become Tensors and DataFrames become Frames with
// their dtypes. Datetime, bytes and object dtypes stay as their JSON values (MLflow's JSON text
// of them is not reversible).

import { Frame, type Column } from '../data/frame.js';
import { PrewrittenJson, type JsonShape } from '../data/prewritten.js';
import { parseDType, type DType } from '../data/dtype.js';
import { castLeaves, toNdarray } from '../data/ndarray.js';
import { isFloatAt } from '../data/float-hint.js';
import { isPlainObject } from '../data/pytype.js';
import { parseJson } from './json-parse.js';

/** Dtypes whose JSON values convert back exactly. */
const REVERSIBLE: ReadonlySet<DType> = new Set(['bool', 'int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'uint64', 'float16', 'float32', 'float64', 'str']);

function reversible(name: string): DType | undefined {
  const dtype = parseDType(name);
  return dtype !== undefined && REVERSIBLE.has(dtype) ? dtype : undefined;
}

function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function recordsToFrame(records: unknown, cols: readonly (readonly [string | number, string])[]): unknown {
  if (!Array.isArray(records) || !records.every(isPlainObject)) return records;
  const rows = records as Record<string, unknown>[];
  const columns: Column[] = cols.map(([name, dt]) => {
    const key = String(name);
    const cells = rows.map((r) => r[key]);
    const dtype = reversible(dt);
    if (dtype === undefined || cells.some((c) => c === null || c === undefined)) return { name, dtype: 'object', values: cells };
    const floats = Uint8Array.from(rows, (r, i) => (typeof cells[i] === 'number' && isFloatAt(r, key, cells[i] as number) ? 1 : 0));
    return { name, dtype, values: castLeaves(dtype, cells, floats) };
  });
  return new Frame(columns, rows.length);
}

function build(value: unknown, shape: JsonShape): unknown {
  switch (shape.t) {
    case 'nd': {
      const dtype = reversible(shape.dt);
      if (dtype === undefined) return value;
      // A 0-d or empty array has no nested lists to infer the shape from.
      if (sizeOf(shape.sh) === 0 || shape.sh.length === 0) return toNdarray(value, dtype).reshape(shape.sh);
      const t = toNdarray(value, dtype);
      return t.shape.length === shape.sh.length && t.shape.every((d, i) => d === shape.sh[i]) ? t : value;
    }
    case 'df':
      return recordsToFrame(value, shape.cols);
    case 'dict':
      if (!isPlainObject(value)) return value;
      for (const k of Object.keys(shape.v)) if (k in value) value[k] = build(value[k], shape.v[k]);
      return value;
    default:
      return value;
  }
}

/** The value an answer stands for: PrewrittenJson parsed and typed; anything else as is. */
export function materializeOutput(value: unknown): unknown {
  if (!(value instanceof PrewrittenJson)) return value;
  return build(parseJson(value.text), value.shape);
}
