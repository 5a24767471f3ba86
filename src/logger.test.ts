// The logger: levels, text and JSON lines, the access log, batched writes.

import { it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createLogger, errorFields } from './logger.js';

const NOW = Date.UTC(2025, 0, 2, 3, 4, 5, 678);

function capture(level: 'error' | 'warn' | 'info' | 'debug', format: 'text' | 'json') {
  const chunks: string[] = [];
  const logger = createLogger({ level, format, now: () => NOW, write: (c) => void chunks.push(c) });
  return { logger, chunks, text: () => (logger.flush(), chunks.join('')) };
}

it('writes levels at or above its own and drops the rest', () => {
  const { logger, text } = capture('warn', 'text');
  logger.debug('d');
  logger.info('i');
  logger.warn('w');
  logger.error('e');
  assert.equal(text(), '2025-01-02T03:04:05.678Z WARN  w\n2025-01-02T03:04:05.678Z ERROR e\n');
  assert.equal(logger.enabled('info'), false);
  assert.equal(logger.enabled('error'), true);
});

it('writes text lines with fields, quoting values that hold spaces, quotes or control characters', () => {
  const { logger, text } = capture('info', 'text');
  logger.info('loaded', { workers: 2, path: '/a b', ok: true, skipped: undefined, evil: 'x\ny' });
  assert.equal(text(), '2025-01-02T03:04:05.678Z INFO  loaded workers=2 path="/a b" ok=true evil="x\\ny"\n');
});

it('indents a stack under its line, so a log reader never takes it for new entries', () => {
  const { logger, text } = capture('info', 'text');
  logger.error('the model raised an exception', { request_id: 'r1', stack: 'TypeError: boom\n    at predict (model.mjs:1:1)' });
  assert.equal(text(), '2025-01-02T03:04:05.678Z ERROR the model raised an exception request_id=r1\n    TypeError: boom\n        at predict (model.mjs:1:1)\n');
});

it('writes one JSON object per line in json format', () => {
  const { logger, text } = capture('debug', 'json');
  logger.debug('x', { n: 1, s: 'a"b', inf: Infinity });
  assert.deepEqual(JSON.parse(text()), { time: '2025-01-02T03:04:05.678Z', level: 'debug', msg: 'x', n: 1, s: 'a"b', inf: null });
});

it('writes access lines at info: text and JSON', () => {
  const record = { method: 'POST', path: '/invocations', status: 200, bytes: 27, durationMs: 1.23456, requestId: 'abc' };
  const t = capture('info', 'text');
  t.logger.access(record);
  t.logger.access({ ...record, bytes: undefined, path: '/a b' });
  assert.equal(t.text(), '2025-01-02T03:04:05.678Z INFO  access POST /invocations 200 27 1.235ms id=abc\n2025-01-02T03:04:05.678Z INFO  access POST "/a b" 200 - 1.235ms id=abc\n');
  const j = capture('info', 'json');
  j.logger.access({ ...record, grpcStatus: 'OK' });
  assert.deepEqual(JSON.parse(j.text()), {
    time: '2025-01-02T03:04:05.678Z', level: 'info', msg: 'access', method: 'POST', path: '/invocations', status: 200, bytes: 27, duration_ms: 1.235, request_id: 'abc', grpc_status: 'OK',
  });
  const w = capture('warn', 'json');
  w.logger.access(record);
  assert.equal(w.text(), '');
});

it('batches access lines over a few event-loop turns, other lines per turn, and writes errors at once, in order', async () => {
  const chunks: string[] = [];
  const logger = createLogger({ now: () => NOW, write: (c) => void chunks.push(c) });
  const access = (id: string): void => logger.access({ method: 'GET', path: '/ping', status: 200, bytes: 1, durationMs: 0.1, requestId: id });
  for (let i = 0; i < 100; i++) access(String(i));
  assert.equal(chunks.length, 0);
  await new Promise((r) => setImmediate(r));
  assert.equal(chunks.length, 0, 'access lines wait past the turn');
  access('100');
  await new Promise((r) => setTimeout(r, 60));
  assert.equal(chunks.length, 1, 'and are written together within a few dozen milliseconds');
  assert.equal(chunks[0].split('\n').length, 102);
  access('a');
  logger.info('started');
  assert.equal(chunks.length, 1);
  await new Promise((r) => setImmediate(r));
  assert.equal(chunks.length, 2, 'another line writes the queued access lines with it at the end of the turn');
  assert.match(chunks[1], /id=a\n.*started\n$/);
  access('b');
  logger.error('now');
  assert.equal(chunks.length, 3);
  assert.match(chunks[2], /id=b\n.*now\n$/);
});

it('describes a thrown value as log fields', () => {
  const f = errorFields(new RangeError('bad'));
  assert.equal(f.error, 'RangeError: bad');
  assert.match(f.stack ?? '', /^RangeError: bad\n/);
  assert.deepEqual(errorFields('text'), { error: 'text' });
});

it('writes access lines still waiting for their timer when the process exits', () => {
  const logger = new URL('./logger.js', import.meta.url).href;
  const script = `import { createLogger } from ${JSON.stringify(logger)};
const log = createLogger({ write: (c) => process.stdout.write(c) });
log.access({ method: 'GET', path: '/ping', status: 200, bytes: 1, durationMs: 1, requestId: 'a' });
log.access({ method: 'GET', path: '/ping', status: 200, bytes: 1, durationMs: 1, requestId: 'b' });
process.exit(0);`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.match(out, /access GET \/ping 200 1 [\d.]+ms id=a\n.*id=b\n$/);
});
