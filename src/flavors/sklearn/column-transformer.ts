// Owns scikit-learn's ColumnTransformer: each fitted transformer applied to its columns (chosen by
// name, index, slice or mask; by name whenever it was fitted on a DataFrame and is given one), the
// remainder, transformer weights, and the outputs stacked side by side without copying columns.

import { NdArray, type PyNode, PySlice } from '../../pyobj/index.js';
import { type Estimator, type EstimatorBuilder, fittedInput } from './estimator.js';
import { type Column, SparseColumn, Table } from './table.js';

/** A column selection as the fitted state holds it. */
type Selection = { kind: 'positions'; indices: number[] } | { kind: 'names'; names: string[] } | { kind: 'slice'; slice: PySlice };

/** One fitted transformer and the input columns it takes. */
interface Part {
  readonly name: string;
  /** undefined for 'passthrough'. */
  readonly est?: Estimator;
  readonly selection: Selection;
  /** The fitted input columns it takes, as indices into `feature_names_in_` (or the fitted positions). */
  readonly fittedIndices: number[];
  readonly weight?: number;
}

/** Reads a column selection: a name or index, a list or array of names, indices or booleans, a slice, the remainder's list. */
function readSelection(node: PyNode): Selection {
  let v = node.value;
  if (node.isRecord() && node.className?.endsWith('._RemainderColsList')) v = node.get('data').value;
  if (typeof v === 'string') return { kind: 'names', names: [v] };
  if (typeof v === 'number' && Number.isInteger(v)) return { kind: 'positions', indices: [v] };
  if (v instanceof PySlice) return { kind: 'slice', slice: v };
  let items: unknown[] | undefined;
  if (Array.isArray(v)) items = v;
  else if (v instanceof NdArray && v.ndim === 1) items = Array.from({ length: v.size }, (_, i) => v.item(i));
  if (!items) throw node.error(`is not a column selection mlserve reads (${node.typeName})`);
  if (items.every((i) => typeof i === 'string')) return { kind: 'names', names: items as string[] };
  if (items.length > 0 && items.every((i) => typeof i === 'boolean')) return { kind: 'positions', indices: items.flatMap((b, i) => (b ? [i] : [])) };
  if (items.every((i) => typeof i === 'number' && Number.isInteger(i))) return { kind: 'positions', indices: items as number[] };
  throw node.error('mixes names, indices and booleans');
}

/** The positions a selection picks among `width` columns labelled `labels` (pandas' label slices include their end). */
function resolve(sel: Selection, width: number, labels: readonly (string | number)[] | undefined, what: string): number[] {
  const position = (label: string): number => {
    const i = labels ? labels.indexOf(label) : -1;
    if (!labels) throw new Error(`Specifying the columns using strings is only supported for dataframes (${what}).`);
    if (i < 0) throw new Error(`A given column is not a column of the dataframe: ${JSON.stringify(label)} (${what})`);
    return i;
  };
  const check = (i: number): number => {
    const j = i < 0 ? i + width : i;
    if (!(j >= 0 && j < width)) throw new Error(`column index ${i} is out of bounds for ${width} columns (${what})`);
    return j;
  };
  if (sel.kind === 'names') return sel.names.map(position);
  if (sel.kind === 'positions') return sel.indices.map(check);
  const { start, stop, step } = sel.slice;
  if (typeof start === 'string' || typeof stop === 'string') {
    const from = typeof start === 'string' ? position(start) : 0;
    const to = typeof stop === 'string' ? position(stop) + 1 : width;
    return range(from, to, typeof step === 'number' ? step : 1);
  }
  const s = typeof step === 'number' ? step : 1;
  const norm = (v: unknown, dflt: number) => (typeof v === 'number' ? Math.min(Math.max(v < 0 ? v + width : v, 0), width) : dflt);
  return range(norm(start, 0), norm(stop, width), s);
}

function range(from: number, to: number, step: number): number[] {
  if (step <= 0) throw new Error('column slices need a positive step');
  const out: number[] = [];
  for (let i = from; i < to; i += step) out.push(i);
  return out;
}

