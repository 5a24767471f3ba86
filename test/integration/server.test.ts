// The HTTP surface through real sockets: endpoints, MLflow's framework answers, limits, and where mlserve does better.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { startServer } from '../helpers/server.js';
import { makeModel } from '../helpers/model-dir.js';
import type { ServerHandle } from '../../src/serve.js';

const COLS = [
  { type: 'double', name: 'c_double', required: true },
  { type: 'long', name: 'c_long', required: true },
  { type: 'boolean', name: 'c_bool', required: true },
  { type: 'string', name: 'c_str', required: true },
  { type: 'binary', name: 'c_bin', required: true },
  { type: 'datetime', name: 'c_dt', required: true },
];

/** Sends a raw request (fetch cannot omit Content-Type on a string body). */
function raw(url: string, method: string, path: string, headers: Record<string, string>, body?: Buffer | string): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url + path, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('endpoints and framework answers', () => {
  let server: ServerHandle;
  before(async () => (server = await startServer(makeModel())));
  after(() => server.close());

  it('answers /ping and /health with 200 and a newline', async () => {
    for (const path of ['/ping', '/health']) {
      const res = await fetch(server.url + path);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-type'), 'application/json');
      assert.equal(await res.text(), '\n');
    }
  });
  it('answers HEAD /ping with headers and no body', async () => {
    const res = await raw(server.url, 'HEAD', '/ping', {});
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-length'], '1');
    assert.equal(res.body, '');
  });
  it('answers /version with the bare MLflow protocol version', async () => {
    const res = await fetch(`${server.url}/version`);
    assert.equal(await res.text(), '3.6.1.dev0');
    assert.match(res.headers.get('x-mlserve-version') ?? '', /^\d+\.\d+\.\d+/);
  });
  it('answers unknown paths 404 {"detail":"Not Found"}', async () => {
    const res = await fetch(`${server.url}/does-not-exist`);
    assert.equal(res.status, 404);
    assert.equal(await res.text(), '{"detail":"Not Found"}');
  });
  it('answers wrong methods 405 with allow headers', async () => {
    const a = await fetch(`${server.url}/ping`, { method: 'POST' });
    assert.equal(a.status, 405);
    assert.equal(await a.text(), '{"detail":"Method Not Allowed"}');
    assert.match(a.headers.get('allow') ?? '', /GET/);
    const b = await fetch(`${server.url}/invocations`);
    assert.equal(b.status, 405);
    assert.equal(b.headers.get('allow'), 'POST');
  });
  it('redirects a trailing slash with 307', async () => {
    const res = await fetch(`${server.url}/ping/`, { redirect: 'manual' });
    assert.equal(res.status, 307);
    assert.match(res.headers.get('location') ?? '', /\/ping$/);
  });
  it('answers 415 in plain text for other media types, charsets and parameters', async () => {
    const cases: [string, string][] = [
      ['text/plain', "This predictor only supports the following content types: Types: ['text/csv', 'application/json']. Got 'text/plain'."],
      ['application/json; charset=utf8', 'The scoring server only supports UTF-8'],
      ['text/plain; charset=latin-1', 'The scoring server only supports UTF-8'],
    ];
    for (const [ct, body] of cases) {
      const res = await fetch(`${server.url}/invocations`, { method: 'POST', headers: { 'content-type': ct }, body: '{"inputs": [1]}' });
      assert.equal(res.status, 415);
      assert.equal(res.headers.get('content-type'), 'text/plain; charset=utf-8');
      assert.equal(await res.text(), body);
    }
    const res = await fetch(`${server.url}/invocations`, { method: 'POST', headers: { 'content-type': 'application/json; format=pandas-split' }, body: '{}' });
    assert.equal(res.status, 415);
    assert.match(await res.text(), /^Unrecognized content type parameters: format\. IMPORTANT/);
  });
  it('accepts charset=UTF-8 and spaces around the pieces', async () => {
    for (const ct of ['application/json; charset=UTF-8', ' application/json ;  charset=utf-8 ']) {
      const res = await fetch(`${server.url}/invocations`, { method: 'POST', headers: { 'content-type': ct }, body: '{"inputs": [1]}' });
      assert.equal(await res.text(), '{"predictions": [1]}');
    }
  });
  it('accepts UTF-8 with a BOM and UTF-16 JSON', async () => {
    for (const body of [Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"inputs": [1]}')]), Buffer.from('\ufeff{"inputs": [1]}', 'utf16le')]) {
      const res = await raw(server.url, 'POST', '/invocations', { 'content-type': 'application/json' }, body);
      assert.equal(res.body, '{"predictions": [1]}');
    }
  });
});

