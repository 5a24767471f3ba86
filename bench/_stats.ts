// Owns the small statistics and number formatting the benchmark scripts share.

/** Median of the finite values (NaN when none). */
export function median(values: readonly number[]): number {
  const sorted = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Nearest-rank percentile (q in 0..1) of unsorted values. */
export function percentile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/** 12,345 */
export const count = (n: number): string => (Number.isNaN(n) ? '-' : Math.round(n).toLocaleString('en-US'));
/** Milliseconds with sensible precision. */
export const ms = (n: number): string => (Number.isNaN(n) ? '-' : n < 1 ? n.toFixed(2) : n < 100 ? n.toFixed(1) : n.toFixed(0));
/** 0.85x */
export const ratio = (n: number): string => (Number.isNaN(n) ? '-' : `${n.toFixed(2)}x`);
/** 85% of one CPU */
export const pct = (n: number | undefined): string => (n === undefined || Number.isNaN(n) ? '-' : `${Math.round(n * 100)}%`);

/** The figures of one load level, as the load benchmarks print them. */
export interface LevelFigures {
  readonly reqPerSec: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly serverCpu?: number;
  readonly serverCpuUsPerReq?: number;
  readonly clientCpu: number;
  readonly otherCpu?: number;
  readonly verified: number;
  readonly errors: number;
}

/** One line per load level: `  label  64 conn:  41,000 req/s  p50 ...  checked N ok, 0 bad`. */
export function formatLevel(label: string, connections: number, r: LevelFigures, suffix = ''): string {
  const perReq = r.serverCpuUsPerReq === undefined ? '-' : `${r.serverCpuUsPerReq.toFixed(0)} µs/req`;
  return (
    `  ${label.padEnd(7)} ${String(connections).padStart(3)} conn: ${count(r.reqPerSec).padStart(7)} req/s  p50 ${ms(r.p50Ms)} ms  p99 ${ms(r.p99Ms)} ms` +
    `  server CPU ${pct(r.serverCpu)} (${perReq})  load generator CPU ${pct(r.clientCpu)}  others ${pct(r.otherCpu)}  checked ${count(r.verified)} ok, ${r.errors} bad${suffix}`
  );
}
