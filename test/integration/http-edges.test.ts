// The HTTP front at the byte level (issue 12, items 9 and 15): time-outs answer 408, oversized heads
// 431, Expect: 100-continue, absolute-form targets, relative redirects, nosniff, JSON 504s, slow
// bodies closed after their answer, compressed bodies and answers, stack traces without paths.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { rmSync } from 'node:fs';
import { gunzipSync, gzipSync, brotliDecompressSync } from 'node:zlib';
import { startServer } from '../helpers/server.js';
import { makeModel } from '../helpers/model-dir.js';
import type { ServerHandle } from '../../src/serve.js';

/** Writes raw bytes on a fresh connection and collects what comes back until the server closes it (or `waitMs`). */
function raw(port: number, chunks: (string | Buffer)[], waitMs = 5000, gapMs = 0): Promise<{ text: string; closed: boolean; ms: number }> {
  return new Promise((resolve) => {
    const started = Date.now();
    const socket: Socket = connect(port, '127.0.0.1');
    let text = '';
    let closed = false;
    socket.on('data', (d) => (text += d.toString('latin1')));
    socket.on('error', () => {});
    socket.on('close', () => {
      closed = true;
      clearTimeout(timer);
      resolve({ text, closed, ms: Date.now() - started });
    });
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ text, closed: false, ms: Date.now() - started });
    }, waitMs);
    socket.on('connect', async () => {
      for (const c of chunks) {
        if (socket.destroyed) return;
        socket.write(c);
        if (gapMs) await new Promise((r) => setTimeout(r, gapMs));
      }
    });
  });
}

const status = (text: string): number => Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1]);
const bodyOf = (text: string): string => text.slice(text.indexOf('\r\n\r\n') + 4);

