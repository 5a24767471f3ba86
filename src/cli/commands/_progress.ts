// Owns how `models predict` shows progress to people: a line redrawn in place on a terminal, and the final summary.

import type { BatchProgress, BatchSummary } from '../../batch/predict.js';

/** Most redraws per second of the progress line. */
const REDRAWS_PER_SECOND = 4;

/** `1,234,567`. */
export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** `850`, `45.2k`, `412k`, `1.25M` (rows per second). */
export function formatRate(perSecond: number): string {
  if (!Number.isFinite(perSecond)) return '-';
  if (perSecond < 1000) return String(Math.round(perSecond));
  if (perSecond < 100_000) return `${(perSecond / 1000).toFixed(1)}k`;
  if (perSecond < 1_000_000) return `${Math.round(perSecond / 1000)}k`;
  return `${(perSecond / 1_000_000).toFixed(2)}M`;
}

/** `0:07`, `12:04`, `1:02:03`. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** Share of the input done: by rows when the total is known (Parquet), else by bytes; undefined when unknown. */
function fractionDone(p: BatchProgress): number | undefined {
  if (p.totalRows) return (p.rowsDone + p.rowsSkipped) / p.totalRows;
  if (p.totalBytes && p.bytesRead !== undefined) return p.bytesRead / p.totalBytes;
  return undefined;
}

/** `scored 120,000 rows | 45.2k rows/s | 0:03 elapsed | 28% | ETA 0:08` (skipped rows and ETA when there are some / it is known). */
export function formatProgress(p: BatchProgress): string {
  const seconds = p.elapsedMs / 1000;
  const parts = [`scored ${formatCount(p.rowsDone)} row${p.rowsDone === 1 ? '' : 's'}`];
  if (p.rowsSkipped) parts.push(`${formatCount(p.rowsSkipped)} skipped`);
  parts.push(`${formatRate((p.rowsDone + p.rowsSkipped) / seconds)} rows/s`, `${formatDuration(seconds)} elapsed`);
  const f = fractionDone(p);
  if (f !== undefined && f > 0) parts.push(`${Math.min(100, Math.floor(f * 100))}%`, `ETA ${formatDuration((seconds * (1 - Math.min(f, 1))) / f)}`);
  return parts.join(' | ');
}

/** `mlserve: scored 1,000,000 rows in 2.41 s (415k rows/s); skipped 3 bad rows, written to out.csv.errors.csv`. */
export function formatSummary(s: BatchSummary): string {
  const rate = formatRate((s.rows + s.skipped) / Math.max(s.seconds, 1e-6));
  const skipped = s.skipped ? `; skipped ${formatCount(s.skipped)} bad row${s.skipped === 1 ? '' : 's'}, written to ${s.errorsPath}` : '';
  return `mlserve: scored ${formatCount(s.rows)} row${s.rows === 1 ? '' : 's'} in ${s.seconds.toFixed(2)} s (${rate} rows/s)${skipped}`;
}

/** A progress line on a terminal. */
export interface ProgressLine {
  update(p: BatchProgress): void;
  /** Erases the line and stops redrawing. */
  stop(): void;
}

/**
 * Draws progress on `stream` (a TTY) in place, at most REDRAWS_PER_SECOND times a second; a
 * timer keeps the elapsed time moving between batches.
 */
export function progressLine(stream: NodeJS.WriteStream, now: () => number = () => performance.now()): ProgressLine {
  const interval = 1000 / REDRAWS_PER_SECOND;
  let last: BatchProgress | undefined;
  let lastAt = now();
  let drawnAt = -Infinity;
  let drawn = false;
  const draw = (): void => {
    if (!last) return;
    const p = { ...last, elapsedMs: last.elapsedMs + (now() - lastAt) };
    const width = Math.max(20, (stream.columns || 80) - 1);
    stream.write(`\r\x1b[K${formatProgress(p).slice(0, width)}`);
    drawn = true;
    drawnAt = now();
  };
  const timer = setInterval(draw, interval);
  timer.unref();
  return {
    update(p) {
      last = p;
      lastAt = now();
      if (now() - drawnAt >= interval) draw();
    },
    stop() {
      clearInterval(timer);
      if (drawn) stream.write('\r\x1b[K');
    },
  };
}
