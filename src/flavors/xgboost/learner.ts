// Owns reading XGBoost's learner document (the JSON/UBJSON model schema) into what prediction needs.

import { buildDenseForest, type DenseForest } from './dense-forest.js';
import { ModelFormatError, numberOr, numbersAt, objectAt, parseBaseScore, stringsAt } from './fields.js';
import { buildForest, type Forest, treeSources } from './forest.js';
import type { LinearModel } from './linear.js';
import { findObjective, type Objective, SUPPORTED_OBJECTIVES } from './objectives.js';

/** A tree booster (gbtree, or dart with its weights folded into the leaves). */
export interface TreeBooster {
  readonly kind: 'gbtree' | 'dart';
  readonly forest: Forest;
  /** The same trees in the branch-free complete-tree layout, when it applies. */
  readonly dense: DenseForest | null;
  /** Tree index where each boosting round starts, plus the end (length rounds + 1). */
  readonly roundStarts: readonly number[];
  /** Trees per output group and round (`num_parallel_tree`, random forests). */
  readonly numParallelTree: number;
}

/** A linear booster. */
export interface LinearBooster {
  readonly kind: 'gblinear';
  readonly linear: LinearModel;
}

/** Everything prediction needs from a model file. */
export interface Learner {
  /** XGBoost version that wrote the model, e.g. `[1, 7, 4]`; empty when not recorded. */
  readonly version: readonly number[];
  readonly objective: Objective;
  readonly numFeature: number;
  /** Columns of the feature matrix: num_feature, or more when splits use higher indices. */
  readonly numCols: number;
  /** `num_class` (0 for non-multi-class objectives). */
  readonly numClass: number;
  readonly numTarget: number;
  /** Margins per row: max(num_class, num_target, 1). */
  readonly numGroups: number;
  /** Starting margin per output group (base_score through ProbToMargin), float32. */
  readonly baseMargin: Float32Array;
  /** Feature names when the model was trained with them, else undefined. */
  readonly featureNames?: readonly string[];
  /** Feature types (`q`, `c`, `int`, `float`, `i`) when recorded. */
  readonly featureTypes?: readonly string[];
  /** Booster attributes (`best_iteration`, `scikit_learn`, ...). */
  readonly attributes: Readonly<Record<string, string>>;
  readonly booster: TreeBooster | LinearBooster;
}

/** Reads a parsed model document; throws ModelFormatError when it is not an XGBoost model mlserve can evaluate. */
export function readLearner(doc: unknown): Learner {
  const learner = objectAt(doc, 'learner', 'model');
  const params = objectAt(learner, 'learner_model_param', 'learner');
  const where = 'learner.learner_model_param';
  const numFeature = numberOr(params, 'num_feature', 0, where);
  const numClass = numberOr(params, 'num_class', 0, where);
  const numTarget = numberOr(params, 'num_target', 1, where);
  const numGroups = Math.max(numClass, numTarget, 1);
  const objName = String((learner.objective as Record<string, unknown> | undefined)?.name ?? '');
  const objective = findObjective(objName);
  if (!objective) {
    throw new ModelFormatError(
      `objective ${JSON.stringify(objName)} is not supported (custom objectives cannot be evaluated without their Python code); supported: ${SUPPORTED_OBJECTIVES.join(', ')}`,
    );
  }
  const scores = parseBaseScore(params.base_score, `${where}.base_score`);
  if (scores.length !== 1 && scores.length !== numGroups) throw new ModelFormatError(`base_score has ${scores.length} values for ${numGroups} outputs`);
  const baseMargin = new Float32Array(numGroups);
  for (let g = 0; g < numGroups; g++) baseMargin[g] = objective.probToMargin(scores[scores.length === 1 ? 0 : g]);
  const names = stringsAt(learner, 'feature_names');
  const types = stringsAt(learner, 'feature_types');
  const attributes: Record<string, string> = {};
  for (const [k, v] of Object.entries((learner.attributes ?? {}) as Record<string, unknown>)) attributes[k] = String(v);
  const version = Array.from(numbersAt(doc as Record<string, unknown>, 'version', 'model') ?? []);
  const booster = readBooster(objectAt(learner, 'gradient_booster', 'learner'), numFeature, numGroups);
  return {
    version,
    objective,
    numFeature,
    numCols: booster.kind === 'gblinear' ? Math.max(numFeature, 1) : Math.max(numFeature, booster.forest.featuresUsed, 1),
    numClass,
    numTarget,
    numGroups,
    baseMargin,
    featureNames: names.length ? names : undefined,
    featureTypes: types.length ? types : undefined,
    attributes,
    booster,
  };
}

function readBooster(gb: Record<string, unknown>, numFeature: number, numGroups: number): TreeBooster | LinearBooster {
  const name = String(gb.name ?? '');
  if (name === 'gblinear') {
    const model = objectAt(gb, 'model', 'gradient_booster');
    const weights = numbersAt(model, 'weights', 'gradient_booster.model');
    if (!weights || weights.length !== (numFeature + 1) * numGroups) {
      throw new ModelFormatError(`gblinear weights have ${weights?.length ?? 0} values, expected (${numFeature} features + 1) × ${numGroups} outputs`);
    }
    return { kind: 'gblinear', linear: { numFeature, numGroups, weights: Float32Array.from(weights) } };
  }
  if (name !== 'gbtree' && name !== 'dart') throw new ModelFormatError(`booster ${JSON.stringify(name)} is not supported (gbtree, dart, gblinear are)`);
  const gbtree = name === 'dart' ? objectAt(gb, 'gbtree', 'gradient_booster') : gb;
  const weightDrop = name === 'dart' ? numbersAt(gb, 'weight_drop', 'gradient_booster') : undefined;
  const sources = treeSources(gbtree, weightDrop);
  const forest = buildForest(sources);
  for (let t = 0; t < forest.numTrees; t++) {
    if (!(forest.group[t] >= 0 && forest.group[t] < numGroups)) throw new ModelFormatError(`tree ${t} belongs to output group ${forest.group[t]} of ${numGroups}`);
  }
  if (forest.leafVectors && forest.leafVectors.size !== numGroups) {
    throw new ModelFormatError(`trees have leaf vectors of ${forest.leafVectors.size} values for ${numGroups} outputs`);
  }
  const model = objectAt(gbtree, 'model', 'gradient_booster');
  const param = (model.gbtree_model_param ?? {}) as Record<string, unknown>;
  const numParallelTree = Math.max(1, numberOr(param, 'num_parallel_tree', 1, 'gbtree_model_param'));
  const dense = buildDenseForest(forest, Math.max(numFeature, forest.featuresUsed, 1));
  return { kind: name, forest, dense, roundStarts: roundStarts(model, forest, numGroups, numParallelTree), numParallelTree };
}

/**
 * Where each boosting round starts: `iteration_indptr` (XGBoost ≥ 2), else rounds of
 * num_parallel_tree × output groups trees (one tree per parallel tree for vector leaves).
 */
function roundStarts(model: Record<string, unknown>, forest: Forest, numGroups: number, parallel: number): number[] {
  const indptr = numbersAt(model, 'iteration_indptr', 'gradient_booster.model');
  if (indptr && indptr.length >= 1 && indptr[indptr.length - 1] === forest.numTrees) return Array.from(indptr);
  const layer = parallel * (forest.leafVectors ? 1 : numGroups);
  const starts: number[] = [];
  for (let t = 0; t < forest.numTrees; t += layer) starts.push(t);
  starts.push(forest.numTrees);
  return starts;
}
