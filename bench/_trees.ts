// Owns what the tree-ensemble benchmarks (xgboost.ts, lightgbm.ts) share: their settings, feature rows, child processes, and the child side's frame and timing loop.

import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Frame } from '../src/data/frame.js';

/** A positive integer from a flag's text, or the fallback when absent. */
export function positiveInt(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name} must be a positive integer, got ${JSON.stringify(text)}`);
  return value;
}

/** Deterministic features, `rows × cols` row-major: normal-ish values, 2% missing. */
export function makeFeatures(rows: number, cols: number): Float64Array {
  const x = new Float64Array(rows * cols);
  let s = 0x2545f491;
  const next = (): number => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
  for (let i = 0; i < x.length; i++) x[i] = next() < 0.02 ? NaN : (next() + next() + next() - 1.5) * 2;
  return x;
}

/** Runs a child to completion and returns its stdout; single-threaded (OMP_NUM_THREADS=1) unless `threaded`. */
export function runChild(command: string, args: readonly string[], threaded = false): string {
  const env = threaded ? process.env : { ...process.env, OMP_NUM_THREADS: '1' };
  const r = spawnSync(command, args, { encoding: 'utf8', env, maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${r.status ?? r.signal}):\n${r.stderr}`);
  return r.stdout;
}

/** The rows of a `.f64` file as a DataFrame of float64 columns `f0 …`, as decoded from a dataframe_split request. */
export function readFeatureFrame(file: string, rows: number, cols: number): Frame {
  const buf = readFileSync(file);
  const x = new Float64Array(buf.buffer, buf.byteOffset, rows * cols);
  return new Frame(
    Array.from({ length: cols }, (_, j) => {
      const values = new Float64Array(rows);
      for (let r = 0; r < rows; r++) values[r] = x[r * cols + j];
      return { name: `f${j}`, dtype: 'float64' as const, values };
    }),
  );
}

/** Calls `predict` once untimed (JIT), then `reps` timed times; wall and CPU seconds of each, and the last result. */
export async function timePredictions<T>(reps: number, predict: () => Promise<T>): Promise<{ seconds: number[]; cpuSeconds: number[]; last: T }> {
  let last = await predict();
  const seconds: number[] = [];
  const cpuSeconds: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = process.hrtime.bigint();
    const c0 = process.cpuUsage();
    last = await predict();
    const c = process.cpuUsage(c0);
    seconds.push(Number(process.hrtime.bigint() - t0) / 1e9);
    cpuSeconds.push((c.user + c.system) / 1e6);
  }
  return { seconds, cpuSeconds, last };
}
