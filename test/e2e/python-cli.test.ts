// The Python engine through the built CLI: the start-up line, worker output in the log, SIGTERM, and `models predict` against `mlflow models predict`.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { runCli, spawnServe, type CliRun } from '../helpers/cli.js';
import { mlflowPython, pythonScratch, PY_MODELS } from '../helpers/mlflow-venv.js';

const py = mlflowPython();
const python = 'python' in py ? py.python : '';

/** Pids of live processes whose command line mentions `text`. */
function processesMentioning(text: string): number[] {
  const found: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (readFileSync(`/proc/${name}/cmdline`, 'utf8').includes(text)) found.push(Number(name));
    } catch {
      // Gone while we looked.
    }
  }
  return found;
}

/** Runs the built CLI in `cwd` to completion. */
const run = (args: string[], cwd: string): Promise<CliRun> => runCli(args, undefined, process.env, cwd);

const CSV = 'sepal_length,sepal_width,petal_length,petal_width,site\n5.1,3.5,1.4,0.2,north\n6.7,3.0,5.2,2.3,south\n5.9,3.0,4.2,1.5,east\n';

describe('the Python engine from the command line', { skip: 'skip' in py ? py.skip : false }, () => {
  let scratch: ReturnType<typeof pythonScratch>;
  before(() => {
    scratch = pythonScratch();
  });
  after(() => scratch?.cleanup());

  it('says which engine serves the model, logs worker output prefixed and bounded, and stops its workers on SIGTERM', async (t) => {
    // A copy in this test's own folder: its path names this server's workers alone among running processes.
    const model = join(scratch.dir, 'print-model');
    cpSync(join(PY_MODELS, 'print'), model, { recursive: true });
    const serve = await spawnServe(['-m', model, '-p', '0', '--python', python], process.env, scratch.dir);
    // Stopped even when an assertion below fails (a second kill after it exited does nothing).
    t.after(() => void serve.child.kill('SIGTERM'));
    assert.match(serve.stderr(), /INFO  engine python \(flavors \[python_function\]: none runs natively\)\n[^]*ready in [\d.]+ s: serving \S+ \(python_function, engine python, 1 worker\)/);
    assert.match(serve.stderr(), /\[python worker 0\] print model: loaded\n/);
    for (let i = 0; i < 2; i++) {
      const res = await fetch(`${serve.url}/invocations`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"dataframe_records": [{"x": 1}]}' });
      assert.equal(await res.text(), '{"predictions": [{"x": 2.0}]}');
    }
    serve.child.kill('SIGTERM');
    assert.equal(await serve.exited, 0);
    const log = serve.stderr();
    // Each worker line is one log line at info: `<time> INFO  [python worker 0] ...`.
    const has = (line: string): void => assert.ok(log.includes(` INFO  ${line}\n`), `the log lacks the line ${JSON.stringify(line.slice(0, 60))}`);
    has('[python worker 0] print model: predicting 1 rows');
    has('[python worker 0] print model: to stderr');
    // 20,000 characters without a newline: cut at 8,192 with a mark.
    has(`[python worker 0] ${'L'.repeat(8192)} [line continues]`);
    has(`[python worker 0] ${'L'.repeat(20000 - 2 * 8192)}`);
    // A line the model never ended is joined with the next output, then flushed when the worker stops.
    has('[python worker 0] no newlineprint model: predicting 1 rows');
    has('[python worker 0] no newline');
    assert.deepEqual(processesMentioning(model), []);
  });

  it('scores a CSV file as `mlflow models predict` does, byte for byte', async () => {
    const input = join(scratch.dir, 'in.csv');
    writeFileSync(input, CSV);
    const model = join(PY_MODELS, 'sklearn_pipeline');
    const ours = await run(['models', 'predict', '-m', model, '-i', input, '-t', 'csv', '--engine', 'python', '--python', python], scratch.dir);
    assert.equal(ours.code, 0, ours.stderr);
    assert.match(ours.stderr, /INFO  engine python \(requested with --engine python\)/);
    const theirs = spawnSync(join(dirname(python), 'mlflow'), ['models', 'predict', '-m', model, '-i', input, '-t', 'csv', '--env-manager', 'local'], { cwd: scratch.dir, encoding: 'utf8' });
    assert.equal(theirs.status, 0, theirs.stderr);
    assert.equal(ours.stdout, theirs.stdout.trim().split('\n').pop());
  });

  it('writes the Python engine\'s answers in other formats too', async () => {
    const input = join(scratch.dir, 'in2.csv');
    writeFileSync(input, CSV);
    const r = await run(['models', 'predict', '-m', join(PY_MODELS, 'sklearn_pipeline'), '-i', input, '--output-format', 'jsonl', '--engine', 'python', '--python', python], scratch.dir);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.stdout.trim().split('\n').map(Number).length, 3);
  });

  it('refuses an unknown --engine', async () => {
    const r = await run(['models', 'serve', '-m', join(PY_MODELS, 'print'), '--engine', 'fast'], scratch.dir);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /Invalid value for --engine: 'fast'\. Must be one of auto, native, python\./);
  });
});
