// Model URIs against the file and SQLite stores written by MLflow 3.6 (test/fixtures/stores, spec §7):
// every URI form, MLflow's error messages, store selection, read-only access, and one model served end to end.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { resolveModelUri, type ResolveOptions } from '../../src/uri/resolve.js';
import { loadModel } from '../../src/model/load.js';
import { Tensor } from '../../src/data/tensor.js';
import { ServingError } from '../../src/errors.js';
import { copyStores, type StoresCopy, type StoreFacts } from '../helpers/stores.js';
import { tempDir } from '../helpers/temp.js';

let copy: StoresCopy;
let scratch: string;
before(async () => {
  copy = await copyStores();
  scratch = tempDir('mlserve-uri-');
});
after(() => {
  copy.remove();
  rmSync(scratch, { recursive: true, force: true });
});

/** Asserts `p` rejects with a ServingError whose message starts with `message` and names `store`. */
async function rejectsWith(p: Promise<unknown>, errorCode: string, message: string, store?: string): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof ServingError, String(err));
    assert.equal(err.errorCode, errorCode, err.message);
    assert.ok(err.message.startsWith(message), `${err.message}\n  should start with\n${message}`);
    if (store) assert.ok(err.message.includes(store), `${err.message} should name ${store}`);
    return true;
  });
}

for (const kind of ['file', 'sqlite'] as const) {
  describe(`${kind} store`, () => {
    let facts: StoreFacts;
    let opts: ResolveOptions;
    let storeUri: string;
    const modelIdOf = (key: 'A' | 'B') => Object.entries(facts.logged_models).find(([, m]) => m.key === key)![0];
    before(() => {
      facts = kind === 'file' ? copy.facts.file_store : copy.facts.sqlite_store;
      storeUri = kind === 'file' ? copy.fileUri : copy.sqliteUri;
      opts = { trackingUri: storeUri, cacheDir: join(scratch, 'cache'), cwd: scratch };
    });

    it('resolves every URI MLflow resolved to the same folder, in place', async () => {
      assert.equal(Object.keys(facts.uris).length, 8);
      for (const [uri, expected] of Object.entries(facts.uris)) {
        const dir = await resolveModelUri(uri, opts);
        assert.equal(dir, join(copy.root, expected.folder), uri);
        for (const f of expected.files) assert.ok(existsSync(join(dir, f)), `${uri}: ${f}`);
      }
      assert.equal(existsSync(join(scratch, 'cache')), false, 'local stores are read in place, nothing is downloaded');
    });

    it('resolves runs:/<run>/model through the logged model of the run (MLflow 3 fallback)', async () => {
      const [runId, run] = Object.entries(facts.runs).find(([, r]) => r.run_name === 'iris-onnx-A')!;
      const dir = await resolveModelUri(`runs:/${runId}/${run.logged_model_name}`, opts);
      assert.equal(dir, join(copy.root, facts.logged_models[run.logged_model_id].folder));
    });

    it('resolves models:/<model_id>, versions, the alias, latest, stage None and latest-as-alias', async () => {
      const a = join(copy.root, facts.logged_models[modelIdOf('A')].folder);
      const b = join(copy.root, facts.logged_models[modelIdOf('B')].folder);
      assert.equal(await resolveModelUri(`models:/${modelIdOf('A')}`, opts), a);
      assert.equal(await resolveModelUri('models:/iris/1', opts), a);
      assert.equal(await resolveModelUri('models:/iris/2', opts), b);
      assert.equal(await resolveModelUri('models:/iris@champion', opts), b);
      assert.equal(await resolveModelUri('models:/iris/latest', opts), b);
      assert.equal(await resolveModelUri('models:/iris/LATEST', opts), b);
      assert.equal(await resolveModelUri('models:/iris/None', opts), b);
      assert.equal(await resolveModelUri('models:/iris/none', opts), b);
      assert.equal(await resolveModelUri('models:/iris@latest', opts), b);
      assert.equal(await resolveModelUri('models://///iris/1', opts), a);
    });

    it('resolves sub-paths of versions, aliases, logged models and runs', async () => {
      const a = join(copy.root, facts.logged_models[modelIdOf('A')].folder);
      const b = join(copy.root, facts.logged_models[modelIdOf('B')].folder);
      assert.equal(await resolveModelUri('models:/iris/1/MLmodel', opts), join(a, 'MLmodel'));
      assert.equal(await resolveModelUri('models:/iris@champion/model.onnx', opts), join(b, 'model.onnx'));
      const runId = Object.entries(facts.runs).find(([, r]) => r.run_name === 'iris-onnx-B')![0];
      assert.equal(await resolveModelUri(`runs:/${runId}/model/model.onnx`, opts), join(b, 'model.onnx'));
      await rejectsWith(resolveModelUri('models:/iris/1/no/such/file', opts), 'RESOURCE_DOES_NOT_EXIST', `No such file or directory: '${join(a, 'no/such/file')}'`);
    });

    it("answers every miss with MLflow's message, naming the store", async () => {
      for (const [uri, miss] of Object.entries(facts.misses)) {
        // MLflow raises "no versions in stage" as INTERNAL_ERROR; mlserve says RESOURCE_DOES_NOT_EXIST.
        const code = miss.error_code === 'INTERNAL_ERROR' ? 'RESOURCE_DOES_NOT_EXIST' : miss.error_code;
        await rejectsWith(resolveModelUri(uri, opts), code, miss.message, storeUri);
      }
    });

    it('rejects unknown versions, aliases, stages and malformed URIs like MLflow (spec §8.15 item 149)', async () => {
      await rejectsWith(resolveModelUri('models:/iris/9', opts), 'RESOURCE_DOES_NOT_EXIST', 'Model Version (name=iris, version=9) not found', storeUri);
      await rejectsWith(resolveModelUri('models:/iris@nope', opts), 'INVALID_PARAMETER_VALUE', 'Registered model alias nope not found.', storeUri);
      await rejectsWith(resolveModelUri('models:/iris/production', opts), 'RESOURCE_DOES_NOT_EXIST', "No versions of model with name 'iris' and stage 'production' found");
      await rejectsWith(
        resolveModelUri('models:/iris/Bogus', opts),
        'INVALID_PARAMETER_VALUE',
        'Invalid Model Version stage: Bogus. Value must be one of None, Staging, Production, Archived.',
      );
      await rejectsWith(resolveModelUri('models:/nope@champion', opts), 'RESOURCE_DOES_NOT_EXIST', 'Registered Model with name=nope not found', storeUri);
      await rejectsWith(resolveModelUri('models:/', opts), 'INVALID_PARAMETER_VALUE', 'Not a proper models:/ URI: models:/.');
    });
  });
}