describe('HTTP edges', () => {
  let server: ServerHandle;
  let model: string;
  before(async () => {
    model = makeModel({ source: 'export async function predict(input, params) { if (input?.at?.(0) === 7) await new Promise((r) => setTimeout(r, 3000)); if (input?.at?.(0) === 13) throw new Error("boom"); if (input?.at?.(0) === 99) return Array.from({ length: 50000 }, (_, i) => i); return input; }\n' });
    server = await startServer(model, { workers: 1, warmup: false, timeoutSeconds: 1, headerTimeoutSeconds: 1, bodyTimeoutSeconds: 2, maxHeaderBytes: 4096, maxHeaderCount: 20, bodyLimitBytes: 10_000 });
  });
  after(async () => {
    await server.close();
    rmSync(model, { recursive: true, force: true });
  });

  it('answers 408 as JSON and closes when the headers do not arrive in time', async () => {
    const r = await raw(server.port, ['GET /ping HTTP/1.1\r\nHost: x\r\n'], 8000);
    assert.equal(status(r.text), 408);
    assert.equal(JSON.parse(bodyOf(r.text)).error_code, 'BAD_REQUEST');
    assert.ok(r.closed);
  });

  it('answers 431 to a head over the size limit and to too many headers', async () => {
    const big = await raw(server.port, [`GET /ping HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(5000)}\r\n\r\n`]);
    assert.equal(status(big.text), 431);
    assert.equal(JSON.parse(bodyOf(big.text)).error_code, 'REQUEST_LIMIT_EXCEEDED');
    const many = await raw(server.port, [`GET /ping HTTP/1.1\r\nHost: x\r\n${Array.from({ length: 30 }, (_, i) => `X-H${i}: 1\r\n`).join('')}\r\n`], 2000);
    assert.equal(status(many.text), 431);
  });

  it('answers 413 without 100 Continue when the declared body is over the limit', async () => {
    const r = await raw(server.port, ['POST /invocations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 20000\r\nExpect: 100-continue\r\n\r\n'], 3000);
    assert.equal(status(r.text), 413);
    assert.doesNotMatch(r.text, /100 Continue/);
    assert.match(r.text, /connection: close/i);
  });

  it('answers 100 Continue, then the answer, for a body within the limit', async () => {
    const r = await raw(server.port, ['POST /invocations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 13\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n', '{"inputs": 1}'], 3000, 200);
    assert.match(r.text, /^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 OK/);
  });

  it('routes absolute-form request targets', async () => {
    const r = await raw(server.port, ['GET http://elsewhere.example/ping HTTP/1.1\r\nHost: elsewhere.example\r\nConnection: close\r\n\r\n']);
    assert.equal(status(r.text), 200);
  });

  it('redirects a trailing slash with a relative Location, whatever the Host header says', async () => {
    const r = await raw(server.port, ['GET /ping/?a=1 HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n']);
    assert.equal(status(r.text), 307);
    assert.match(r.text, /\r\nlocation: \/ping\?a=1\r\n/i);
    assert.doesNotMatch(r.text, /evil/);
  });

  it('keeps a keep-alive connection open across answers to requests without a body', async () => {
    const r = await raw(server.port, ['GET /ping HTTP/1.1\r\nHost: x\r\n\r\n', 'GET /version HTTP/1.1\r\nHost: x\r\n\r\n', 'GET /nope HTTP/1.1\r\nHost: x\r\n\r\n'], 600, 100);
    assert.equal((r.text.match(/HTTP\/1\.1 \d{3}/g) ?? []).length, 3);
    assert.doesNotMatch(r.text, /connection: close/i);
    assert.equal(r.closed, false);
  });

  it('sends X-Content-Type-Options: nosniff on every answer', async () => {
    for (const path of ['/ping', '/version', '/nope', '/v2']) {
      const res = await fetch(`${server.url}${path}`);
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff', path);
    }
  });

  it('answers a time-out with a JSON 504 and closes a connection whose body is still arriving', async () => {
    const r = await raw(server.port, ['POST /invocations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"inputs":'], 6000);
    assert.equal(status(r.text), 504);
    assert.deepEqual(JSON.parse(bodyOf(r.text)), { error_code: 'DEADLINE_EXCEEDED', message: 'Request processing time exceeded limit' });
    assert.ok(r.closed, 'the connection is closed after the 504');
    assert.ok(r.ms < 4000, `closed after ${r.ms} ms`);
  });

  it('answers 408 when a body trickles in past the body time-out', async () => {
    const name = model.split('/').pop();
    const chunks = [`POST /v2/models/${name}/infer HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n`, ...Array(10).fill('{')];
    const r = await raw(server.port, chunks, 8000, 400);
    assert.equal(status(r.text), 408, r.text.slice(0, 80));
    assert.ok(r.closed);
  });

  it("sends MLflow's stack_trace without the server's paths", async () => {
    const res = await fetch(`${server.url}/invocations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"inputs": [13]}' });
    assert.equal(res.status, 400);
    const { stack_trace } = await res.json();
    assert.match(stack_trace, /Error: boom/);
    assert.doesNotMatch(stack_trace, /\/tmp\/|file:\/\/|\/work\//);
    assert.match(stack_trace, /model\.mjs:\d+:\d+/);
  });

  it('decodes a gzip request body, and refuses one that inflates past the body limit', async () => {
    const ok = await fetch(`${server.url}/invocations`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, body: gzipSync('{"inputs": [1, 2]}') });
    assert.equal(ok.status, 200);
    assert.deepEqual(await ok.json(), { predictions: [1, 2] });
    const bomb = gzipSync(`{"inputs": [${'0,'.repeat(1_000_000)}0]}`);
    assert.ok(bomb.length < 10_000, `${bomb.length} compressed bytes`);
    const big = await fetch(`${server.url}/invocations`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, body: bomb });
    assert.equal(big.status, 413);
    const odd = await fetch(`${server.url}/invocations`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-encoding': 'zstd' }, body: '{}' });
    assert.equal(odd.status, 415);
    const broken = await fetch(`${server.url}/invocations`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, body: 'not gzip' });
    assert.equal(broken.status, 400);
  });

  it('compresses a large answer for a client that accepts gzip or br, and only then', async () => {
    const ask = (encoding: string): Promise<{ status: number; headers: string; body: Buffer }> =>
      new Promise((resolve) => {
        const socket = connect(server.port, '127.0.0.1');
        const parts: Buffer[] = [];
        socket.on('data', (d) => parts.push(d));
        socket.on('close', () => {
          const all = Buffer.concat(parts);
          const split = all.indexOf('\r\n\r\n');
          const headers = all.subarray(0, split).toString('latin1');
          resolve({ status: status(headers), headers, body: all.subarray(split + 4) });
        });
        socket.write(`POST /invocations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 15\r\nAccept-Encoding: ${encoding}\r\nConnection: close\r\n\r\n{"inputs": [99]}`.replace('Content-Length: 15', 'Content-Length: 16'));
      });
    const gz = await ask('gzip, deflate');
    assert.match(gz.headers, /content-encoding: gzip/i);
    assert.match(gz.headers, /vary: Accept-Encoding/i);
    const text = gunzipSync(gz.body).toString();
    assert.ok(text.startsWith('{"predictions": [0, 1, 2'));
    const br = await ask('br;q=1, gzip;q=0.5');
    assert.match(br.headers, /content-encoding: br/i);
    assert.equal(brotliDecompressSync(br.body).toString(), text);
    const none = await ask('identity');
    assert.doesNotMatch(none.headers, /content-encoding/i);
    assert.equal(none.body.toString(), text);
  });
});

describe('HTTP limits: connections and stack traces off', () => {
  it('closes connections past --max-connections at once', async () => {
    const server = await startServer(makeModel(), { warmup: false, maxConnections: 2 });
    const sockets: Socket[] = [];
    try {
      for (let i = 0; i < 2; i++) {
        const s = connect(server.port, '127.0.0.1');
        s.on('error', () => {});
        sockets.push(s);
        await new Promise((r) => s.once('connect', r));
      }
      await new Promise((r) => setTimeout(r, 100));
      const third = await raw(server.port, ['GET /ping HTTP/1.1\r\nHost: x\r\n\r\n'], 2000);
      assert.ok(third.closed);
      assert.equal(third.text, '');
    } finally {
      for (const s of sockets) s.destroy();
      await server.close();
    }
  });

  it('leaves stack_trace out with --no-stack-traces', async () => {
    const dir = makeModel({ source: 'export function predict() { throw new Error("boom"); }\n' });
    const server = await startServer(dir, { warmup: false, stackTraces: false });
    try {
      const res = await fetch(`${server.url}/invocations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"inputs": [1]}' });
      assert.equal(res.status, 400);
      const body = await res.json();
      assert.equal(body.stack_trace, undefined);
      assert.equal(body.error_code, 'BAD_REQUEST');
    } finally {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('large bodies are decoded off the HTTP thread', () => {
  it('keeps answering /ping while a 17 MB body is parsed, and answers it as the HTTP thread would', async () => {
    const dir = makeModel({
      inputs: [{ type: 'double', name: 'a', required: true }, { type: 'long', name: 'b', required: true }],
      source: 'export function predict(input) { return input.numRows; }\n',
    });
    const server = await startServer(dir, { warmup: false, workers: 1 });
    try {
      const rows = 1_000_000;
      const body = `{"dataframe_split": {"columns": ["a", "b"], "data": [${Array.from({ length: rows }, (_, i) => `[${i}.5, ${i}]`).join(', ')}]}}`;
      assert.ok(body.length > 15_000_000, `${body.length} bytes`);
      const big = fetch(`${server.url}/invocations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      // Probe /ping while the big request is in flight: every probe answered within 500 ms.
      let worst = 0;
      let done = false;
      // Ends the probe loop whether the big request is answered or fails.
      const answer = big.finally(() => {
        done = true;
      });
      while (!done) {
        const t = Date.now();
        assert.equal((await fetch(`${server.url}/ping`)).status, 200);
        worst = Math.max(worst, Date.now() - t);
        await new Promise((r) => setTimeout(r, 20));
      }
      const res = await answer;
      assert.equal(res.status, 200);
      assert.deepEqual(await res.json(), { predictions: rows });
      assert.ok(worst < 1000, `a /ping took ${worst} ms while the body was decoded`);
      // Errors found on the decode thread are answered exactly as on the HTTP thread.
      const bad = `{"dataframe_split": {"columns": ["a", "b"], "data": [${Array.from({ length: 100_000 }, () => '["x", 1]').join(', ')}]}}`;
      const err = await fetch(`${server.url}/invocations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: bad });
      assert.equal(err.status, 400);
      assert.match((await err.json()).message, /Failed to convert column a to type 'float64'/);
      const csv = await fetch(`${server.url}/invocations`, { method: 'POST', headers: { 'content-type': 'text/csv; charset=latin-1' }, body: 'a,b\n'.repeat(300_000) });
      assert.equal(csv.status, 415);
    } finally {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
