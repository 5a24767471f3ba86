// Owns a LightGBM model read from its text format, wherever the text came from (an MLflow model.lgb, a pickled LGBM estimator's booster).

import { ModelLoadError } from '../../errors.js';
import { buildForest, type Forest } from './forest.js';
import { type Field, LightGBMFormatError, type ModelText, splitModelText } from './model-text.js';
import { parseInteger } from './numbers.js';
import { type Objective, readObjective } from './objectives.js';
import { readTree } from './trees.js';
import { accumulateScores, type FeatureRows } from './walk.js';

export type { FeatureRows } from './walk.js';
export type { Objective } from './objectives.js';

/** Text model format versions mlserve reads (LightGBM 2.0.11 and later write v2, v3 or v4). */
export const SUPPORTED_VERSIONS = ['v2', 'v3', 'v4'] as const;

/** A category as `pandas_categorical` lists it (JSON of the training DataFrame's categories). */
export type Category = string | number | boolean;

/** Which rounds to use and whether to transform, as `Booster.predict`'s arguments. */
export interface LightGBMPredictOptions {
  /** Raw scores: no averaging, no objective transform (`raw_score=True`). @default false */
  readonly raw?: boolean;
  /** First boosting round used (`start_iteration`). @default 0 */
  readonly startIteration?: number;
  /** Rounds used from `startIteration`; ≤ 0 means all the rest (`num_iteration`). @default -1 */
  readonly numIteration?: number;
}

/** A LightGBM booster ready to predict, with what its text says about it. */
export interface LightGBMModel {
  /** Where the text came from, as given to parseLightGBMModel (a file path, a pickle member). */
  readonly source: string;
  readonly version: (typeof SUPPORTED_VERSIONS)[number];
  readonly objective: Objective;
  /** Outputs per row (`num_class`): 1, or the classes of a multiclass objective. */
  readonly numClass: number;
  readonly numTreePerIteration: number;
  readonly numTrees: number;
  /** Boosting rounds (trees / numTreePerIteration). */
  readonly numIterations: number;
  /** Features the model reads (`max_feature_idx + 1`): the width of the rows it takes. */
  readonly numFeatures: number;
  /** `feature_names` as LightGBM stored them (spaces already replaced by `_` at training). */
  readonly featureNames: readonly string[];
  /** Random-forest mode: outputs are averaged over the rounds used. */
  readonly averageOutput: boolean;
  /** Categories of the training DataFrame's category columns, in column order, or null. */
  readonly pandasCategorical: readonly (readonly Category[])[] | null;
  /** `categorical_feature` indexes from the saved parameters, when they can be read. */
  readonly categoricalFeatures?: readonly number[];
  readonly hasCategoricalSplits: boolean;
  readonly hasLinearTrees: boolean;
  /**
   * Predictions for the rows, `numRows × numClass` float64 row-major: LightGBM's
   * `Booster.predict` (probabilities for binary and multiclass objectives, values otherwise).
   */
  predict(rows: FeatureRows, options?: LightGBMPredictOptions): Float64Array;
}

/**
 * Reads a model in LightGBM's text format (`Booster.save_model`, `model_to_string`). Throws
 * ModelLoadError naming `source`, the line and what was expected when the text is malformed,
 * truncated or inconsistent.
 */
export function parseLightGBMModel(text: string, options: { source: string }): LightGBMModel {
  try {
    return readModel(splitModelText(text), options.source);
  } catch (cause) {
    if (!(cause instanceof LightGBMFormatError)) throw cause;
    throw new ModelLoadError(`Could not load the LightGBM model ${options.source}: ${cause.message}`, { cause });
  }
}

function readModel(text: ModelText, source: string): LightGBMModel {
  const h = new HeaderReader(text);
  const version = h.field('version', 'the text format version (LightGBM ≥ 2.0.11 writes it)');
  if (!(SUPPORTED_VERSIONS as readonly string[]).includes(version.value)) {
    throw new LightGBMFormatError(`model format version ${JSON.stringify(version.value)} is not one mlserve reads (${SUPPORTED_VERSIONS.join(', ')})`, version.line);
  }
  const numClass = h.integer('num_class', 1);
  const numTreePerIteration = text.header.has('num_tree_per_iteration') ? h.integer('num_tree_per_iteration', 1) : numClass;
  if (numTreePerIteration !== numClass) {
    throw new LightGBMFormatError(`num_tree_per_iteration=${numTreePerIteration} differs from num_class=${numClass}`, text.header.get('num_tree_per_iteration')!.line);
  }
  h.integer('label_index', -1);
  const numFeatures = h.integer('max_feature_idx', 0) + 1;
  const featureNames = h.list('feature_names', numFeatures);
  h.list('feature_infos', numFeatures);
  if (text.header.has('monotone_constraints')) h.list('monotone_constraints', numFeatures);
  const objectiveField = text.header.get('objective');
  const objective = readObjective(objectiveField?.value, objectiveField?.line);
  if (objective.numClass !== undefined && objective.numClass !== numClass) {
    throw new LightGBMFormatError(`objective ${objective.name} has num_class:${objective.numClass}, the model num_class=${numClass}`, objectiveField!.line);
  }
  const trees = text.trees.map((block) => readTree(block, numFeatures));
  checkTreeCount(text, trees.length, numTreePerIteration);
  // With no trees nothing bounds num_class by the file's bytes, yet predict allocates rows × num_class.
  if (trees.length === 0 && numClass > 1) throw new LightGBMFormatError(`num_class=${numClass} but the file holds no trees`, text.header.get('num_class')!.line);
  const forest = buildForest(trees, numFeatures);
  return new TextModel(forest, {
    source,
    version: version.value as LightGBMModel['version'],
    objective,
    numClass,
    numTreePerIteration,
    numTrees: trees.length,
    numIterations: trees.length / numTreePerIteration,
    numFeatures,
    featureNames,
    averageOutput: text.header.has('average_output'),
    pandasCategorical: readPandasCategorical(text.pandasCategorical),
    categoricalFeatures: readCategoricalFeatures(text.parameters.get('categorical_feature'), numFeatures),
    hasCategoricalSplits: trees.some((t) => t.catThreshold.length > 0 || t.decisionType.some((d) => (d & 1) !== 0)),
    hasLinearTrees: trees.some((t) => t.linear !== null),
  });
}

