// Tests parseLightGBMModel on hand-written texts: load errors (file, line, what was expected) and LightGBM's decision rules.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ModelLoadError } from '../../errors.js';
import { parseLightGBMModel } from './model.js';
import type { FeatureRows } from './walk.js';

const BINARY = readFileSync(fileURLToPath(new URL('../../../../test/fixtures/lightgbm/binary/model.lgb', import.meta.url)), 'utf8');

interface TreeSpec {
  readonly leaves: readonly number[];
  readonly feature?: readonly number[];
  readonly threshold?: readonly (number | string)[];
  readonly decision?: readonly number[];
  readonly left?: readonly number[];
  readonly right?: readonly number[];
  readonly extra?: string;
}

/** A model text as LightGBM writes it, with the given header lines and trees. */
function modelText(trees: readonly TreeSpec[], header: Record<string, string | null> = {}, features = 2): string {
  const fields: Record<string, string | null> = {
    version: 'v4',
    num_class: '1',
    num_tree_per_iteration: '1',
    label_index: '0',
    max_feature_idx: String(features - 1),
    objective: 'regression',
    feature_names: Array.from({ length: features }, (_, j) => `f${j}`).join(' '),
    feature_infos: Array.from({ length: features }, () => 'none').join(' '),
    tree_sizes: trees.map(() => '1').join(' '),
    ...header,
  };
  const head = Object.entries(fields)
    .filter(([, v]) => v !== null)
    .map(([k, v]) => `${k}=${v}`);
  const blocks = trees.map((t, i) => {
    const n = t.leaves.length - 1;
    const lines = [`Tree=${i}`, `num_leaves=${t.leaves.length}`, 'num_cat=0'];
    if (n > 0) {
      lines.push(
        `split_feature=${(t.feature ?? new Array(n).fill(0)).join(' ')}`,
        `threshold=${(t.threshold ?? new Array(n).fill(0)).join(' ')}`,
        `decision_type=${(t.decision ?? new Array(n).fill(2)).join(' ')}`,
        `left_child=${(t.left ?? [-1]).join(' ')}`,
        `right_child=${(t.right ?? [-2]).join(' ')}`,
      );
    }
    lines.push(`leaf_value=${t.leaves.join(' ')}`);
    if (t.extra) lines.push(t.extra);
    return `${lines.join('\n')}\nshrinkage=1\n\n`;
  });
  return `tree\n${head.join('\n')}\n\n${blocks.join('\n')}end of trees\n\nparameters:\n[boosting: gbdt]\nend of parameters\n\npandas_categorical:null\n`;
}

/** Rows from arrays of numbers. */
function rows(values: readonly (readonly number[])[]): FeatureRows {
  const width = values[0]?.length ?? 0;
  return {
    numRows: values.length,
    numCols: width,
    fill(out, start, end, stride) {
      for (let r = start; r < end; r++) for (let j = 0; j < width; j++) out[(r - start) * stride + j] = values[r][j];
    },
  };
}

function loadError(text: string): ModelLoadError {
  try {
    parseLightGBMModel(text, { source: 'file /m/model.lgb' });
  } catch (err) {
    assert.ok(err instanceof ModelLoadError, String(err));
    assert.ok(err.message.startsWith('Could not load the LightGBM model file /m/model.lgb: '), err.message);
    return err;
  }
  assert.fail('the text loaded');
}

