// Owns NpDType, numpy's dtype as the readers see it: kind, size, byte order, fields, subarrays,
// datetime units, and parsing numpy's type strings ('<f8', '|S5', '<M8[ns]').

import { PickleError } from './errors.js';
import type { PyValue } from './tree.js';

/** numpy's dtype kinds: bool, signed/unsigned int, float, complex, bytes, str, void/struct, object, datetime, timedelta. */
export type NpKind = 'b' | 'i' | 'u' | 'f' | 'c' | 'S' | 'U' | 'V' | 'O' | 'M' | 'm';

/** `<` little-endian, `>` big-endian, `|` not applicable (one byte, bytes, object, void). */
export type NpByteOrder = '<' | '>' | '|';

/** A field of a structured dtype. */
export interface NpField {
  readonly name: string;
  readonly dtype: NpDType;
  /** Byte offset inside one element. */
  readonly offset: number;
  /** The field's title, if it has one (rare). */
  readonly title: PyValue;
}

/** The element shape of a subarray dtype (`('<f8', (2, 3))`), as fields of structured arrays have. */
export interface NpSubarray {
  readonly base: NpDType;
  readonly shape: readonly number[];
}

const NUMERIC_SIZES: Record<string, readonly number[]> = {
  b: [1],
  i: [1, 2, 4, 8],
  u: [1, 2, 4, 8],
  f: [2, 4, 8],
  c: [8, 16],
  M: [8],
  m: [8],
};

const NAMES: Record<string, string> = { b: 'bool', i: 'int', u: 'uint', f: 'float', c: 'complex' };

/** The parts of a dtype, to build one with `new NpDType(...)`. */
export interface NpDTypeInit {
  kind: NpKind;
  itemsize: number;
  byteOrder?: NpByteOrder;
  alignment?: number;
  fields?: readonly NpField[] | null;
  subarray?: NpSubarray | null;
  unit?: string | null;
  alignedStruct?: boolean;
}

/**
 * A numpy dtype. Decoded arrays are always in native (little-endian) byte order, so an
 * `NdArray`'s dtype says `<` even where the file held `>` data; fields of structured dtypes keep
 * the byte order they have in the raw records.
 */
export class NpDType {
  readonly kind!: NpKind;
  /** Bytes per element (for `U`, 4 per character). */
  readonly itemsize!: number;
  readonly byteOrder!: NpByteOrder;
  /** numpy's alignment of the type (1 for bytes, 8 for float64, the largest field's for aligned structs). */
  readonly alignment!: number;
  /** Fields in declaration order, for a structured dtype; null otherwise. */
  readonly fields!: readonly NpField[] | null;
  /** Element shape of a subarray dtype; null otherwise. */
  readonly subarray!: NpSubarray | null;
  /** datetime64/timedelta64 unit with its multiplier (`ns`, `10s`, `generic`); null otherwise. */
  readonly unit!: string | null;
  /** True when the struct was declared with `align=True`. */
  readonly alignedStruct!: boolean;

  constructor(init: NpDTypeInit) {
    setDType(this, init);
  }

  /** numpy's `dtype.str`: `<f8`, `|b1`, `<U3`, `|S5`, `|O`, `|V16`, `<M8[ns]`. */
  get str(): string {
    const size = this.kind === 'U' ? this.itemsize / 4 : this.itemsize;
    const unit = this.unit && this.unit !== 'generic' ? `[${this.unit}]` : '';
    return this.kind === 'O' ? '|O' : `${this.byteOrder}${this.kind}${size}${unit}`;
  }

  /** numpy's `dtype.name`: `float64`, `bool`, `str96`, `bytes40`, `object`, `void128`, `datetime64[ns]`. */
  get name(): string {
    const bits = this.itemsize * 8;
    switch (this.kind) {
      case 'b':
        return 'bool';
      case 'S':
        return `bytes${bits}`;
      case 'U':
        return `str${bits}`;
      case 'V':
        return `void${bits}`;
      case 'O':
        return 'object';
      case 'M':
      case 'm':
        return `${this.kind === 'M' ? 'datetime64' : 'timedelta64'}${this.unit && this.unit !== 'generic' ? `[${this.unit}]` : ''}`;
      default:
        return `${NAMES[this.kind]}${bits}`;
    }
  }

