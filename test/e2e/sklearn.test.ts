// The built CLI on scikit-learn model folders: `models predict` writes MLflow's answer, `models serve`
// serves it, and a model mlserve cannot evaluate stops `serve` with the reason and what to do.

import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, spawnServe } from '../helpers/cli.js';
import { caseModelDir, readCaseRequest, readCaseResponse, sklearnCases, SKLEARN_FIXTURES } from '../helpers/sklearn-fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'mlserve-sklearn-e2e-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const run = (args: string[], stdin?: string) => runCli(['models', ...args], stdin);

const proba = sklearnCases({ model: 'column-transformer-remainder-passthrough', sklearnVersion: '1.6.1' })[0];
const labels = sklearnCases({ model: 'onehot-ignore', sklearnVersion: '1.6.1', predictFn: 'predict' })[0];

describe('mlserve models predict / serve on scikit-learn folders', () => {
  it("predicts a request file to MLflow's exact answer", async () => {
    const input = join(SKLEARN_FIXTURES, labels.dir, 'request.json');
    const out = join(dir, 'out.json');
    const r = await run(['predict', '-m', caseModelDir(labels), '-i', input, '-o', out]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(readFileSync(out, 'utf8'), readCaseResponse(labels));
  });

  it('predicts CSV from standard input, strings and numbers by column', async () => {
    const split = (JSON.parse(readCaseRequest(labels)) as { dataframe_split: { columns: string[]; data: unknown[][] } }).dataframe_split;
    const csv = [split.columns.join(','), ...split.data.map((row) => row.map((v) => (typeof v === 'boolean' ? (v ? 'True' : 'False') : String(v))).join(','))].join('\n') + '\n';
    const r = await run(['predict', '-m', caseModelDir(labels), '-t', 'csv'], csv);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, readCaseResponse(labels));
  });

  it('serves a folder from the command line', async () => {
    const served = await spawnServe(['-m', caseModelDir(proba), '-p', '0', '-w', '1']);
    try {
      const res = await fetch(`${served.url}/invocations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: readCaseRequest(proba) });
      assert.equal(res.status, 200);
      const got = (JSON.parse(await res.text()) as { predictions: number[][] }).predictions.flat();
      const want = (JSON.parse(readCaseResponse(proba)!) as { predictions: number[][] }).predictions.flat();
      assert.equal(got.length, want.length);
      got.forEach((g, i) => assert.ok(Math.abs(g - want[i]) <= 1e-9 * Math.max(1, Math.abs(want[i]))));
    } finally {
      served.child.kill('SIGTERM');
      await served.exited;
    }
  });

  it('stops serve with the classes it cannot evaluate, their steps and what to do', async () => {
    const c = sklearnCases({ model: 'function-transformer-lambda', sklearnVersion: '1.6.1' })[0];
    const r = await run(['serve', '-m', caseModelDir(c), '-p', '0', '-w', '1', '--engine', 'native']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /<lambda> at step fn/);
    assert.match(r.stderr, /--engine python/);
    // With --engine auto the Python engine takes over; when it cannot (no MLflow in that interpreter), the error keeps both reasons.
    const auto = await run(['serve', '-m', caseModelDir(c), '-p', '0', '-w', '1', '--python', process.execPath]);
    assert.equal(auto.code, 1);
    assert.match(auto.stderr, /cannot evaluate this sklearn model natively \([^\n]*<lambda> at step fn[^\n]*\), and the Python engine could not take it: /);
  });
});
