// Owns `text/csv` request bodies: CSV text -> Frame exactly as pandas.read_csv(io) reads it with
// default options (spec §2.9, §2.10), optionally with MLflow's per-column dtype map.

import { type Column, Frame } from '../data/frame.js';
import { CsvParseError } from './_csv-error.js';
import { type CsvRecord, tokenizeCsv } from './_csv-tokenize.js';
import { inferColumn } from './_csv-infer.js';
import { type ColumnContext, type CsvColumnType, convertDeclared } from './_csv-declared.js';
import { checkPadding } from './limits.js';

export { CsvParseError } from './_csv-error.js';
export { type CsvRecord, type CsvTokens, type TokenizeCsvOptions, tokenizeCsv } from './_csv-tokenize.js';
export type { CsvColumnType } from './_csv-declared.js';

/** How to read a CSV body. */
export interface CsvDecodeOptions {
  /**
   * Declared types by column label, or by 0-based field position for unnamed schemas (a label
   * wins over a position, as in pandas' `dtype=` dict). A mangled duplicate (`a.1`) takes the
   * type declared for `a` unless it has its own. Columns without one are inferred.
   */
  columnTypes?: ReadonlyMap<string | number, CsvColumnType>;
  /** Size of the body the text came from: short rows are padded, and padding may not outgrow it. */
  sentBytes?: number;
  /** Deepest JSON nesting in cells of JSON-typed columns. */
  maxDepth?: number;
}

/** Options of buildFrame: decoding options plus the row width when reading a later chunk. */
export interface BuildFrameOptions extends CsvDecodeOptions {
  /**
   * Fields per row. By default the first row fixes it (at least the header's count; extra leading
   * fields are pandas' implicit index and are dropped); pass it for chunks after the first.
   */
  expectedFields?: number;
}

/** A header's column labels after pandas' renaming, and the label each had before de-duplication. */
export interface ColumnNames {
  names: string[];
  origins: string[];
}

/**
 * pandas' header handling (parsers.pyx `_get_header`): an empty label becomes `Unnamed: <i>`, and
 * duplicates become `a.1`, `a.2`, ... (named columns keep their labels before unnamed ones are
 * renamed; a generated label already in the header is skipped).
 */
export function columnNames(header: readonly string[]): ColumnNames {
  const names = header.map((h, i) => (h === '' ? `Unnamed: ${i}` : h));
  const origins = [...names];
  const order = [...names.keys()].filter((i) => header[i] !== '').concat([...names.keys()].filter((i) => header[i] === ''));
  const present = new Map<string, number>();
  for (const name of names) present.set(name, (present.get(name) ?? 0) + 1);
  const counts = new Map<string, number>();
  for (const i of order) {
    const old = names[i];
    let col = old;
    let cur = counts.get(col) ?? 0;
    while (cur > 0) {
      counts.set(old, cur + 1);
      col = `${old}.${cur}`;
      cur = present.has(col) ? cur + 1 : (counts.get(col) ?? 0);
    }
    if (col !== old) {
      const left = present.get(old)! - 1;
      if (left === 0) present.delete(old);
      else present.set(old, left);
      present.set(col, (present.get(col) ?? 0) + 1);
      names[i] = col;
    }
    counts.set(col, cur + 1);
  }
  return { names, origins };
}

function declaredType(options: CsvDecodeOptions, name: string, origin: string, index: number): CsvColumnType | undefined {
  const types = options.columnTypes;
  if (!types || types.size === 0) return undefined;
  return types.get(name) ?? types.get(origin) ?? types.get(index);
}

/**
 * Builds a Frame from a header and data records (from tokenizeCsv), checking row widths as pandas
 * does: a short row is padded with missing values; a row longer than the first one throws
 * CsvParseError `Error tokenizing data. C error: Expected N fields in line L, saw M`.
 */
export function buildFrame(header: readonly string[], rows: readonly CsvRecord[], options: BuildFrameOptions = {}): Frame {
  const { names, origins } = columnNames(header);
  let width = options.expectedFields;
  let first = 0;
  if (width === undefined) {
    width = Math.max(header.length, rows.length > 0 ? rows[0].fields.length : 0);
    first = 1; // the first row sets the width, so it is never too long
  }
  for (let r = first; r < rows.length; r++) {
    const saw = rows[r].fields.length;
    if (saw > width) {
      throw new CsvParseError(`Error tokenizing data. C error: Expected ${width} fields in line ${rows[r].pandasLine}, saw ${saw}`, {
        line: rows[r].line,
      });
    }
  }

  if (options.sentBytes !== undefined) checkPadding(rows.length, names.length, options.sentBytes, 'The CSV rows shorter than its header');
  // Fields beyond the header's count sit in front: pandas makes them the index, which MLflow never sends on.
  const leading = Math.max(0, width - header.length);
  const n = rows.length;
  const lineOf = (r: number): number => rows[r].line;
  const cols: Column[] = [];
  for (let j = 0; j < names.length; j++) {
    const index = leading + j;
    const cells: string[] = new Array(n);
    for (let r = 0; r < n; r++) {
      const fields = rows[r].fields;
      cells[r] = index < fields.length ? fields[index] : '';
    }
    const type = declaredType(options, names[j], origins[j], index);
    const ctx: ColumnContext = { name: names[j], index, lineOf, maxDepth: options.maxDepth };
    const built = type === undefined ? inferColumn(cells) : convertDeclared(cells, type, ctx);
    cols.push({ name: names[j], dtype: built.dtype, values: built.values });
  }
  return new Frame(cols, n);
}

/**
 * Decodes a `text/csv` body as `pandas.read_csv` with default options: first non-blank line is the
 * header, dtypes inferred per column (int64, float64, bool, object) unless declared in
 * `options.columnTypes`. Throws CsvParseError (`No columns to parse from file` for an empty body;
 * conversion errors name the column and 1-based line).
 */
export function decodeCsv(text: string, options: CsvDecodeOptions = {}): Frame {
  const { records } = tokenizeCsv(text);
  if (records.length === 0) throw new CsvParseError('No columns to parse from file');
  return buildFrame(records[0].fields, records.slice(1), options);
}
