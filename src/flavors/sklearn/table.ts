// Owns what flows between the steps of a scikit-learn model (sklearn's `X`): columns of float64
// numbers or of Python objects, the DataFrame labels when X is a DataFrame, and the checks
// sklearn's `validate_data` makes (feature names, feature count, conversion to float64, finiteness).
//
// X is held as columns, not as a row-major matrix: the steps that make up most pipelines
// (ColumnTransformer, encoders, scalers, imputers) select, transform and append whole columns, so
// with column vectors a DataFrame's float64 columns enter without a copy, column selection,
// `passthrough` and the final hstack copy nothing, and each transformer writes its own output
// columns once. Linear models accumulate column by column in the same feature order as a row-wise
// dot product; evaluators that walk rows (trees, neighbours, kernels) gather a row-major copy once
// with `rowMajor`, as sklearn's own `check_array` does.

import { pyFloat } from '../../data/ndarray.js';

/** A column of Python objects (str, int, float, bool, None as null): what numpy calls an object column. */
export type ObjectColumn = readonly unknown[];

/**
 * A numeric column stored by its non-zero values (a column of a scipy sparse matrix): what
 * encoders write, so that a one-hot encoding of many categories costs memory in proportion to the
 * rows, not rows × categories.
 */
export class SparseColumn {
  /** Number of rows. */
  readonly length: number;
  /** Rows holding a non-zero value, increasing. */
  readonly index: Int32Array;
  /** Their values. */
  readonly values: Float64Array;

  constructor(length: number, index: Int32Array, values: Float64Array) {
    if (index.length !== values.length) throw new RangeError(`${index.length} row indices for ${values.length} values`);
    this.length = length;
    this.index = index;
    this.values = values;
  }

  /** The column with its zeros. */
  toDense(): Float64Array {
    const out = new Float64Array(this.length);
    for (let i = 0; i < this.index.length; i++) out[this.index[i]] = this.values[i];
    return out;
  }

  /** The same non-zero pattern with each value mapped. */
  map(f: (v: number) => number): SparseColumn {
    return new SparseColumn(this.length, this.index, this.values.map(f));
  }
}

/** A numeric column, dense or sparse. */
export type NumericColumn = Float64Array | SparseColumn;

/** One column of X: float64 numbers (dense or sparse), or Python objects when the column holds strings or mixed values. */
export type Column = NumericColumn | ObjectColumn;

/** True for a numeric column (dense or sparse). */
export function isNumeric(col: Column): col is NumericColumn {
  return col instanceof Float64Array || col instanceof SparseColumn;
}

/** How much non-finite input an estimator accepts (sklearn's `ensure_all_finite`). */
export type Finiteness = 'finite' | 'allow-nan' | 'any';

/** What an estimator remembers about its fitted input: `n_features_in_`, `feature_names_in_`. */
export interface FittedInput {
  /** The class, for messages (`sklearn.linear_model._logistic.LogisticRegression`). */
  readonly className: string;
  readonly nFeatures?: number;
  readonly featureNames?: readonly string[];
}

/**
 * sklearn's X: `rows` rows of `columns`. `labels` are the DataFrame column labels when X is a
 * pandas DataFrame (the model's input, or a step with `set_output(transform="pandas")`), and
 * undefined when X is a numpy array. `sparse` is set where sklearn would hold a scipy sparse
 * matrix (OneHotEncoder's default output): it only decides which arithmetic a few steps use.
 */
export class Table {
  readonly rows: number;
  readonly columns: readonly Column[];
  readonly labels?: readonly (string | number)[];
  readonly sparse: boolean;
  #numeric?: NumericColumn[];
  #dense?: Float64Array[];
  #checked: Finiteness = 'any';

  constructor(rows: number, columns: readonly Column[], options: { labels?: readonly (string | number)[]; sparse?: boolean } = {}) {
    for (const c of columns) if (c.length !== rows) throw new RangeError(`A column has ${c.length} values, X has ${rows} rows`);
    if (options.labels && options.labels.length !== columns.length) throw new RangeError(`${options.labels.length} labels for ${columns.length} columns`);
    this.rows = rows;
    this.columns = columns;
    this.labels = options.labels;
    this.sparse = options.sparse ?? false;
  }

  /** Number of columns (features). */
  get width(): number {
    return this.columns.length;
  }

  /** True when X is a DataFrame. */
  get isFrame(): boolean {
    return this.labels !== undefined;
  }

  /**
   * sklearn's `_get_feature_names(X)`: the column labels of a DataFrame whose labels are all
   * strings; undefined for arrays and for DataFrames labelled by position. Mixed labels are an
   * error, as in sklearn.
   */
  featureNames(): readonly string[] | undefined {
    const labels = this.labels;
    if (!labels || labels.length === 0) return undefined;
    const strings = labels.filter((l) => typeof l === 'string').length;
    if (strings === labels.length) return labels as readonly string[];
    if (strings === 0) return undefined;
    throw new TypeError(
      "Feature names are only supported if all input features have string names, but your input has ['int', 'str'] as feature name / column name types. If you want feature names to be stored and validated, you must convert them all to strings, by using X.columns = X.columns.astype(str) for example. Otherwise you can remove feature / column names from your input data, or convert them all to a non-string data type.",
    );
  }

