// Owns scoring rows of a chunk through the server's pipeline, and isolating the rows that make a chunk fail.

import { ServingError } from '../errors.js';
import { runDecoded, type ScoringContext } from '../pipeline/mlflow.js';
import type { InputChunk, ScoredBatch } from './types.js';

/** A run of rows that scored, or one row that did not. */
export type Piece = { readonly ok: ScoredBatch; readonly start: number; readonly end: number } | { readonly bad: number; readonly error: unknown };

/**
 * True for errors that input rows can cause (400: undecodable, rejected by the signature, or the
 * model threw on them); anything else (output not serializable, worker crash) stops the run.
 */
export function isRowError(err: unknown): boolean {
  return err instanceof ServingError && err.status === 400;
}

/**
 * Decodes rows `[start, end)` of a chunk and runs them through the server's pipeline (enforcement,
 * params, MLflow's error wrapping), resolving with the model's return value.
 */
export async function scoreRows(chunk: InputChunk, start: number, end: number, ctx: ScoringContext): Promise<ScoredBatch> {
  const decoded = chunk.decode(start, end);
  const output = await runDecoded(decoded, ctx);
  return { output, input: decoded.table ?? decoded.input, rows: chunk.rowWise ? end - start : undefined, unwrapped: decoded.unwrapped };
}

/**
 * Re-scores the failed rows `[start, end)` in halves, recursively, until every failing row stands
 * alone: k bad rows among n cost about 2k·log2(n) model calls. Resolves with the pieces in input
 * order; with `firstOnly`, stops at the first bad row. A half failing for a reason rows cannot
 * cause (see isRowError) rejects.
 */
export async function isolateRows(chunk: InputChunk, ctx: ScoringContext, start: number, end: number, error: unknown, firstOnly: boolean): Promise<Piece[]> {
  const pieces: Piece[] = [];
  let found = false;
  const split = async (lo: number, hi: number, err: unknown): Promise<void> => {
    if (hi - lo === 1) {
      pieces.push({ bad: lo, error: err });
      found = true;
      return;
    }
    const mid = (lo + hi) >>> 1;
    for (const [s, e] of [[lo, mid], [mid, hi]]) {
      if (firstOnly && found) return;
      try {
        pieces.push({ ok: await scoreRows(chunk, s, e, ctx), start: s, end: e });
      } catch (halfError) {
        if (!isRowError(halfError)) throw halfError;
        await split(s, e, halfError);
      }
    }
  };
  await split(start, end, error);
  return pieces;
}

/** Scores a whole chunk; when it fails because of its rows, isolates them (see isolateRows). */
export async function scoreChunk(chunk: InputChunk, ctx: ScoringContext, firstOnly: boolean): Promise<Piece[]> {
  try {
    return [{ ok: await scoreRows(chunk, 0, chunk.size, ctx), start: 0, end: chunk.size }];
  } catch (err) {
    if (!chunk.rowWise || chunk.size === 0 || !isRowError(err)) throw err;
    return isolateRows(chunk, ctx, 0, chunk.size, err, firstOnly);
  }
}