describe('where mlserve does better than MLflow', () => {
  let server: ServerHandle;
  before(async () => (server = await startServer(makeModel({ inputs: COLS }))));
  after(() => server.close());

  it('answers a POST without Content-Type with 400 BAD_REQUEST JSON (MLflow: 500)', async () => {
    const res = await raw(server.url, 'POST', '/invocations', {}, '{"inputs": [1]}');
    assert.equal(res.status, 400);
    assert.equal(JSON.parse(res.body).error_code, 'BAD_REQUEST');
  });
  it('answers invalid UTF-8 with 400 BAD_REQUEST (MLflow: 500)', async () => {
    const res = await raw(server.url, 'POST', '/invocations', { 'content-type': 'application/json' }, Buffer.from([0x7b, 0x22, 0xe9, 0x22, 0x7d]));
    assert.equal(res.status, 400);
    assert.equal(JSON.parse(res.body).error_code, 'BAD_REQUEST');
  });
  it('accepts application/csv and compares MIME types case-insensitively (MLflow: 415)', async () => {
    const csv = 'c_double,c_long,c_bool,c_str,c_bin,c_dt\n1.5,3,True,s,aGVsbG8=,2024-01-02T03:04:05\n';
    for (const ct of ['application/csv', 'Text/CSV']) {
      const res = await fetch(`${server.url}/invocations`, { method: 'POST', headers: { 'content-type': ct }, body: csv });
      assert.equal(res.status, 200, await res.clone().text());
    }
    const res = await fetch(`${server.url}/invocations`, { method: 'POST', headers: { 'content-type': 'Application/JSON' }, body: '{"dataframe_records": []}' });
    assert.equal(res.status, 400);
  });
  it('parses CSV with datetime and binary columns using the signature (MLflow: 400)', async () => {
    const csv = 'c_double,c_long,c_bool,c_str,c_bin,c_dt\n1.5,3,True,s,aGVsbG8=,2024-01-02T03:04:05\n2,4,False,,aGk=,2024-01-03\n';
    const res = await fetch(`${server.url}/invocations`, { method: 'POST', headers: { 'content-type': 'text/csv' }, body: csv });
    assert.equal(
      await res.text(),
      '{"predictions": [{"c_double": 1.5, "c_long": 3, "c_bool": true, "c_str": "s", "c_bin": "aGVsbG8=\\n", "c_dt": "2024-01-02T03:04:05"}, {"c_double": 2.0, "c_long": 4, "c_bool": false, "c_str": NaN, "c_bin": "aGk=\\n", "c_dt": "2024-01-03T00:00:00"}]}',
    );
  });
  it('names the column and line of a CSV value that does not fit the signature', async () => {
    const res = await fetch(`${server.url}/invocations`, { method: 'POST', headers: { 'content-type': 'text/csv' }, body: 'c_double,c_long,c_bool,c_str,c_bin,c_dt\nx,3,True,s,aGk=,2024-01-02\n' });
    assert.equal(res.status, 400);
    const body = await res.json();
    assert.equal(body.error_code, 'BAD_REQUEST');
    assert.match(body.message, /c_double/);
    assert.match(body.message, /line 2/);
  });
  it('parses CSV for a tensor signature', async () => {
    const tensor = await startServer(makeModel({ inputs: [{ type: 'tensor', 'tensor-spec': { dtype: 'float32', shape: [-1, 3] } }] }));
    try {
      const res = await fetch(`${tensor.url}/invocations`, { method: 'POST', headers: { 'content-type': 'text/csv' }, body: 'a,b,c\n1,2,3\n4,5,6\n' });
      assert.equal(await res.text(), '{"predictions": [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]}');
      const bad = await fetch(`${tensor.url}/invocations`, { method: 'POST', headers: { 'content-type': 'text/csv' }, body: 'a,b,c\n1,x,3\n' });
      assert.equal(bad.status, 400);
      assert.match((await bad.json()).message, /could not be coerced to the tensor type 'float32': could not convert string to float: 'x'/);
    } finally {
      await tensor.close();
    }
  });
});