/** tree_sizes (when written) lists every tree; a whole number of rounds. */
function checkTreeCount(text: ModelText, numTrees: number, perIteration: number): void {
  const sizes = text.header.get('tree_sizes');
  if (sizes) {
    const listed = sizes.value.split(' ').filter((s) => s !== '').length;
    if (listed !== numTrees) {
      const where = numTrees < listed ? ` (the file ends at line ${text.numLines}: truncated?)` : '';
      throw new LightGBMFormatError(`tree_sizes lists ${listed} trees, but the file holds ${numTrees}${where}`, sizes.line);
    }
  } else if (text.trees.length && !text.endOfTrees) {
    throw new LightGBMFormatError(`expected "end of trees" after tree ${numTrees - 1} (truncated?)`, text.numLines);
  }
  if (numTrees % perIteration !== 0) {
    throw new LightGBMFormatError(`${numTrees} trees are not a whole number of rounds of ${perIteration} trees (num_tree_per_iteration)`);
  }
}

/** Python's `json.loads` of the pandas_categorical line: null, or a list of category lists. */
function readPandasCategorical(field: Field | undefined): LightGBMModel['pandasCategorical'] {
  if (!field) return null;
  let value: unknown;
  try {
    value = JSON.parse(field.value);
  } catch (cause) {
    throw new LightGBMFormatError(`pandas_categorical is not JSON (${(cause as Error).message})`, field.line);
  }
  if (value === null) return null;
  const ok = Array.isArray(value) && value.every((list) => Array.isArray(list) && list.every((c) => ['string', 'number', 'boolean'].includes(typeof c)));
  if (!ok) throw new LightGBMFormatError('expected pandas_categorical to be null or a list of category lists', field.line);
  return value as Category[][];
}

/** `[categorical_feature: 1,3]` from the parameters, as feature indexes; undefined when absent or named. */
function readCategoricalFeatures(text: string | undefined, numFeatures: number): number[] | undefined {
  if (text === undefined) return undefined;
  if (text.trim() === '') return [];
  const out = text.split(',').map((s) => parseInteger(s.trim()));
  return out.every((v): v is number => v !== undefined && v >= 0 && v < numFeatures) ? out : undefined;
}

/** Reads required header fields with LightGBM's checks, naming the line. */
class HeaderReader {
  readonly #text: ModelText;
  constructor(text: ModelText) {
    this.#text = text;
  }

  field(key: string, what: string): Field {
    const f = this.#text.header.get(key);
    if (!f) throw new LightGBMFormatError(`the header has no ${key} line (${what})`, this.#text.trees[0]?.line);
    return f;
  }

  integer(key: string, min: number): number {
    const f = this.field(key, `an integer`);
    const v = parseInteger(f.value.trim());
    if (v === undefined || v < min) throw new LightGBMFormatError(`${key} is ${JSON.stringify(f.value)}, expected an integer ≥ ${min}`, f.line);
    return v;
  }

  list(key: string, count: number): string[] {
    const f = this.field(key, `${count} values, one per feature`);
    const items = f.value.split(' ').filter((s) => s !== '');
    if (items.length !== count) throw new LightGBMFormatError(`${key} has ${items.length} entries, expected ${count} (max_feature_idx + 1)`, f.line);
    return items;
  }
}

type ModelInfo = Omit<LightGBMModel, 'predict'>;

class TextModel implements LightGBMModel {
  readonly #forest: Forest;
  readonly source!: string;
  readonly version!: LightGBMModel['version'];
  readonly objective!: Objective;
  readonly numClass!: number;
  readonly numTreePerIteration!: number;
  readonly numTrees!: number;
  readonly numIterations!: number;
  readonly numFeatures!: number;
  readonly featureNames!: readonly string[];
  readonly averageOutput!: boolean;
  readonly pandasCategorical!: LightGBMModel['pandasCategorical'];
  readonly categoricalFeatures?: readonly number[];
  readonly hasCategoricalSplits!: boolean;
  readonly hasLinearTrees!: boolean;

  constructor(forest: Forest, info: ModelInfo) {
    this.#forest = forest;
    Object.assign(this, info);
  }

  predict(rows: FeatureRows, options: LightGBMPredictOptions = {}): Float64Array {
    const k = this.numTreePerIteration;
    // GBDT::InitPredict: start clamped to the rounds, a positive count capped at what is left.
    const start = Math.min(Math.max(Math.trunc(options.startIteration ?? 0), 0), this.numIterations);
    const asked = Math.trunc(options.numIteration ?? -1);
    const count = asked > 0 ? Math.min(asked, this.numIterations - start) : this.numIterations - start;
    const out = new Float64Array(rows.numRows * this.numClass);
    accumulateScores(this.#forest, rows, out, k, start * k, (start + count) * k);
    if (options.raw) return out;
    if (this.averageOutput) for (let i = 0; i < out.length; i++) out[i] /= count;
    this.objective.convert(out, rows.numRows, this.numClass);
    return out;
  }
}
