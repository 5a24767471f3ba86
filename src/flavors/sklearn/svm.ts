// Owns scikit-learn's libsvm estimators: SVC and NuSVC (votes, `decision_function_shape`,
// `break_ties`, Platt-scaled and coupled probabilities), SVR, NuSVR and OneClassSVM, read from the
// state every release since 1.0 keeps (`support_vectors_` dense or sparse, `_dual_coef_`,
// `_intercept_`, `_n_support`, `_probA`/`_probB`, `_gamma`) and evaluated by libsvm.ts.

import { Tensor } from '../../data/tensor.js';
import { PyGlobal, type PyNode } from '../../pyobj/index.js';
import { type BuildContext, type Estimator, type EstimatorBuilder, fittedInput } from './estimator.js';
import { Labels } from './labels.js';
import {
  type KernelParams,
  type KernelType,
  type SvmModel,
  classStarts,
  classifierDecision,
  couplingScratch,
  kernelValues,
  pairwiseProbabilities,
  regressionDecision,
} from './libsvm.js';
import { argmaxRows, logInPlace } from './math.js';
import { type DenseMatrix, densify, isCsr, isSparse, readDense, readSparse } from './matrix.js';
import { type FittedInput, type Table, rowMajor, validateNumeric } from './table.js';

const KERNELS: readonly KernelType[] = ['linear', 'poly', 'rbf', 'sigmoid', 'precomputed'];

/** libsvm's problem types, as scikit-learn's classes set `_impl`. */
type Impl = 'c_svc' | 'nu_svc' | 'one_class' | 'epsilon_svr' | 'nu_svr';

/** The first attribute present among `names` (an attribute renamed between releases). */
function firstOf(node: PyNode, ...names: string[]): PyNode {
  for (const n of names) if (node.has(n)) return node.get(n);
  throw node.error(`has none of the attributes ${names.join(', ')}`);
}

/** A float64 vector attribute (an array, or a scalar for `_gamma`-like values). */
function vector(node: PyNode): Float64Array {
  const a = node.asArray();
  if (a.ndim > 1) throw node.error(`should be 1-D, found shape (${a.shape.join(', ')})`);
  return node.asFloat64Array();
}

/** The kernel, or undefined (recorded as unsupported) when it is a Python callable. */
function readKernel(node: PyNode, ctx: BuildContext): KernelParams | undefined {
  const kernelNode = node.get('kernel');
  if (kernelNode.value instanceof PyGlobal || kernelNode.isRecord()) {
    const name = kernelNode.value instanceof PyGlobal ? kernelNode.value.qualname : kernelNode.typeName;
    ctx.unsupported(name, 'function', 'a callable SVM kernel, which mlserve does not run');
    return undefined;
  }
  const type = kernelNode.asStr() as KernelType;
  if (!KERNELS.includes(type)) throw kernelNode.error(`is the kernel '${type}', which libsvm does not have`);
  // libsvm takes the degree as a C int.
  const degree = Math.trunc(node.float('degree'));
  if (!(degree >= 0)) throw node.get('degree').error(`should be a non-negative int, found ${degree}`);
  const gammaNode = node.optional('_gamma');
  if (!gammaNode && (type === 'poly' || type === 'rbf' || type === 'sigmoid')) throw node.error("has no attribute '_gamma'");
  return { type, gamma: gammaNode?.asFloat() ?? 0, coef0: node.float('coef0'), degree };
}

