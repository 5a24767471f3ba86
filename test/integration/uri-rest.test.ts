// Model URIs against a REST tracking server (a local stub on 127.0.0.1, port 0; spec §7.8): registry,
// runs and logged-model endpoints, mlflow-artifacts downloads, the cache, retries, time-outs, auth, TLS
// and artifact paths that would escape the download folder.

import { describe, it, after, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { resolveModelUri, type ResolveOptions } from '../../src/uri/resolve.js';
import { loadModel } from '../../src/model/load.js';
import { ServingError } from '../../src/errors.js';
import { startMlflowStub, type MlflowStub, type StubData } from '../helpers/mlflow-stub.js';
import { STORES_FIXTURE } from '../helpers/stores.js';
import { tempDir } from '../helpers/temp.js';
import { serve } from '../../src/serve.js';
import { memoryLogger } from '../helpers/logs.js';

const MODEL_FILES = ['MLmodel', 'conda.yaml', 'model.onnx', 'python_env.yaml', 'requirements.txt'];
const FAST = { MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR: '0.001', MLFLOW_HTTP_REQUEST_BACKOFF_JITTER: '0', MLFLOW_HTTP_REQUEST_TIMEOUT: '5' };

function modelBytes(): Map<string, Buffer> {
  const dir = join(STORES_FIXTURE, 'mlartifacts/models/m-0ab14bf155c94afbb8f515365f015c82/artifacts');
  return new Map(MODEL_FILES.map((f) => [f, readFileSync(join(dir, f))]));
}

function stubData(): StubData {
  const files = new Map<string, Buffer>();
  const serverFiles = new Map<string, Buffer>();
  for (const [f, bytes] of modelBytes()) {
    for (const id of ['m-a', 'm-b']) files.set(`1/models/${id}/artifacts/${f}`, bytes);
    serverFiles.set(`run:R-legacy/model/${f}`, bytes);
    serverFiles.set(`model:m-local/${f}`, bytes);
  }
  files.set('1/models/m-b/artifacts/sub/deeper/extra.txt', Buffer.from('extra'));
  const dl = (id: string) => `mlflow-artifacts:/1/models/${id}/artifacts`;
  return {
    versions: [
      { name: 'iris', version: '1', stage: 'Production', source: 'models:/m-a', downloadUri: dl('m-a'), modelId: 'm-a', runId: 'R-a' },
      { name: 'iris', version: '2', stage: 'None', source: 'models:/m-b', downloadUri: dl('m-b'), modelId: 'm-b', runId: 'R-b' },
      { name: 'legacy', version: '1', stage: 'None', source: 'runs:/R-legacy/model', downloadUri: 'runs:/R-legacy/model' },
      { name: 'local', version: '1', stage: 'None', source: 'models:/m-local', downloadUri: '/srv/not-here/models/m-local/artifacts', modelId: 'm-local' },
    ],
    aliases: { 'iris@champion': '2' },
    runs: {
      'R-a': { experimentId: '1', artifactUri: 'mlflow-artifacts:/1/R-a/artifacts' },
      'R-legacy': { experimentId: '1', artifactUri: '/srv/not-here/1/R-legacy/artifacts' },
    },
    loggedModels: {
      'm-a': { name: 'model', experimentId: '1', sourceRunId: 'R-a', artifactUri: dl('m-a') },
      'm-b': { name: 'model', experimentId: '1', sourceRunId: 'R-b', artifactUri: dl('m-b') },
      'm-local': { name: 'model', experimentId: '1', sourceRunId: 'R-x', artifactUri: '/srv/not-here/models/m-local/artifacts' },
    },
    files,
    serverFiles,
  };
}

let stub: MlflowStub;
let cacheDir: string;
let opts: ResolveOptions;
/** Folders of noCache downloads (outside the cache), removed after each test. */
const uncached: string[] = [];
const dropLater = (modelDir: string) => (uncached.push(join(modelDir, '..')), modelDir);
beforeEach(async () => {
  stub = await startMlflowStub(stubData());
  cacheDir = tempDir('mlserve-cache-');
  opts = { trackingUri: stub.url, cacheDir, env: FAST };
});
afterEach(async () => {
  await stub.close();
  rmSync(cacheDir, { recursive: true, force: true });
  uncached.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true }));
});

