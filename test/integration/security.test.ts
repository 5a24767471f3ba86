// The security surface (issue 12, items 11-13): tokens on every route but health and metrics (REST
// and gRPC), CORS allow-lists and preflights, HTTPS and gRPC over TLS with client certificates.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpsRequest } from 'node:https';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { credentials, loadPackageDefinition, Metadata, status, type Client, type ServiceError } from '@grpc/grpc-js';
import { startServer } from '../helpers/server.js';
import { makeModel } from '../helpers/model-dir.js';
import { hasOpenssl, makeTestPki, type TestPki } from '../helpers/tls.js';
import { loadInferencePackage } from '../../src/server/v2/grpc-proto.js';
import type { ServerHandle } from '../../src/serve.js';

type Init = { method?: string; headers?: Record<string, string>; body?: string };
const call = (url: string, init: Init = {}): Promise<Response> => fetch(url, init);
const invoke = (base: string, headers: Record<string, string> = {}): Promise<Response> =>
  call(`${base}/invocations`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: '{"inputs": [1]}' });

function grpcClient(port: number, creds = credentials.createInsecure()): Client & Record<string, Function> {
  const pkg = loadPackageDefinition(loadInferencePackage()) as any;
  // The test certificate names localhost; gRPC checks the name it is told instead of the IP.
  return new pkg.inference.GRPCInferenceService(`127.0.0.1:${port}`, creds, { 'grpc.ssl_target_name_override': 'localhost' });
}
function rpc(client: Client & Record<string, Function>, name: string, request: unknown, metadata = new Metadata()): Promise<any> {
  return new Promise((resolve, reject) => client[name](request, metadata, (err: ServiceError | null, res: unknown) => (err ? reject(err) : resolve(res))));
}

