// Owns describing a bad input row for people: where it is (line or row), which column, and why, from the error's cause chain.

import type { InputChunk, RowPosition } from './types.js';

/** A row that could not be decoded or scored. */
export interface RowFault {
  readonly position: RowPosition;
  /** The column at fault, when the error names one. */
  readonly column?: string;
  /** Why, in one line: the innermost cause's message. */
  readonly reason: string;
}

/** The error and its causes, outermost first (non-Error causes end the chain). */
function causeChain(error: unknown): unknown[] {
  const chain: unknown[] = [error];
  for (let e = error; e instanceof Error && e.cause !== undefined && chain.length < 16; ) {
    e = e.cause;
    chain.push(e);
  }
  return chain;
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** True when `message` speaks of `column` by name (`column x1.`, `column 'x1'`). */
function mentions(message: string, column: string): boolean {
  for (const form of [`column ${column}`, `column '${column}'`, `column "${column}"`]) {
    let at = message.indexOf(form);
    while (at >= 0) {
      const next = message.charAt(at + form.length);
      if (next === '' || !/[\w-]/.test(next) || form.endsWith("'") || form.endsWith('"')) return true;
      at = message.indexOf(form, at + 1);
    }
  }
  return false;
}

/** The first column of MLflow's `Model is missing inputs ['x1', 'x2'].`, if the message is that one. */
function missingColumn(message: string): string | undefined {
  const list = /missing inputs \[([^\]]*)\]/.exec(message)?.[1];
  return list === undefined ? undefined : /^\s*'((?:[^'\\]|\\.)*)'/.exec(list)?.[1];
}

/** The column an error names: a CsvParseError's `column`, else a known column its messages mention. */
function faultColumn(chain: readonly unknown[], columns: readonly string[]): string | undefined {
  for (const e of chain) {
    const column = (e as { column?: unknown } | null)?.column;
    if (typeof column === 'string') return column;
  }
  // Longest names first, so `x10` is not taken for `x1`.
  const byLength = [...columns].sort((a, b) => b.length - a.length);
  for (const e of chain) {
    const m = messageOf(e);
    const hit = missingColumn(m) ?? byLength.find((c) => mentions(m, c));
    if (hit !== undefined) return hit;
  }
  return undefined;
}

/** The innermost message, without a CSV reader's `Unable to parse column 'x' at line N: ` prefix; model errors say so. */
function faultReason(chain: readonly unknown[]): string {
  const deepest = chain[chain.length - 1];
  let reason = messageOf(deepest).replace(/^Unable to parse column '.*?' at line \d+: /s, '');
  if (chain.some((e) => e instanceof Error && e.name === 'ModelExecutionError') && deepest instanceof Error && deepest.name !== 'ModelExecutionError') {
    reason = `the model raised ${deepest.name}: ${reason}`;
  }
  return reason.replace(/\s*\n\s*/g, ' ').trim();
}

/** Describes why row `index` of `chunk` failed with `error`. */
export function describeFault(chunk: InputChunk, index: number, error: unknown): RowFault {
  const chain = causeChain(error);
  return { position: chunk.where(index), column: faultColumn(chain, chunk.columnsOf(index)), reason: faultReason(chain) };
}

/** `line 7` for text formats, `row 6` otherwise. */
export function positionText(p: RowPosition): string {
  return p.line !== undefined ? `line ${p.line}` : `row ${p.row}`;
}

/** One line naming the row, the column and the reason: `Bad input at line 7, column 'x1': could not convert ...`. */
export function faultMessage(fault: RowFault): string {
  const column = fault.column !== undefined ? `, column '${fault.column}'` : '';
  return `Bad input at ${positionText(fault.position)}${column}: ${fault.reason}`;
}
