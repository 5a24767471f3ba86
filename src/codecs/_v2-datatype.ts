// Owns V2 datatypes as data/ dtypes: the mapping both ways, flattening nested `data`, and checked element conversion (OIP spec §3.5–3.6).

import { BadRequestError } from '../errors.js';
import { type DType, type DTypeStorage, allocate } from '../data/dtype.js';
import { floatToHalf } from '../data/cell.js';
import { Tensor } from '../data/tensor.js';
import type { V2Datatype, V2Input } from './_v2-types.js';

/** The dtype each numeric/bool V2 datatype decodes to (numpy's names, as MLServer's NumpyCodec uses). */
export const DATATYPE_DTYPE = {
  BOOL: 'bool',
  UINT8: 'uint8',
  UINT16: 'uint16',
  UINT32: 'uint32',
  UINT64: 'uint64',
  INT8: 'int8',
  INT16: 'int16',
  INT32: 'int32',
  INT64: 'int64',
  FP16: 'float16',
  FP32: 'float32',
  FP64: 'float64',
} as const satisfies Record<Exclude<V2Datatype, 'BYTES'>, DType>;

/** The V2 datatype of a dtype; text, bytes, datetimes and objects are all BYTES. */
export function dtypeToDatatype(dtype: DType): V2Datatype {
  for (const [datatype, d] of Object.entries(DATATYPE_DTYPE)) if (d === dtype) return datatype as V2Datatype;
  return 'BYTES';
}

/** Number of elements a shape holds. */
export function elementCount(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Row-major leaves of nested arrays (`[[1,2],[3,4]]` → `[1,2,3,4]`); a scalar is one leaf. */
export function flattenData(data: unknown): unknown[] {
  if (!Array.isArray(data)) return [data];
  if (!data.some(Array.isArray)) return data;
  const out: unknown[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) for (const x of v) walk(x);
    else out.push(v);
  };
  walk(data);
  return out;
}

const INT_RANGE: Record<string, [bigint, bigint]> = {
  int8: [-(2n ** 7n), 2n ** 7n - 1n],
  int16: [-(2n ** 15n), 2n ** 15n - 1n],
  int32: [-(2n ** 31n), 2n ** 31n - 1n],
  int64: [-(2n ** 63n), 2n ** 63n - 1n],
  uint8: [0n, 2n ** 8n - 1n],
  uint16: [0n, 2n ** 16n - 1n],
  uint32: [0n, 2n ** 32n - 1n],
  uint64: [0n, 2n ** 64n - 1n],
};

function describe(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v);
  if (v instanceof Uint8Array) return `<${v.length} bytes>`;
  if (typeof v === 'object' && v !== null) return Array.isArray(v) ? 'a list' : 'an object';
  return String(v);
}

function elementError(input: V2Input, i: number, v: unknown, problem: string): BadRequestError {
  return new BadRequestError(`Input '${input.name}' (${input.datatype}): element ${i} (${describe(v)}) ${problem}.`);
}

/** Integer value of a JSON/proto element (numbers, bigints, decimal strings from int64 proto fields). */
function toBigInt(input: V2Input, i: number, v: unknown): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v);
  if (typeof v === 'string' && /^-?\d+$/.test(v)) return BigInt(v);
  throw elementError(input, i, v, 'is not an integer');
}

/** Storage of a numeric/bool datatype from flattened element values, range-checked. */
function convertValues(input: V2Input, dtype: (typeof DATATYPE_DTYPE)[keyof typeof DATATYPE_DTYPE], values: readonly unknown[]): DTypeStorage[DType] {
  const n = values.length;
  if (dtype === 'bool') {
    const out = new Array<boolean>(n);
    for (let i = 0; i < n; i++) {
      const v = values[i];
      // numpy's bool conversion (MLServer's NumpyCodec) also takes numbers: non-zero is true.
      if (typeof v === 'boolean') out[i] = v;
      else if (typeof v === 'number' || typeof v === 'bigint') out[i] = v != 0;
      else throw elementError(input, i, v, 'is not a boolean');
    }
    return out;
  }
  if (dtype === 'float16' || dtype === 'float32' || dtype === 'float64') {
    const out = allocate(dtype, n) as Float64Array | Float32Array | Uint16Array;
    const half = dtype === 'float16';
    for (let i = 0; i < n; i++) {
      const v = values[i];
      // MLServer turns JSON null into NaN for floating-point tensors (REST).
      let x: number;
      if (v === null) x = NaN;
      else if (typeof v === 'number') x = v;
      else if (typeof v === 'bigint') x = Number(v);
      else throw elementError(input, i, v, 'is not a number');
      out[i] = half ? floatToHalf(x) : x;
    }
    return out;
  }
  const [lo, hi] = INT_RANGE[dtype];
  const out = allocate(dtype, n) as unknown as { [i: number]: number | bigint };
  const big = dtype === 'int64' || dtype === 'uint64';
  for (let i = 0; i < n; i++) {
    const v = values[i];
    const b = toBigInt(input, i, v);
    if (b < lo || b > hi) throw elementError(input, i, v, `is out of the range of ${input.datatype} [${lo}, ${hi}]`);
    out[i] = big ? b : Number(b);
  }
  return out as unknown as DTypeStorage[DType];
}

/** BYTES elements: strings (REST), byte strings (gRPC) or null. */
function bytesElements(input: V2Input, values: readonly unknown[]): (string | Uint8Array | null)[] {
  return values.map((v, i) => {
    if (typeof v === 'string' || v instanceof Uint8Array || v === null) return v;
    throw elementError(input, i, v, 'is not a string; BYTES elements are strings (or bytes over gRPC)');
  });
}

/** The flattened elements of an input, checked against its shape. */
export function inputElements(input: V2Input): V2Input['data'] {
  const data = ArrayBuffer.isView(input.data) ? input.data : flattenData(input.data);
  const expected = elementCount(input.shape);
  if (data.length !== expected) {
    throw new BadRequestError(
      `Input '${input.name}' has ${data.length} elements but its shape [${input.shape.join(', ')}] needs ${expected}.`,
    );
  }
  return data;
}

/** BYTES elements of an input as given (strings, byte strings, nulls), checked against its shape. */
export function bytesValues(input: V2Input): (string | Uint8Array | null)[] {
  const elements = inputElements(input);
  // Typed storage (gRPC raw contents of a numeric datatype) is checked element by element like JSON values.
  return bytesElements(input, ArrayBuffer.isView(elements) ? Array.from(elements as ArrayLike<unknown>) : (elements as readonly unknown[]));
}

/**
 * The input as a Tensor (MLServer's NumpyCodec): numeric/bool datatypes become typed storage of
 * their dtype; BYTES becomes a `str` tensor when every element is text, `bytes` when every element
 * is a byte string, else `object`.
 */
export function inputTensor(input: V2Input): Tensor {
  const elements = inputElements(input);
  if (input.datatype === 'BYTES') {
    const values = bytesElements(input, elements as readonly unknown[]);
    if (values.every((v) => typeof v === 'string')) return new Tensor('str', input.shape, values as string[]);
    if (values.every((v) => v instanceof Uint8Array)) return new Tensor('bytes', input.shape, values as Uint8Array[]);
    return new Tensor('object', input.shape, values);
  }
  const dtype: DType = DATATYPE_DTYPE[input.datatype];
  // gRPC raw contents arrive as storage of the right dtype already.
  const data = ArrayBuffer.isView(elements) ? (elements as DTypeStorage[DType]) : convertValues(input, DATATYPE_DTYPE[input.datatype], elements as readonly unknown[]);
  return new Tensor<DType>(dtype, input.shape, data);
}