describe('authentication', () => {
  let server: ServerHandle;
  let model: string;
  let tokenFile: string;
  before(async () => {
    model = makeModel();
    tokenFile = join(model, 'tokens.txt');
    writeFileSync(tokenFile, '# service accounts\nfrom-file\n');
    server = await startServer(model, { warmup: false, grpcPort: 0, authTokens: ['t0k3n'], authTokenFile: tokenFile, metricsTokens: ['scrape'] }, { MLSERVE_AUTH_TOKENS: 'ignored-when-given' });
  });
  after(async () => {
    await server.close();
    rmSync(model, { recursive: true, force: true });
  });

  it('answers 401 with WWW-Authenticate and MLflow\'s envelope without a valid token', async () => {
    for (const headers of [{}, { authorization: 'Bearer wrong' }, { authorization: 'Basic dDBrM246' }, { 'x-api-key': 't0k3' }] as Record<string, string>[]) {
      const res = await invoke(server.url, headers);
      assert.equal(res.status, 401, JSON.stringify(headers));
      assert.equal(res.headers.get('www-authenticate'), 'Bearer realm="mlserve"');
      assert.equal((await res.json()).error_code, 'UNAUTHENTICATED');
    }
  });

  it('accepts a bearer token, an API key, and tokens from the file', async () => {
    assert.equal((await invoke(server.url, { authorization: 'Bearer t0k3n' })).status, 200);
    assert.equal((await invoke(server.url, { authorization: 'bearer t0k3n' })).status, 200);
    assert.equal((await invoke(server.url, { 'x-api-key': 't0k3n' })).status, 200);
    assert.equal((await invoke(server.url, { authorization: 'Bearer from-file' })).status, 200);
    assert.equal((await invoke(server.url, { authorization: 'Bearer ignored-when-given' })).status, 401);
  });

  it('leaves liveness and readiness open, protects every other route, V2 included', async () => {
    for (const path of ['/ping', '/health', '/v2/health/live', '/v2/health/ready']) assert.equal((await call(server.url + path)).status, 200, path);
    for (const path of ['/version', '/no-such-route', '/v2', '/v2/models']) assert.equal((await call(server.url + path)).status, 401, path);
    const v2 = await call(`${server.url}/v2/models/m/infer`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    assert.equal(v2.status, 401);
    assert.match((await v2.json()).error, /Authentication required/);
  });

  it('protects /metrics with its own token only', async () => {
    assert.equal((await call(`${server.url}/metrics`)).status, 401);
    assert.equal((await call(`${server.url}/metrics`, { headers: { authorization: 'Bearer t0k3n' } })).status, 401);
    assert.equal((await call(`${server.url}/metrics`, { headers: { authorization: 'Bearer scrape' } })).status, 200);
  });

  it('checks gRPC calls the same way: health open, inference needs the token', async () => {
    const client = grpcClient(server.grpcPort!);
    try {
      assert.deepEqual(await rpc(client, 'ServerLive', {}), { live: true });
      await assert.rejects(rpc(client, 'ServerMetadata', {}), (err: ServiceError) => err.code === status.UNAUTHENTICATED);
      const md = new Metadata();
      md.set('authorization', 'Bearer t0k3n');
      assert.equal((await rpc(client, 'ServerMetadata', {}, md)).name, 'mlserve');
    } finally {
      client.close();
    }
  });

  it('protects health too with --auth-health, and reads MLSERVE_AUTH_TOKENS', async () => {
    const other = await startServer(model, { warmup: false, authHealth: true }, { MLSERVE_AUTH_TOKENS: 'env-one, env-two' });
    try {
      assert.equal((await call(`${other.url}/ping`)).status, 401);
      assert.equal((await call(`${other.url}/ping`, { headers: { authorization: 'Bearer env-two' } })).status, 200);
      assert.equal((await call(`${other.url}/metrics`)).status, 200);
    } finally {
      await other.close();
    }
  });
});

describe('CORS', () => {
  let server: ServerHandle;
  let model: string;
  before(async () => {
    model = makeModel();
    server = await startServer(model, { warmup: false, corsOrigins: ['https://app.example'], corsAllowCredentials: true, authTokens: ['t'] });
  });
  after(async () => {
    await server.close();
    rmSync(model, { recursive: true, force: true });
  });

  const preflight = (origin: string, method = 'POST'): Promise<Response> =>
    call(`${server.url}/invocations`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': 'content-type, authorization' } });

  it('answers a preflight from an allowed origin (before authentication, which browsers do not send)', async () => {
    const res = await preflight('https://app.example');
    assert.equal(res.status, 204);
    assert.equal(res.headers.get('access-control-allow-origin'), 'https://app.example');
    assert.equal(res.headers.get('access-control-allow-credentials'), 'true');
    assert.match(res.headers.get('access-control-allow-methods')!, /POST/);
    assert.equal(res.headers.get('access-control-allow-headers'), 'content-type, authorization');
    assert.match(res.headers.get('vary')!, /Origin/);
  });

  it('refuses a preflight from another origin or for another method', async () => {
    for (const res of [await preflight('https://evil.example'), await preflight('https://app.example', 'DELETE')]) {
      assert.equal(res.status, 403);
      assert.equal(res.headers.get('access-control-allow-origin'), null);
    }
  });

  it('labels answers to the allowed origin only, errors included', async () => {
    const ok = await invoke(server.url, { origin: 'https://app.example', authorization: 'Bearer t' });
    assert.equal(ok.status, 200);
    assert.equal(ok.headers.get('access-control-allow-origin'), 'https://app.example');
    const denied = await invoke(server.url, { origin: 'https://app.example' });
    assert.equal(denied.status, 401);
    assert.equal(denied.headers.get('access-control-allow-origin'), 'https://app.example');
    const other = await invoke(server.url, { origin: 'https://evil.example', authorization: 'Bearer t' });
    assert.equal(other.headers.get('access-control-allow-origin'), null);
    assert.equal(other.headers.get('vary'), 'Origin');
  });

  it("answers '*' to any origin without credentials, and refuses '*' with credentials at start", async () => {
    const any = await startServer(model, { warmup: false, corsOrigins: ['*'] });
    try {
      const res = await invoke(any.url, { origin: 'https://whoever.example' });
      assert.equal(res.headers.get('access-control-allow-origin'), '*');
      assert.equal(res.headers.get('access-control-allow-credentials'), null);
    } finally {
      await any.close();
    }
    await assert.rejects(startServer(model, { warmup: false, corsOrigins: ['*'], corsAllowCredentials: true }), /CORS with credentials needs explicit origins/);
  });

  it('sends no CORS headers and answers OPTIONS 405 when CORS is off', async () => {
    const plain = await startServer(model, { warmup: false });
    try {
      const res = await call(`${plain.url}/invocations`, { method: 'OPTIONS', headers: { origin: 'https://app.example', 'access-control-request-method': 'POST' } });
      assert.equal(res.status, 405);
      assert.equal(res.headers.get('access-control-allow-origin'), null);
    } finally {
      await plain.close();
    }
  });
});

describe('TLS', { skip: hasOpenssl() ? false : 'openssl is not installed (it makes the test certificates)' }, () => {
  let pki: TestPki;
  let model: string;
  before(() => {
    pki = makeTestPki();
    model = makeModel();
  });
  after(() => {
    pki?.remove();
    rmSync(model, { recursive: true, force: true });
  });

  function get(url: string, opts: { cert?: Buffer; key?: Buffer } = {}): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const req = httpsRequest(url, { ca: pki.read(pki.caCert), ...opts }, (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode!, body }));
      });
      req.on('error', reject);
      req.end();
    });
  }

  it('serves HTTPS and gRPC over TLS with --ssl-keyfile and --ssl-certfile', async () => {
    const server = await startServer(model, { warmup: false, grpcPort: 0, sslKeyfile: pki.serverKey, sslCertfile: pki.serverCert });
    try {
      assert.match(server.url, /^https:\/\/127\.0\.0\.1:\d+$/);
      assert.deepEqual(await get(`${server.url}/ping`), { status: 200, body: '\n' });
      const client = grpcClient(server.grpcPort!, credentials.createSsl(pki.read(pki.caCert)));
      try {
        assert.deepEqual(await rpc(client, 'ServerLive', {}), { live: true });
      } finally {
        client.close();
      }
    } finally {
      await server.close();
    }
  });

  it('requires a client certificate signed by --ssl-ca-certs with --ssl-cert-reqs 2', async () => {
    const server = await startServer(model, { warmup: false, sslKeyfile: pki.serverKey, sslCertfile: pki.serverCert, sslCaCerts: pki.caCert, sslCertReqs: 2 });
    try {
      await assert.rejects(get(`${server.url}/ping`));
      assert.equal((await get(`${server.url}/ping`, { cert: pki.read(pki.clientCert), key: pki.read(pki.clientKey) })).status, 200);
    } finally {
      await server.close();
    }
  });

  it('lets clients without a certificate in with --ssl-cert-reqs 1, but not with a certificate it cannot verify', async () => {
    const server = await startServer(model, { warmup: false, sslKeyfile: pki.serverKey, sslCertfile: pki.serverCert, sslCaCerts: pki.caCert, sslCertReqs: 1 });
    const stranger = makeTestPki();
    try {
      assert.equal((await get(`${server.url}/ping`)).status, 200);
      assert.equal((await get(`${server.url}/ping`, { cert: pki.read(pki.clientCert), key: pki.read(pki.clientKey) })).status, 200);
      await assert.rejects(get(`${server.url}/ping`, { cert: stranger.read(stranger.clientCert), key: stranger.read(stranger.clientKey) }));
    } finally {
      stranger.remove();
      await server.close();
    }
  });

  it('refuses to start with a key but no certificate, or an unreadable file', async () => {
    await assert.rejects(startServer(model, { warmup: false, sslKeyfile: pki.serverKey }), /needs both --ssl-keyfile and --ssl-certfile/);
    await assert.rejects(startServer(model, { warmup: false, sslKeyfile: pki.serverKey, sslCertfile: join(pki.dir, 'missing.pem') }), /Cannot read the TLS certificate/);
  });
});