  /** True for numbers: bool, ints, floats, complex (not datetimes). */
  get isNumeric(): boolean {
    return this.kind === 'b' || this.kind === 'i' || this.kind === 'u' || this.kind === 'f' || this.kind === 'c';
  }

  /** This dtype in little-endian order (what decoded data holds); itself when already so. */
  toNative(): NpDType {
    if (this.byteOrder !== '>') return this;
    return new NpDType({ ...this, byteOrder: '<' });
  }

  /** A field by name. */
  field(name: string): NpField | undefined {
    return this.fields?.find((f) => f.name === name);
  }

  /**
   * Parses a numpy type string as `.npy` headers and `dtype.descr` write it: `<f8`, `|b1`,
   * `>i4`, `<U5`, `|S3`, `|O`, `|V16`, `<M8[ns]`, `?`. The size of `U` counts characters.
   */
  static parse(text: string): NpDType {
    const m = /^([<>|=]?)([biufcSUVOMma?])(\d*)(?:\[(\d*)([A-Za-z]+)\])?$/.exec(text);
    if (!m) throw new PickleError(`Unknown numpy type '${text}'`);
    let kind = m[2] === '?' ? 'b' : m[2] === 'a' ? 'S' : m[2];
    let size = m[3] === '' ? undefined : Number(m[3]);
    if (m[2] === '?') size = 1;
    if (kind === 'O') size = 8;
    if (size === undefined) {
      if (kind === 'M' || kind === 'm') size = 8;
      else if (kind === 'S' || kind === 'U' || kind === 'V') size = 0;
      else throw new PickleError(`numpy type '${text}' has no size`);
    }
    const unit = m[5] ? `${m[4] && m[4] !== '1' ? m[4] : ''}${m[5]}` : kind === 'M' || kind === 'm' ? 'generic' : null;
    return makeDType(kind as NpKind, kind === 'U' ? size * 4 : size, (m[1] || '=') as NpByteOrder | '=', unit, text);
  }
}

/** Builds a plain (non-structured) dtype, checking the size is one numpy has for the kind. */
export function makeDType(kind: NpKind, itemsize: number, order: NpByteOrder | '=', unit: string | null, text: string): NpDType {
  const sizes = NUMERIC_SIZES[kind];
  if (sizes && !sizes.includes(itemsize)) {
    const what = kind === 'f' && itemsize > 8 ? ' (long double is not supported)' : kind === 'c' && itemsize > 16 ? ' (complex long double is not supported)' : '';
    throw new PickleError(`Unsupported numpy type '${text}': ${kind}${itemsize}${what}`);
  }
  if (!Number.isSafeInteger(itemsize) || itemsize < 0) throw new PickleError(`numpy type '${text}' has an invalid size`);
  if (kind === 'U' && itemsize % 4 !== 0) throw new PickleError(`numpy str type '${text}' has a size that is not a multiple of 4`);
  return new NpDType({ kind, itemsize, byteOrder: orderFor(kind, itemsize, order), alignment: alignmentOf(kind, itemsize), unit: kind === 'M' || kind === 'm' ? (unit ?? 'generic') : null });
}

/** The byte order numpy reports for a kind: `|` where order does not apply, `<` for native. */
export function orderFor(kind: NpKind, itemsize: number, order: NpByteOrder | '='): NpByteOrder {
  if (kind === 'S' || kind === 'V' || kind === 'O' || kind === 'b' || (itemsize === 1 && kind !== 'U')) return '|';
  return order === '>' ? '>' : '<';
}

function alignmentOf(kind: NpKind, itemsize: number): number {
  if (kind === 'S' || kind === 'V' || kind === 'b') return 1;
  if (kind === 'U') return 4;
  if (kind === 'c') return itemsize / 2;
  return kind === 'O' ? 8 : itemsize;
}

/** Fills a dtype in place (numpy's BUILD of a dtype completes the object REDUCE made). */
export function setDType(target: NpDType, init: NpDTypeInit): void {
  const t = target as { -readonly [K in keyof NpDType]: NpDType[K] };
  t.kind = init.kind;
  t.itemsize = init.itemsize;
  t.byteOrder = init.byteOrder ?? orderFor(init.kind, init.itemsize, '=');
  t.alignment = init.alignment ?? alignmentOf(init.kind, init.itemsize);
  t.fields = init.fields ?? null;
  t.subarray = init.subarray ?? null;
  t.unit = init.unit ?? null;
  t.alignedStruct = init.alignedStruct ?? false;
}