const artifactRequests = () => stub.seen.filter((r) => r.path.startsWith('/api/2.0/mlflow-artifacts/'));
/** Cache entries (complete downloads), ignoring temporary folders. */
const entries = () => readdirSync(cacheDir).filter((n) => !n.startsWith('.'));

async function rejectsWith(p: Promise<unknown>, errorCode: string, includes: string): Promise<ServingError> {
  let caught: ServingError | undefined;
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof ServingError, String(err));
    assert.equal(err.errorCode, errorCode, err.message);
    assert.ok(err.message.includes(includes), `${err.message}\n  should include\n${includes}`);
    caught = err;
    return true;
  });
  return caught!;
}

describe('REST registry and downloads', () => {
  it('downloads models:/iris/2 through mlflow-artifacts, recursively, and writes registered_model_meta', async () => {
    const dir = await resolveModelUri('models:/iris/2', opts);
    assert.ok(dir.startsWith(cacheDir));
    for (const f of MODEL_FILES) assert.deepEqual(readFileSync(join(dir, f)), modelBytes().get(f), f);
    assert.equal(readFileSync(join(dir, 'sub/deeper/extra.txt'), 'utf8'), 'extra');
    assert.equal(readFileSync(join(dir, 'registered_model_meta'), 'utf8'), "model_name: iris\nmodel_version: '2'\n");
    assert.ok(stub.seen.some((r) => r.path === '/api/2.0/mlflow/model-versions/get-download-uri' && r.query.get('version') === '2'));
    const model = await loadModel(dir);
    assert.equal(model.flavor, 'onnx');
    await model.close();
  });

  it('logs download progress, and removes a --no-cache download when the server closes', async () => {
    const logger = memoryLogger('info');
    const server = await serve({ modelUri: 'models:/iris@champion', trackingUri: stub.url, noCache: true, host: '127.0.0.1', port: 0, warmup: false }, FAST, { logger });
    const downloaded = server.model.path;
    assert.ok(existsSync(join(downloaded, 'MLmodel')));
    assert.deepEqual(server.model.registered, { name: 'iris', version: '2' });
    await server.close();
    assert.equal(existsSync(downloaded), false);
    assert.equal(existsSync(join(downloaded, '..')), false);
    logger.flush();
    const messages = logger.records.map((r) => String(r.msg));
    assert.ok(messages.some((m) => /^downloading models:\/iris@champion from the artifact store at .*: \d+ files, [\d.]+ MB$/.test(m)), messages.join('\n'));
    assert.ok(messages.some((m) => /^downloaded models:\/iris@champion: \d+ files, [\d.]+ MB in [\d.]+ s$/.test(m)), messages.join('\n'));
  });

  it('serves the same version again from the cache, resolving the alias afresh', async () => {
    const first = await resolveModelUri('models:/iris/2', opts);
    const downloads = artifactRequests().length;
    stub.seen.length = 0;
    assert.equal(await resolveModelUri('models:/iris@champion', opts), first);
    assert.equal(artifactRequests().length, 0, 'no download');
    assert.ok(stub.seen.some((r) => r.path === '/api/2.0/mlflow/registered-models/alias'), 'the alias is looked up again');
    const fresh = dropLater(await resolveModelUri('models:/iris@champion', { ...opts, noCache: true }));
    assert.notEqual(fresh, first);
    assert.ok(!fresh.startsWith(cacheDir));
    assert.equal(artifactRequests().length, downloads, 'noCache downloads again');
    assert.deepEqual(entries().length, 1);
  });

  it('resolves stages with POST get-latest-versions, falling back to GET on old servers', async () => {
    const a = await resolveModelUri('models:/iris/production', opts);
    assert.ok(existsSync(join(a, 'model.onnx')));
    assert.match(readFileSync(join(a, 'registered_model_meta'), 'utf8'), /model_version: '1'/);
    const post = stub.seen.find((r) => r.path.endsWith('get-latest-versions'))!;
    assert.deepEqual([post.method, post.body], ['POST', { name: 'iris', stages: ['Production'] }]);
    stub.noPostLatest = true;
    stub.seen.length = 0;
    assert.match(readFileSync(join(await resolveModelUri('models:/iris/latest', opts), 'registered_model_meta'), 'utf8'), /model_version: '2'/);
    assert.deepEqual(stub.seen.filter((r) => r.path.endsWith('get-latest-versions')).map((r) => r.method), ['POST', 'GET']);
  });

  it('resolves runs:/<run>/model through the logged-model search, and models:/<model_id>', async () => {
    const dir = await resolveModelUri('runs:/R-a/model', opts);
    assert.deepEqual(readdirSync(dir).sort(), MODEL_FILES);
    const search = stub.seen.find((r) => r.path === '/api/2.0/mlflow/logged-models/search')!;
    assert.deepEqual(search.body, { experiment_ids: ['1'], filter: "name = 'model'" });
    assert.equal(await resolveModelUri('models:/m-a', opts), dir, 'same location, same cache entry');
    // Spec §7.2: two segments are name/suffix, so this is model `m-b` in stage `sub`, not a sub-path.
    await rejectsWith(resolveModelUri('models:/m-b/sub', opts), 'INVALID_PARAMETER_VALUE', 'Invalid Model Version stage: sub.');
  });

  it('resolves sub-paths and direct mlflow-artifacts URIs', async () => {
    const sub = await resolveModelUri('models:/iris@champion/sub', opts);
    assert.equal(readFileSync(join(sub, 'deeper/extra.txt'), 'utf8'), 'extra');
    const file = await resolveModelUri('models:/iris/2/MLmodel', opts);
    assert.match(file, /MLmodel$/);
    const direct = await resolveModelUri('mlflow-artifacts:/1/models/m-a/artifacts', opts);
    assert.deepEqual(readdirSync(direct).sort(), MODEL_FILES);
    const port = new URL(stub.url).port;
    const withHost = await resolveModelUri(`mlflow-artifacts://127.0.0.1:${port}/1/models/m-a/artifacts`, { ...opts, trackingUri: 'http://tracking.invalid' });
    assert.equal(withHost, direct, 'the host comes from the URI: same server, same cache entry');
    await rejectsWith(resolveModelUri('mlflow-artifacts:/1/models/m-a/artifacts', { ...opts, trackingUri: 'file:///tmp' }), 'INVALID_PARAMETER_VALUE', 'set MLFLOW_TRACKING_URI');
  });

  it("uses the server's own routes for locations it does not proxy (get-artifact, logged-model files)", async () => {
    const legacy = await resolveModelUri('models:/legacy/1', opts);
    assert.deepEqual(readdirSync(legacy).sort(), [...MODEL_FILES, 'registered_model_meta'].sort());
    assert.ok(stub.seen.some((r) => r.path === '/get-artifact' && r.query.get('run_uuid') === 'R-legacy' && r.query.get('path') === 'model/MLmodel'));
    const local = await resolveModelUri('models:/local/1', opts);
    assert.deepEqual(readdirSync(local).sort(), [...MODEL_FILES, 'registered_model_meta'].sort());
    assert.ok(stub.seen.some((r) => r.path === '/ajax-api/2.0/mlflow/logged-models/m-local/artifacts/files'));
  });

  it("passes the server's errors on with its message and URI", async () => {
    await rejectsWith(resolveModelUri('models:/nope/1', opts), 'RESOURCE_DOES_NOT_EXIST', `Registered Model with name=nope not found (model registry: ${stub.url})`);
    await rejectsWith(resolveModelUri('models:/iris/9', opts), 'RESOURCE_DOES_NOT_EXIST', 'Model Version (name=iris, version=9) not found');
    await rejectsWith(resolveModelUri('models:/iris@nope', opts), 'INVALID_PARAMETER_VALUE', 'Registered model alias nope not found.');
    await rejectsWith(resolveModelUri('runs:/nope/model', opts), 'RESOURCE_DOES_NOT_EXIST', `Run 'nope' not found (tracking store: ${stub.url})`);
    await rejectsWith(resolveModelUri('runs:/R-a/nothing', opts), 'RESOURCE_DOES_NOT_EXIST', "Failed to download artifacts from path 'nothing', please ensure that the path is correct.");
    await rejectsWith(resolveModelUri('models:/iris/Archived', opts), 'RESOURCE_DOES_NOT_EXIST', "No versions of model with name 'iris' and stage 'Archived' found");
  });
});