/** `column * weight` (transformer_weights). */
function weighted(col: Column, w: number): Column {
  if (col instanceof SparseColumn) return col.map((v) => v * w);
  if (col instanceof Float64Array) return col.map((v) => v * w);
  return col.map((v) => (typeof v === 'number' ? v * w : v));
}

/**
 * ColumnTransformer. Fitted on a DataFrame and given one, each transformer's columns are taken by
 * name (extra columns and another order are fine, missing ones an error); otherwise by position,
 * after checking the number of columns. Outputs are stacked in `transformers_` order; the result
 * is sparse for sklearn where `sparse_output_` says so.
 */
export const columnTransformer: EstimatorBuilder = (node, ctx) => {
  const input = fittedInput(node);
  const fittedNames = input.featureNames;
  const width = input.nFeatures ?? fittedNames?.length;
  const toInput = node.optional('_transformer_to_input_indices');
  const weights = node.optional('transformer_weights');
  const parts: Part[] = [];
  for (const entry of node.list('transformers_')) {
    const [nameNode, transNode, colsNode] = entry.asList();
    const name = nameNode.asStr();
    if (transNode.value === 'drop') continue;
    const selection = readSelection(colsNode);
    const fittedIndices = toInput?.has(name) ? toInput.get(name).asList().map((i) => i.asInt()) : resolve(selection, width ?? 0, fittedNames, `transformer ${name}`);
    if (width !== undefined && fittedIndices.some((i) => !(i >= 0 && i < width))) throw entry.error(`selects columns outside the ${width} it was fitted on`);
    if (fittedIndices.length === 0) continue;
    const est = transNode.value === 'passthrough' ? undefined : ctx.child(transNode, name);
    const weight = weights && !weights.isNone && weights.asEntries().some(([k]) => k === name) ? weights.key(name).asFloat() : undefined;
    parts.push({ name, est, selection, fittedIndices, weight });
  }
  const sparseOut = node.optional('sparse_output_')?.asBool() ?? false;
  const verbose = node.optional('verbose_feature_names_out');
  return {
    className: input.className,
    transform(x) {
      const byName = fittedNames !== undefined && x.isFrame;
      if (byName) {
        const present = new Set(x.labels);
        const missing = [...new Set(parts.flatMap((p) => p.fittedIndices.map((i) => fittedNames[i])))].filter((n) => !present.has(n));
        if (missing.length) throw new Error(`columns are missing: {${missing.map((m) => `'${m}'`).join(', ')}}`);
      } else if (width !== undefined && x.width !== width) {
        throw new Error(`X has ${x.width} features, but ColumnTransformer is expecting ${width} features as input.`);
      }
      const columns: Column[] = [];
      for (const p of parts) {
        const picked = byName
          ? p.fittedIndices.map((i) => x.labels!.indexOf(fittedNames[i]))
          : resolve(p.selection, x.width, x.labels, `transformer ${p.name}`);
        const sub = new Table(x.rows, picked.map((i) => x.columns[i]), { labels: x.labels && picked.map((i) => x.labels![i]), sparse: x.sparse });
        const out = p.est ? transformWith(p.est, p.name, sub) : sub;
        for (const c of out.columns) columns.push(p.weight === undefined ? c : weighted(c, p.weight));
      }
      return new Table(x.rows, columns, { sparse: sparseOut });
    },
    featureNamesOut() {
      if (verbose && typeof verbose.value !== 'boolean') throw verbose.error('is a format string, which mlserve does not apply');
      const prefix = verbose === undefined || verbose.asBool();
      return parts.flatMap((p) => {
        const selected = p.fittedIndices.map((i) => (fittedNames ? fittedNames[i] : `x${i}`));
        const names = p.est ? namesOf(p.est, p.name, selected) : selected;
        return prefix ? names.map((n) => `${p.name}__${n}`) : names;
      });
    },
  };
};

function transformWith(est: Estimator, name: string, x: Table): Table {
  if (!est.transform) throw new Error(`The transformer ${name} (${est.className}) has no transform`);
  return est.transform(x);
}

function namesOf(est: Estimator, name: string, selected: readonly string[]): readonly string[] {
  if (!est.featureNamesOut) throw new Error(`Transformer ${name} (type ${est.className}) does not provide get_feature_names_out.`);
  return est.featureNamesOut(selected);
}
