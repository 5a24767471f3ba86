// A linear model written in JavaScript: y = 2*x1 - 3*x2 + 0.5 + bias.
// `input` is a Frame whose columns follow the signature; `params` holds the enforced params.
let weights;

export async function load({ modelPath }) {
  // A real model would read its weights from files under modelPath.
  weights = { x1: 2, x2: -3, intercept: 0.5 };
  void modelPath;
}

export function predict(input, params) {
  const x1 = input.column('x1');
  const x2 = input.column('x2');
  const y = new Float64Array(input.numRows);
  for (let i = 0; i < y.length; i++) y[i] = weights.x1 * x1[i] + weights.x2 * x2[i] + weights.intercept + params.bias;
  return y;
}
