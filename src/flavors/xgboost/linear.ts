// Owns evaluating a gblinear booster: one weight per feature and output group plus a bias, in float32.

import type { FeatureMatrix } from './forest-predict.js';

/** A gblinear model: `weights[f * numGroups + g]` for feature f, the bias at `f = numFeature`. */
export interface LinearModel {
  readonly numFeature: number;
  readonly numGroups: number;
  readonly weights: Float32Array;
}

/**
 * Replaces each margin in `out` (holding the base margins) by `bias + base + Σ x·w` over the
 * row's present features, accumulated in float32 in feature order as XGBoost's `GBLinear::Pred`.
 */
export function predictLinear(model: LinearModel, x: FeatureMatrix, out: Float32Array): void {
  const { numFeature, numGroups, weights } = model;
  const cols = Math.min(x.numCols, numFeature);
  const values = x.values;
  const acc = new Float32Array(1);
  for (let r = 0; r < x.numRows; r++) {
    const row = r * x.stride;
    for (let g = 0; g < numGroups; g++) {
      acc[0] = weights[numFeature * numGroups + g] + out[r * numGroups + g];
      for (let f = 0; f < cols; f++) {
        const v = values[row + f];
        if (v === v) acc[0] += Math.fround(v * weights[f * numGroups + g]);
      }
      out[r * numGroups + g] = acc[0];
    }
  }
}
