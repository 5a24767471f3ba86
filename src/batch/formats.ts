// Owns the input and output formats of batch scoring and which file names imply which format.

import { extname } from 'node:path';
import type { InputFormat, OutputFormat } from './types.js';

/** Input formats, MLflow's first. */
export const INPUT_FORMATS: readonly InputFormat[] = ['json', 'csv', 'jsonl', 'parquet'];

/** Output formats, MLflow's first. */
export const OUTPUT_FORMATS: readonly OutputFormat[] = ['json', 'jsonl', 'csv', 'parquet'];

const INPUT_EXTENSIONS: Record<string, InputFormat> = {
  '.json': 'json',
  '.csv': 'csv',
  '.jsonl': 'jsonl',
  '.ndjson': 'jsonl',
  '.parquet': 'parquet',
  '.pq': 'parquet',
};

/** The input format a file name implies (`.csv`, `.jsonl`/`.ndjson`, `.parquet`/`.pq`, `.json`), if any. */
export function inputFormatOfPath(path: string | undefined): InputFormat | undefined {
  return path === undefined ? undefined : INPUT_EXTENSIONS[extname(path).toLowerCase()];
}

/**
 * The output format a file name implies: only Parquet (`.parquet`/`.pq`). MLflow writes its JSON
 * document whatever the name, so other names keep that default.
 */
export function outputFormatOfPath(path: string | undefined): OutputFormat | undefined {
  if (path === undefined) return undefined;
  const ext = extname(path).toLowerCase();
  return ext === '.parquet' || ext === '.pq' ? 'parquet' : undefined;
}