describe('parseLightGBMModel: load errors name the file, the line and what was expected', () => {
  const stump: TreeSpec = { leaves: [1, 2], threshold: [0.5] };

  it('reads a valid hand-written text', () => {
    const m = parseLightGBMModel(modelText([stump]), { source: 's' });
    assert.deepEqual([m.numTrees, m.numFeatures, m.version, m.objective.name], [1, 2, 'v4', 'regression']);
    assert.deepEqual(Array.from(m.predict(rows([[0], [1]].map(([a]) => [a, 0])))), [1, 2]);
  });

  it('rejects a file that is not a LightGBM text model at line 1', () => {
    assert.match(loadError('{"learner": {}}').message, /line 1: expected the first line to be "tree"/);
    assert.match(loadError('').message, /line 1: expected the first line/);
  });

  it('rejects a missing or unknown format version', () => {
    assert.match(loadError(modelText([stump], { version: null })).message, /has no version line/);
    assert.match(loadError(modelText([stump], { version: 'v9' })).message, /line 2: model format version "v9" is not one mlserve reads \(v2, v3, v4\)/);
  });

  it('rejects missing header fields LightGBM requires', () => {
    for (const key of ['num_class', 'label_index', 'max_feature_idx', 'feature_names', 'feature_infos']) {
      assert.match(loadError(modelText([stump], { [key]: null })).message, new RegExp(`has no ${key} line`), key);
    }
  });

  it('rejects feature_names whose count differs from max_feature_idx + 1, naming its line', () => {
    assert.match(loadError(modelText([stump], { feature_names: 'a b c' })).message, /line 8: feature_names has 3 entries, expected 2/);
  });

  it('rejects inconsistent class counts', () => {
    assert.match(loadError(modelText([stump], { num_tree_per_iteration: '3' })).message, /num_tree_per_iteration=3 differs from num_class=1/);
    assert.match(loadError(modelText([stump], { num_class: '3', num_tree_per_iteration: '3', objective: 'multiclass num_class:4' })).message, /objective multiclass has num_class:4, the model num_class=3/);
    assert.match(loadError(modelText([stump, stump], { num_class: '3', num_tree_per_iteration: '3', objective: 'multiclass num_class:3' })).message, /2 trees are not a whole number of rounds of 3/);
    // No trees: nothing would bound num_class, which sizes every prediction's output.
    assert.match(loadError(modelText([], { num_class: '100000000', num_tree_per_iteration: '100000000', objective: 'multiclass num_class:100000000', tree_sizes: '' })).message, /num_class=100000000 but the file holds no trees/);
  });

  it('rejects unknown objectives and objectives without their settings', () => {
    assert.match(loadError(modelText([stump], { objective: 'magic' })).message, /line 7: unknown objective "magic"/);
    assert.match(loadError(modelText([stump], { objective: 'binary' })).message, /sigmoid setting must be a number greater than zero/);
    assert.match(loadError(modelText([stump], { objective: 'multiclass' })).message, /expected a num_class setting/);
  });

  it('rejects a text truncated inside a tree, naming the line and the count expected', () => {
    const cut = BINARY.slice(0, BINARY.indexOf('leaf_value=', BINARY.indexOf('Tree=4')) + 40);
    const err = loadError(cut);
    assert.match(err.message, /line \d+: tree 4 \(Tree= line \d+\): leaf_value has \d values, expected 8 \(num_leaves\)/);
  });

  it('rejects a text truncated between trees against tree_sizes', () => {
    const cut = BINARY.slice(0, BINARY.indexOf('Tree=6'));
    assert.match(loadError(cut).message, /line 10: tree_sizes lists 10 trees, but the file holds 6 \(the file ends at line \d+: truncated\?\)/);
  });

  it('rejects a tree missing a required line', () => {
    const text = modelText([stump]).replace(/left_child=.*\n/, '');
    assert.match(loadError(text).message, /tree 0 has no left_child line/);
  });

  it('rejects values that are not numbers, naming the value', () => {
    const err = loadError(modelText([{ leaves: [1, 'abc' as unknown as number], threshold: [0.5] }]));
    assert.match(err.message, /leaf_value value 1 is "abc", expected a number/);
  });

  it('rejects split features outside the model and children that do not form a tree', () => {
    assert.match(loadError(modelText([{ ...stump, feature: [2] }])).message, /split_feature value 0 is "2", expected an integer in 0\.\.1/);
    const cycle: TreeSpec = { leaves: [1, 2, 3], threshold: [0, 0], left: [1, 0], right: [-1, -2] };
    assert.match(loadError(modelText([cycle])).message, /node 0 is reached twice/);
    const orphan: TreeSpec = { leaves: [1, 2, 3], threshold: [0, 0], left: [-1, -2], right: [-2, -3] };
    assert.match(loadError(modelText([orphan])).message, /node 1 is not reachable from the root/);
    const shared: TreeSpec = { leaves: [1, 2, 3], threshold: [0, 0], left: [1, -1], right: [-1, -2] };
    assert.match(loadError(modelText([shared])).message, /leaf 0 is reached twice/);
  });

  it('rejects a missing type that does not exist and a categorical split without its category set', () => {
    assert.match(loadError(modelText([{ ...stump, decision: [12] }])).message, /decision_type 12, whose missing type 3 does not exist/);
    assert.match(loadError(modelText([{ ...stump, decision: [1] }])).message, /categorical split whose threshold 0\.5 is not a category set index below num_cat=0/);
  });

  it('rejects linear leaves whose coefficients are missing', () => {
    const linear: TreeSpec = { ...stump, extra: 'is_linear=1\nleaf_const=0 0\nnum_features=1 0\nleaf_features=1  ' };
    assert.match(loadError(modelText([linear])).message, /tree 0 has no leaf_coeff line/);
  });

  it('rejects pandas_categorical that is not JSON', () => {
    const text = modelText([stump]).replace('pandas_categorical:null', 'pandas_categorical:[["a", ');
    assert.match(loadError(text).message, /line \d+: pandas_categorical is not JSON/);
  });

  it('reads \\r\\n and \\r line ends, a byte order mark, and texts without tree_sizes', () => {
    const text = modelText([stump]);
    for (const variant of [text.replaceAll('\n', '\r\n'), text.replaceAll('\n', '\r'), `\uFEFF${text}`, text.replace(/tree_sizes=.*\n/, '')]) {
      assert.deepEqual(Array.from(parseLightGBMModel(variant, { source: 's' }).predict(rows([[0.4, 0]]))), [1]);
    }
  });

  it('predicts the objective of a zero score for a model without trees', () => {
    const m = parseLightGBMModel(modelText([], { objective: 'binary sigmoid:1', tree_sizes: '' }), { source: 's' });
    assert.deepEqual(Array.from(m.predict(rows([[1, 2]]))), [0.5]);
  });
});

