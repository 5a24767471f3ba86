// `mlserve models serve` with several models: -m NAME=URI repeated, --config FILE, --model-repository,
// and SIGHUP checking where an alias points now.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, spawnServe, ROOT } from '../helpers/cli.js';
import { makeModel } from '../helpers/model-dir.js';
import { tempDir } from '../helpers/temp.js';
import { copyStores } from '../helpers/stores.js';

const IRIS = join(ROOT, 'examples/iris');
const SUM = makeModel({
  inputs: [
    { name: 'x', type: 'double' },
    { name: 'y', type: 'double' },
  ],
  source: 'export function predict(df) { return df.toRecords().map((r) => r.x + r.y); }\n',
});
const ROW = JSON.stringify({ inputs: [[5.1, 3.5, 1.4, 0.2]] });
const post = (url: string, body: string): Promise<Response> => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

describe('mlserve models serve with several models', () => {
  it('serves -m NAME=URI twice, and SIGHUP switches a model whose alias moved', async () => {
    const stores = await copyStores();
    const v1 = join(stores.root, stores.facts.file_store.registered_models.iris.versions['1'].folder);
    for (const f of readdirSync(v1)) rmSync(join(v1, f), { recursive: true, force: true });
    writeFileSync(join(v1, 'MLmodel'), 'flavors:\n  js_function:\n    entry: model.mjs\n');
    writeFileSync(join(v1, 'model.mjs'), 'export function predict() { return { label: [42] }; }\n');
    const { child, url, stderr, exited } = await spawnServe(['-m', 'iris=models:/iris@champion', '--tracking-uri', stores.fileUri, '-m', `sum=${SUM}`, '-p', '0']).catch((err: unknown) => {
      stores.remove();
      throw err;
    });
    try {
      assert.match(stderr(), /serving 2 models: models:\/iris@champion \(iris version 2\) \(onnx, [^)]*\) as 'iris'; .* as 'sum'/);
      assert.deepEqual((await (await post(`${url}/models/iris/invocations`, ROW)).json()).predictions.label, [0]);
      assert.deepEqual(await (await post(`${url}/models/sum/invocations`, JSON.stringify({ dataframe_records: [{ x: 1, y: 2 }] }))).json(), { predictions: [3] });
      assert.equal((await post(`${url}/invocations`, ROW)).status, 400);
      assert.equal((await fetch(`${url}/version`)).headers.get('x-mlserve-model-version'), 'iris=2');

      writeFileSync(join(stores.root, 'mlruns/models/iris/aliases/champion'), '1');
      child.kill('SIGHUP');
      for (let i = 0; i < 500 && !/model 'iris' switched to/.test(stderr()); i++) await new Promise((r) => setTimeout(r, 20));
      assert.match(stderr(), /SIGHUP received: checking model versions/);
      assert.match(stderr(), /model 'iris' switched to models:\/iris@champion \(iris version 1\)/);
      assert.deepEqual((await (await post(`${url}/models/iris/invocations`, ROW)).json()).predictions.label, [42]);
    } finally {
      child.kill('SIGTERM');
      await exited;
      stores.remove();
    }
  });

  it('reads each model and its own options from --config FILE', async () => {
    const dir = tempDir('mlserve-config-');
    const config = join(dir, 'models.yaml');
    writeFileSync(config, `models:\n  - name: flowers\n    uri: ${IRIS}\n    workers: 1\n  - name: adder\n    uri: ${SUM}\n    workers: 2\n    batching: false\n    timeout: 5\n`);
    const { child, url, stderr, exited } = await spawnServe(['--config', config, '-p', '0']);
    try {
      assert.match(stderr(), /as 'flowers'/);
      assert.match(stderr(), /\(js_function, engine native, 2 workers\) as 'adder'/);
      assert.equal((await post(`${url}/models/flowers/invocations`, ROW)).status, 200);
      assert.deepEqual((await (await fetch(`${url}/v2/models`)).json()).models, ['flowers', 'adder']);
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  });

  it('serves every model folder of --model-repository under its folder name', async () => {
    const { child, url, exited } = await spawnServe(['--model-repository', join(ROOT, 'examples'), '-p', '0', '-w', '1']);
    try {
      const names = ((await (await fetch(`${url}/mlserve/models`)).json()) as { models: { name: string }[] }).models.map((m) => m.name);
      assert.ok(names.includes('iris'), names.join(', '));
      assert.equal((await post(`${url}/models/iris/invocations`, ROW)).status, 200);
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  });

  it('refuses --model-name with several models, and a config file with an unknown key (exit 2)', async () => {
    const both = await runCli(['models', 'serve', '-m', `a=${IRIS}`, '-m', `b=${SUM}`, '--model-name', 'x']);
    assert.equal(both.code, 2);
    assert.match(both.stderr, /--model-name names the one model served/);
    const twice = await runCli(['models', 'serve', '-m', `a=${IRIS}`, '--model-name', 'b']);
    assert.equal(twice.code, 2);
    assert.match(twice.stderr, /The model is named twice/);
    const dir = tempDir('mlserve-config-');
    writeFileSync(join(dir, 'bad.yaml'), `models:\n  - uri: ${IRIS}\n    wokers: 2\n`);
    const bad = await runCli(['models', 'serve', '--config', join(dir, 'bad.yaml')]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /models\[0\]: unknown key 'wokers'/);
  });
});
