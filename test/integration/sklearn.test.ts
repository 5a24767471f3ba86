// scikit-learn models through real HTTP: MLflow's answers byte for byte, batching across requests,
// MLflow's errors for bad input, and the load-time refusal of what mlserve cannot evaluate.

import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { startServer } from '../helpers/server.js';
import { ROOT } from '../helpers/cli.js';
import { caseModelDir, readCaseRequest, readCaseResponse, sklearnCases, type SklearnCase } from '../helpers/sklearn-fixtures.js';

const temps: string[] = [];
after(() => temps.forEach((d) => rmSync(d, { recursive: true, force: true })));

function fixture(model: string, predictFn = 'predict', version = '1.6.1'): SklearnCase {
  const c = sklearnCases({ model, sklearnVersion: version }).find((x) => x.predictFn === predictFn);
  if (!c) throw new Error(`no fixture ${version}/${model}.${predictFn}`);
  return c;
}

async function post(url: string, body: string, type = 'application/json'): Promise<{ status: number; text: string }> {
  const res = await fetch(`${url}/invocations`, { method: 'POST', headers: { 'content-type': type }, body });
  return { status: res.status, text: await res.text() };
}

describe('scikit-learn models through HTTP', () => {
  for (const [model, fn] of [
    ['onehot-ignore', 'predict'],
    ['logistic-binary-str', 'predict'],
    ['column-transformer-remainder-passthrough', 'predict_proba'],
  ] as const) {
    it(`${model} (${fn}) answers what MLflow's scoring server answers`, async () => {
      const c = fixture(model, fn);
      const server = await startServer(caseModelDir(c), { workers: 1 });
      try {
        assert.equal(server.model.flavor, 'sklearn');
        const { status, text } = await post(server.url, readCaseRequest(c));
        assert.equal(status, 200, text);
        if (c.compare?.kind === 'exact') assert.equal(text, readCaseResponse(c));
        else {
          const got = (JSON.parse(text) as { predictions: number[][] }).predictions.flat();
          const want = (JSON.parse(readCaseResponse(c)!) as { predictions: number[][] }).predictions.flat();
          assert.equal(got.length, want.length);
          got.forEach((g, i) => assert.ok(Math.abs(g - want[i]) <= 1e-12 + 1e-9 * Math.abs(want[i]), `${i}: ${g} vs ${want[i]}`));
        }
      } finally {
        await server.close();
      }
    });
  }

  it('merges concurrent requests into one model call and gives each its own rows', async () => {
    const c = fixture('onehot-ignore');
    const server = await startServer(caseModelDir(c), { workers: 1, maxBatchDelayMs: 20 });
    try {
      assert.equal(server.model.batching, true);
      const split = (JSON.parse(readCaseRequest(c)) as { dataframe_split: { columns: string[]; data: unknown[][] } }).dataframe_split;
      const all = (JSON.parse(readCaseResponse(c)!) as { predictions: number[] }).predictions;
      const answers = await Promise.all(split.data.map((row) => post(server.url, JSON.stringify({ dataframe_split: { columns: split.columns, data: [row] } }))));
      answers.forEach((a, i) => assert.equal(a.text, `{"predictions": [${all[i]}]}`));
      const batches = (await (await fetch(`${server.url}/metrics`)).text()).match(/^mlserve_batch_requests_count (\d+)/m);
      assert.ok(batches && Number(batches[1]) < split.data.length, `requests were merged (${batches?.[1]} batches)`);
    } finally {
      await server.close();
    }
  });

  it("answers input scikit-learn rejects with MLflow's generic 400, and schema errors as MLflow does", async () => {
    const c = fixture('logistic-binary');
    // Without a signature, the DataFrame reaches the model as sent: scikit-learn checks the feature names.
    const dir = mkdtempSync(join(tmpdir(), 'mlserve-sklearn-int-'));
    temps.push(dir);
    cpSync(caseModelDir(c), dir, { recursive: true });
    const mlmodel = parse(readFileSync(join(dir, 'MLmodel'), 'utf8')) as Record<string, unknown>;
    delete mlmodel.signature;
    delete mlmodel.saved_input_example_info;
    writeFileSync(join(dir, 'MLmodel'), stringify(mlmodel));
    const server = await startServer(dir, { workers: 1 });
    try {
      const swapped = await post(server.url, JSON.stringify({ dataframe_split: { columns: ['f1', 'f0', 'f2', 'f3'], data: [[1, 2, 3, 4]] } }));
      assert.equal(swapped.status, 400);
      const body = JSON.parse(swapped.text) as { error_code: string; message: string };
      assert.equal(body.error_code, 'BAD_REQUEST');
      assert.match(body.message, /Encountered an unexpected error while evaluating the model/);
      const text = await post(server.url, JSON.stringify({ dataframe_split: { columns: ['f0', 'f1', 'f2', 'f3'], data: [['a', 2, 3, 4]] } }));
      assert.equal(text.status, 400);
      const ok = await post(server.url, 'f0,f1,f2,f3\n1,2,3,4\n', 'text/csv');
      assert.equal(ok.status, 200, ok.text);
    } finally {
      await server.close();
    }
    const signed = await startServer(caseModelDir(c), { workers: 1 });
    try {
      const missing = await post(signed.url, JSON.stringify({ dataframe_split: { columns: ['f0'], data: [[1]] } }));
      assert.equal(missing.status, 400);
      assert.match(missing.text, /Model is missing inputs \['f1', 'f2', 'f3'\]/);
    } finally {
      await signed.close();
    }
  });

  it('refuses at start-up a model holding classes it cannot evaluate, naming each with its step and the way to serve it', async () => {
    const c = fixture('custom-class-code-paths');
    await assert.rejects(startServer(caseModelDir(c), { workers: 1, engine: 'native' }), (err: Error) => {
      assert.equal(err.name, 'UnsupportedModelError');
      assert.match(err.message, /class custom_steps\.ClipAbove at step prep\/clip/);
      assert.match(err.message, /--engine python/);
      return true;
    });
  });

  it("answers the README's scikit-learn example as the README shows", async () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const serve = /npx mlserve models serve -m (\S+) -p 5003/.exec(readme);
    const example = /curl -s localhost:5003\/invocations[^\n]*\\\n\s*-d '([^']+)'\n# (\{[^\n]*\})/.exec(readme);
    assert.ok(serve && example, 'the README has the sklearn example');
    const server = await startServer(join(ROOT, serve[1]), { workers: 1 });
    try {
      const { status, text } = await post(server.url, example[1]);
      assert.equal(status, 200, text);
      assert.equal(text, example[2]);
    } finally {
      await server.close();
    }
  });
});