/** LightGBM's NumericalDecision for one node, written out from include/LightGBM/tree.h as the reference. */
function referenceGoesLeft(value: number, threshold: number, decision: number): boolean {
  const missingType = (decision >> 2) & 3;
  let v = Math.abs(value) <= Math.fround(1e-35) ? 0 : value; // the C API drops values within kZeroThreshold
  if (Number.isNaN(v) && missingType !== 2) v = 0;
  if ((missingType === 1 && Math.abs(v) <= Math.fround(1e-35)) || (missingType === 2 && Number.isNaN(v))) return (decision & 2) !== 0;
  return v <= threshold;
}

describe('parseLightGBMModel: decisions follow LightGBM exactly', () => {
  const values = [NaN, 0, -0, 1e-36, -1e-36, 1e-34, -1e-34, 0.5, -0.5, 2, -2, Infinity, -Infinity, 1e300];
  const thresholds = [-1, -1e-35, Math.fround(1e-35), 0, 0.5, Infinity, -Infinity];

  it('numeric splits: every missing type, default direction and threshold sign, in the fast walk', () => {
    for (const decision of [0, 2, 4, 6, 8, 10]) {
      for (const t of thresholds) {
        const m = parseLightGBMModel(modelText([{ leaves: [10, 20], threshold: [t === Infinity ? 'inf' : t === -Infinity ? '-inf' : t], decision: [decision] }]), { source: 's' });
        const out = m.predict(rows(values.map((v) => [v, 0])));
        values.forEach((v, i) => assert.equal(out[i], referenceGoesLeft(v, t, decision) ? 10 : 20, `decision_type ${decision}, threshold ${t}, value ${v}`));
      }
    }
  });

  it('a NaN threshold sends present values right and missing values their default way', () => {
    for (const decision of [0, 8, 10]) {
      const m = parseLightGBMModel(modelText([{ leaves: [10, 20], threshold: ['nan'], decision: [decision] }]), { source: 's' });
      const out = m.predict(rows(values.map((v) => [v, 0])));
      values.forEach((v, i) => assert.equal(out[i], referenceGoesLeft(v, NaN, decision) ? 10 : 20, `decision_type ${decision}, value ${v}`));
    }
  });

  it('categorical splits: bit set words, truncation, negative, huge and missing categories', () => {
    // Categories 1 and 33 go left (two words of the bit set); everything else right.
    const tree: TreeSpec = { leaves: [10, 20], threshold: [0], decision: [1], extra: 'cat_boundaries=0 2\ncat_threshold=2 2' };
    const text = modelText([tree]).replace('num_cat=0', 'num_cat=1');
    const m = parseLightGBMModel(text, { source: 's' });
    const cases: [number, number][] = [
      [1, 10], [1.9, 10], [33, 10], [33.5, 10], [0, 20], [2, 20], [32, 20], [34, 20], [64, 20], [65, 20],
      [-0.5, 20], [-1, 20], [NaN, 20], [2 ** 31 + 1, 20], [-(2 ** 31) - 5, 20], [Infinity, 20], [1e-36, 20],
    ];
    const out = m.predict(rows(cases.map(([v]) => [v, 0])));
    cases.forEach(([v, want], i) => assert.equal(out[i], want, `category ${v}`));
  });

  it('a category of -0.5 truncates to 0, as static_cast<int> does', () => {
    const tree: TreeSpec = { leaves: [10, 20], threshold: [0], decision: [1], extra: 'cat_boundaries=0 1\ncat_threshold=1' };
    const m = parseLightGBMModel(modelText([tree]).replace('num_cat=0', 'num_cat=1'), { source: 's' });
    assert.deepEqual(Array.from(m.predict(rows([[-0.5, 0], [-1, 0], [0.99, 0]]))), [10, 20, 10]);
  });

  it('linear leaves: constant plus coefficients, the plain leaf value when a feature is NaN', () => {
    const tree: TreeSpec = { leaves: [10, 20], threshold: [0], extra: 'is_linear=1\nleaf_const=1 2\nnum_features=2 0\nleaf_features=0 1  \nleaf_coeff=0.5 -2  ' };
    const m = parseLightGBMModel(modelText([tree]), { source: 's' });
    assert.deepEqual(Array.from(m.predict(rows([[-1, 3], [1, 3], [-1, NaN], [-1e-36, 1]]))), [1 - 0.5 - 6, 2, 10, 1 + 0 - 2]);
  });

  it('iteration ranges, raw scores and average_output as Booster.predict', () => {
    const trees = [1, 2, 4, 8].map((v) => ({ leaves: [v] }));
    const m = parseLightGBMModel(modelText(trees, { objective: 'regression', average_output: '' }), { source: 's' });
    const x = rows([[0, 0]]);
    assert.deepEqual(Array.from(m.predict(x)), [15 / 4]);
    assert.deepEqual(Array.from(m.predict(x, { raw: true })), [15]);
    assert.deepEqual(Array.from(m.predict(x, { startIteration: 1, numIteration: 2 })), [3]);
    assert.deepEqual(Array.from(m.predict(x, { startIteration: 3, numIteration: 9 })), [8]);
    assert.deepEqual(Array.from(m.predict(x, { startIteration: 9, raw: true })), [0]);
  });

  it('multiclass trees add to their class in tree order, then softmax', () => {
    const trees = [1, 2, 3, 1, 0, 0].map((v) => ({ leaves: [v] }));
    const m = parseLightGBMModel(modelText(trees, { num_class: '3', num_tree_per_iteration: '3', objective: 'multiclass num_class:3' }), { source: 's' });
    const raw = Array.from(m.predict(rows([[0, 0]]), { raw: true }));
    assert.deepEqual(raw, [2, 2, 3]);
    const p = Array.from(m.predict(rows([[0, 0]])));
    const e = raw.map((v) => Math.exp(v - 3));
    assert.deepEqual(p, e.map((v) => v / (e[0] + e[1] + e[2])));
  });
});

