// Owns pandas' str() of a DataFrame as it appears in MLflow messages (`  text\n0   hi`).

import { NAT } from './dtype.js';
import { formatDatetime } from './datetime.js';
import { halfToFloat } from './cell.js';
import type { Frame } from './frame.js';
import type { CellRepr } from './_numpy-text.js';

const MAX_ROWS = 60;
const MAX_COLS = 20;
/** pandas' `display.max_colwidth`: a longer cell shows its first 47 characters and `...`. */
const MAX_COLWIDTH = 50;

function clipCell(text: string): string {
  return text.length > MAX_COLWIDTH ? `${text.slice(0, MAX_COLWIDTH - 3)}...` : text;
}

function trimFloatZeros(cells: string[]): string[] {
  const isNum = (x: string): boolean => /^\s*[+-]?\d+\.\d*$/.test(x);
  let out = cells;
  while (out.some(isNum) && out.filter(isNum).every((x) => x.endsWith('0'))) {
    out = out.map((x) => (isNum(x) ? x.slice(0, -1) : x));
  }
  return out.map((x) => (isNum(x) && x.endsWith('.') ? x + '0' : x));
}

function floatCells(vals: number[]): string[] {
  const fixed = vals.map((x) => (Number.isNaN(x) ? 'NaN' : Number.isFinite(x) ? (x < 0 ? '' : ' ') + x.toFixed(6) : x > 0 ? ' inf' : '-inf'));
  const abs = vals.filter(Number.isFinite).map(Math.abs);
  const tooLong = Math.max(0, ...fixed.map((x) => x.length)) > 12;
  if (abs.some((x) => x > 0 && x < 1e-6) || (tooLong && abs.some((x) => x > 1e6))) {
    return vals.map((x) => {
      if (!Number.isFinite(x)) return Number.isNaN(x) ? 'NaN' : x > 0 ? ' inf' : '-inf';
      return (x < 0 ? '' : ' ') + x.toExponential(6).replace(/e([+-])(\d)$/, 'e$10$2');
    });
  }
  return trimFloatZeros(fixed);
}

function columnCells(f: Frame, col: number, rows: number[], cell: CellRepr): string[] {
  const c = f.cols[col];
  const d = c.values as ArrayLike<unknown>;
  if (c.dtype === 'float16' || c.dtype === 'float32' || c.dtype === 'float64') {
    return floatCells(rows.map((r) => (c.dtype === 'float16' ? halfToFloat(d[r] as number) : (d[r] as number))));
  }
  if (c.dtype === 'datetime64') {
    const ns = rows.map((r) => d[r] as bigint);
    const dateOnly = ns.every((x) => x === NAT || x % 86_400_000_000_000n === 0n);
    return ns.map((x) => (x === NAT ? 'NaT' : dateOnly ? formatDatetime(x).slice(0, 10) : formatDatetime(x).replace('T', ' ')));
  }
  return rows.map((r) => {
    const v = d[r];
    // Only the first characters can show: escape no more than those of a long string.
    if (typeof v === 'string') return clipCell(' ' + v.slice(0, MAX_COLWIDTH).replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r'));
    if (typeof v === 'number' && Number.isNaN(v)) return ' NaN';
    return clipCell(' ' + cell(v, d as object, r));
  });
}

function pick(n: number, max: number): number[] {
  const all = Array.from({ length: n }, (_, i) => i);
  if (n <= max) return all;
  const half = max === MAX_ROWS ? 5 : max / 2;
  return [...all.slice(0, half), -1, ...all.slice(n - half)];
}

/**
 * pandas `str(DataFrame)`, approximately: right-aligned column labels over cells, the row index on
 * the left; more than 60 rows show the first and last 5, more than 20 columns the first and last 10.
 */
export function pandasStr(f: Frame, cell: CellRepr): string {
  const labels = f.cols.map((c) => String(c.name));
  if (f.numRows === 0 || f.cols.length === 0) {
    const idx = Array.from({ length: Math.min(f.numRows, 100) }, (_, i) => i);
    return `Empty DataFrame\nColumns: [${labels.join(', ')}]\nIndex: [${idx.join(', ')}]`;
  }
  const rows = pick(f.numRows, MAX_ROWS);
  const realRows = rows.filter((r) => r >= 0);
  const columns: string[][] = [['', ...rows.map((r) => (r < 0 ? '..' : String(r)))]];
  for (const ci of pick(f.cols.length, MAX_COLS)) {
    let cells = ci < 0 ? realRows.map(() => '...') : columnCells(f, ci, realRows, cell);
    cells = rows.map((r) => (r < 0 ? '...' : cells[realRows.indexOf(r)]));
    const header = ci < 0 ? '...' : labels[ci];
    const width = Math.max(header.length, ...cells.map((x) => x.length));
    columns.push([header, ...cells].map((x) => x.padStart(width)));
  }
  const idxWidth = Math.max(...columns[0].map((x) => x.length));
  columns[0] = columns[0].map((x) => x.padEnd(idxWidth));
  const lines = columns[0].map((_, i) => columns.map((col) => col[i]).join(' '));
  const truncated = rows.length !== f.numRows || f.cols.length > MAX_COLS;
  return lines.join('\n') + (truncated ? `\n\n[${f.numRows} rows x ${f.cols.length} columns]` : '');
}
