// LightGBM models through real HTTP: MLflow's pyfunc answers (Booster.predict), worker threads and batching, MLflow's 400s.

import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startServer } from '../helpers/server.js';
import { assertAnswer, LIGHTGBM_FIXTURES, readCase, requestBody } from '../helpers/lightgbm.js';
import type { ServerHandle } from '../../src/serve.js';

const servers: ServerHandle[] = [];

async function serveFixture(name: string, options: Parameters<typeof startServer>[1] = {}): Promise<ServerHandle> {
  const server = await startServer(join(LIGHTGBM_FIXTURES, name), options);
  servers.push(server);
  return server;
}

async function invoke(server: ServerHandle, body: string, contentType = 'application/json'): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${server.url}/invocations`, { method: 'POST', headers: { 'content-type': contentType }, body });
  return { status: res.status, body: await res.json() };
}

describe('lightgbm models through HTTP', () => {
  after(async () => {
    for (const s of servers) await s.close();
  });

  for (const name of ['binary', 'multiclass', 'linear-tree', 'categorical-codes', 'int-columns', 'names-with-spaces', 'numpy-tensor', 'categorical-pandas', 'crlf']) {
    it(`${name}: answers every recorded row as LightGBM does (missing values, extremes, categories)`, async () => {
      const server = await serveFixture(name);
      assert.equal(server.model.flavor, 'lightgbm');
      const c = readCase(name);
      const res = await invoke(server, requestBody(c));
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assertAnswer(res.body, c);
    });
  }

  it('serves from worker threads with batching, each request getting its own rows back', async () => {
    const server = await serveFixture('multiclass', { workers: 2, batching: true });
    const c = readCase('multiclass');
    const rows = c.data.map((_, i) => i);
    const answers = await Promise.all(rows.map((i) => invoke(server, requestBody(c, [i]))));
    answers.forEach((res, i) => {
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assertAnswer(res.body, c, [i]);
    });
  });

  it('scores CSV requests', async () => {
    const server = await serveFixture('regression');
    const c = readCase('regression');
    const res = await invoke(server, `f0,f1,f2,f3,f4\n${c.data[0].join(',')}\n${c.data[1].join(',')}\n`, 'text/csv');
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assertAnswer(res.body, c, [0, 1]);
  });

  it("answers MLflow's 400 for a missing feature, with and without a signature", async () => {
    const signed = await invoke(await serveFixture('binary'), '{"dataframe_split": {"columns": ["f0", "f1", "f2", "f3"], "data": [[1, 2, 3, 4]]}}');
    assert.equal(signed.status, 400);
    assert.equal((signed.body as { error_code: string }).error_code, 'INVALID_PARAMETER_VALUE');
    assert.match((signed.body as { message: string }).message, /Model is missing inputs \['f4'\]/);
    const unsigned = await invoke(await serveFixture('no-signature'), '{"dataframe_split": {"columns": ["f0", "f1", "f2", "f3"], "data": [[1, 2, 3, 4]]}}');
    assert.equal(unsigned.status, 400);
    assert.equal((unsigned.body as { error_code: string }).error_code, 'BAD_REQUEST');
    assert.match((unsigned.body as { message: string }).message, /Encountered an unexpected error while evaluating the model/);
  });

  it('keeps serving after a bad request', async () => {
    const server = await serveFixture('no-signature');
    const bad = await invoke(server, '{"dataframe_split": {"columns": ["f0", "f1", "f2", "f3", "f4"], "data": [["a", 1, 2, 3, 4]]}}');
    assert.equal(bad.status, 400);
    const c = readCase('no-signature');
    const good = await invoke(server, requestBody(c, [0]));
    assert.equal(good.status, 200);
    assertAnswer(good.body, c, [0]);
  });
});
