import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatDuration, formatProgress, formatRate, formatSummary, progressLine } from './_progress.js';

describe('progress formatting', () => {
  it('formats rates, durations and counts for people', () => {
    assert.deepEqual([850, 45_210, 412_000, 1_250_000].map(formatRate), ['850', '45.2k', '412k', '1.25M']);
    assert.deepEqual([7, 724, 3723].map(formatDuration), ['0:07', '12:04', '1:02:03']);
  });

  it('shows rows, rate, elapsed time, and share done with an ETA when the input size is known', () => {
    assert.equal(formatProgress({ rowsDone: 120_000, rowsSkipped: 0, elapsedMs: 3000 }), 'scored 120,000 rows | 40.0k rows/s | 0:03 elapsed');
    assert.equal(
      formatProgress({ rowsDone: 250_000, rowsSkipped: 2, bytesRead: 25, totalBytes: 100, elapsedMs: 10_000 }),
      'scored 250,000 rows | 2 skipped | 25.0k rows/s | 0:10 elapsed | 25% | ETA 0:30',
    );
    assert.match(formatProgress({ rowsDone: 50, rowsSkipped: 0, totalRows: 200, elapsedMs: 1000 }), /25% \| ETA 0:03$/);
  });

  it('summarises a run in one line', () => {
    assert.equal(formatSummary({ rows: 1_000_000, skipped: 0, seconds: 2.41 }), 'mlserve: scored 1,000,000 rows in 2.41 s (415k rows/s)');
    assert.equal(formatSummary({ rows: 9, skipped: 1, seconds: 1, errorsPath: 'o.errors.csv' }), 'mlserve: scored 9 rows in 1.00 s (10 rows/s); skipped 1 bad row, written to o.errors.csv');
    assert.equal(formatSummary({ rows: 1, skipped: 0, seconds: 1 }), 'mlserve: scored 1 row in 1.00 s (1 rows/s)');
  });
});

describe('progressLine', () => {
  it('redraws in place at most four times a second and erases itself when stopped', () => {
    let now = 0;
    const writes: string[] = [];
    const stream = { columns: 200, write: (s: string) => writes.push(s) } as unknown as NodeJS.WriteStream;
    const line = progressLine(stream, () => now);
    const p = (rows: number) => ({ rowsDone: rows, rowsSkipped: 0, elapsedMs: now });
    line.update(p(1));
    now = 100;
    line.update(p(2));
    now = 300;
    line.update(p(3));
    line.stop();
    assert.equal(writes.length, 3);
    assert.match(writes[0], /^\r\x1b\[Kscored 1 row \|/);
    assert.match(writes[1], /^\r\x1b\[Kscored 3 rows/);
    assert.equal(writes[2], '\r\x1b[K');
  });
});
