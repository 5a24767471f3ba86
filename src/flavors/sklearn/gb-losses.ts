// Owns what GradientBoosting's loss does at predict time, for both families of loss objects a
// pickle may hold: `sklearn.ensemble._gb_losses` (1.2 and before: BinomialDeviance, …) and
// `sklearn._loss.loss` (1.3+: HalfBinomialLoss, … with a link object). Each turns the init
// estimator's outputs into raw predictions, and (classifiers) raw predictions into labels and
// probabilities, with the formulas of the release that wrote it.

import type { PyNode } from '../../pyobj/index.js';
import type { Estimator } from './estimator.js';
import { argmaxRows, expit, pairwiseSum, softmaxRows } from './math.js';
import type { Table } from './table.js';
import { sklearnRelease } from './tree-state.js';

/** A GradientBoosting loss at predict time; `k` raw values per row (one per class for multinomial losses, else 1). */
export interface BoostingLoss {
  readonly k: number;
  /** The init estimator's predictions as raw values (`rows × k`). */
  initRaw(init: Estimator, x: Table): Float64Array;
  /** Classifiers: the encoded class of each row. */
  decide?(raw: Float64Array, rows: number): Int32Array;
  /** Classifiers: class probabilities, `rows × n_classes`. */
  proba?(raw: Float64Array, rows: number): Float64Array;
}

const FLOAT32_EPS = 2 ** -23;
const FLOAT64_EPS = 2 ** -52;

/** scipy.special.logit as scipy computes it (log1p near 1/2, where the plain formula loses precision). */
export function logit(p: number): number {
  if (p < 0.3 || p > 0.65) return Math.log(p / (1 - p));
  const s = 2 * (p - 0.5);
  return Math.log1p(s) - Math.log1p(-s);
}

function clip(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}

/** The init estimator's `predict_proba(X)` as a `rows × width` matrix. */
function initProba(init: Estimator, x: Table, width: number): Float64Array {
  if (!init.predictProba) throw new Error(`The init estimator ${init.className} has no predict_proba.`);
  const p = init.predictProba(x);
  if (p.shape.length !== 2 || p.shape[1] !== width) throw new Error(`The init estimator's predict_proba gives shape (${p.shape.join(', ')}), expected (${x.rows}, ${width}).`);
  return p.data;
}

/** The init estimator's `predict(X).astype(float64)`, one value per row. */
function initPredict(init: Estimator, x: Table): Float64Array {
  if (!init.predict) throw new Error(`The init estimator ${init.className} has no predict.`);
  const p = init.predict(x);
  if (p.size !== x.rows) throw new Error(`The init estimator's predict gives ${p.size} values for ${x.rows} rows.`);
  return Float64Array.from({ length: p.size }, (_, i) => Number(p.at(i)));
}

/** The init's probability of the second class per row, clipped to `[eps, 1 - eps]`, through `link`. */
function initPositive(init: Estimator, x: Table, eps: number, link: (p: number) => number): Float64Array {
  const p = initProba(init, x, 2);
  const out = new Float64Array(x.rows);
  for (let r = 0; r < x.rows; r++) out[r] = link(clip(p[2 * r + 1], eps, 1 - eps));
  return out;
}

/** Two-class probabilities `[1 - p, p]` per row, p = f(value) (the identity when omitted). */
export function twoColumns(raw: ArrayLike<number>, rows: number, f: (v: number) => number = (v) => v): Float64Array {
  const out = new Float64Array(rows * 2);
  for (let r = 0; r < rows; r++) {
    const p = f(raw[r]);
    out[2 * r] = 1 - p;
    out[2 * r + 1] = p;
  }
  return out;
}

/** `raw >= 0` as class 1, else 0. */
function bySign(raw: Float64Array, rows: number): Int32Array {
  const out = new Int32Array(rows);
  for (let r = 0; r < rows; r++) out[r] = raw[r] >= 0 ? 1 : 0;
  return out;
}

/**
 * The loss a GradientBoosting estimator holds in `_loss`, for `nClasses` classes (0 for a
 * regressor). Refuses a loss it does not know, naming it.
 */
export function readBoostingLoss(gb: PyNode, nClasses: number): BoostingLoss {
  const loss = gb.get('_loss');
  const name = loss.className ?? loss.typeName;
  if (name.startsWith('sklearn.ensemble._gb_losses.')) return legacyLoss(loss, name.slice('sklearn.ensemble._gb_losses.'.length), nClasses);
  if (name.startsWith('sklearn._loss.loss.')) return linkedLoss(gb, loss, nClasses);
  throw loss.error(`is a loss mlserve does not know (${name})`);
}

