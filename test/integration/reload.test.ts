// Following a registered model's alias through real HTTP, with the MLflow 3.6 fixture stores (file,
// SQLite) and the stub tracking server: the alias moves while 32 connections send requests (0 errors,
// answers switch from the old version's numbers to the new one's), a broken new version is refused
// while the old one keeps serving, and the version shows in /version, V2 metadata and the metrics.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { credentials, loadPackageDefinition, type ServiceError } from '@grpc/grpc-js';
import { serve, type ServerHandle } from '../../src/serve.js';
import { loadInferencePackage } from '../../src/server/v2/grpc-proto.js';
import { copyStores, STORES_FIXTURE } from '../helpers/stores.js';
import { startMlflowStub, type StubData } from '../helpers/mlflow-stub.js';
import { tempDir } from '../helpers/temp.js';
import { memoryLogger } from '../helpers/logs.js';

const ROW = { inputs: [[5.1, 3.5, 1.4, 0.2]] };
/** The iris ONNX model answers label 0 for ROW; the new version (a JavaScript model with the same input) answers 42. */
const OLD_LABEL = 0;
const NEW_LABEL = 42;
const NEW_MLMODEL = `flavors:
  js_function:
    entry: model.mjs
signature:
  inputs: '[{"type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1, 4]}, "name": "input"}]'
  outputs: null
  params: null
`;
const NEW_MODULE = `export function predict(input) {
  const rows = Array.isArray(input) ? input.length : (input?.shape?.[0] ?? 1);
  return { label: Array.from({ length: rows }, () => ${NEW_LABEL}) };
}
`;
/** A version whose module cannot even be imported. */
const BROKEN_MODULE = 'throw new Error("this version is broken");\n';
const FAST = { MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR: '0.001', MLFLOW_HTTP_REQUEST_BACKOFF_JITTER: '0', MLFLOW_HTTP_REQUEST_TIMEOUT: '5' };

/** Replaces a model folder's files with another model's. */
function writeModel(dir: string, module: string): void {
  for (const f of readdirSync(dir)) rmSync(join(dir, f), { recursive: true, force: true });
  writeFileSync(join(dir, 'MLmodel'), NEW_MLMODEL);
  writeFileSync(join(dir, 'model.mjs'), module);
}

