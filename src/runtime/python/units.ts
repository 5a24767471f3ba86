// Owns grouping the requests of one message to a Python worker into units (pure): each request alone, or requests merged by rows.
//
// A unit is one `predict` call in the worker. Requests of a row-wise model merge when their inputs
// are DataFrames or arrays with the same columns, dtypes and trailing shape and their params are
// equal (as Python would see them: `1` and `1.0` differ), up to `maxRows` rows. Inputs are the
// requests as decoded, before enforcement (MLflow enforces the signature in the worker), so
// requests merge when their decoded columns and dtypes agree.

import { mergeInputs, mergeKey, rowCount } from '../merge.js';
import type { PredictCall } from '../types.js';
import { Payload } from './frames.js';
import { encodeValue } from './values.js';

/** One predict call in the worker. */
export interface Unit {
  /** Indexes of the calls it answers, in order. */
  readonly members: number[];
  /** The input: one call's, or the members' inputs concatenated by rows. */
  readonly input: unknown;
  readonly params: unknown;
  /** Rows of each member when merged (the worker splits the answer by them). */
  readonly counts?: number[];
  /** Rows of a mergeable input (for batch metrics). */
  readonly rows?: number;
}

/** The text that tells equal params apart as Python sees them; undefined when they cannot be compared. */
function paramsText(params: unknown): string | undefined {
  try {
    const scratch = new Payload();
    const text = encodeValue(params, scratch);
    return scratch.spans.length ? undefined : text;
  } catch {
    return undefined;
  }
}

/** Groups calls into units; `maxRows` 0 keeps every call alone. */
export function planUnits(calls: readonly PredictCall[], maxRows: number): Unit[] {
  interface Open { members: number[]; inputs: unknown[]; params: unknown; counts: number[]; rows: number }
  const groups: (Open | Unit)[] = [];
  const open = new Map<string, Open>();
  calls.forEach((call, i) => {
    const { input, params } = call;
    const rows = maxRows > 0 ? rowCount(input) : undefined;
    const shape = rows !== undefined && rows <= maxRows ? mergeKey(input) : undefined;
    const p = shape === undefined ? undefined : paramsText(params);
    if (rows === undefined || shape === undefined || p === undefined) {
      groups.push({ members: [i], input, params, rows });
      return;
    }
    const key = `${shape}#${p}`;
    const g = open.get(key);
    if (g && g.rows + rows <= maxRows) {
      g.members.push(i);
      g.inputs.push(input);
      g.counts.push(rows);
      g.rows += rows;
      return;
    }
    const fresh: Open = { members: [i], inputs: [input], params, counts: [rows], rows };
    open.set(key, fresh);
    groups.push(fresh);
  });
  return groups.map((g) => {
    if (!('inputs' in g)) return g;
    if (g.members.length === 1) return { members: g.members, input: g.inputs[0], params: g.params, rows: g.rows };
    return { members: g.members, input: mergeInputs(g.inputs), params: g.params, counts: g.counts, rows: g.rows };
  });
}
