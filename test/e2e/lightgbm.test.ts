// `mlserve models serve` and `mlserve models predict` on an MLflow LightGBM model through the built CLI.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, spawnServe } from '../helpers/cli.js';
import { assertAnswer, LIGHTGBM_FIXTURES, readCase, requestBody } from '../helpers/lightgbm.js';
import { tempDir } from '../helpers/temp.js';

describe('mlserve CLI with a LightGBM model', () => {
  const dir = tempDir('mlserve-lightgbm-e2e-');
  const MULTICLASS = join(LIGHTGBM_FIXTURES, 'multiclass');

  it('models serve answers /invocations as LightGBM predicts, then exits 0 on SIGTERM', async () => {
    const { child, url, exited } = await spawnServe(['-m', MULTICLASS, '-p', '0']);
    try {
      const c = readCase('multiclass');
      const res = await fetch(`${url}/invocations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: requestBody(c) });
      assert.equal(res.status, 200);
      assertAnswer(await res.json(), c);
    } finally {
      child.kill('SIGTERM');
    }
    assert.equal(await exited, 0);
  });

  it('models predict scores a JSON file into a file, and CSV from stdin to stdout', async () => {
    const c = readCase('multiclass');
    const input = join(dir, 'in.json');
    const output = join(dir, 'out.json');
    writeFileSync(input, requestBody(c));
    const r = await runCli(['models', 'predict', '-m', MULTICLASS, '-i', input, '-o', output]);
    assert.equal(r.code, 0, r.stderr);
    assertAnswer(JSON.parse(readFileSync(output, 'utf8')), c);
    const csv = `${c.columns.join(',')}\n${[0, 1, 2].map((i) => c.data[i].map((v) => v ?? '').join(',')).join('\n')}\n`;
    const s = await runCli(['models', 'predict', '-m', MULTICLASS, '-t', 'csv'], csv);
    assert.equal(s.code, 0, s.stderr);
    assertAnswer(JSON.parse(s.stdout), c, [0, 1, 2]);
  });

  it('exits 1 naming the model file, the line and what was expected when the model text is truncated', async () => {
    const bad = join(dir, 'truncated');
    cpSync(MULTICLASS, bad, { recursive: true });
    const text = readFileSync(join(bad, 'model.lgb'), 'utf8');
    writeFileSync(join(bad, 'model.lgb'), text.slice(0, text.indexOf('leaf_value=', text.indexOf('Tree=5')) + 25));
    const r = await runCli(['models', 'serve', '-m', bad, '-p', '0']);
    assert.equal(r.code, 1);
    assert.ok(r.stderr.includes(join(bad, 'model.lgb')), r.stderr);
    assert.match(r.stderr, /line \d+: tree 5 \(Tree= line \d+\): leaf_value has 1 values, expected \d+ \(num_leaves\)/);
  });
});
