import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Readable, Writable } from 'node:stream';
import { loadModel, type LoadedModel } from '../model/load.js';
import { InvalidOptionsError, ServingError } from '../errors.js';
import { makeModel } from '../../test/helpers/model-dir.js';
import { checkBatchOptions, predictBatch, type BatchProgress, type PredictBatchOptions } from './predict.js';
import { tempDir } from '../../test/helpers/temp.js';

const LINEAR = join(dirname(fileURLToPath(import.meta.url)), '../../../examples/js-linear');

function csvRows(n: number): string {
  let text = 'x1,x2\n';
  for (let i = 0; i < n; i++) text += `${i},${i % 7}.5\n`;
  return text;
}

/** A Writable that keeps what it is given. */
function collector(): Writable & { text(): string } {
  const parts: Buffer[] = [];
  const w = new Writable({ write: (chunk, _enc, cb) => void (parts.push(chunk as Buffer), cb()) });
  return Object.assign(w, { text: () => Buffer.concat(parts).toString() });
}

describe('predictBatch', () => {
  let model: LoadedModel;
  let dir: string;
  before(async () => {
    model = await loadModel(LINEAR);
    dir = tempDir('mlserve-batch-');
  });
  after(() => model.close());

  const run = (options: Partial<PredictBatchOptions> & Pick<PredictBatchOptions, 'input' | 'output'>) => predictBatch(model, { inputFormat: 'csv', ...options });

  it('writes the same MLflow JSON whatever the batch size, reporting progress after each batch', async () => {
    const input = join(dir, 'in.csv');
    writeFileSync(input, csvRows(25));
    const whole = collector();
    await run({ input: { path: input }, output: { stream: whole } });
    const events: BatchProgress[] = [];
    const out = join(dir, 'out.json');
    const summary = await run({ input: { path: input }, output: { path: out }, batchSize: 4, onProgress: (p) => events.push(p) });
    assert.equal(readFileSync(out, 'utf8'), whole.text());
    assert.match(whole.text(), /^\{"predictions": \[-1\.0, -2\.0, /);
    assert.equal(summary.rows, 25);
    assert.deepEqual(events.map((e) => e.rowsDone), [4, 8, 12, 16, 20, 24, 25]);
    assert.ok(events.every((e) => e.totalBytes === readFileSync(input).length && e.bytesRead! <= e.totalBytes!));
  });

  it('reads a stream and writes JSON lines and CSV with the input columns', async () => {
    const jsonl = collector();
    await run({ input: { stream: Readable.from(['x1,x2\n1,2\n', '3,4\n']) }, output: { stream: jsonl }, outputFormat: 'jsonl', keepColumns: true });
    assert.equal(jsonl.text(), '{"x1": 1.0, "x2": 2.0, "y": -3.5}\n{"x1": 3.0, "x2": 4.0, "y": -5.5}\n');
    const csv = collector();
    await run({ input: { stream: Readable.from(['{"x1": 1, "x2": 2}\n']) }, inputFormat: 'jsonl', output: { stream: csv }, outputFormat: 'csv' });
    assert.equal(csv.text(), 'y\n-3.5\n');
  });

  it('round-trips Parquet: predictions with kept columns, read back as input', async () => {
    const input = join(dir, 'pq.csv');
    writeFileSync(input, csvRows(30));
    const pq = join(dir, 'out.parquet');
    await run({ input: { path: input }, output: { path: pq }, outputFormat: 'parquet', keepColumns: true, batchSize: 7 });
    const events: BatchProgress[] = [];
    const back = collector();
    await run({ input: { path: pq }, inputFormat: 'parquet', output: { stream: back }, outputFormat: 'csv', keepColumns: true, batchSize: 8, onProgress: (p) => events.push(p) });
    const lines = back.text().trim().split('\n');
    assert.equal(lines[0], 'x1,x2,y,y_prediction');
    assert.equal(lines.length, 31);
    assert.ok(lines.slice(1).every((l) => { const [, , y, again] = l.split(','); return y === again; }), lines.join('\n'));
    assert.deepEqual(events.map((e) => e.totalRows), [30, 30, 30, 30]);
  });

  it('stops at the first bad row naming its line and column, and leaves no output file', async () => {
    const input = join(dir, 'bad.csv');
    writeFileSync(input, 'x1,x2\n1,2\n3,4\n5,oops\n7,8\n9,no\n');
    await assert.rejects(run({ input: { path: input }, output: { path: join(dir, 'missing-dir', 'o.json') } }), /Cannot write/);
    const sub = mkdtempSync(join(dir, 'fail-'));
    await assert.rejects(run({ input: { path: input }, output: { path: join(sub, 'out.json') }, batchSize: 100 }), (err: unknown) => {
      assert.ok(err instanceof ServingError);
      assert.match(err.message, /^Bad input at line 4, column 'x2': could not convert string to float: 'oops'/);
      return true;
    });
    assert.deepEqual(readdirSync(sub), []);
  });

  it('with onError skip writes bad rows to the errors file and the rest to the output', async () => {
    const input = join(dir, 'skip.csv');
    writeFileSync(input, 'x1,x2\n1,2\n3,4\n5,oops\n7,8,9\n9,10\n');
    const out = join(dir, 'skip.csv.out');
    const summary = await run({ input: { path: input }, output: { path: out }, outputFormat: 'csv', onError: 'skip', batchSize: 100 });
    assert.deepEqual([summary.rows, summary.skipped, summary.errorsPath], [3, 2, `${out}.errors.csv`]);
    assert.equal(readFileSync(out, 'utf8'), 'y\n-3.5\n-5.5\n-11.5\n');
    assert.equal(
      readFileSync(`${out}.errors.csv`, 'utf8'),
      "_line,_column,_error,x1,x2\n4,x2,could not convert string to float: 'oops',5,oops\n5,,\"Error tokenizing data. C error: Expected 2 fields in line 5, saw 3\",7,8,9\n",
    );
  });

  it('names the row of a signature mismatch in JSON lines and of a model failure', async () => {
    const out = collector();
    await assert.rejects(
      run({ input: { stream: Readable.from(['{"x1": 1, "x2": 2}\n\n{"x1": 1}\n']) }, inputFormat: 'jsonl', output: { stream: out }, batchSize: 1 }),
      /Bad input at line 3, column 'x2': Model is missing inputs \['x2'\]/,
    );
    const picky = await loadModel(makeModel({ source: 'export function predict(f) { const x = f.column("x"); if (x.some((v) => v < 0)) throw new RangeError("negative x"); return x; }\n' }));
    try {
      const errors = join(dir, 'picky.errors.jsonl');
      const kept = collector();
      const summary = await predictBatch(picky, { input: { stream: Readable.from(['{"x": 1.0}\n{"x": -1.0}\n{"x": 2.0}\n']) }, inputFormat: 'jsonl', output: { stream: kept }, onError: 'skip', errorsPath: errors });
      assert.equal(kept.text(), '{"predictions": [1.0, 2.0]}');
      assert.equal(summary.skipped, 1);
      assert.equal(readFileSync(errors, 'utf8'), '{"line": 2, "column": null, "error": "the model raised RangeError: negative x", "input": "{\\"x\\": -1.0}"}\n');
    } finally {
      await picky.close();
    }
  });

  it('stops between batches when aborted, leaving no output file', async () => {
    const input = join(dir, 'abort.csv');
    writeFileSync(input, csvRows(10));
    const sub = mkdtempSync(join(dir, 'abort-'));
    const ac = new AbortController();
    await assert.rejects(run({ input: { path: input }, output: { path: join(sub, 'o.json') }, batchSize: 2, signal: ac.signal, onProgress: () => ac.abort() }), /Interrupted/);
    assert.deepEqual(readdirSync(sub), []);
  });

  it('reports every problem of an inconsistent set of options', async () => {
    const problems = checkBatchOptions({ input: { path: 'a.json' }, inputFormat: 'json', output: { stream: process.stdout }, keepColumns: true, onError: 'skip', batchSize: 0 });
    assert.equal(problems.length, 4, problems.join('\n'));
    assert.deepEqual(checkBatchOptions({ input: { path: 'x.csv' }, inputFormat: 'csv', output: { path: './x.csv' } }), ['The output path is the input path; the input would be overwritten.']);
    await assert.rejects(run({ input: { path: 'a.csv' }, output: { stream: process.stdout }, batchSize: -1 }), InvalidOptionsError);
  });
});