describe('store selection', () => {
  it('reads MLFLOW_TRACKING_URI from the env option, and a separate MLFLOW_REGISTRY_URI', async () => {
    const file = copy.facts.file_store;
    const v1 = join(copy.root, file.registered_models.iris.versions['1'].folder);
    assert.equal(await resolveModelUri('models:/iris/1', { env: { MLFLOW_TRACKING_URI: copy.fileUri }, cwd: scratch }), v1);
    // Registry in the file store, tracking in SQLite: the version's storage_location comes from the file store.
    assert.equal(await resolveModelUri('models:/iris/1', { trackingUri: copy.sqliteUri, registryUri: copy.fileUri, cwd: scratch }), v1);
    // An explicit option wins over the environment.
    const sqliteA = join(copy.root, copy.facts.sqlite_store.registered_models.iris.versions['1'].folder);
    assert.equal(await resolveModelUri('models:/iris/1', { trackingUri: copy.sqliteUri, env: { MLFLOW_TRACKING_URI: copy.fileUri }, cwd: scratch }), sqliteA);
  });

  it('defaults to ./mlruns when it holds experiments, then to ./mlflow.db', async () => {
    const v2 = (facts: StoreFacts) => join(copy.root, facts.registered_models.iris.versions['2'].folder);
    assert.equal(await resolveModelUri('models:/iris@champion', { cwd: copy.root }), v2(copy.facts.file_store));
    const dbOnly = mkdtempSync(join(scratch, 'db-only-'));
    cpSync(join(copy.root, 'mlflow.db'), join(dbOnly, 'mlflow.db'));
    mkdirSync(join(dbOnly, 'mlruns'));
    assert.equal(await resolveModelUri('models:/iris@champion', { cwd: dbOnly }), v2(copy.facts.sqlite_store));
  });

  it('says no store was found, and creates no mlflow.db, when neither default exists', async () => {
    const empty = mkdtempSync(join(scratch, 'empty-'));
    await rejectsWith(resolveModelUri('models:/iris/1', { cwd: empty }), 'RESOURCE_DOES_NOT_EXIST', 'Cannot resolve models:/iris/1: no MLflow tracking store found.');
    assert.deepEqual(readdirSync(empty), []);
    await rejectsWith(
      resolveModelUri('models:/iris/1', { trackingUri: `sqlite:///${join(empty, 'mlflow.db')}`, cwd: empty }),
      'RESOURCE_DOES_NOT_EXIST',
      `No MLflow SQLite store at ${join(empty, 'mlflow.db')}`,
    );
    assert.deepEqual(readdirSync(empty), []);
  });

  it("finds runs and logged models of deleted experiments in the file store's .trash", async () => {
    const facts = copy.facts.file_store;
    const trashed = join(scratch, 'trashed-mlruns');
    cpSync(join(copy.root, 'mlruns'), trashed, { recursive: true });
    mkdirSync(join(trashed, '.trash'));
    renameSync(join(trashed, facts.experiment.id), join(trashed, '.trash', facts.experiment.id));
    const [runId, run] = Object.entries(facts.runs)[0];
    const dir = await resolveModelUri(`runs:/${runId}/model`, { trackingUri: pathToFileURL(trashed).href, cwd: scratch });
    assert.equal(dir, join(copy.root, facts.logged_models[run.logged_model_id].folder));
  });

  it('never writes the SQLite database', async () => {
    const db = join(copy.root, 'mlflow.db');
    const before = { bytes: readFileSync(db), mtime: statSync(db).mtimeMs };
    await resolveModelUri('models:/iris/2', { trackingUri: copy.sqliteUri, cwd: scratch });
    assert.deepEqual(readFileSync(db), before.bytes);
    assert.equal(statSync(db).mtimeMs, before.mtime);
  });

  it("filters the fork's workspace columns by MLFLOW_WORKSPACE (default 'default')", async () => {
    const opts = { trackingUri: copy.sqliteUri, cwd: scratch };
    await rejectsWith(resolveModelUri('models:/iris/1', { ...opts, env: { MLFLOW_WORKSPACE: 'team-b' } }), 'RESOURCE_DOES_NOT_EXIST', 'Registered Model with name=iris not found');
    assert.ok(await resolveModelUri('models:/iris/1', { ...opts, env: { MLFLOW_WORKSPACE: 'default' } }));
  });

  it('reads an upstream SQLite schema without workspace columns', async () => {
    const { default: init } = await import('sql.js');
    const SQL = await init();
    const db = new SQL.Database();
    const model = join(scratch, 'upstream-model');
    mkdirSync(model, { recursive: true });
    writeFileSync(join(model, 'MLmodel'), 'flavors: {}\n');
    db.run(`CREATE TABLE registered_models (name TEXT PRIMARY KEY, creation_time INT, last_updated_time INT, description TEXT);
      CREATE TABLE model_versions (name TEXT, version INT, current_stage TEXT, source TEXT, storage_location TEXT, run_id TEXT, status TEXT);
      CREATE TABLE registered_model_aliases (name TEXT, alias TEXT, version INT);
      INSERT INTO registered_models (name) VALUES ('m');
      INSERT INTO model_versions VALUES ('m', 1, 'Production', '${pathToFileURL(model).href}', NULL, NULL, 'READY');
      INSERT INTO model_versions VALUES ('m', 2, 'Deleted_Internal', '/nowhere', NULL, NULL, 'READY');
      INSERT INTO registered_model_aliases VALUES ('m', 'prod', 1);`);
    const path = join(scratch, 'upstream.db');
    writeFileSync(path, db.export());
    const opts = { trackingUri: `sqlite:///${path}`, cwd: scratch };
    assert.equal(await resolveModelUri('models:/m/Production', opts), model);
    assert.equal(await resolveModelUri('models:/m@prod', opts), model);
    assert.equal(await resolveModelUri('models:/m/latest', opts), model, 'the deleted version 2 is invisible');
    await rejectsWith(resolveModelUri('models:/m/2', opts), 'RESOURCE_DOES_NOT_EXIST', 'Model Version (name=m, version=2) not found');
  });

  it('keeps local paths and file: URIs working without any store', async () => {
    const dir = join(copy.root, copy.facts.file_store.uris['models:/iris/1'].folder);
    assert.equal(await resolveModelUri(dir), dir);
    assert.equal(await resolveModelUri(pathToFileURL(dir).href), dir);
    await rejectsWith(resolveModelUri(join(scratch, 'missing')), 'RESOURCE_DOES_NOT_EXIST', `No such file or directory: '${join(scratch, 'missing')}'`);
  });
});

describe('end to end', () => {
  it('loads and runs the model that models:/iris@champion resolves to', async () => {
    const dir = await resolveModelUri('models:/iris@champion', { trackingUri: copy.fileUri, cwd: scratch });
    const model = await loadModel(dir);
    try {
      assert.equal(model.flavor, 'onnx');
      const out = (await model.predict({ input: new Tensor('float32', [1, 4], Float32Array.from([5.1, 3.5, 1.4, 0.2])) }, null)) as Record<string, Tensor>;
      const expected = copy.facts.file_store.uris['models:/iris@champion']['predict_5.1_3.5_1.4_0.2'] as { probabilities: number[][]; label: number[] };
      const probs = Array.from(out.probabilities.data as Float32Array);
      expected.probabilities[0].forEach((p, i) => assert.ok(Math.abs(p - probs[i]) < 1e-6, `probability ${i}`));
      assert.deepEqual(Array.from(out.label.data as BigInt64Array, Number), expected.label);
    } finally {
      await model.close();
    }
  });
});