/** Reads the libsvm model of a fitted SVC, NuSVC, SVR, NuSVR or OneClassSVM, checking every shape. */
function readModel(node: PyNode, kernel: KernelParams, impl: Impl, input: FittedInput): SvmModel {
  const classifier = impl === 'c_svc' || impl === 'nu_svc';
  const support = node.get('support_').asInt32Array();
  const nSv = support.length;
  const svNode = node.get('support_vectors_');
  let sv: SvmModel['sv'];
  let features: number;
  if (kernel.type === 'precomputed') {
    const shapeFit = node.get('shape_fit_').asList().map((d) => d.asInt());
    features = shapeFit[0];
    sv = { rows: 0, cols: 0, data: new Float64Array(0) };
    for (let i = 0; i < nSv; i++) if (!(support[i] >= 0 && support[i] < features)) throw node.get('support_').error(`holds ${support[i]}, outside the ${features} training samples`);
  } else {
    sv = isSparse(svNode) ? readSparse(svNode) : readDense(svNode);
    features = sv.cols;
    if (sv.rows !== nSv) throw svNode.error(`has ${sv.rows} support vectors, support_ has ${nSv}`);
  }
  if (input.nFeatures !== undefined && input.nFeatures !== features) throw node.error(`was fitted on ${input.nFeatures} features, its support vectors have ${features}`);

  const nSupport = classifier ? firstOf(node, '_n_support', 'n_support_').asInt32Array() : Int32Array.of(nSv);
  const classes = classifier ? nSupport.length : 2;
  const pairs = (classes * (classes - 1)) / 2;
  if (classifier && classes < 2) throw node.error(`has ${classes} classes; libsvm needs at least 2`);
  const coefNode = node.get('_dual_coef_');
  const coef = readCoef(coefNode, classes - 1, nSv);
  let total = 0;
  for (const n of nSupport) total += n;
  if (nSupport.some((n) => n < 0) || total !== nSv) throw node.error(`has support vectors per class (${nSupport.join(', ')}) that do not add up to its ${nSv} support vectors`);
  const intercept = vector(node.get('_intercept_'));
  if (intercept.length !== (classifier ? pairs : 1)) throw node.get('_intercept_').error(`has ${intercept.length} values, expected ${classifier ? pairs : 1}`);
  const probA = classifier ? vector(firstOf(node, '_probA', 'probA_')) : new Float64Array(0);
  const probB = classifier ? vector(firstOf(node, '_probB', 'probB_')) : new Float64Array(0);
  if (probA.length !== probB.length || (probA.length !== 0 && probA.length !== pairs)) throw node.error(`has ${probA.length} Platt coefficients A and ${probB.length} B for ${pairs} classifier pairs`);
  return { kernel, features, sv, nSv, support, dualCoef: coef.data, intercept, classes, nSupport, probA, probB };
}

/** `_dual_coef_`, dense or sparse, of the given shape (checked before a sparse one is densified). */
function readCoef(node: PyNode, rows: number, cols: number): DenseMatrix {
  const coef = isSparse(node) ? readSparse(node) : readDense(node);
  if (coef.rows !== rows || coef.cols !== cols) throw node.error(`has shape (${coef.rows}, ${coef.cols}), expected (${rows}, ${cols})`);
  return isCsr(coef) ? densify(coef) : coef;
}

/** X as libsvm sees it: validated float64 rows, row-major (a precomputed kernel's row holds one value per training sample). */
function rows(x: Table, input: FittedInput, m: SvmModel): Float64Array {
  const cols = validateNumeric(x, input);
  if (cols.length !== m.features) {
    throw new Error(
      m.kernel.type === 'precomputed'
        ? `X.shape[1] = ${cols.length} should be equal to ${m.features}, the number of samples at training time`
        : `X has ${cols.length} features, but the model is expecting ${m.features} features as input.`,
    );
  }
  return rowMajor(cols, x.rows);
}

/** The one-vs-one decision values of every row (`n × pairs`) and the class libsvm's votes pick. */
function ovo(m: SvmModel, xs: Float64Array, n: number): { dec: Float64Array; votes: Int32Array } {
  const pairs = (m.classes * (m.classes - 1)) / 2;
  const dec = new Float64Array(n * pairs);
  const votes = new Int32Array(n);
  const kvalue = new Float64Array(m.nSv);
  const start = classStarts(m);
  const vote = new Int32Array(m.classes);
  for (let r = 0; r < n; r++) {
    kernelValues(m, xs, r * m.features, kvalue);
    votes[r] = classifierDecision(m, kvalue, start, vote, dec, r * pairs);
  }
  return { dec, votes };
}

/**
 * scikit-learn's `_ovr_decision_function(dec < 0, -dec, k)`: per class, its one-vs-one votes plus
 * the summed confidences squashed into (−1/3, 1/3). A zero decision votes for the first class of
 * the pair here, unlike libsvm's own vote.
 */
export function ovrDecision(dec: Float64Array, n: number, k: number): Float64Array {
  const pairs = (k * (k - 1)) / 2;
  const votes = new Float64Array(n * k);
  const conf = new Float64Array(n * k);
  for (let r = 0; r < n; r++) {
    let p = 0;
    for (let i = 0; i < k; i++) {
      for (let j = i + 1; j < k; j++) {
        const d = dec[r * pairs + p];
        const c = -d;
        conf[r * k + i] -= c;
        conf[r * k + j] += c;
        if (d < 0) votes[r * k + j] += 1;
        else votes[r * k + i] += 1;
        p++;
      }
    }
  }
  for (let i = 0; i < votes.length; i++) votes[i] += conf[i] / (3 * (Math.abs(conf[i]) + 1));
  return votes;
}