  /**
   * The columns as float64 (`check_array(X, dtype=float64)`): numeric columns as they are (sparse
   * ones stay sparse), object columns converted as numpy converts Python objects (`float(v)`,
   * None → NaN; a string that is no number fails with Python's message). Checks finiteness as
   * `finite` asks. Converted once per X.
   */
  numeric(finite: Finiteness, className: string): readonly NumericColumn[] {
    this.#numeric ??= this.columns.map((c) => (c instanceof SparseColumn ? c : toFloat64(c)));
    const cols = this.#numeric;
    if (finite !== 'any' && this.#checked !== 'finite' && this.#checked !== finite) {
      assertFinite(cols, finite === 'allow-nan', className);
      this.#checked = finite;
    }
    return cols;
  }

  /** `numeric()` with sparse columns expanded to dense ones (for evaluators that read every value). */
  dense(finite: Finiteness, className: string): readonly Float64Array[] {
    const cols = this.numeric(finite, className);
    this.#dense ??= cols.map((c) => (c instanceof SparseColumn ? c.toDense() : c));
    return this.#dense;
  }

  /** The same columns with DataFrame labels (`set_output(transform="pandas")`) or without (a numpy array). */
  withLabels(labels: readonly (string | number)[] | undefined): Table {
    return new Table(this.rows, this.columns, { labels, sparse: this.sparse });
  }
}

/** A Table of float64 columns, without labels (a numpy array). */
export function numericTable(rows: number, columns: readonly NumericColumn[], sparse = false): Table {
  return new Table(rows, columns, { sparse });
}

function toFloat64(col: Float64Array | ObjectColumn): Float64Array {
  if (col instanceof Float64Array) return col;
  const out = new Float64Array(col.length);
  for (let i = 0; i < col.length; i++) out[i] = pyFloat(col[i]);
  return out;
}

/**
 * True when every value is finite: `v - v` is 0 for a finite value and NaN otherwise, and a NaN
 * stays in the sums. Two sums without a branch per value, so the common case costs a fraction
 * of the value-by-value check that finds and names the first bad value.
 */
function allFinite(col: Float64Array): boolean {
  let s0 = 0;
  let s1 = 0;
  const even = col.length & ~1;
  for (let i = 0; i < even; i += 2) {
    s0 += col[i] - col[i];
    s1 += col[i + 1] - col[i + 1];
  }
  if (even !== col.length) s0 += col[even] - col[even];
  return s0 + s1 === 0;
}

/** sklearn's `_assert_all_finite`: NaN (unless allowed) and infinities are errors. */
function assertFinite(cols: readonly NumericColumn[], allowNan: boolean, className: string): void {
  for (const c of cols) {
    const col = c instanceof SparseColumn ? c.values : c;
    if (allFinite(col)) continue;
    for (let i = 0; i < col.length; i++) {
      const v = col[i];
      if (v - v === 0) continue;
      if (v !== v) {
        if (allowNan) continue;
        throw new Error(`Input X contains NaN. ${shortName(className)} does not accept missing values encoded as NaN natively.`);
      }
      throw new Error("Input X contains infinity or a value too large for dtype('float64').");
    }
  }
}

/** The class name without its module (`LogisticRegression`). */
export function shortName(className: string): string {
  return className.slice(className.lastIndexOf('.') + 1);
}

/**
 * sklearn's `_check_feature_names` and `_check_n_features` (reset=False): when both the fitted
 * estimator and X have feature names they must be the same names in the same order; the number
 * of features must match. The errors are sklearn's ValueErrors (MLflow's generic 400).
 */
export function checkFeatures(x: Table, fitted: FittedInput): void {
  const names = fitted.featureNames;
  const given = x.featureNames();
  if (names && given && (names.length !== given.length || names.some((n, i) => n !== given[i]))) {
    throw new Error(featureNamesMessage(names, given));
  }
  if (fitted.nFeatures !== undefined && x.width !== fitted.nFeatures) {
    throw new Error(`X has ${x.width} features, but ${shortName(fitted.className)} is expecting ${fitted.nFeatures} features as input.`);
  }
}

function featureNamesMessage(fitted: readonly string[], given: readonly string[]): string {
  const unexpected = [...new Set(given)].filter((n) => !fitted.includes(n)).sort();
  const missing = [...new Set(fitted)].filter((n) => !given.includes(n)).sort();
  const list = (names: string[]) => names.slice(0, 5).map((n) => `- ${n}\n`).join('') + (names.length > 5 ? '- ...\n' : '');
  let message = 'The feature names should match those that were passed during fit.\n';
  if (unexpected.length) message += `Feature names unseen at fit time:\n${list(unexpected)}`;
  if (missing.length) message += `Feature names seen at fit time, yet now missing:\n${list(missing)}`;
  if (!unexpected.length && !missing.length) message += 'Feature names must be in the same order as they were in fit.\n';
  return message;
}

/** `validate_data(estimator, X, reset=False)` for a numeric estimator: feature checks, dense float64 columns, finiteness. */
export function validateNumeric(x: Table, fitted: FittedInput, finite: Finiteness = 'finite'): readonly Float64Array[] {
  checkFeatures(x, fitted);
  return x.dense(finite, fitted.className);
}

/** `validateNumeric` for estimators that take sparse input as it is (`accept_sparse`): sparse columns stay sparse. */
export function validateSparse(x: Table, fitted: FittedInput, finite: Finiteness = 'finite'): readonly NumericColumn[] {
  checkFeatures(x, fitted);
  return x.numeric(finite, fitted.className);
}

/** The columns as one row-major `rows × width` matrix (for evaluators that walk rows). */
export function rowMajor(cols: readonly Float64Array[], rows: number): Float64Array {
  const width = cols.length;
  const out = new Float64Array(rows * width);
  for (let j = 0; j < width; j++) {
    const col = cols[j];
    for (let r = 0, o = j; r < rows; r++, o += width) out[o] = col[r];
  }
  return out;
}