describe('limits and failures', () => {
  it("answers 504 with MLflow's message as valid JSON when a request runs past the timeout, and keeps serving", async () => {
    const dir = makeModel({ source: 'export async function predict(input) { await new Promise((r) => setTimeout(r, input.at(0) === 1 ? 3000 : 0)); return "done"; }\n' });
    const server = await startServer(dir, { timeoutSeconds: 1 });
    try {
      const slow = await fetch(`${server.url}/invocations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"inputs": 1}' });
      assert.equal(slow.status, 504);
      assert.equal(slow.headers.get('content-type'), 'application/json');
      // MLflow sends the bare text labelled application/json; mlserve sends its error envelope.
      assert.deepEqual(await slow.json(), { error_code: 'DEADLINE_EXCEEDED', message: 'Request processing time exceeded limit' });
      const fast = await fetch(`${server.url}/invocations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"inputs": 2}' });
      assert.equal(await fast.text(), '{"predictions": "done"}');
    } finally {
      await server.close();
    }
  });
  it('answers 413 with a JSON error for a body over the limit', async () => {
    const server = await startServer(makeModel(), { bodyLimitBytes: 1000 });
    try {
      const res = await fetch(`${server.url}/invocations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: `{"inputs": [${'1,'.repeat(2000)}1]}` });
      assert.equal(res.status, 413);
      assert.equal((await res.json()).error_code, 'REQUEST_LIMIT_EXCEEDED');
    } finally {
      await server.close();
    }
  });
  it('never answers 5xx or stops serving for hostile bodies', async () => {
    const server = await startServer(makeModel({ inputs: COLS, params: [{ name: 'p', default: 1, shape: null, type: 'long' }] }));
    const bodies = [
      '{'.repeat(100_000),
      '[1'.repeat(50_000),
      '{"inputs": {"__proto__": {"polluted": 1}}}',
      '{"dataframe_split": {"columns": {"a": 1}, "data": 5}}',
      '{"dataframe_records": [[1], {"a": 1}, 3]}',
      '{"inputs": [[[[[[[[[[1]]]]]]]]]]}',
      '{"instances": [{"c_dt": {"x": 1}}]}',
      '{"dataframe_split": {"columns": ["c_dt"], "data": [[[1, 2]]]}}',
      '{"inputs": 1e999999}',
      '{"inputs": 123456789012345678901234567890}',
      '{"dataframe_records": [{"c_long": 1e400}]}',
      '{"inputs": [1], "params": {"p": {"a": [1]}}}',
      '\u0000\u0001',
    ];
    try {
      let seed = 7;
      const rand = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
      for (let i = 0; i < 40; i++) bodies.push(Buffer.from(Array.from({ length: 1 + Math.floor(rand() * 60) }, () => Math.floor(rand() * 256))).toString('latin1'));
      for (const body of bodies) {
        const res = await fetch(`${server.url}/invocations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
        const text = await res.text();
        assert.ok(res.status >= 400 && res.status < 500, `status ${res.status} for ${JSON.stringify(body.slice(0, 60))}: ${text.slice(0, 200)}`);
        assert.ok(JSON.parse(text.replace(/\bNaN\b/g, 'null')).error_code);
      }
      assert.equal(({} as Record<string, unknown>).polluted, undefined);
      assert.equal((await fetch(`${server.url}/ping`)).status, 200);
    } finally {
      await server.close();
    }
  });
  it('counts a client that hangs up mid-body as 499 CANCELLED, not a server error, and keeps serving', async () => {
    const server = await startServer(makeModel());
    try {
      const { connect } = await import('node:net');
      await new Promise<void>((resolve) => {
        const sock = connect(server.port, '127.0.0.1', () => {
          sock.write('POST /invocations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"inputs": [1');
          setTimeout(() => sock.destroy(), 50);
        });
        sock.on('close', () => setTimeout(resolve, 100));
      });
      const metrics = await (await fetch(`${server.url}/metrics`)).text();
      assert.match(metrics, /^mlserve_requests_total\{endpoint="\/invocations",protocol="mlflow",status="499"\} 1$/m);
      assert.doesNotMatch(metrics, /status="500"/);
      assert.equal((await fetch(`${server.url}/ping`)).status, 200);
    } finally {
      await server.close();
    }
  });
  it('answers MLflow\'s prefix and code for an MLflow-style error thrown by the model', async () => {
    const source = `import { ServingError } from ${JSON.stringify(new URL('../../src/errors.js', import.meta.url).href)};
export function predict() { throw new ServingError('RESOURCE_DOES_NOT_EXIST', 'custom'); }\n`;
    const server = await startServer(makeModel({ source }));
    try {
      const res = await fetch(`${server.url}/invocations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"inputs": [1]}' });
      assert.equal(res.status, 404);
      const body = await res.json();
      assert.equal(body.error_code, 'RESOURCE_DOES_NOT_EXIST');
      assert.match(body.message, /^Failed to predict data '.*'\. \nError: custom$/s);
    } finally {
      await server.close();
    }
  });
  it('hides schema details when asked (MLFLOW_DISABLE_SCHEMA_DETAILS)', async () => {
    const server = await startServer(makeModel({ inputs: COLS }), {}, { MLFLOW_DISABLE_SCHEMA_DETAILS: 'true' });
    try {
      const res = await fetch(`${server.url}/invocations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"dataframe_records": [{"c_double": 1.0}]}' });
      const body = await res.json();
      assert.equal(res.status, 400);
      assert.match(body.message, /Failed to enforce model input schema\. Please check your input data\./);
      assert.doesNotMatch(body.message, /missing inputs/);
    } finally {
      await server.close();
    }
  });
});