/** `sklearn.ensemble._gb_losses` (scikit-learn 1.2 and before). */
function legacyLoss(loss: PyNode, name: string, nClasses: number): BoostingLoss {
  const eps = FLOAT32_EPS;
  switch (name) {
    case 'LeastSquaresError':
    case 'LeastAbsoluteError':
    case 'HuberLossFunction':
    case 'QuantileLossFunction':
      if (nClasses !== 0) throw loss.error('is a regression loss in a classifier');
      return { k: 1, initRaw: initPredict };
    case 'BinomialDeviance':
    case 'ExponentialLoss': {
      if (nClasses !== 2) throw loss.error(`is a two-class loss for ${nClasses} classes`);
      const half = name === 'ExponentialLoss';
      return {
        k: 1,
        initRaw: (init, x) => initPositive(init, x, eps, half ? (q) => 0.5 * Math.log(q / (1 - q)) : (q) => Math.log(q / (1 - q))),
        proba: (raw, rows) => twoColumns(raw, rows, half ? (v) => expit(2 * v) : expit),
        // BinomialDeviance: argmax of [1 - p, p] (a tie is class 0); ExponentialLoss: the sign.
        decide: half ? bySign : (raw, rows) => argmaxRows(twoColumns(raw, rows, expit), rows, 2),
      };
    }
    case 'MultinomialDeviance': {
      if (nClasses < 3) throw loss.error(`is a multiclass loss for ${nClasses} classes`);
      const k = nClasses;
      const proba = (raw: Float64Array, rows: number) => legacySoftmax(raw, rows, k);
      return {
        k,
        initRaw(init, x) {
          const p = initProba(init, x, k);
          return Float64Array.from(p, (v) => Math.log(clip(v, eps, 1 - eps)));
        },
        proba,
        decide: (raw, rows) => argmaxRows(proba(raw, rows), rows, k),
      };
    }
    default:
      throw loss.error(`is a loss mlserve does not know (sklearn.ensemble._gb_losses.${name})`);
  }
}

/** `nan_to_num(exp(raw - logsumexp(raw, axis=1)))`, logsumexp as scipy computes it. */
function legacySoftmax(raw: Float64Array, rows: number, k: number): Float64Array {
  const out = new Float64Array(rows * k);
  for (let r = 0, o = 0; r < rows; r++, o += k) {
    let max = -Infinity;
    for (let c = 0; c < k; c++) if (raw[o + c] > max || raw[o + c] !== raw[o + c]) max = raw[o + c];
    if (!Number.isFinite(max)) max = 0;
    for (let c = 0; c < k; c++) out[o + c] = Math.exp(raw[o + c] - max);
    const lse = Math.log(pairwiseSum(out, o, k)) + max;
    for (let c = 0; c < k; c++) {
      const v = Math.exp(raw[o + c] - lse);
      out[o + c] = v !== v ? 0 : v === Infinity ? Number.MAX_VALUE : v;
    }
  }
  return out;
}

/**
 * `sklearn._loss.loss` objects (1.3+), by the link they hold: raw values from the init
 * estimator through `link.link` (after clipping probabilities to `[eps, 1 - eps]`: float32's eps
 * before 1.8, float64's since), labels by sign or argmax, probabilities through `link.inverse`.
 */
function linkedLoss(gb: PyNode, loss: PyNode, nClasses: number): BoostingLoss {
  const link = loss.get('link');
  const linkName = (link.className ?? link.typeName).replace(/^sklearn\._loss\.link\./, '');
  const release = sklearnRelease(gb);
  const eps = release !== undefined && (release[0] < 1 || (release[0] === 1 && release[1] < 8)) ? FLOAT32_EPS : FLOAT64_EPS;
  if (nClasses === 0) {
    if (linkName !== 'IdentityLink') throw link.error(`is a link mlserve does not apply to GradientBoostingRegressor (${linkName})`);
    return { k: 1, initRaw: initPredict };
  }
  if (linkName === 'LogitLink' || linkName === 'HalfLogitLink') {
    if (nClasses !== 2) throw link.error(`is a two-class link for ${nClasses} classes`);
    const half = linkName === 'HalfLogitLink';
    return {
      k: 1,
      initRaw: (init, x) => initPositive(init, x, eps, half ? (q) => logit(q) * 0.5 : logit),
      proba: (raw, rows) => twoColumns(raw, rows, half ? (v) => expit(2 * v) : expit),
      decide: bySign,
    };
  }
  if (linkName === 'MultinomialLogit') {
    const k = nClasses;
    return {
      k,
      initRaw(init, x) {
        const p = Float64Array.from(initProba(init, x, k), (v) => clip(v, eps, 1 - eps));
        return multinomialLink(p, x.rows, k);
      },
      proba: (raw, rows) => softmaxRows(Float64Array.from(raw), rows, k),
      decide: (raw, rows) => argmaxRows(raw, rows, k),
    };
  }
  throw link.error(`is a link mlserve does not know (${linkName})`);
}

/** MultinomialLogit.link: `log(p / gmean(p, axis=1))`, gmean as `exp(mean(log(p)))`. */
function multinomialLink(p: Float64Array, rows: number, k: number): Float64Array {
  const out = new Float64Array(rows * k);
  const logs = new Float64Array(k);
  for (let r = 0, o = 0; r < rows; r++, o += k) {
    for (let c = 0; c < k; c++) logs[c] = Math.log(p[o + c]);
    const gm = Math.exp(pairwiseSum(logs, 0, k) / k);
    for (let c = 0; c < k; c++) out[o + c] = Math.log(p[o + c] / gm);
  }
  return out;
}