describe('REST client behaviour', () => {
  it('retries 503 answers with backoff, then succeeds', async () => {
    let failures = 0;
    stub.hook = (req, res) => {
      if (req.path !== '/api/2.0/mlflow/model-versions/get' || failures >= 2) return false;
      failures++;
      res.writeHead(503).end('busy');
      return true;
    };
    await resolveModelUri('models:/iris/1', opts);
    assert.equal(stub.seen.filter((r) => r.path === '/api/2.0/mlflow/model-versions/get').length, 3);
  });

  it('gives up after MLFLOW_HTTP_REQUEST_MAX_RETRIES', async () => {
    stub.hook = (_req, res) => (res.writeHead(503, { 'content-type': 'application/json' }).end('{"error_code":"TEMPORARILY_UNAVAILABLE","message":"down"}'), true);
    await rejectsWith(resolveModelUri('models:/iris/1', { ...opts, env: { ...FAST, MLFLOW_HTTP_REQUEST_MAX_RETRIES: '2' } }), 'TEMPORARILY_UNAVAILABLE', 'down');
    assert.equal(stub.seen.length, 3);
  });

  it('times out a server that never answers (MLFLOW_HTTP_REQUEST_TIMEOUT)', async () => {
    stub.hook = () => true;
    const started = Date.now();
    const env = { ...FAST, MLFLOW_HTTP_REQUEST_TIMEOUT: '0.2', MLFLOW_HTTP_REQUEST_MAX_RETRIES: '1' };
    await rejectsWith(resolveModelUri('models:/iris/1', { ...opts, env }), 'DEADLINE_EXCEEDED', `The model registry at ${stub.url} did not answer GET /api/2.0/mlflow/model-versions/get within 0.2 s`);
    assert.equal(stub.seen.length, 2);
    assert.ok(Date.now() - started < 3000);
  });

  it('names an unreachable server', async () => {
    const env = { ...FAST, MLFLOW_HTTP_REQUEST_MAX_RETRIES: '0' };
    await rejectsWith(resolveModelUri('models:/iris/1', { ...opts, trackingUri: 'http://127.0.0.1:1', env }), 'TEMPORARILY_UNAVAILABLE', 'Could not reach the model registry at http://127.0.0.1:1');
  });

  it('sends Bearer tokens and the workspace header, and Basic auth when a user and password are set (Basic wins)', async () => {
    const auth = () => stub.seen.map((r) => r.headers.authorization);
    await resolveModelUri('models:/iris/1', { ...opts, env: { ...FAST, MLFLOW_TRACKING_TOKEN: 'tok', MLFLOW_WORKSPACE: 'team' } });
    assert.ok(auth().length > 0 && auth().every((a) => a === 'Bearer tok'));
    assert.ok(stub.seen.every((r) => r.headers['x-mlflow-workspace'] === 'team'), 'the fork sends the workspace on every call');
    stub.seen.length = 0;
    const env = { ...FAST, MLFLOW_TRACKING_TOKEN: 'tok', MLFLOW_TRACKING_USERNAME: 'ann', MLFLOW_TRACKING_PASSWORD: 's3cret' };
    dropLater(await resolveModelUri('models:/iris/1', { ...opts, env, noCache: true }));
    assert.ok(auth().every((a) => a === `Basic ${Buffer.from('ann:s3cret').toString('base64')}`));
    stub.seen.length = 0;
    const url = stub.url.replace('://', '://bob:pw@');
    dropLater(await resolveModelUri('models:/iris/1', { ...opts, trackingUri: url, noCache: true }));
    assert.ok(auth().every((a) => a === `Basic ${Buffer.from('bob:pw').toString('base64')}`));
    assert.ok(stub.seen.some((r) => r.path.startsWith('/api/2.0/mlflow-artifacts/')), 'artifact downloads carry the auth too');
  });

  it('explains 401 answers, without printing the password', async () => {
    stub.hook = (req, res) => (req.headers.authorization ? false : (res.writeHead(401).end('Unauthorized'), true));
    const err = await rejectsWith(resolveModelUri('models:/iris/1', { ...opts, trackingUri: stub.url.replace('://', '://bob:@') }), 'UNAUTHENTICATED', 'MLFLOW_TRACKING_USERNAME');
    assert.ok(!err.message.includes('s3cret'));
    const url = stub.url.replace('://', '://bob:s3cret@');
    stub.hook = (_req, res) => (res.writeHead(404).end('nope'), true);
    const err2 = await rejectsWith(resolveModelUri('models:/iris/1', { ...opts, trackingUri: url }), 'ENDPOINT_NOT_FOUND', 'bob:***@');
    assert.ok(!err2.message.includes('s3cret'));
  });
});

