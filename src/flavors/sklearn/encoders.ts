// Owns scikit-learn's categorical encoders: OneHotEncoder (unknown categories, drop, infrequent
// categories, sparse or dense output), OrdinalEncoder (unknown and missing values) and
// LabelEncoder, matching values to `categories_` as Python's equality does.

import { pyStr } from '../../data/ndarray.js';
import { isPyFloat, type NdArray, type PyNode } from '../../pyobj/index.js';
import { type Estimator, type EstimatorBuilder, fittedInput, inputNames } from './estimator.js';
import { checkFeatures, type Column, type FittedInput, SparseColumn, Table } from './table.js';

/** A value as a Map key that matches the way Python compares categories: True == 1, 2 == 2.0, NaN with NaN, None with None. */
function categoryKey(v: unknown): unknown {
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'bigint') return v >= -(2n ** 53n) && v <= 2n ** 53n ? Number(v) : v;
  return v === undefined ? null : v;
}

/** One feature's `categories_`: value → index. */
export class Categories {
  readonly size: number;
  readonly #index = new Map<unknown, number>();
  readonly #array: NdArray;

  constructor(node: PyNode) {
    const a = node.asArray();
    if (a.ndim !== 1) throw node.error(`should be a 1-D array of categories, found shape (${a.shape.join(', ')})`);
    this.#array = a;
    this.size = a.size;
    for (let i = 0; i < a.size; i++) {
      const key = categoryKey(a.item(i));
      if (!this.#index.has(key)) this.#index.set(key, i);
    }
  }

  /**
   * The index of `v`, or -1 for a value not among the categories. A missing value (None or NaN)
   * matches the missing category the model knows when it knows only the other marker: a request's
   * null is None for pandas 2 and NaN for pandas 3, and the model's marker is whichever the
   * training DataFrame held.
   */
  indexOf(v: unknown): number {
    const key = categoryKey(v);
    const k = this.#index.get(key);
    if (k !== undefined) return k;
    if (key === null) return this.#index.get(NaN) ?? -1;
    if (key !== key) return this.#index.get(null) ?? -1;
    return -1;
  }

  /** Python's `str()` of category `i` (for output feature names). */
  label(i: number): string {
    const v = this.#array.item(i);
    const float = typeof v === 'number' && (this.#array.dtype.kind === 'f' || (this.#array.dtype.kind === 'O' && isPyFloat(this.#array.data as unknown[], i)));
    return pyStr(v, float);
  }
}

/** How an encoder treats a value not among its categories. */
type Unknown = 'error' | 'ignore' | 'infrequent_if_exist' | 'warn' | 'use_encoded_value';

/** Codes of one feature: category index per row, and whether the row's value was known. */
interface Codes {
  readonly code: Int32Array;
  readonly valid: Uint8Array;
}

/** What `_BaseEncoder._transform` needs from the fitted state. */
interface EncoderState {
  readonly input: FittedInput;
  readonly categories: readonly Categories[];
  readonly handleUnknown: Unknown;
  /** `_infrequent_indices` per feature (null where none), when `_infrequent_enabled`. */
  readonly infrequent?: readonly (Int32Array | null)[];
  /** `_default_to_infrequent_mappings` per feature (null where none), when `_infrequent_enabled`. */
  readonly infrequentMaps?: readonly (Int32Array | null)[];
}

function readEncoderState(node: PyNode): EncoderState {
  const input = fittedInput(node);
  const categories = node.list('categories_').map((c) => new Categories(c));
  const handleUnknown = node.str('handle_unknown') as Unknown;
  if (!['error', 'ignore', 'infrequent_if_exist', 'warn', 'use_encoded_value'].includes(handleUnknown)) throw node.get('handle_unknown').error(`is ${JSON.stringify(handleUnknown)}`);
  const enabled = node.optional('_infrequent_enabled')?.asBool() ?? false;
  const perFeature = (name: string) => node.list(name).map((v) => (v.isNone ? null : v.asInt32Array()));
  return {
    input,
    categories,
    handleUnknown,
    infrequent: enabled ? perFeature('_infrequent_indices') : undefined,
    infrequentMaps: enabled ? perFeature('_default_to_infrequent_mappings') : undefined,
  };
}

/** The values of one column, dense. */
function cells(col: Column): ArrayLike<unknown> {
  return col instanceof SparseColumn ? col.toDense() : col;
}

/**
 * `_BaseEncoder._transform`: each value's category index, unknown values flagged (or an error),
 * then infrequent categories grouped. `ignore` maps feature → code left out of the infrequent
 * regrouping (OrdinalEncoder's missing-value category).
 */
function encode(x: Table, s: EncoderState, ignore: ReadonlyMap<number, number> = new Map()): Codes[] {
  checkFeatures(x, s.input);
  if (x.width !== s.categories.length) throw new Error(`X has ${x.width} features, but the encoder has categories for ${s.categories.length}`);
  const n = x.rows;
  return x.columns.map((col, i) => {
    const cats = s.categories[i];
    const values = cells(col);
    const code = new Int32Array(n);
    const valid = new Uint8Array(n).fill(1);
    let unknown: unknown[] | undefined;
    for (let r = 0; r < n; r++) {
      const v = values[r];
      if (typeof v === 'number' && v - v !== 0 && v === v) throw new Error("Input contains infinity or a value too large for dtype('float64').");
      const k = cats.indexOf(v);
      if (k >= 0) code[r] = k;
      else if (s.handleUnknown === 'error') (unknown ??= []).push(v);
      else valid[r] = 0;
    }
    if (unknown) throw new Error(`Found unknown categories ${JSON.stringify([...new Set(unknown)])} in column ${i} during transform`);
    const infrequent = s.infrequent?.[i];
    if (infrequent) {
      const known = s.handleUnknown === 'infrequent_if_exist' || s.handleUnknown === 'warn';
      for (let r = 0; r < n; r++) {
        if (valid[r]) continue;
        code[r] = infrequent[0];
        if (known) valid[r] = 1;
      }
    }
    const map = s.infrequentMaps?.[i];
    if (map) {
      const skip = ignore.get(i);
      for (let r = 0; r < n; r++) if (code[r] !== skip) code[r] = map[code[r]];
    }
    return { code, valid };
  });
}

/** `drop_idx_` per feature (null where nothing is dropped): after infrequent grouping where the state says so. */
function readDrop(node: PyNode, features: number): (number | null)[] | undefined {
  const name = node.has('_drop_idx_after_grouping') ? '_drop_idx_after_grouping' : 'drop_idx_';
  const drop = node.optional(name);
  if (!drop) return undefined;
  const a = drop.asArray();
  if (a.size !== features) throw drop.error(`has ${a.size} entries for ${features} features`);
  return Array.from({ length: a.size }, (_, i) => {
    const v = a.item(i);
    if (v === null) return null;
    if (typeof v !== 'number' || !Number.isInteger(v)) throw drop.error(`holds ${String(v)} at ${i}`);
    return v;
  });
}

/** OneHotEncoder: one column per (kept) category, 1 where the row has it; unknown values give zeros. */
export const oneHotEncoder: EstimatorBuilder = (node) => {
  const s = readEncoderState(node);
  const features = s.categories.length;
  const drop = readDrop(node, features);
  const outs = countOutputs(s, drop);
  checkCodes(node, s, drop);
  const saved = node.optional('_n_features_outs')?.asList().map((v) => v.asInt());
  if (saved && saved.join() !== outs.join()) throw node.error(`_n_features_outs [${saved.join(', ')}] does not match its categories, drop and infrequent categories ([${outs.join(', ')}])`);
  const sparseFlag = node.optional('sparse_output') ?? node.optional('sparse');
  const sparse = sparseFlag !== undefined && typeof sparseFlag.value === 'boolean' ? sparseFlag.asBool() : true;
  const combiner = node.optional('feature_name_combiner');
  return {
    className: s.input.className,
    transform(x) {
      const codes = encode(x, s);
      const n = x.rows;
      const columns: SparseColumn[] = [];
      codes.forEach(({ code, valid }, i) => {
        const d = drop?.[i] ?? null;
        const width = outs[i];
        const counts = new Int32Array(width);
        for (let r = 0; r < n; r++) {
          if (!valid[r]) continue;
          let k = code[r];
          if (d !== null) {
            if (k === d) {
              valid[r] = 0;
              continue;
            }
            if (k > d) code[r] = --k;
          }
          if (k >= width) throw new Error(`category code ${k} of feature ${i} is outside its ${width} output columns`);
          counts[k]++;
        }
        const index = Array.from(counts, (c) => new Int32Array(c));
        const fill = new Int32Array(width);
        for (let r = 0; r < n; r++) if (valid[r]) index[code[r]][fill[code[r]]++] = r;
        for (let k = 0; k < width; k++) columns.push(new SparseColumn(n, index[k], new Float64Array(index[k].length).fill(1)));
      });
      return new Table(n, columns, { sparse });
    },
    featureNamesOut(given) {
      if (combiner && combiner.value !== 'concat') throw node.error('has a feature_name_combiner function, which mlserve cannot call to name its output');
      const names = inputNames(s.input, given);
      return s.categories.flatMap((cats, i) => transformedCategories(cats, s.infrequentMaps?.[i] ?? null, drop?.[i] ?? null).map((c) => `${names[i]}_${c}`));
    },
  };
};

/** Refuses infrequent-category and drop indices that point outside the categories (a damaged or crafted file). */
function checkCodes(node: PyNode, s: EncoderState, drop: (number | null)[] | undefined): void {
  s.categories.forEach((c, i) => {
    const inRange = (v: number) => v >= 0 && v < c.size;
    if (s.infrequent?.[i] && !s.infrequent[i]!.every(inRange)) throw node.error(`_infrequent_indices of feature ${i} point outside its ${c.size} categories`);
    const map = s.infrequentMaps?.[i];
    if (map && (map.length !== c.size || !map.every(inRange))) throw node.error(`_default_to_infrequent_mappings of feature ${i} does not map its ${c.size} categories`);
    const d = drop?.[i];
    if (d !== null && d !== undefined && !inRange(d)) throw node.error(`drops category ${d} of feature ${i}, which has ${c.size}`);
  });
}

/** `_compute_n_features_outs` for states that do not keep it. */
function countOutputs(s: EncoderState, drop: (number | null)[] | undefined): number[] {
  return s.categories.map((c, i) => {
    let n = c.size;
    const infrequent = s.infrequent?.[i];
    if (infrequent) n -= infrequent.length - 1;
    if (drop?.[i] !== null && drop?.[i] !== undefined) n--;
    return n;
  });
}

/** `_compute_transformed_categories`: frequent categories, then 'infrequent_sklearn', less the dropped one. */
function transformedCategories(cats: Categories, map: Int32Array | null, drop: number | null): string[] {
  let labels = Array.from({ length: cats.size }, (_, i) => cats.label(i));
  if (map) {
    const max = Math.max(...map);
    labels = [...labels.filter((_, i) => map[i] < max), 'infrequent_sklearn'];
  }
  if (drop !== null) labels.splice(drop, 1);
  return labels;
}

/** OrdinalEncoder: each value's category index as float64; missing and unknown values as configured. */
export const ordinalEncoder: EstimatorBuilder = (node) => {
  const s = readEncoderState(node);
  checkCodes(node, s, undefined);
  const missing = new Map<number, number>();
  const missingNode = node.optional('_missing_indices');
  if (missingNode) for (const [k, v] of missingNode.asEntries()) missing.set(Number(k), v.asInt());
  const encodedMissing = missing.size > 0 ? node.float('encoded_missing_value') : NaN;
  const unknownValue = s.handleUnknown === 'use_encoded_value' ? node.float('unknown_value') : NaN;
  const est: Estimator = {
    className: s.input.className,
    transform(x) {
      const codes = encode(x, s, missing);
      return new Table(
        x.rows,
        codes.map(({ code, valid }, i) => {
          const out = new Float64Array(x.rows);
          const miss = missing.get(i);
          for (let r = 0; r < x.rows; r++) {
            if (!valid[r] && s.handleUnknown === 'use_encoded_value') out[r] = unknownValue;
            else if (code[r] === miss) out[r] = encodedMissing;
            else out[r] = code[r];
          }
          return out;
        }),
      );
    },
    featureNamesOut: (given) => inputNames(s.input, given),
  };
  return est;
};

/** LabelEncoder: `transform(y)` of one column, the index of each label in `classes_`. */
export const labelEncoder: EstimatorBuilder = (node) => {
  const classes = new Categories(node.get('classes_'));
  return {
    className: node.className!,
    transform(x) {
      if (x.width !== 1) throw new Error(`y should be a 1d array, got an array of shape (${x.rows}, ${x.width}) instead.`);
      const values = cells(x.columns[0]);
      const out = new Float64Array(x.rows);
      const unseen: unknown[] = [];
      for (let r = 0; r < x.rows; r++) {
        const k = classes.indexOf(values[r]);
        if (k < 0) unseen.push(values[r]);
        out[r] = k;
      }
      if (unseen.length) throw new Error(`y contains previously unseen labels: ${JSON.stringify([...new Set(unseen)])}`);
      return new Table(x.rows, [out]);
    },
  };
};
