// Owns parse-time casting of `dataframe_split` / `dataframe_records` frames to the signature (spec §3.2).

import { BadRequestError } from '../errors.js';
import { type DType, NAT, isBigIntDType, isFloat, numpyName } from '../data/dtype.js';
import { Frame, type Column } from '../data/frame.js';
import { castLeaves, ConversionError, pyDatetime } from '../data/ndarray.js';
import { cellToJs } from '../data/cell.js';
import { datetimeRangeProblem, NS_MAX, NS_MIN, parseDatetime } from '../data/datetime.js';
import { markFloat } from '../data/float-hint.js';
import { clipText, strRepr } from '../data/pyrepr.js';
import { decodeBase64Lenient } from '../data/base64.js';
import { DATATYPE_DTYPE, EnforceError } from './column-check.js';
import { enforceValue } from './values.js';
import { colTypeRepr } from './repr.js';
import type { ColSpec, Schema, TensorSpec } from './types.js';

type Spec = ColSpec | TensorSpec;

const TOO_LARGE_FOR_C_LONG = 'Python int too large to convert to C long';
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** Python exception class MLflow would show for a conversion message. */
function excClass(message: string): string {
  if (message.startsWith('Cannot convert non-finite')) return 'IntCastingNaNError';
  if (message.startsWith('Python int too large') || /^Python integer .* out of bounds/.test(message)) return 'OverflowError';
  if (message.startsWith('Out of bounds nanosecond')) return 'OutOfBoundsDatetime';
  if (/^year -?\d+ is out of range/.test(message)) return 'DateParseError';
  if (message.startsWith('Unknown string format')) return 'ParserError';
  if (/^(int|float)\(\) argument|^encoding without/.test(message)) return 'TypeError';
  if (message.startsWith('Invalid base64') || message === 'Incorrect padding') return 'Error';
  if (message.startsWith('string argument should contain only ASCII')) return 'ValueError';
  if (message.startsWith('Failed to enforce') || message.startsWith('Missing required') || message.startsWith('Invalid properties') || message.startsWith('Incompatible')) return 'MlflowException';
  return 'ValueError';
}

/** Column values as JS leaves (bigint kept for exactness). */
function leaves(col: Column): { values: unknown[]; floats: Uint8Array } {
  const n = col.values.length;
  const values = new Array(n);
  const floats = new Uint8Array(n);
  const float = isFloat(col.dtype);
  for (let i = 0; i < n; i++) {
    values[i] = isBigIntDType(col.dtype) && col.dtype !== 'datetime64' ? (col.values as BigInt64Array)[i] : cellToJs(col.dtype, col.values, i);
    if (float || (col.dtype === 'object' && typeof values[i] === 'number' && !Number.isInteger(values[i]))) floats[i] = 1;
  }
  return { values, floats };
}

/** Python's lenient `base64.b64decode` of a cell; a non-string cell is Python's TypeError. */
function decodeBinaryCell(text: unknown): Buffer {
  if (typeof text !== 'string') throw new ConversionError('encoding without a string argument');
  return decodeBase64Lenient(text);
}

