// Owns the JSON text of a model's return value (spec §4.1–§4.2): Frames as records, Tensors as
// nested lists, bytes as MIME base64, datetimes as isoformat, with Python's number formatting.

import { type DType, NAT } from '../data/dtype.js';
import { Frame } from '../data/frame.js';
import { Tensor } from '../data/tensor.js';
import { PrewrittenJson } from '../data/prewritten.js';
import { halfToFloat } from '../data/cell.js';
import { dateToNs, formatDatetime } from '../data/datetime.js';
import { ServingError } from '../errors.js';
import { JsonWriter, type JsonWriterOptions, floatJson, numberJson, quoteJson, typeName } from './json-text.js';

type CellWriter = (w: JsonWriter, values: ArrayLike<unknown>, i: number) => void;

/**
 * Python `base64.encodebytes`: standard base64 with `\n` after every 76 characters and at the end
 * (`b"abc"` → `"YWJj\n"`, empty → `""`).
 */
export function encodeBytes(b: Uint8Array): string {
  const b64 = Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64');
  if (b64.length <= 76) return b64.length ? b64 + '\n' : '';
  let out = '';
  for (let i = 0; i < b64.length; i += 76) out += b64.slice(i, i + 76) + '\n';
  return out;
}

/** `encodeBytes` as a JSON string literal (base64 needs no escapes besides the newlines). */
function bytesJson(b: Uint8Array): string {
  return '"' + encodeBytes(b).replace(/\n/g, '\\n') + '"';
}

function dateJson(d: Date): string {
  const ms = d.getTime();
  return Number.isNaN(ms) ? '"NaT"' : '"' + formatDatetime(dateToNs(d)) + '"';
}

const writeFloat: CellWriter = (w, v, i) => void (w.out += floatJson(v[i] as number));
const writeHalf: CellWriter = (w, v, i) => void (w.out += floatJson(halfToFloat(v[i] as number)));
const writeInt: CellWriter = (w, v, i) => void (w.out += String(v[i]));
const writeOther: CellWriter = (w, v, i) => w.valueAt(v as object, i, v[i]);
const writeBool: CellWriter = (w, v, i) => {
  const x = v[i];
  if (typeof x === 'boolean') w.out += x ? 'true' : 'false';
  else writeOther(w, v, i);
};
const writeStr: CellWriter = (w, v, i) => {
  const x = v[i];
  if (typeof x === 'string') w.out += quoteJson(x);
  else writeOther(w, v, i);
};
const writeBytes: CellWriter = (w, v, i) => {
  const x = v[i];
  if (x instanceof Uint8Array) w.out += bytesJson(x);
  else writeOther(w, v, i);
};
const writeIsoDatetime: CellWriter = (w, v, i) => void (w.out += '"' + formatDatetime(v[i] as bigint) + '"');
// numpy's datetime64[ns].tolist() gives ints (nanoseconds), and None for NaT.
const writeNsDatetime: CellWriter = (w, v, i) => void (w.out += v[i] === NAT ? 'null' : String(v[i]));

/** How one element of `dtype` is written; datetimes as isoformat text (Frame) or integers (Tensor). */
function cellWriter(dtype: DType, datetimeAsInt: boolean): CellWriter {
  switch (dtype) {
    case 'float32':
    case 'float64':
      return writeFloat;
    case 'float16':
      return writeHalf;
    case 'bool':
      return writeBool;
    case 'str':
      return writeStr;
    case 'bytes':
      return writeBytes;
    case 'datetime64':
      return datetimeAsInt ? writeNsDatetime : writeIsoDatetime;
    case 'object':
      return writeOther;
    default:
      return writeInt;
  }
}

/** pandas `to_dict(orient="records")`: one object per row, keys in column order (a repeated label keeps its first place, last values). */
function writeFrame(w: JsonWriter, f: Frame): void {
  const labels = f.cols.map((c) => String(c.name));
  const last = new Map(labels.map((l, j) => [l, j]));
  const cols = last.size === labels.length ? f.cols : [...last.values()].map((j) => f.cols[j]);
  const keys = cols.map((c, j) => (j ? ', ' : '{') + quoteJson(String(c.name)) + ': ');
  const writers = cols.map((c) => cellWriter(c.dtype, false));
  const values = cols.map((c) => c.values as ArrayLike<unknown>);
  const close = cols.length ? '}' : '{}';
  w.out += '[';
  for (let r = 0; r < f.numRows; r++) {
    if (r > 0) w.out += ', ';
    for (let j = 0; j < cols.length; j++) {
      w.out += keys[j];
      writers[j](w, values[j], r);
    }
    w.out += close;
  }
  w.out += ']';
}

