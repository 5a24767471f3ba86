// `mlserve models predict` end to end through the built CLI: formats, pipes, Parquet, bad rows, atomic output.

import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parquetReadObjects } from 'hyparquet';
import { makeModel } from '../helpers/model-dir.js';
import { tempDir } from '../helpers/temp.js';
import { BIN } from '../helpers/cli.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const LINEAR = join(ROOT, 'examples/js-linear');
const MULTI_OUT = join(ROOT, 'test/fixtures/onnx/multi_out');

interface Run { code: number | null; stdout: string; stdoutBytes: Buffer; stderr: string }

/** Runs `mlserve models predict <args>` to completion, with optional standard input. */
function predict(args: string[], stdin?: string | Buffer): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, 'models', 'predict', ...args], { cwd: ROOT });
    const out: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => {
      const stdoutBytes = Buffer.concat(out);
      resolve({ code, stdout: stdoutBytes.toString(), stdoutBytes, stderr });
    });
    child.stdin.end(stdin);
  });
}

/** y = 2*x1 - 3*x2 + 0.5 (examples/js-linear) over rows x1 = i, x2 = i % 5. */
function linearCsv(n: number): { csv: string; predictions: number[] } {
  let csv = 'x1,x2\n';
  const predictions: number[] = [];
  for (let i = 0; i < n; i++) {
    csv += `${i},${i % 5}\n`;
    predictions.push(2 * i - 3 * (i % 5) + 0.5);
  }
  return { csv, predictions };
}

/** Parquet rows of a file's bytes. */
function parquetRows(bytes: Buffer): Promise<Record<string, unknown>[]> {
  return parquetReadObjects({ file: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer });
}

const SUMMARY = /^mlserve: scored [\d,]+ rows? in \d+\.\d\d s \([\d.]+[kM]? rows\/s\)/m;

