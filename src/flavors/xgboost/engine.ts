// Owns computing raw margins of a learner over a batch: chunks of rows, base margin, then trees or linear weights.

import { ServingError } from '../../errors.js';
import type { FeatureSource } from './features.js';
import { accumulateForest, type FeatureMatrix, leafIndices } from './forest-predict.js';
import type { Learner, TreeBooster } from './learner.js';
import { predictLinear } from './linear.js';

/** Bytes of feature matrix per chunk: small enough to stay in cache, large enough to amortise the loops. */
const CHUNK_BYTES = 1 << 20;

/**
 * Trees `[first, last)` of rounds `[begin, end)` (XGBoost's iteration_range; `end` 0 means every
 * round). Past the last round is an error, as in XGBoost.
 */
export function treeRange(booster: TreeBooster, rounds?: readonly [number, number]): [number, number] {
  const total = booster.roundStarts.length - 1;
  const [begin, end] = rounds ?? [0, 0];
  const last = end === 0 ? total : end;
  if (last > total || begin > last) {
    throw new ServingError('INVALID_PARAMETER_VALUE', `iteration_range [${begin}, ${end}] is outside the model's ${total} boosting rounds`);
  }
  return [booster.roundStarts[begin], booster.roundStarts[last]];
}

/**
 * Runs `each` over the source in chunks of rows, each converted into one reused matrix buffer,
 * so memory stays bounded (and cache-resident) whatever the batch size.
 */
function forChunks(source: FeatureSource, each: (x: FeatureMatrix, start: number, end: number) => void): void {
  const stride = 2 * source.numCols;
  const rows = Math.max(64, Math.floor(CHUNK_BYTES / (4 * stride)));
  const buffer = new Float32Array(Math.min(rows, source.numRows) * stride);
  for (let start = 0; start < source.numRows; start += rows) {
    const end = Math.min(source.numRows, start + rows);
    source.fill(buffer, start, end);
    each({ values: buffer, numRows: end - start, numCols: source.numCols, stride }, start, end);
  }
}

/** Raw margins, `numRows × numGroups` float32, for the given rounds (ignored by gblinear). */
export function predictMargins(learner: Learner, source: FeatureSource, rounds?: readonly [number, number]): Float32Array {
  const k = learner.numGroups;
  const out = new Float32Array(source.numRows * k);
  if (k === 1) out.fill(learner.baseMargin[0]);
  else for (let r = 0; r < source.numRows; r++) out.set(learner.baseMargin, r * k);
  const booster = learner.booster;
  const [first, last] = booster.kind === 'gblinear' ? [0, 0] : treeRange(booster, rounds);
  forChunks(source, (x, start, end) => {
    const part = out.subarray(start * k, end * k);
    if (booster.kind === 'gblinear') predictLinear(booster.linear, x, part);
    else accumulateForest(booster.forest, booster.dense, x, part, k, first, last);
  });
  return out;
}

/** Leaf index per tree (`pred_leaf`): `numRows × trees` float32 node ids; gbtree and dart only. */
export function predictLeaves(learner: Learner, source: FeatureSource, rounds?: readonly [number, number]): { values: Float32Array; width: number } {
  const booster = learner.booster;
  if (booster.kind === 'gblinear') throw new ServingError('INVALID_PARAMETER_VALUE', 'pred_leaf is not defined for gblinear boosters');
  const [first, last] = treeRange(booster, rounds);
  const width = last - first;
  const out = new Float32Array(source.numRows * width);
  forChunks(source, (x, start, end) => leafIndices(booster.forest, x, out.subarray(start * width, end * width), first, last));
  return { values: out, width };
}
