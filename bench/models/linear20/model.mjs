// A linear model over 20 double columns, for bench/predict.ts: y = 0.5 + sum_j w_j * x_j, w_j = ±(j / 10).
const WEIGHTS = Array.from({ length: 20 }, (_, j) => ((j % 2 ? -1 : 1) * (j + 1)) / 10);

export function predict(input) {
  const y = new Float64Array(input.numRows).fill(0.5);
  for (let j = 0; j < WEIGHTS.length; j++) {
    const x = input.column(`x${j + 1}`);
    const w = WEIGHTS[j];
    for (let i = 0; i < y.length; i++) y[i] += w * x[i];
  }
  return y;
}
