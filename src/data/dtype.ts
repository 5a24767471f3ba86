// Owns the element types (numpy's dtypes) of Tensors and Frame columns and how each is stored.

/** Element type of a Tensor or Frame column; numpy's names, `str` for `<U`, `bytes` for `S`. */
export type DType =
  | 'bool'
  | 'int8'
  | 'int16'
  | 'int32'
  | 'int64'
  | 'uint8'
  | 'uint16'
  | 'uint32'
  | 'uint64'
  | 'float16'
  | 'float32'
  | 'float64'
  | 'str'
  | 'bytes'
  | 'datetime64'
  | 'object';

/** Storage of each dtype: typed arrays for numbers, arrays otherwise. */
export interface DTypeStorage {
  bool: boolean[];
  int8: Int8Array;
  int16: Int16Array;
  int32: Int32Array;
  int64: BigInt64Array;
  uint8: Uint8Array;
  uint16: Uint16Array;
  uint32: Uint32Array;
  uint64: BigUint64Array;
  /** IEEE half-precision bit patterns, as onnxruntime-node stores them. */
  float16: Uint16Array;
  float32: Float32Array;
  float64: Float64Array;
  str: string[];
  bytes: Uint8Array[];
  /** Nanoseconds since the Unix epoch; `NAT` marks a missing value. */
  datetime64: BigInt64Array;
  object: unknown[];
}

/** Values of any dtype. */
export type ColumnValues = DTypeStorage[DType];

/** numpy's NaT: the smallest int64. */
export const NAT = -(2n ** 63n);

const TYPED: Partial<Record<DType, new (n: number) => ColumnValues>> = {
  int8: Int8Array,
  int16: Int16Array,
  int32: Int32Array,
  int64: BigInt64Array,
  uint8: Uint8Array,
  uint16: Uint16Array,
  uint32: Uint32Array,
  uint64: BigUint64Array,
  float16: Uint16Array,
  float32: Float32Array,
  float64: Float64Array,
  datetime64: BigInt64Array,
};

/** Allocates storage for `n` elements of `dtype` (zeroed typed array or array of `n` holes filled with null). */
export function allocate<D extends DType>(dtype: D, n: number): DTypeStorage[D] {
  const Ctor = TYPED[dtype];
  if (Ctor) return new Ctor(n) as DTypeStorage[D];
  return new Array(n).fill(dtype === 'bool' ? false : null) as DTypeStorage[D];
}

/** True for dtypes whose values are numbers or bigints in a typed array. */
export function isNumeric(dtype: DType): boolean {
  return TYPED[dtype] !== undefined && dtype !== 'datetime64';
}

/** True for the integer dtypes. */
export function isInteger(dtype: DType): boolean {
  return dtype.startsWith('int') || dtype.startsWith('uint');
}

/** True for the floating-point dtypes. */
export function isFloat(dtype: DType): boolean {
  return dtype === 'float16' || dtype === 'float32' || dtype === 'float64';
}

/** True for the dtypes stored as BigInt64Array/BigUint64Array. */
export function isBigIntDType(dtype: DType): boolean {
  return dtype === 'int64' || dtype === 'uint64' || dtype === 'datetime64';
}

/** Bytes per element (numpy `itemsize`) for numeric dtypes; used by the safe-cast rules. */
export function itemSize(dtype: DType): number {
  switch (dtype) {
    case 'bool':
    case 'int8':
    case 'uint8':
      return 1;
    case 'int16':
    case 'uint16':
    case 'float16':
      return 2;
    case 'int32':
    case 'uint32':
    case 'float32':
      return 4;
    default:
      return 8;
  }
}

/** numpy's kind letter: b, i, u, f, U, S, M, O. */
export function dtypeKind(dtype: DType): 'b' | 'i' | 'u' | 'f' | 'U' | 'S' | 'M' | 'O' {
  if (dtype === 'bool') return 'b';
  if (dtype.startsWith('uint')) return 'u';
  if (dtype.startsWith('int')) return 'i';
  if (isFloat(dtype)) return 'f';
  if (dtype === 'str') return 'U';
  if (dtype === 'bytes') return 'S';
  if (dtype === 'datetime64') return 'M';
  return 'O';
}

/** The name numpy prints for a dtype (`<U0`-style sizes are not tracked). */
export function numpyName(dtype: DType): string {
  if (dtype === 'datetime64') return 'datetime64[ns]';
  if (dtype === 'str') return '<U0';
  if (dtype === 'bytes') return '|S0';
  return dtype;
}

const ALIASES: Record<string, DType> = {
  bool: 'bool', bool_: 'bool', boolean: 'bool',
  int8: 'int8', int16: 'int16', int32: 'int32', int64: 'int64', int: 'int64',
  uint8: 'uint8', uint16: 'uint16', uint32: 'uint32', uint64: 'uint64',
  float16: 'float16', half: 'float16', float32: 'float32', single: 'float32',
  float64: 'float64', double: 'float64', float: 'float64',
  str: 'str', str_: 'str', unicode: 'str', string: 'str',
  bytes: 'bytes', bytes_: 'bytes', object: 'object', object_: 'object', O: 'object',
  'datetime64': 'datetime64', 'datetime64[ns]': 'datetime64',
};

/** Parses a numpy dtype name as MLflow writes it in tensor specs; undefined when unknown. */
export function parseDType(name: string): DType | undefined {
  return ALIASES[name];
}
