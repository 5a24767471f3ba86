// Owns CSV output: a header, then one row per input row, cells as pandas' to_csv writes them.

import { ServingError } from '../errors.js';
import { cellCsv, quoteCsv } from './cells.js';
import type { OutputColumn } from './output-table.js';
import type { Sink } from './sink.js';
import { batchTable, sameColumns, type PredictionWriter, type RowOptions } from './writers.js';

/** The columns of a later batch in the header's order; a column missing from the batch is written empty. */
function alignColumns(header: readonly string[], cols: readonly OutputColumn[]): (OutputColumn | undefined)[] {
  const byName = new Map(cols.map((c) => [c.name, c]));
  const extra = cols.filter((c) => !header.includes(c.name)).map((c) => c.name);
  if (extra.length) {
    throw new ServingError('INVALID_PARAMETER_VALUE', `The model returned columns [${extra.join(', ')}] that earlier batches did not have; the CSV header is [${header.join(', ')}].`);
  }
  return header.map((n) => byName.get(n));
}

/**
 * Writes CSV: the first batch's column names as the header (see output-table.ts for how answers
 * map to columns), then one line per input row. Lists and dicts are written as JSON text, NaN as
 * an empty cell, booleans as `True`/`False`; line ends are `\n`.
 */
export function csvWriter(sink: Sink, options: RowOptions): PredictionWriter {
  let header: string[] | undefined;
  return {
    async write(batch) {
      const table = batchTable(batch, options);
      let out = '';
      let cols: (OutputColumn | undefined)[] = [...table.columns];
      if (header === undefined) {
        header = table.columns.map((c) => c.name);
        out += header.map(quoteCsv).join(',') + '\n';
      } else if (!sameColumns(header, table.columns.map((c) => c.name))) {
        cols = alignColumns(header, table.columns);
      }
      // A row of one empty field would be a blank line, which readers skip: Python's csv quotes it.
      const lone = cols.length === 1;
      for (let i = 0; i < table.numRows; i++) {
        let line = '';
        for (let j = 0; j < cols.length; j++) {
          const c = cols[j];
          const text = c ? quoteCsv(cellCsv(c, i)) : '';
          line += j ? ',' + text : text;
        }
        out += (lone && line === '' ? '""' : line) + '\n';
      }
      if (out) await sink.write(out);
    },
    finish: async () => undefined,
    abort: async () => undefined,
  };
}