describe('download safety', () => {
  for (const bad of ['../escaped.txt', '/etc/evil', 'a/../../x', 'nul\0byte', '..']) {
    it(`rejects the artifact path ${JSON.stringify(bad)} and keeps nothing`, async () => {
      stub.data.files.set(`1/models/m-b/artifacts/${bad}`, Buffer.from('pwned'));
      stub.hook = (req, res) => {
        if (req.path !== '/api/2.0/mlflow-artifacts/artifacts' || req.query.get('path') !== '1/models/m-b/artifacts') return false;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ files: [{ path: 'MLmodel', is_dir: false, file_size: 3 }, { path: bad, is_dir: false, file_size: 5 }] }));
        return true;
      };
      await rejectsWith(resolveModelUri('models:/iris/2', opts), 'INVALID_PARAMETER_VALUE', 'Refusing the artifact path');
      assert.deepEqual(readdirSync(cacheDir), [], 'no entry, no temporary folder');
      assert.equal(existsSync(join(cacheDir, '..', 'escaped.txt')), false);
      assert.equal(stub.seen.filter((r) => r.path.startsWith('/api/2.0/mlflow-artifacts/artifacts/')).length, 0, 'nothing fetched');
    });
  }

  it('never serves an interrupted download, and downloads it again next time', async () => {
    let cut = true;
    stub.hook = (req, res) => {
      if (!cut || !req.path.endsWith('/model.onnx')) return false;
      cut = false;
      res.writeHead(200, { 'content-length': '1000' });
      res.write(Buffer.alloc(10));
      setTimeout(() => res.destroy(), 20);
      return true;
    };
    await assert.rejects(resolveModelUri('models:/iris/2', opts));
    assert.deepEqual(readdirSync(cacheDir), []);
    const dir = await resolveModelUri('models:/iris/2', opts);
    assert.deepEqual(readFileSync(join(dir, 'model.onnx')), modelBytes().get('model.onnx'));
  });

  it('rejects a file shorter than the listed size (DATA_LOSS)', async () => {
    stub.hook = (req, res) => (req.path.endsWith('/conda.yaml') ? (res.writeHead(200).end('short'), true) : false);
    await rejectsWith(resolveModelUri('models:/iris/2', opts), 'DATA_LOSS', "of '1/models/m-b/artifacts/conda.yaml'");
    assert.deepEqual(readdirSync(cacheDir), []);
  });
});

