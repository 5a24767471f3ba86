// Owns turning a model's object tree into evaluators: each record goes to the builder registered
// for its class; every part mlserve cannot evaluate (unknown classes, functions pickled by value,
// state of an unexpected shape) is collected with its step path, then refused in one error.

import { UnsupportedModelError } from '../../errors.js';
import { PyNode, PyTreeError } from '../../pyobj/index.js';
import { type BuildContext, type Estimator, forwardTo } from './estimator.js';
import { ESTIMATORS } from './registry.js';

/** Something mlserve cannot evaluate natively, and where it sits. */
export interface UnsupportedPart {
  /** The class or function, as the pickle names it (`custom_steps.ClipAbove`, `<lambda>`). */
  readonly name: string;
  readonly kind: 'class' | 'function' | 'predict_fn';
  /** `/`-separated step names from the root (`prep/clip`); '' for the model itself. */
  readonly path: string;
  /** Why, when it is not simply an unknown class. */
  readonly detail?: string;
}

/** How to serve what mlserve cannot evaluate natively (the end of every refusal). */
export const SERVE_OTHERWISE =
  "Serve it with mlserve's Python engine (`--engine python`, which runs the model with scikit-learn itself), or convert it to ONNX (for example with skl2onnx) and serve the onnx flavor.";

/** Describes one part for a message: `class custom_steps.ClipAbove at step prep/clip`. */
export function describePart(p: UnsupportedPart): string {
  const what = p.kind === 'predict_fn' ? `predict_fn ${p.name}` : `${p.kind} ${p.name}`;
  const where = p.path === '' ? '' : ` at step ${p.path}`;
  return `${what}${where}${p.detail ? ` (${p.detail})` : ''}`;
}

/** The refusal of a model holding the given parts. */
export function unsupportedModelError(parts: readonly UnsupportedPart[], modelFile: string): UnsupportedModelError {
  const list = parts.map(describePart);
  return new UnsupportedModelError(`mlserve cannot evaluate the scikit-learn model ${modelFile} natively: it holds ${list.join('; ')}. ${SERVE_OTHERWISE}`, list);
}

/** Estimators nested deeper than this (pipelines in pipelines…) are refused: no real model comes close. */
const MAX_NESTING = 100;

/** A stand-in for a part that could not be built; the build refuses before anything calls it. */
function placeholder(className: string): Estimator {
  return { className };
}

/** The class name of a record as a user would write it: `__main__.AddConstant` for a class pickled by value. */
function displayName(node: PyNode): string {
  const name = node.className ?? node.typeName;
  const cut = name.indexOf(' (a ');
  return cut < 0 ? name : name.slice(0, cut);
}

/**
 * Applies `set_output(transform=...)` as the estimator's state records it: with "pandas", what
 * `transform` returns is a DataFrame labelled by `get_feature_names_out()` (or, where the
 * estimator cannot name its output, the labels of what it returned: a FunctionTransformer
 * without `feature_names_out` returning a DataFrame). Other containers (polars) are refused.
 */
function withOutputContainer(node: PyNode, est: Estimator): Estimator {
  const config = node.isRecord() && node.has('_sklearn_output_config') ? node.get('_sklearn_output_config') : undefined;
  const container = config && config.has('transform') ? config.get('transform').value : undefined;
  if (!est.transform || container === undefined || container === 'default') return est;
  if (container !== 'pandas') throw config!.error(`asks for ${JSON.stringify(container)} output, which mlserve does not build`);
  const transform = est.transform.bind(est);
  const names = est.featureNamesOut?.bind(est);
  return forwardTo(est.className, est, {
    transform(x) {
      const out = transform(x);
      const labels = names ? names() : (out.labels ?? out.columns.map((_, i) => i));
      if (labels.length !== out.width) throw new Error(`${est.className} names ${labels.length} output columns but returned ${out.width}`);
      return out.withLabels(labels);
    },
  });
}

/**
 * Builds the evaluator of `root` (the object a pickle or skops file holds). Throws an
 * UnsupportedModelError naming every part it cannot evaluate, with the step path to each.
 */
export function buildModel(root: PyNode, modelFile: string): Estimator {
  const parts: UnsupportedPart[] = [];
  // Records on the path being built: a model that contains itself (a crafted file) is refused, not followed.
  const building = new Set<unknown>();
  const build = (node: PyNode, path: string): Estimator => {
    if (building.has(node.value) || building.size >= MAX_NESTING) {
      parts.push({ name: node.className ?? node.typeName, kind: 'class', path, detail: building.has(node.value) ? 'it contains itself' : `nested more than ${MAX_NESTING} estimators deep` });
      return placeholder(node.className ?? node.typeName);
    }
    building.add(node.value);
    try {
      return buildOne(node, path);
    } finally {
      building.delete(node.value);
    }
  };
  const buildOne = (node: PyNode, path: string): Estimator => {
    const ctx: BuildContext = {
      path,
      child: (child, step) => build(child, path === '' ? step : `${path}/${step}`),
      unsupported: (name, kind, detail) => void parts.push({ name, kind, path, detail }),
    };
    const className = node.className;
    if (className === undefined) {
      parts.push({ name: node.typeName, kind: 'class', path, detail: `found where an estimator should be, at ${node.path}` });
      return placeholder(node.typeName);
    }
    const builder = Object.hasOwn(ESTIMATORS, className) ? ESTIMATORS[className] : undefined;
    if (!builder) {
      parts.push({ name: displayName(node), kind: 'class', path });
      return placeholder(className);
    }
    try {
      return withOutputContainer(node, builder(node, ctx));
    } catch (err) {
      if (!(err instanceof PyTreeError)) throw err;
      // A known class whose saved state mlserve does not recognise (a release that changed it).
      parts.push({ name: className, kind: 'class', path, detail: `its saved state is not one mlserve reads: ${err.message}` });
      return placeholder(className);
    }
  };
  const model = build(root, '');
  if (parts.length > 0) throw unsupportedModelError(parts, modelFile);
  return model;
}
