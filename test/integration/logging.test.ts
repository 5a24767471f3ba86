// What the server logs: one access line per request, request ids, model exceptions with their stack, progress while loading.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { serve } from '../../src/serve.js';
import { makeModel } from '../helpers/model-dir.js';
import { memoryLogger } from '../helpers/logs.js';

const post = (url: string, body: string, headers: Record<string, string> = {}): Promise<Response> =>
  fetch(`${url}/invocations`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

const THROWS = 'export function predict() { throw new TypeError("unlucky input"); }\n';

describe('server logs', () => {
  it('writes one access line per request with method, path, status, bytes, duration and request id', async () => {
    const logger = memoryLogger('info');
    const server = await serve({ modelUri: makeModel(), host: '127.0.0.1', port: 0, workers: 1 }, {}, { logger });
    try {
      const ok = await post(server.url, '{"inputs": [1]}', { 'x-request-id': 'client-id-1' });
      assert.equal(ok.headers.get('x-request-id'), 'client-id-1');
      const body = await ok.text();
      const ping = await fetch(`${server.url}/ping?x=1`);
      const generated = ping.headers.get('x-request-id');
      assert.match(generated ?? '', /^[0-9a-f-]{36}$/);
      await (await fetch(`${server.url}/v2/models/nope/ready`, { headers: { 'x-request-id': 'v2-id' } })).text();
      await (await fetch(`${server.url}/nowhere`)).text();
      logger.flush();
      const access = logger.records.filter((r) => r.msg === 'access');
      assert.deepEqual(
        access.map((r) => [r.method, r.path, r.status, r.request_id]),
        [
          ['POST', '/invocations', 200, 'client-id-1'],
          ['GET', '/ping', 200, generated],
          ['GET', '/v2/models/nope/ready', 404, 'v2-id'],
          ['GET', '/nowhere', 404, access[3].request_id],
        ],
      );
      assert.equal(access[0].bytes, Buffer.byteLength(body));
      for (const r of access) assert.ok(typeof r.duration_ms === 'number' && r.duration_ms >= 0 && typeof r.time === 'string', JSON.stringify(r));
    } finally {
      await server.close();
    }
  });

  it('logs a model exception with its stack and the request id', async () => {
    const logger = memoryLogger('info');
    const server = await serve({ modelUri: makeModel({ source: THROWS }), host: '127.0.0.1', port: 0, workers: 2 }, {}, { logger });
    try {
      const res = await post(server.url, '{"inputs": 13}', { 'x-request-id': 'boom-1' });
      assert.equal(res.status, 400);
      logger.flush();
      const failure = logger.records.find((r) => r.msg === 'the model raised an exception');
      assert.ok(failure, JSON.stringify(logger.records));
      assert.equal(failure.level, 'error');
      assert.equal(failure.request_id, 'boom-1');
      assert.equal(failure.error, 'TypeError: unlucky input');
      assert.match(String(failure.stack), /TypeError: unlucky input\n\s+at predict \(.*model\.mjs/);
    } finally {
      await server.close();
    }
  });

  it('logs progress while the model loads, and a ready line naming the URI, flavor and URL', async () => {
    const logger = memoryLogger('info');
    const dir = makeModel();
    const server = await serve({ modelUri: dir, host: '127.0.0.1', port: 0, workers: 1 }, {}, { logger });
    try {
      logger.flush();
      const messages = logger.records.map((r) => String(r.msg));
      assert.match(messages[0], /listening at http:\/\/127\.0\.0\.1:\d+; loading /);
      assert.ok(messages.some((m) => m.startsWith('loading the js_function model in ')), messages.join('\n'));
      const ready = messages.find((m) => m.startsWith('ready in '));
      assert.ok(ready?.includes(`serving ${dir} (js_function, engine native, 1 worker`) && ready.includes(`at ${server.url}`), ready);
    } finally {
      await server.close();
    }
  });

  it('writes no access lines at --log-level warn', async () => {
    const logger = memoryLogger('warn');
    const server = await serve({ modelUri: makeModel(), host: '127.0.0.1', port: 0, workers: 1 }, {}, { logger });
    try {
      await (await fetch(`${server.url}/ping`)).text();
      logger.flush();
      assert.deepEqual(logger.records, []);
    } finally {
      await server.close();
    }
  });
});
