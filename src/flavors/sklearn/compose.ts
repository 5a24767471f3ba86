// Owns the estimators that hold other estimators: Pipeline (transform through the steps, then the
// last step's method) and the hyper-parameter searches (their refitted `best_estimator_`).

import type { PyNode } from '../../pyobj/index.js';
import { type BuildContext, type Estimator, type EstimatorBuilder, forwardTo } from './estimator.js';
import { shortName, type Table } from './table.js';

/** The methods a wrapper forwards to the estimator it holds, when that estimator has them. */
const FORWARDED = ['predict', 'predictProba', 'predictLogProba', 'predictJointLogProba', 'decisionFunction'] as const;

/** A step that passes X through: 'passthrough' or None. */
function isPassthrough(node: PyNode): boolean {
  return node.isNone || node.value === 'passthrough';
}

/**
 * Pipeline: `transform` of every step but the last (skipping 'passthrough' and None), then the
 * last step's method on the result. The pipeline has a method when its last step has it
 * (sklearn's `available_if`); a 'passthrough' last step leaves only `transform`.
 */
export const pipeline: EstimatorBuilder = (node, ctx) => {
  const steps = node.list('steps').map((step) => {
    const [nameNode, estNode] = step.asList();
    const name = nameNode.asStr();
    return { name, est: isPassthrough(estNode) ? undefined : ctx.child(estNode, name) };
  });
  if (steps.length === 0) throw node.error('has no steps');
  const inner = steps.slice(0, -1).filter((s) => s.est !== undefined) as { name: string; est: Estimator }[];
  const last = steps[steps.length - 1].est;
  const transformAll = (x: Table): Table => {
    let xt = x;
    for (const { name, est } of inner) {
      if (!est.transform) throw new Error(`All intermediate steps should be transformers; step '${name}' (${shortName(est.className)}) has no transform.`);
      xt = est.transform(xt);
    }
    return xt;
  };
  const out: Estimator = { className: node.className!, ...(last?.estimatorType ? { estimatorType: last.estimatorType } : {}), ...(last?.withheld ? { withheld: last.withheld } : {}) };
  for (const m of FORWARDED) {
    const f = last?.[m]?.bind(last);
    if (f) (out as unknown as Record<string, unknown>)[m] = (x: Table) => f(transformAll(x));
  }
  if (!last) out.transform = transformAll;
  else if (last.transform) {
    const t = last.transform.bind(last);
    out.transform = (x) => t(transformAll(x));
  }
  if (out.transform) {
    // get_feature_names_out: each transforming step names its output from the names before it.
    const chain = steps.filter((s) => s.est !== undefined).map((s) => s.est!);
    out.featureNamesOut = (given) => {
      let names = given;
      for (const est of chain) {
        if (!est.featureNamesOut) throw new Error(`${est.className} does not provide get_feature_names_out.`);
        names = est.featureNamesOut(names);
      }
      if (!names) throw new Error('the pipeline has no step that names its output');
      return names;
    };
  }
  return out;
};

/** GridSearchCV, RandomizedSearchCV and the halving searches: `best_estimator_` (refit=True). */
export const searchCv: EstimatorBuilder = (node: PyNode, ctx: BuildContext) => {
  const best = node.optional('best_estimator_');
  if (!best) throw node.error('has no best_estimator_ (it was fitted with refit=False), so it cannot predict');
  return forwardTo(node.className!, ctx.child(best, 'best_estimator_'));
};