/** numpy `tolist()`: nested lists in row-major order; a 0-d tensor is its scalar. */
function writeTensor(w: JsonWriter, t: Tensor): void {
  const write = cellWriter(t.dtype, true);
  const data = t.data as ArrayLike<unknown>;
  const shape = t.shape;
  if (shape.length === 0) return write(w, data, 0);
  let offset = 0;
  const rec = (dim: number): void => {
    const n = shape[dim];
    w.out += '[';
    for (let i = 0; i < n; i++) {
      if (i > 0) w.out += ', ';
      if (dim === shape.length - 1) write(w, data, offset++);
      else rec(dim + 1);
    }
    w.out += ']';
  };
  rec(0);
}

/** A typed array returned directly: a list of floats (Float32/64) or ints. */
function writeTyped(w: JsonWriter, a: ArrayLike<number | bigint>, float: boolean): void {
  w.out += '[';
  for (let i = 0; i < a.length; i++) {
    if (i > 0) w.out += ', ';
    const x = a[i];
    w.out += float ? floatJson(x as number) : String(x);
  }
  w.out += ']';
}

/** Python's conversion of dict keys for json.dumps: str as is, numbers, booleans and None as their JSON text. */
function mapKey(w: JsonWriter, k: unknown): string {
  switch (typeof k) {
    case 'string':
      return k;
    case 'number':
      return numberJson(k, false);
    case 'bigint':
      return k.toString();
    case 'boolean':
      return k ? 'true' : 'false';
    case 'undefined':
      return 'null';
    default:
      if (k === null) return 'null';
      throw w.fail(k, 'is not a valid JSON object key');
  }
}

function writeMap(w: JsonWriter, m: Map<unknown, unknown>): void {
  w.enter(m);
  let sep = '{';
  for (const [k, v] of m) {
    w.out += sep + quoteJson(mapKey(w, k)) + ': ';
    sep = ', ';
    if (typeof k === 'string' || typeof k === 'number') w.valueAt(m, k, v);
    else w.value(v);
  }
  w.out += sep === '{' ? '{}' : '}';
  w.leave();
}

/** Writes the non-plain values a model may return; false for anything unserializable. */
function writeSpecial(w: JsonWriter, v: object): boolean {
  // Written by MLflow's own writer in the Python worker: byte for byte what MLflow answers.
  if (v instanceof PrewrittenJson) w.out += v.text;
  else if (v instanceof Frame) writeFrame(w, v);
  else if (v instanceof Tensor) {
    w.enter(v);
    writeTensor(w, v);
    w.leave();
  } else if (ArrayBuffer.isView(v)) {
    if (Buffer.isBuffer(v)) w.out += bytesJson(v);
    else if (v instanceof Float32Array || v instanceof Float64Array) writeTyped(w, v, true);
    else if (v instanceof DataView) return false;
    else writeTyped(w, v as unknown as ArrayLike<number | bigint>, false);
  } else if (v instanceof Date) w.out += dateJson(v);
  else if (v instanceof Map) writeMap(w, v);
  else return false;
  return true;
}

const OPTIONS: JsonWriterOptions = {
  extend: writeSpecial,
  fail: (value, problem) => new ServingError('INTERNAL_ERROR', `Model output of type ${typeName(value)} ${problem}`),
};

/**
 * JSON text of a model's return value (spec §4.2): Frame → records, Tensor → nested lists,
 * typed arrays → lists, Buffer → base64 (`encodebytes`), Date → isoformat, Map → object, plain
 * values with float marks. Throws ServingError INTERNAL_ERROR for values that are not serializable.
 */
export function encodeOutput(value: unknown): string {
  const w = new JsonWriter(OPTIONS);
  w.value(value);
  return w.out;
}

/** The response body: `{"predictions": <value>}` when `wrap`, else the bare value (unified-LLM requests, §4.4). */
export function encodePredictions(value: unknown, wrap: boolean): string {
  const body = encodeOutput(value);
  return wrap ? '{"predictions": ' + body + '}' : body;
}

let elementWriter = new JsonWriter(OPTIONS);

/**
 * JSON text of element `i` of `values` stored as `dtype`, exactly as the predictions encoder writes
 * a Frame cell (or a Tensor element when `datetimeAsInt`). For writers of other formats (JSONL).
 */
export function elementJson(dtype: DType, values: ArrayLike<unknown>, i: number, datetimeAsInt = false): string {
  elementWriter.out = '';
  try {
    cellWriter(dtype, datetimeAsInt)(elementWriter, values as never, i);
  } catch (err) {
    // A failed write can leave nesting state behind: start the next element with a fresh writer.
    elementWriter = new JsonWriter(OPTIONS);
    throw err;
  }
  return elementWriter.out;
}