/** The label answered, or the status when it is not 200. */
async function label(url: string): Promise<number | string> {
  const res = await fetch(`${url}/invocations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ROW) });
  const text = await res.text();
  if (res.status !== 200) return `HTTP ${res.status}: ${text}`;
  const body = JSON.parse(text) as { predictions: { label: number[] } };
  return body.predictions.label[0];
}

/**
 * Sends requests on `connections` concurrent loops until `until` resolves (and a little after), and
 * returns each loop's answers in order.
 */
async function underLoad(url: string, connections: number, during: () => Promise<void>): Promise<(number | string)[][]> {
  let stop = false;
  const loops = Array.from({ length: connections }, async () => {
    const seen: (number | string)[] = [];
    while (!stop) seen.push(await label(url));
    return seen;
  });
  await new Promise((r) => setTimeout(r, 300));
  await during();
  await new Promise((r) => setTimeout(r, 300));
  stop = true;
  return Promise.all(loops);
}

/** Every loop answered without error and switched once, from the old label to the new one. */
function assertSwitched(answers: (number | string)[][]): void {
  const all = answers.flat();
  const errors = all.filter((a) => typeof a === 'string');
  assert.deepEqual(errors, [], `${errors.length} of ${all.length} requests failed`);
  assert.ok(all.includes(OLD_LABEL) && all.includes(NEW_LABEL), 'answers from both versions');
  for (const seq of answers) {
    const firstNew = seq.indexOf(NEW_LABEL);
    assert.ok(firstNew > 0, 'each connection saw the old version first, then the new one');
    assert.ok(seq.slice(firstNew).every((a) => a === NEW_LABEL), `never back to the old version after the switch: ${seq.join(',')}`);
    assert.ok(seq.slice(0, firstNew).every((a) => a === OLD_LABEL));
  }
}

async function assertServing(server: ServerHandle, version: string): Promise<void> {
  const res = await fetch(`${server.url}/version`);
  await res.text();
  assert.equal(res.headers.get('x-mlserve-model-version'), version);
  const meta = await (await fetch(`${server.url}/v2/models/iris`)).json();
  assert.deepEqual(meta.versions, [version]);
  const info = await (await fetch(`${server.url}/mlserve/model`)).json();
  assert.equal(info.version, version);
  assert.match(await (await fetch(`${server.url}/metrics`)).text(), new RegExp(`^mlserve_model_info\\{model="iris",version="${version}"\\} 1$`, 'm'));
}

describe('following a registered model alias', () => {
  it('switches to the version the alias points at under 32 connections with 0 errors (stub tracking server, --poll-interval)', async () => {
    const iris = join(STORES_FIXTURE, 'mlartifacts/models/m-0ab14bf155c94afbb8f515365f015c82/artifacts');
    const files = new Map<string, Buffer>();
    for (const f of ['MLmodel', 'model.onnx']) files.set(`1/models/m-a/artifacts/${f}`, readFileSync(join(iris, f)));
    files.set('1/models/m-b/artifacts/MLmodel', Buffer.from(NEW_MLMODEL));
    files.set('1/models/m-b/artifacts/model.mjs', Buffer.from(NEW_MODULE));
    const dl = (id: string): string => `mlflow-artifacts:/1/models/${id}/artifacts`;
    const data: StubData = {
      versions: [
        { name: 'iris', version: '1', stage: 'None', source: 'models:/m-a', downloadUri: dl('m-a'), modelId: 'm-a' },
        { name: 'iris', version: '2', stage: 'None', source: 'models:/m-b', downloadUri: dl('m-b'), modelId: 'm-b' },
      ],
      aliases: { 'iris@champion': '1' },
      runs: {},
      loggedModels: {},
      files,
      serverFiles: new Map(),
    };
    const stub = await startMlflowStub(data);
    const cache = tempDir('mlserve-cache-');
    const server = await serve({ modelUri: 'models:/iris@champion', trackingUri: stub.url, pollIntervalSeconds: 0.1, host: '127.0.0.1', port: 0, logLevel: 'warn' }, { ...FAST, MLSERVE_CACHE_DIR: cache }).catch(async (err: unknown) => {
      await stub.close();
      throw err;
    });
    try {
      await assertServing(server, '1');
      const answers = await underLoad(server.url, 32, async () => {
        data.aliases['iris@champion'] = '2';
        // The next check (every 0.1 s) loads version 2 beside version 1, then switches.
        for (let i = 0; i < 300 && server.model.registered?.version !== '2'; i++) await new Promise((r) => setTimeout(r, 20));
      });
      assertSwitched(answers);
      await assertServing(server, '2');
      assert.match(await (await fetch(`${server.url}/metrics`)).text(), /^mlserve_model_reloads_total\{model="iris",result="success"\} 1$/m);
    } finally {
      await server.close();
      await stub.close();
    }
  });

  it('switches on a check (what SIGHUP does) with the file store, and refuses a broken version with the SQLite store', async () => {
    const stores = await copyStores();
    try {
      const facts = stores.facts;
      // File store: version 1 becomes another model; champion (version 2, iris) moves to it.
      writeModel(join(stores.root, facts.file_store.registered_models.iris.versions['1'].folder), NEW_MODULE);
      const fileServer = await serve({ modelUri: 'models:/iris@champion', trackingUri: stores.fileUri, grpcPort: 0, host: '127.0.0.1', port: 0, logLevel: 'warn' });
      const pkg = loadPackageDefinition(loadInferencePackage()) as any;
      const client = new pkg.inference.GRPCInferenceService(`127.0.0.1:${fileServer.grpcPort}`, credentials.createInsecure());
      const call = (name: string, req: unknown): Promise<any> => new Promise((resolve, reject) => client[name](req, (err: ServiceError | null, res: unknown) => (err ? reject(err) : resolve(res))));
      /** The label the gRPC service answers for ROW, and the version its metadata names. */
      const grpcServes = async (): Promise<[number, string[]]> => {
        const res = await call('ModelInfer', { model_name: 'iris', inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 4], contents: { fp32_contents: ROW.inputs[0] } }] });
        const out = res.outputs.find((o: { name: string }) => o.name === 'label');
        const values = Object.values(out.contents as Record<string, unknown[]>).find((a) => a.length > 0)!;
        return [Number(values[0]), (await call('ModelMetadata', { name: 'iris' })).versions];
      };
      try {
        await assertServing(fileServer, '2');
        assert.deepEqual(await grpcServes(), [OLD_LABEL, ['2']]);
        const answers = await underLoad(fileServer.url, 32, async () => {
          writeFileSync(join(stores.root, 'mlruns/models/iris/aliases/champion'), '1');
          assert.deepEqual(await fileServer.checkVersions(), [{ model: 'iris', switched: true, from: '2', to: '1' }]);
        });
        assertSwitched(answers);
        await assertServing(fileServer, '1');
        assert.deepEqual(await fileServer.checkVersions(), [{ model: 'iris', switched: false, from: '1', to: '1' }], 'nothing to do when the alias has not moved');
        assert.deepEqual(await grpcServes(), [NEW_LABEL, ['1']], 'the gRPC service follows the switch');
      } finally {
        client.close();
        await fileServer.close();
      }

      // SQLite store: version 1 is broken; moving champion to it keeps version 2 serving.
      const v1 = join(stores.root, facts.sqlite_store.registered_models.iris.versions['1'].folder);
      writeModel(v1, BROKEN_MODULE);
      const logs = memoryLogger('warn');
      const sqlServer = await serve({ modelUri: 'models:/iris@champion', trackingUri: stores.sqliteUri, host: '127.0.0.1', port: 0 }, {}, { logger: logs });
      try {
        await assertServing(sqlServer, '2');
        await moveSqliteAlias(join(stores.root, 'mlflow.db'), '1');
        const [result] = await sqlServer.checkVersions();
        assert.equal(result.switched, false);
        assert.equal(result.to, '1');
        assert.match(result.error ?? '', /broken/);
        const logged = logs.records.find((r) => r.level === 'error');
        assert.match(String(logged?.msg ?? logged?.message), /version 1 of models:\/iris@champion failed to load; still serving version 2: .*broken/);
        assert.equal(await label(sqlServer.url), OLD_LABEL);
        await assertServing(sqlServer, '2');
        assert.match(await (await fetch(`${sqlServer.url}/metrics`)).text(), /^mlserve_model_reloads_total\{model="iris",result="failure"\} 1$/m);
        // Mended, the same version loads at the next check.
        writeModel(v1, NEW_MODULE);
        assert.equal((await sqlServer.checkVersions())[0].switched, true);
        assert.equal(await label(sqlServer.url), NEW_LABEL);
      } finally {
        await sqlServer.close();
      }
    } finally {
      stores.remove();
    }
  });
});

/** Points the SQLite store's `iris@champion` at another version (the test's own write, with sql.js). */
async function moveSqliteAlias(path: string, version: string): Promise<void> {
  const { default: init } = await import('sql.js');
  const SQL = await init();
  const db = new SQL.Database(readFileSync(path));
  db.run("UPDATE registered_model_aliases SET version = ? WHERE name = 'iris' AND alias = 'champion'", [Number(version)]);
  writeFileSync(path, db.export());
  db.close();
}
