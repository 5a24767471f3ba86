// Owns the side file of rows skipped with `--on-error skip`: each bad row as it was read, with where and why.

import { encodeOutput } from '../codecs/predictions.js';
import { quoteJson } from '../codecs/json-text.js';
import { quoteCsv } from './cells.js';
import type { RowFault } from './faults.js';
import { openFileSink, type Sink } from './sink.js';
import type { InputFormat, RawRow } from './types.js';

/** The side file's format: CSV for CSV input (re-readable rows), JSON lines otherwise. */
export function errorsFormat(input: InputFormat): 'csv' | 'jsonl' {
  return input === 'csv' ? 'csv' : 'jsonl';
}

/** Where skipped rows go by default: `<output>.errors.csv` or `<output>.errors.jsonl`. */
export function defaultErrorsPath(outputPath: string, input: InputFormat): string {
  return `${outputPath}.errors.${errorsFormat(input)}`;
}

/** The side file, created (beside its target, renamed at the end) when the first bad row arrives. */
export interface ErrorsFile {
  readonly path: string;
  /** Rows added so far. */
  readonly count: number;
  add(fault: RowFault, raw: RawRow, header?: readonly string[]): Promise<void>;
  /** Renames the file into place; nothing is written when no row was added. */
  commit(): Promise<void>;
  abort(): Promise<void>;
}

function csvLine(fields: readonly string[]): string {
  return fields.map(quoteCsv).join(',') + '\n';
}

/**
 * CSV lines: `_line,_column,_error` then the input's own fields, so the bad rows can be fixed and
 * scored again (extra columns are dropped by signature enforcement). JSON lines:
 * `{"line" | "row", "column", "error", "input"}` with the input line's text, or the Parquet record.
 */
function entry(format: 'csv' | 'jsonl', fault: RowFault, raw: RawRow, header: readonly string[] | undefined, first: boolean): string {
  const { position, column, reason } = fault;
  if (format === 'csv') {
    const fields = raw.kind === 'csv' ? raw.fields : [raw.kind === 'text' ? raw.text : encodeOutput(raw.value)];
    const head = first ? csvLine(['_line', '_column', '_error', ...(header ?? [])]) : '';
    return head + csvLine([String(position.line ?? position.row), column ?? '', reason, ...fields]);
  }
  const where = position.line !== undefined ? `"line": ${position.line}` : `"row": ${position.row}`;
  const input = raw.kind === 'text' ? quoteJson(raw.text) : raw.kind === 'csv' ? encodeOutput([...raw.fields]) : encodeOutput(raw.value);
  return `{${where}, "column": ${column === undefined ? 'null' : quoteJson(column)}, "error": ${quoteJson(reason)}, "input": ${input}}\n`;
}

/** An errors side file at `path` for input of `format`. */
export function errorsFile(path: string, input: InputFormat): ErrorsFile {
  const format = errorsFormat(input);
  let sink: Promise<Sink> | undefined;
  let count = 0;
  return {
    path,
    get count() {
      return count;
    },
    async add(fault, raw, header) {
      sink ??= openFileSink(path);
      await (await sink).write(entry(format, fault, raw, header, count === 0));
      count++;
    },
    async commit() {
      if (sink) await (await sink).commit();
    },
    async abort() {
      if (sink) await (await sink.catch(() => undefined))?.abort();
    },
  };
}
