// Owns JSON-lines output: one JSON value per input row, each on its own line, in MLflow's JSON formatting.

import { quoteJson } from '../codecs/json-text.js';
import { cellJson } from './cells.js';
import type { Sink } from './sink.js';
import { batchTable, type PredictionWriter, type RowOptions } from './writers.js';

/**
 * Writes one line per input row: the bare prediction when the model returned unnamed values
 * (`-3.5`, `[0.1, 0.9]`), else an object of the row's columns (`{"label": 0, "probabilities": [...]}`).
 * Numbers follow MLflow's JSON (`1.0`, `NaN`).
 */
export function jsonlWriter(sink: Sink, options: RowOptions): PredictionWriter {
  return {
    async write(batch) {
      const table = batchTable(batch, options);
      const cols = table.columns;
      let out = '';
      if (table.bare) {
        const col = cols[0];
        for (let i = 0; i < table.numRows; i++) out += cellJson(col, i) + '\n';
      } else {
        const keys = cols.map((c, j) => (j ? ', ' : '{') + quoteJson(c.name) + ': ');
        const close = cols.length ? '}\n' : '{}\n';
        for (let i = 0; i < table.numRows; i++) {
          for (let j = 0; j < cols.length; j++) out += keys[j] + cellJson(cols[j], i);
          out += close;
        }
      }
      if (out) await sink.write(out);
    },
    finish: async () => undefined,
    abort: async () => undefined,
  };
}