/** Whether `probability` is on, as `_check_proba` reads it (1.9 keeps the string 'deprecated' when unset). */
function probabilityOn(node: PyNode): boolean {
  const v = node.optional('probability')?.value;
  if (v === undefined || v === 'deprecated') return false;
  return v === true || (typeof v === 'number' && v !== 0) || (typeof v === 'string' && v !== '');
}

/** SVC and NuSVC. */
function svcBuilder(impl: Impl): EstimatorBuilder {
  return (node, ctx) => {
    const input = fittedInput(node);
    const kernel = readKernel(node, ctx);
    if (!kernel) return { className: input.className };
    const m = readModel(node, kernel, impl, input);
    const labels = Labels.read(node.get('classes_'));
    if (labels.size !== m.classes) throw node.error(`has ${labels.size} classes but support vectors for ${m.classes}`);
    const k = m.classes;
    const pairs = (k * (k - 1)) / 2;
    const shape = node.str('decision_function_shape');
    const breakTies = node.optional('break_ties')?.asBool() ?? false;

    const decision = (x: Table): Tensor<'float64'> => {
      const n = x.rows;
      const { dec } = ovo(m, rows(x, input, m), n);
      if (k === 2) {
        for (let i = 0; i < n; i++) dec[i] = -dec[i];
        return new Tensor('float64', [n], dec);
      }
      if (shape === 'ovr') return new Tensor('float64', [n, k], ovrDecision(dec, n, k));
      return new Tensor('float64', [n, pairs], dec);
    };
    const proba = (x: Table): Float64Array => {
      if (m.probA.length === 0) throw new Error('predict_proba is not available when fitted with probability=False');
      const n = x.rows;
      const { dec } = ovo(m, rows(x, input, m), n);
      const out = new Float64Array(n * k);
      const r = new Float64Array(k * k);
      const scratch = couplingScratch(k);
      for (let i = 0; i < n; i++) pairwiseProbabilities(m, dec, i * pairs, r, out, i * k, scratch);
      return out;
    };
    const est: Estimator = {
      className: input.className,
      estimatorType: 'classifier',
      decisionFunction: decision,
      predict(x) {
        if (breakTies && shape === 'ovo') throw new Error("break_ties must be False when decision_function_shape is 'ovo'");
        if (breakTies && shape === 'ovr' && k > 2) return labels.take(argmaxRows(decision(x).data, x.rows, k));
        return labels.take(ovo(m, rows(x, input, m), x.rows).votes);
      },
    };
    if (probabilityOn(node)) {
      est.predictProba = (x) => new Tensor('float64', [x.rows, k], proba(x));
      est.predictLogProba = (x) => new Tensor('float64', [x.rows, k], logInPlace(proba(x)));
    }
    return est;
  };
}

/** The decision value of every row of a regression or one-class model. */
function regressionValues(m: SvmModel, x: Table, input: FittedInput): Float64Array {
  const n = x.rows;
  const xs = rows(x, input, m);
  const out = new Float64Array(n);
  const kvalue = new Float64Array(m.nSv);
  for (let r = 0; r < n; r++) {
    kernelValues(m, xs, r * m.features, kvalue);
    out[r] = regressionDecision(m, kvalue);
  }
  return out;
}

/** SVR and NuSVR: `predict` is libsvm's decision value. */
function svrBuilder(impl: Impl): EstimatorBuilder {
  return (node, ctx) => {
    const input = fittedInput(node);
    const kernel = readKernel(node, ctx);
    if (!kernel) return { className: input.className };
    const m = readModel(node, kernel, impl, input);
    return {
      className: input.className,
      estimatorType: 'regressor',
      predict: (x) => new Tensor('float64', [x.rows], regressionValues(m, x, input)),
    };
  };
}

/** SVC (`sklearn.svm._classes.SVC`). */
export const svc = svcBuilder('c_svc');
/** NuSVC. */
export const nuSvc = svcBuilder('nu_svc');
/** SVR. */
export const svr = svrBuilder('epsilon_svr');
/** NuSVR. */
export const nuSvr = svrBuilder('nu_svr');

/** OneClassSVM: +1 (inlier) or −1 (outlier) as int64, and the decision value. */
export const oneClassSvm: EstimatorBuilder = (node, ctx) => {
  const input = fittedInput(node);
  const kernel = readKernel(node, ctx);
  if (!kernel) return { className: input.className };
  const m = readModel(node, kernel, 'one_class', input);
  return {
    className: input.className,
    decisionFunction: (x) => new Tensor('float64', [x.rows], regressionValues(m, x, input)),
    predict(x) {
      const dec = regressionValues(m, x, input);
      return new Tensor('int64', [x.rows], BigInt64Array.from(dec, (d) => (d > 0 ? 1n : -1n)));
    },
  };
};