describe('parseLightGBMModel: damaged files', () => {
  it('either loads or fails with ModelLoadError, for truncations, dropped lines and changed values anywhere', () => {
    const texts = ['binary', 'categorical-codes', 'linear-tree', 'multiclass'].map((name) =>
      readFileSync(fileURLToPath(new URL(`../../../../test/fixtures/lightgbm/${name}/model.lgb`, import.meta.url)), 'utf8'),
    );
    let seed = 12345;
    const random = (n: number): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    const replacements = ['-1', '0', '999999', 'nan', 'inf', '', 'x', '2147483648', '-2147483649', '1e308'];
    let loaded = 0;
    for (let i = 0; i < 600; i++) {
      const text = texts[i % texts.length];
      const lines = text.split('\n');
      let damaged: string;
      if (i % 3 === 0) {
        damaged = text.slice(0, random(text.length));
      } else if (i % 3 === 1) {
        lines.splice(random(lines.length), 1);
        damaged = lines.join('\n');
      } else {
        const at = random(lines.length);
        const tokens = lines[at].split(/([ =:,])/);
        const t = random(tokens.length);
        tokens[t] = replacements[random(replacements.length)];
        lines[at] = tokens.join('');
        damaged = lines.join('\n');
      }
      try {
        const m = parseLightGBMModel(damaged, { source: 'damaged' });
        m.predict(rows([new Array(m.numFeatures).fill(0.5), new Array(m.numFeatures).fill(NaN)]));
        loaded++;
      } catch (err) {
        assert.ok(err instanceof ModelLoadError, `mutation ${i}: ${(err as Error).stack}`);
      }
    }
    assert.ok(loaded > 0 && loaded < 600, `${loaded} of 600 damaged texts loaded`);
  });
});
