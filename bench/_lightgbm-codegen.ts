// Owns the alternative bench/lightgbm.ts measures against the table walk: each tree compiled to straight-line JavaScript (new Function, built only from numbers).

import { Frame } from '../src/data/frame.js';
import { buildForest, type Forest, Walk } from '../src/flavors/lightgbm/forest.js';
import { featureRows } from '../src/flavors/lightgbm/features.js';
import { splitModelText } from '../src/flavors/lightgbm/model-text.js';
import { type LightGBMModel, parseLightGBMModel } from '../src/flavors/lightgbm/model.js';
import { readTree } from '../src/flavors/lightgbm/trees.js';
import { makeCopies } from '../src/flavors/lightgbm/walk.js';

/** Rows per chunk: generated code is large, so more rows share each pass over it (1024 measured best). */
const CHUNK_ROWS = 1024;

type TreeFunction = (x: Float64Array, stride: number, count: number, out: Float64Array, base: number, k: number) => void;

/** A number as JavaScript source; the only thing from the model that reaches the generated code. */
function literal(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return 'Infinity';
  if (v === -Infinity) return '-Infinity';
  return Object.is(v, -0) ? '-0' : String(v);
}

/** One numeric tree as nested if/else on the rows' copies, adding its leaf to each row's output. */
function compileTree(f: Forest, root: number): TreeFunction {
  const lines: string[] = [];
  const emit = (n: number, indent: string): void => {
    if (n >= f.numInternal) {
      lines.push(`${indent}out[base + r * k] += ${literal(f.leafValue[n - f.numInternal])};`);
      return;
    }
    lines.push(`${indent}if (x[o + ${f.col[n] | 0}] <= ${literal(f.threshold[n])}) {`);
    emit(f.kids[2 * n], `${indent} `);
    lines.push(`${indent}} else {`);
    emit(f.kids[2 * n + 1], `${indent} `);
    lines.push(`${indent}}`);
  };
  emit(root, '  ');
  // Source built from typed-array numbers only (literal()), never from text of the model file.
  return new Function('x', 'stride', 'count', 'out', 'base', 'k', `for (let r = 0, o = 0; r < count; r++, o += stride) {\n${lines.join('\n')}\n}`) as TreeFunction;
}

/** A LightGBM model evaluated by generated code; predict matches LightGBMModel.predict (no iteration range). */
export interface CodegenModel {
  readonly model: LightGBMModel;
  predict(frame: Frame): Float64Array;
}

/** Compiles every tree of a model whose trees are all numeric (no categorical splits, no linear leaves). */
export function compileModel(text: string): CodegenModel {
  const model = parseLightGBMModel(text, { source: 'bench model' });
  const forest = buildForest(
    splitModelText(text).trees.map((b) => readTree(b, model.numFeatures)),
    model.numFeatures,
  );
  if (forest.walk.some((w) => w !== Walk.NUMERIC) || forest.linear.some((l) => l === 1)) throw new Error('codegen handles numeric trees only');
  const trees = Array.from(forest.roots, (root) => compileTree(forest, root));
  const k = model.numTreePerIteration;
  return {
    model,
    predict(frame) {
      const rows = featureRows(frame, model);
      const stride = forest.numCopies * forest.numFeatures;
      const x = new Float64Array(Math.min(CHUNK_ROWS, rows.numRows) * stride);
      const out = new Float64Array(rows.numRows * k);
      for (let start = 0; start < rows.numRows; start += CHUNK_ROWS) {
        const count = Math.min(CHUNK_ROWS, rows.numRows - start);
        rows.fill(x, start, start + count, stride);
        makeCopies(forest, x, count, stride);
        for (let t = 0; t < trees.length; t++) trees[t](x, stride, count, out, start * k + (t % k), k);
      }
      if (model.averageOutput) for (let i = 0; i < out.length; i++) out[i] /= model.numIterations;
      model.objective.convert(out, rows.numRows, k);
      return out;
    },
  };
}