describe('mlserve models predict', () => {
  let dir: string;
  before(() => {
    dir = tempDir('mlserve-predict-e2e-');
  });

  it('predicts a JSON file to a file, and CSV from stdin to stdout, as MLflow writes them', async () => {
    const input = join(dir, 'in put.json');
    writeFileSync(input, '{"dataframe_split": {"columns": ["x1", "x2"], "data": [[1, 2], [3, 4]]}}');
    const out = join(dir, 'out.json');
    const r = await predict(['-m', LINEAR, '-i', input, '-o', out]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(readFileSync(out, 'utf8'), '{"predictions": [-3.5, -5.5]}');
    assert.match(r.stderr, SUMMARY);
    const c = await predict(['-m', LINEAR, '-t', 'csv'], 'x1,x2\n1,2\n');
    assert.equal(c.code, 0, c.stderr);
    assert.equal(c.stdout, '{"predictions": [-3.5]}');
  });

  it('fails cleanly on bad input, a bad content type and a missing file', async () => {
    const sub = mkdtempSync(join(dir, 'bad-'));
    mkdirSync(join(sub, 'x'));
    const out = join(sub, 'out.json');
    const bad = await predict(['-m', LINEAR, '-o', out], '{"dataframe_records": [{"x1": 1}]}');
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /Model is missing inputs \['x2'\]/);
    assert.deepEqual(readdirSync(sub), ['x']);
    const throwing = makeModel({ source: 'export function predict() { throw new TypeError("weights do not fit"); }\n' });
    const raised = await predict(['-m', throwing, '-o', out], '{"inputs": [1]}');
    assert.equal(raised.code, 1);
    assert.match(raised.stderr, /Encountered an unexpected error while evaluating the model\..* The model raised TypeError: weights do not fit/);
    const directory = await predict(['-m', LINEAR, '-t', 'csv', '-o', join(sub, 'x')], 'x1,x2\n1,2\n');
    assert.equal(directory.code, 1);
    assert.match(directory.stderr, /is a directory/);
    const t = await predict(['-m', LINEAR, '-t', 'invalid']);
    assert.equal(t.code, 2);
    assert.match(t.stderr, /Content type must be one of json or csv\./);
    const missing = await predict(['-m', LINEAR, '-i', 'in.json"; echo ThisIsABug! "']);
    assert.notEqual(missing.code, 0);
    assert.doesNotMatch(missing.stdout, /ThisIsABug/);
    assert.match(missing.stderr, /does not exist/);
  });

  it('reads CSV, JSON lines and Parquet, choosing the format from the extension when -t is absent', async () => {
    const { csv, predictions } = linearCsv(5);
    const expected = `{"predictions": [${predictions.map((p) => p.toFixed(1)).join(', ')}]}`;
    const csvPath = join(dir, 'five.csv');
    writeFileSync(csvPath, csv);
    const jsonlPath = join(dir, 'five.jsonl');
    writeFileSync(jsonlPath, csv.trim().split('\n').slice(1).map((l) => `{"x1": ${l.split(',')[0]}, "x2": ${l.split(',')[1]}}`).join('\n') + '\n');
    const pqPath = join(dir, 'five.parquet');
    const toPq = await predict(['-m', LINEAR, '-i', csvPath, '-o', pqPath, '--keep-columns']);
    assert.equal(toPq.code, 0, toPq.stderr);
    for (const args of [['-i', csvPath], ['-i', csvPath, '-t', 'csv'], ['-i', jsonlPath], ['-t', 'jsonl', '-i', jsonlPath], ['-i', pqPath]]) {
      const r = await predict(['-m', LINEAR, ...args]);
      assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
      assert.equal(r.stdout, expected, args.join(' '));
    }
  });

  it('writes JSON lines, CSV and Parquet with one row per input row, input columns first with --keep-columns', async () => {
    const csv = 'x1,x2\n1,2\n3,4\n';
    const jsonl = await predict(['-m', LINEAR, '-t', 'csv', '--output-format', 'jsonl'], csv);
    assert.equal(jsonl.stdout, '-3.5\n-5.5\n');
    const kept = await predict(['-m', LINEAR, '-t', 'csv', '--output-format', 'jsonl', '--keep-columns'], csv);
    assert.equal(kept.stdout, '{"x1": 1.0, "x2": 2.0, "y": -3.5}\n{"x1": 3.0, "x2": 4.0, "y": -5.5}\n');
    const table = await predict(['-m', LINEAR, '-t', 'csv', '--output-format', 'csv', '--keep-columns'], csv);
    assert.equal(table.stdout, 'x1,x2,y\n1.0,2.0,-3.5\n3.0,4.0,-5.5\n');
    const out = join(dir, 'kept.parquet');
    const pq = await predict(['-m', LINEAR, '-t', 'csv', '-o', out, '--keep-columns'], csv);
    assert.equal(pq.code, 0, pq.stderr);
    assert.deepEqual(await parquetRows(readFileSync(out)), [
      { x1: 1, x2: 2, y: -3.5 },
      { x1: 3, x2: 4, y: -5.5 },
    ]);
  });

  it('pipes Parquet through standard input and output', async () => {
    const pq = join(dir, 'pipe.parquet');
    assert.equal((await predict(['-m', LINEAR, '-t', 'csv', '-o', pq, '--keep-columns'], 'x1,x2\n1,2\n5,6\n')).code, 0);
    const r = await predict(['-m', LINEAR, '-t', 'parquet', '--output-format', 'parquet'], readFileSync(pq));
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(await parquetRows(r.stdoutBytes), [{ y: -3.5 }, { y: -7.5 }]);
  });

  it('writes the predictions of a multi-output ONNX model as one column per output', async () => {
    const csv = 'a,b\n1.5,2\n-3,-4\n';
    const jsonl = await predict(['-m', MULTI_OUT, '-t', 'csv', '--output-format', 'jsonl'], csv);
    assert.equal(jsonl.code, 0, jsonl.stderr);
    assert.equal(jsonl.stdout, '{"doubled": [3.0, 4.0], "total": 3.5, "positive": true}\n{"doubled": [-6.0, -8.0], "total": -7.0, "positive": false}\n');
    const table = await predict(['-m', MULTI_OUT, '-t', 'csv', '--output-format', 'csv', '--batch-size', '1'], csv);
    assert.equal(table.stdout, 'doubled,total,positive\n"[3.0, 4.0]",3.5,True\n"[-6.0, -8.0]",-7.0,False\n');
  });

  it('streams a large CSV in batches: the same bytes as one batch, one summary line and no progress redraws off a terminal', async () => {
    const { csv, predictions } = linearCsv(30_000);
    const input = join(dir, 'large.csv');
    writeFileSync(input, csv);
    const small = await predict(['-m', LINEAR, '-i', input, '--batch-size', '1000']);
    const whole = await predict(['-m', LINEAR, '-i', input, '--batch-size', '100000']);
    assert.equal(small.code, 0, small.stderr);
    assert.equal(small.stdout, whole.stdout);
    assert.deepEqual(JSON.parse(small.stdout).predictions, predictions);
    assert.match(small.stderr, /^mlserve: scored 30,000 rows in \d+\.\d\d s \([\d.]+k? rows\/s\)\n$/);
    assert.doesNotMatch(small.stderr, /[\r\x1b]/);
  });

  it('stops at the first bad row with exit 1, naming its line and column, and leaves no output file', async () => {
    const sub = mkdtempSync(join(dir, 'fail-'));
    const out = join(sub, 'out.csv');
    const cell = await predict(['-m', LINEAR, '-t', 'csv', '-o', out, '--output-format', 'csv', '--batch-size', '2'], 'x1,x2\n1,2\n3,4\n5,6\n7,eight\n9,10\n');
    assert.equal(cell.code, 1);
    assert.match(cell.stderr, /^Error: Bad input at line 5, column 'x2': could not convert string to float: 'eight'/m);
    assert.equal(existsSync(out), false);
    assert.deepEqual(readdirSync(sub), []);
    const width = await predict(['-m', LINEAR, '-t', 'csv'], 'x1,x2\n1,2\n3,4,5\n');
    assert.equal(width.code, 1);
    assert.match(width.stderr, /Bad input at line 3: .*Expected 2 fields in line 3, saw 3/);
    const json = await predict(['-m', LINEAR, '-t', 'jsonl'], '{"x1": 1, "x2": 2}\n{"x1": 1, "x2": }\n');
    assert.equal(json.code, 1);
    assert.match(json.stderr, /Bad input at line 2: Invalid JSON at column 17: Expecting value/);
    const type = await predict(['-m', LINEAR, '-t', 'jsonl'], '{"x1": 1, "x2": 2}\n{"x1": [1], "x2": 2}\n');
    assert.equal(type.code, 1);
    assert.match(type.stderr, /Bad input at line 2, column 'x1': /);
  });

  it('with --on-error skip writes bad rows to a side file and goes on', async () => {
    const sub = mkdtempSync(join(dir, 'skip-'));
    const input = join(sub, 'in.csv');
    writeFileSync(input, 'x1,x2\n1,2\n3,x\n5,6\n7,8,9\n9,10\n');
    const out = join(sub, 'out.csv');
    const r = await predict(['-m', LINEAR, '-i', input, '-o', out, '--output-format', 'csv', '--on-error', 'skip', '--batch-size', '4']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(readFileSync(out, 'utf8'), 'y\n-3.5\n-7.5\n-11.5\n');
    assert.equal(
      readFileSync(`${out}.errors.csv`, 'utf8'),
      "_line,_column,_error,x1,x2\n3,x2,could not convert string to float: 'x',3,x\n5,,\"Error tokenizing data. C error: Expected 2 fields in line 5, saw 3\",7,8,9\n",
    );
    assert.match(r.stderr, /scored 3 rows .*; skipped 2 bad rows, written to .*out\.csv\.errors\.csv/);
    const errors = join(sub, 'bad.jsonl');
    const piped = await predict(['-m', LINEAR, '-t', 'jsonl', '--on-error', 'skip', '--errors-path', errors], '{"x1": 1, "x2": 2}\nnot json\n');
    assert.equal(piped.code, 0, piped.stderr);
    assert.equal(piped.stdout, '{"predictions": [-3.5]}');
    assert.equal(readFileSync(errors, 'utf8'), '{"line": 2, "column": null, "error": "Invalid JSON at column 1: Expecting value", "input": "not json"}\n');
  });

  it('rejects inconsistent flags with exit 2 before loading the model', async () => {
    const cases: [string[], RegExp][] = [
      [['--keep-columns'], /--keep-columns needs --output-format csv, jsonl or parquet/],
      [['-t', 'csv', '--on-error', 'skip'], /--on-error skip with standard output needs --errors-path/],
      [['--on-error', 'skip'], /needs row-wise input/],
      [['--output-format', 'xml'], /--output-format must be one of json, jsonl, csv, parquet/],
      [['--batch-size', '0'], /--batch-size must be a positive integer/],
      [['--batch-size', 'many'], /--batch-size: 'many' is not an integer/],
      [['--on-error', 'ignore'], /--on-error must be fail or skip/],
    ];
    for (const [args, message] of cases) {
      const r = await predict(['-m', '/nonexistent/model', ...args], '');
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message);
    }
  });

  it("reads CSV rows as a model's single named tensor input (examples/iris), and stops at the header when the columns cannot fill it", async () => {
    const IRIS = join(ROOT, 'examples/iris');
    const ok = await predict(['-m', IRIS, '-t', 'csv'], 'sepal_length,sepal_width,petal_length,petal_width\n5.1,3.5,1.4,0.2\n6.7,3.0,5.2,2.3\n');
    assert.equal(ok.code, 0, ok.stderr);
    assert.deepEqual(JSON.parse(ok.stdout).predictions.label, [0, 2]);
    assert.match(ok.stderr, /scored 2 rows/);
    const sub = mkdtempSync(join(dir, 'iris-'));
    const errors = join(sub, 'bad.jsonl');
    for (const extra of [[], ['--on-error', 'skip', '--errors-path', errors]]) {
      const narrow = await predict(['-m', IRIS, '-t', 'csv', '-o', join(sub, 'out.json'), ...extra], 'a,b,c\n1,2,3\n4,5,6\n');
      assert.equal(narrow.code, 1, narrow.stderr);
      assert.match(narrow.stderr, /^Error: Model is missing inputs \['input'\]\. The CSV header has 3 columns \['a', 'b', 'c'\], and the model's single input 'input' is a float32 tensor of shape \(-1, 4\): send 4 columns/);
      assert.doesNotMatch(narrow.stderr, /line 2/);
    }
    assert.deepEqual(readdirSync(sub), []);
  });

  it('fails with --on-error skip when every row is bad: the errors file is written, no output, exit 1', async () => {
    const sub = mkdtempSync(join(dir, 'allbad-'));
    const r = await predict(['-m', LINEAR, '-t', 'csv', '-o', join(sub, 'out.csv'), '--output-format', 'csv', '--on-error', 'skip'], 'x1,x2\none,2\ntwo,3\n');
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /No row could be scored: all 2 rows were bad, written to .*out\.csv\.errors\.csv\. The first: Bad input at line 2, column 'x1'/);
    assert.deepEqual(readdirSync(sub), ['out.csv.errors.csv']);
  });

  it('counts the rows of an instances or inputs document in the summary, not the requests', async () => {
    const input = join(dir, 'instances.json');
    writeFileSync(input, '{"instances": [{"x1": 1, "x2": 2}, {"x1": 3, "x2": 4}, {"x1": 5, "x2": 6}]}');
    const r = await predict(['-m', LINEAR, '-i', input]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /^mlserve: scored 3 rows in /);
    const one = await predict(['-m', LINEAR], '{"dataframe_records": [{"x1": 1, "x2": 2}]}');
    assert.match(one.stderr, /^mlserve: scored 1 row in /);
  });

  it('says there is no input for empty standard input, and names a missing output folder before loading the model', async () => {
    for (const format of ['json', 'csv', 'jsonl']) {
      const empty = await predict(['-m', LINEAR, '-t', format], '');
      assert.equal(empty.code, 1, format);
      assert.equal(empty.stderr, 'Error: No input: standard input was empty. Pass -i <file>, or pipe a file into mlserve (mlserve models predict -m <model> < input.json).\n', format);
    }
    const nowhere = join(dir, 'no-such-folder', 'out.json');
    const r = await predict(['-m', '/nonexistent/model', '-o', nowhere], '{"inputs": [1]}');
    assert.equal(r.code, 1);
    assert.equal(r.stderr, `Error: Cannot write ${nowhere}: the folder ${dirname(nowhere)} does not exist. Create it first, or choose another path.\n`);
  });

  it('leaves no onnxruntime mat-debug-<pid>.log in the temporary folder or the working folder', async () => {
    const tmp = mkdtempSync(join(dir, 'tmp-'));
    const cwd = mkdtempSync(join(dir, 'cwd-'));
    const env: NodeJS.ProcessEnv = { ...process.env, TMPDIR: tmp };
    delete env.ORT_DISABLE_TELEMETRY;
    const code = await new Promise<number | null>((resolve) => {
      const child = spawn(process.execPath, [BIN, 'models', 'predict', '-m', join(ROOT, 'examples/iris'), '-o', join(cwd, 'out.json')], { cwd, env });
      child.on('close', resolve);
      child.stdin.end('{"inputs": [[5.1, 3.5, 1.4, 0.2]]}');
    });
    assert.equal(code, 0);
    assert.deepEqual(readdirSync(tmp), []);
    assert.deepEqual(readdirSync(cwd), ['out.json']);
  });

  it("scores with a JavaScript model that imports 'mlserve' from a folder outside the checkout", async () => {
    const model = tempDir('mlserve-outside-');
    writeFileSync(join(model, 'MLmodel'), 'flavors:\n  js_function:\n    entry: model.mjs\n');
    writeFileSync(join(model, 'model.mjs'), "import { Tensor } from 'mlserve';\nexport function predict() { return new Tensor('float64', [2], Float64Array.from([1, 2])); }\n");
    const r = await predict(['-m', model], '{"inputs": [1, 2]}');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '{"predictions": [1.0, 2.0]}');
  });
});