/** pandas `astype(dtype)` of one column. */
export function astype(col: Column, dtype: DType): Column {
  if (col.dtype === dtype) return col;
  if ((dtype === 'float32' || dtype === 'float64') && (col.dtype === 'float64' || col.dtype === 'float32' || col.dtype === 'int64')) {
    // Numbers to floats: what the per-cell path below gives (Python's float(int) for int64), without a JS value per cell.
    const src = col.values as Float64Array | Float32Array | BigInt64Array;
    const values = dtype === 'float32' ? new Float32Array(src.length) : new Float64Array(src.length);
    if (src instanceof BigInt64Array) for (let i = 0; i < src.length; i++) values[i] = Number(src[i]);
    else values.set(src);
    return { name: col.name, dtype, values };
  }
  if (dtype === 'object' || dtype === 'str') {
    const { values, floats } = leaves(col);
    for (let i = 0; i < values.length; i++) {
      if (typeof values[i] === 'bigint') values[i] = cellToJs('int64', col.values, i);
      if (floats[i] && typeof values[i] === 'number') markFloat(values, i);
    }
    return { name: col.name, dtype: 'object', values };
  }
  if ((dtype.startsWith('int') || dtype.startsWith('uint')) && isFloat(col.dtype)) {
    const v = col.values as ArrayLike<number>;
    for (let i = 0; i < v.length; i++) {
      if (!Number.isFinite(v[i])) throw new ConversionError('Cannot convert non-finite values (NA or inf) to integer');
    }
  }
  if (dtype === 'datetime64') {
    const { values } = leaves(col);
    const out = new BigInt64Array(values.length);
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v === null || (typeof v === 'number' && Number.isNaN(v))) out[i] = NAT;
      else if (typeof v === 'string') {
        const p = parseDatetime(v);
        if (!p) throw new ConversionError(`Unknown string format: ${clipText(v, 200)} present at position ${i}`);
        const problem = datetimeRangeProblem(clipText(v, 200), p);
        if (problem) throw new ConversionError(`${problem.message}, at position ${i}`);
        out[i] = p.ns;
      } else if (typeof v === 'bigint' && (v < NS_MIN || v > NS_MAX)) {
        throw new ConversionError(TOO_LARGE_FOR_C_LONG);
      } else if (typeof v === 'number' && (v < -(2 ** 63) || v >= 2 ** 63)) {
        out[i] = NAT; // a float past datetime64[ns] (pandas gives NaT)
      } else out[i] = pyDatetime(v);
    }
    return { name: col.name, dtype, values: out };
  }
  const { values, floats } = leaves(col);
  // From object cells, numpy converts each Python int through a C long: past int64 it is an
  // OverflowError, and (numpy 2) past the target's range too; typed columns wrap around.
  if (col.dtype === 'object' && (dtype.startsWith('int') || dtype.startsWith('uint'))) {
    for (const v of values) if (typeof v === 'bigint' && (v < INT64_MIN || v > INT64_MAX)) throw new ConversionError(TOO_LARGE_FOR_C_LONG);
    return { name: col.name, dtype, values: castLeaves(dtype, values, floats, 'error') };
  }
  return { name: col.name, dtype, values: castLeaves(dtype, values, floats) };
}

function castColumn(col: Column, spec: Spec): Column {
  if ('dtype' in spec) {
    const first = (col.values as ArrayLike<unknown>)[0];
    if (col.dtype === 'object' && Array.isArray(first)) return col;
    if (spec.dtype === 'bytes') {
      const { values, floats } = leaves(col);
      return { name: col.name, dtype: 'bytes', values: castLeaves('bytes', values, floats) };
    }
    return astype(col, spec.dtype);
  }
  const t = spec.type;
  if (t.kind === 'any') return col;
  if (t.kind === 'scalar' && t.type === 'binary') {
    const cells = col.values as ArrayLike<unknown>;
    return { name: col.name, dtype: 'bytes', values: Array.from(cells, decodeBinaryCell) };
  }
  if (t.kind === 'scalar') return astype(col, t.type === 'string' ? 'object' : DATATYPE_DTYPE[t.type]);
  const values = Array.from(col.values as ArrayLike<unknown>, (v) => enforceValue(v, t, spec.required));
  return { name: col.name, dtype: 'object', values };
}

function typeLabel(spec: Spec): string {
  if ('dtype' in spec) return numpyName(spec.dtype);
  const t = spec.type;
  if (t.kind === 'scalar') return t.type === 'string' || t.type === 'binary' ? "<class 'object'>" : numpyName(DATATYPE_DTYPE[t.type]);
  return colTypeRepr(t);
}

/**
 * Casts the columns of a frame built from `dataframe_split`/`dataframe_records` to the signature's
 * types, leniently (truncation, string parsing, truthiness), as MLflow does at parse time. Columns
 * are paired by name, or by position for unnamed specs; a single unnamed tensor spec applies to all.
 * Throws BadRequestError with MLflow's message.
 */
export function castFrame(frame: Frame, schema: Schema | undefined): Frame {
  if (!schema) return frame;
  const specs = schema.specs as readonly Spec[];
  const named = specs.every((s) => s.name !== undefined);
  const byName = new Map(specs.map((s) => [s.name, s]));
  const cols = frame.cols.map((col, i) => {
    const spec = named ? byName.get(String(col.name)) : schema.kind === 'tensors' && specs.length === 1 ? specs[0] : specs[i];
    if (!spec) return col;
    try {
      return castColumn(col, spec);
    } catch (err) {
      if (!(err instanceof ConversionError || err instanceof EnforceError)) throw err;
      throw new BadRequestError(
        `Invalid input. Data is not compatible with model signature. Failed to convert column ${String(col.name)} to type '${typeLabel(spec)}'. Error: '${excClass(err.message)}(${strRepr(err.message)})'`,
        { cause: err },
      );
    }
  });
  return new Frame(cols, frame.numRows);
}