describe('TLS', () => {
  let tls: { key: Buffer; cert: Buffer; certPath: string } | undefined;
  try {
    const dir = tempDir('mlserve-tls-');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
    tls = { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')), certPath: join(dir, 'cert.pem') };
    after(() => rmSync(dir, { recursive: true, force: true }));
  } catch {
    tls = undefined;
  }

  it('rejects a self-signed certificate unless MLFLOW_TRACKING_INSECURE_TLS or a CA file is set', { skip: tls ? false : 'openssl not available' }, async () => {
    const secure = await startMlflowStub(stubData(), tls);
    try {
      const o = { ...opts, trackingUri: secure.url };
      await rejectsWith(resolveModelUri('models:/iris/1', o), 'TEMPORARILY_UNAVAILABLE', 'MLFLOW_TRACKING_INSECURE_TLS');
      assert.equal(secure.seen.length, 0);
      const dir = await resolveModelUri('models:/iris/1', { ...o, env: { ...FAST, MLFLOW_TRACKING_INSECURE_TLS: 'true' } });
      assert.ok(existsSync(join(dir, 'model.onnx')));
      const again = dropLater(await resolveModelUri('models:/iris/1', { ...o, noCache: true, env: { ...FAST, MLFLOW_TRACKING_SERVER_CERT_PATH: tls!.certPath } }));
      assert.ok(existsSync(join(again, 'model.onnx')));
    } finally {
      await secure.close();
    }
  });
});
