// Owns Frame: a table of named, typed columns (pandas DataFrame's counterpart).

import { type DType, type DTypeStorage, isFloat } from './dtype.js';
import { cellToJs } from './cell.js';
import { markFloat } from './float-hint.js';
import { isIndexKey, recordKeyOrder } from './key-order.js';

/** One column: a label (string, or a position for unnamed columns), a dtype and its values. */
export interface Column<D extends DType = DType> {
  /** Label; a number for pandas' default integer labels (printed as `"0"` in records). */
  readonly name: string | number;
  readonly dtype: D;
  readonly values: DTypeStorage[D];
}

/** A table handed to and returned by models. Columns all have `numRows` values. */
export class Frame {
  /** Columns in order. */
  readonly cols: readonly Column[];
  /** Number of rows. */
  readonly numRows: number;

  constructor(cols: readonly Column[], numRows?: number) {
    const n = numRows ?? (cols.length ? cols[0].values.length : 0);
    for (const c of cols) {
      if (c.values.length !== n) {
        throw new RangeError(`Column ${String(c.name)} has ${c.values.length} values, expected ${n}`);
      }
    }
    this.cols = Object.freeze([...cols]);
    this.numRows = n;
  }

  /** Builds a frame from named arrays or typed arrays, inferring nothing: give the dtype per column. */
  static of(columns: Record<string, { dtype: DType; values: DTypeStorage[DType] }>): Frame {
    return new Frame(Object.entries(columns).map(([name, c]) => ({ name, dtype: c.dtype, values: c.values })));
  }

  /** Column labels as strings (pandas labels `0, 1` become `"0", "1"`). */
  get columns(): string[] {
    return this.cols.map((c) => String(c.name));
  }

  /** Dtypes by column label. */
  get dtypes(): Record<string, DType> {
    return Object.fromEntries(this.cols.map((c) => [String(c.name), c.dtype]));
  }

  /** The column with this label, or undefined. */
  getColumn(name: string | number): Column | undefined {
    const key = String(name);
    return this.cols.find((c) => String(c.name) === key);
  }

  /**
   * Values of the named column: a typed array for numeric dtypes (BigInt64Array for int64),
   * an array otherwise. Throws RangeError for an unknown column.
   */
  column(name: string): DTypeStorage[DType] {
    const c = this.getColumn(name);
    if (!c) throw new RangeError(`No column named ${JSON.stringify(name)}; columns are ${JSON.stringify(this.columns)}`);
    return c.values;
  }

  /**
   * Rows as plain objects keyed by column label (see `Tensor.toArray` for how values convert).
   * Float columns mark integral values so that they are still printed as floats (`1.0`).
   */
  toRecords(): Record<string, unknown>[] {
    const rows: Record<string, unknown>[] = new Array(this.numRows);
    const labels = this.columns;
    const reordered = labels.some(isIndexKey);
    for (let r = 0; r < this.numRows; r++) {
      rows[r] = {};
      // JavaScript would list integer-like labels first; keep the column order for the encoder.
      if (reordered) recordKeyOrder(rows[r], labels);
    }
    for (const c of this.cols) {
      const key = String(c.name);
      const float = isFloat(c.dtype);
      for (let r = 0; r < this.numRows; r++) {
        const v = cellToJs(c.dtype, c.values, r);
        rows[r][key] = v;
        if (float && Number.isInteger(v)) markFloat(rows[r], key);
      }
    }
    return rows;
  }

  /** A frame with only the given columns, in that order. */
  select(names: readonly (string | number)[]): Frame {
    return new Frame(
      names.map((n) => {
        const c = this.getColumn(n);
        if (!c) throw new RangeError(`No column named ${String(n)}`);
        return c;
      }),
      this.numRows,
    );
  }
}

/** True for Frame instances. */
export function isFrame(value: unknown): value is Frame {
  return value instanceof Frame;
}
