// Owns scikit-learn's PolynomialFeatures: every product of the input features up to the fitted
// degree, in scikit-learn's column order, each product multiplied in the order its dense path uses.

import { type EstimatorBuilder, fittedInput, inputNames } from './estimator.js';
import { Table, validateNumeric } from './table.js';

/** Output columns beyond this are refused at load: each row of every request would hold them all. */
const MAX_OUTPUTS = 100_000;

/** `itertools.combinations_with_replacement(range(n), d)` (or `combinations` for interactions only), in order. */
function* combinations(n: number, d: number, repeat: boolean): Generator<number[]> {
  if (d === 0) {
    yield [];
    return;
  }
  const idx = Array.from({ length: d }, (_, i) => (repeat ? 0 : i));
  if (!repeat && d > n) return;
  for (;;) {
    yield [...idx];
    let i = d - 1;
    // The rightmost position that can still move.
    while (i >= 0 && idx[i] === (repeat ? n - 1 : n - d + i)) i--;
    if (i < 0) return;
    idx[i]++;
    for (let j = i + 1; j < d; j++) idx[j] = repeat ? idx[i] : idx[j - 1] + 1;
  }
}

/** PolynomialFeatures: the bias column, then the terms of each degree from the lowest kept. */
export const polynomialFeatures: EstimatorBuilder = (node) => {
  const input = fittedInput(node);
  const n = input.nFeatures ?? node.int('n_input_features_');
  const degree = node.get('degree');
  const [minDegree, maxDegree] = node.has('_max_degree')
    ? [node.int('_min_degree'), node.int('_max_degree')]
    : degree.value !== null && typeof degree.value === 'object'
      ? degree.asList().map((d) => d.asInt())
      : [0, degree.asInt()];
  const interactionOnly = node.bool('interaction_only');
  const includeBias = node.bool('include_bias');
  const expected = node.int('n_output_features_');
  if (expected > MAX_OUTPUTS) throw node.error(`makes ${expected} output features, more than mlserve builds (${MAX_OUTPUTS})`);
  const terms: number[][] = [];
  if (includeBias) terms.push([]);
  for (let d = Math.max(1, minDegree); d <= maxDegree && terms.length <= expected; d++) for (const c of combinations(n, d, !interactionOnly)) terms.push(c);
  if (terms.length !== expected) throw node.error(`has n_output_features_ ${expected}, but its degree and ${n} features make ${terms.length}`);
  return {
    className: input.className,
    transform(x) {
      const cols = validateNumeric(x, input, 'finite');
      const rows = x.rows;
      return new Table(
        rows,
        terms.map((t) => {
          if (t.length === 0) return new Float64Array(rows).fill(1);
          // scikit-learn's dense path builds x_i * x_j * x_k as (x_k * x_j) * x_i.
          const out = Float64Array.from(cols[t[t.length - 1]]);
          for (let k = t.length - 2; k >= 0; k--) {
            const c = cols[t[k]];
            for (let r = 0; r < rows; r++) out[r] *= c[r];
          }
          return out;
        }),
      );
    },
    featureNamesOut(given) {
      const names = inputNames(input, given);
      return terms.map((t) => {
        if (t.length === 0) return '1';
        const parts: string[] = [];
        for (let i = 0; i < t.length; ) {
          let j = i;
          while (j < t.length && t[j] === t[i]) j++;
          parts.push(j - i === 1 ? names[t[i]] : `${names[t[i]]}^${j - i}`);
          i = j;
        }
        return parts.join(' ');
      });
    },
  };
};
