// Owns scikit-learn's FunctionTransformer with the numpy functions mlserve knows by name (element-wise
// ufuncs such as numpy.log1p, or no function: the identity). Any other function — a lambda pickled
// by value, a function of the user's module — is refused with the step path to it.

import { describeByValue, PyGlobal, PyObject } from '../../pyobj/index.js';
import { type EstimatorBuilder, fittedInput, inputNames } from './estimator.js';
import { type Column, SparseColumn, Table, validateNumeric } from './table.js';

/** numpy's `rint`: round half to even. */
function rint(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** The element-wise numpy ufuncs a FunctionTransformer may name, by their `__name__`. */
const UFUNCS: Readonly<Record<string, (x: number) => number>> = {
  absolute: Math.abs,
  fabs: Math.abs,
  negative: (x) => -x,
  positive: (x) => x,
  sign: (x) => (x > 0 ? 1 : x < 0 ? -1 : x),
  exp: Math.exp,
  exp2: (x) => 2 ** x,
  expm1: Math.expm1,
  log: Math.log,
  log2: Math.log2,
  log10: Math.log10,
  log1p: Math.log1p,
  sqrt: Math.sqrt,
  cbrt: Math.cbrt,
  square: (x) => x * x,
  floor: Math.floor,
  ceil: Math.ceil,
  trunc: Math.trunc,
  rint,
  sin: Math.sin,
  cos: Math.cos,
  tan: Math.tan,
  arcsin: Math.asin,
  arccos: Math.acos,
  arctan: Math.atan,
  sinh: Math.sinh,
  cosh: Math.cosh,
  tanh: Math.tanh,
  arcsinh: Math.asinh,
  arccosh: Math.acosh,
  arctanh: Math.atanh,
  deg2rad: (x) => x * (Math.PI / 180),
  rad2deg: (x) => x * (180 / Math.PI),
  radians: (x) => x * (Math.PI / 180),
  degrees: (x) => x * (180 / Math.PI),
};

/** `numpy.abs` is `absolute`, `numpy.conjugate` of reals is the identity: the names numpy pickles them under. */
const ALIASES: Readonly<Record<string, string>> = { abs: 'absolute' };

/** A numpy function named by the pickle (`numpy.log1p`, numpy 1's `numpy.core._multiarray_umath.log1p`). */
function numpyUfunc(g: PyGlobal): ((x: number) => number) | undefined {
  if (g.module !== 'numpy' && !g.module.startsWith('numpy.')) return undefined;
  const name = ALIASES[g.name] ?? g.name;
  return Object.hasOwn(UFUNCS, name) ? UFUNCS[name] : undefined;
}

function applyColumn(col: Column, f: (x: number) => number, j: number): Float64Array {
  if (Array.isArray(col)) throw new TypeError(`loop of ufunc does not support argument 0 of type object (column ${j} holds Python objects)`);
  const dense = col instanceof SparseColumn ? col.toDense() : (col as Float64Array);
  const out = new Float64Array(dense.length);
  for (let r = 0; r < dense.length; r++) out[r] = f(dense[r]);
  return out;
}

/**
 * FunctionTransformer: `func(X)` for the identity (func=None) and numpy's element-wise ufuncs,
 * which keep a DataFrame a DataFrame (its labels reach the next step's feature-name check).
 * `validate=True` first makes X a float64 array (no labels; NaN and infinities rejected).
 */
export const functionTransformer: EstimatorBuilder = (node, ctx) => {
  const input = fittedInput(node);
  const validate = node.optional('validate')?.asBool() ?? false;
  const funcNode = node.get('func');
  const kwArgs = node.optional('kw_args');
  let f: ((x: number) => number) | undefined;
  if (!funcNode.isNone) {
    const v = funcNode.value;
    const byValue = v instanceof PyObject ? describeByValue(v) : undefined;
    if (byValue) ctx.unsupported(`${byValue.module}.${byValue.name}`, 'function', 'a function pickled by value: its code would have to run');
    else if (v instanceof PyGlobal) {
      f = numpyUfunc(v);
      if (!f) ctx.unsupported(v.qualname, 'function', 'not one of the numpy functions mlserve evaluates');
    } else ctx.unsupported(funcNode.typeName, 'function', 'a callable object');
  }
  if (kwArgs && kwArgs.asEntries().length > 0) ctx.unsupported(funcNode.isNone ? 'None' : String(funcNode.typeName), 'function', 'called with kw_args');
  const namesOut = node.optional('feature_names_out');
  return {
    className: input.className,
    transform(x) {
      let xt = x;
      if (validate) xt = new Table(x.rows, validateNumeric(x, input, 'finite'), { sparse: x.sparse });
      if (!f) return xt;
      const g = f;
      return new Table(
        xt.rows,
        xt.columns.map((c, j) => applyColumn(c, g, j)),
        { labels: xt.labels },
      );
    },
    ...(namesOut?.value === 'one-to-one' ? { featureNamesOut: (given?: readonly string[]) => inputNames(input, given) } : {}),
  };
};
