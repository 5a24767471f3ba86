// Streaming answers as server-sent events for JavaScript models that export predictStream (docs/streaming.md).

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { startServer } from '../helpers/server.js';
import { makeModel } from '../helpers/model-dir.js';
import type { ServerHandle } from '../../src/serve.js';

/** A chat-style model: predict answers at once; predictStream yields one chunk per word, and fails on demand. */
const CHAT = `
const words = (input) => ('echo: ' + input.messages[input.messages.length - 1].content).split(' ');
export function predict(input) { return { choices: [{ message: { role: 'assistant', content: words(input).join(' ') } }] }; }
export async function* predictStream(input, params) {
  const last = input.messages[input.messages.length - 1].content;
  if (last === 'fail first') throw new Error('no chunk at all');
  let i = 0;
  for (const w of words(input)) {
    if (last.startsWith('fail later') && i++ === 2) throw new Error('broke mid-stream');
    yield { delta: w, params: params ?? null };
    if (last === 'slow') await new Promise((r) => setTimeout(r, 50));
  }
}
`;

interface Sse {
  readonly status: number;
  readonly contentType: string;
  readonly events: { event?: string; data: string }[];
}

async function post(server: ServerHandle, body: unknown, headers: Record<string, string> = {}): Promise<Sse> {
  const res = await fetch(`${server.url}/invocations`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const text = await res.text();
  const contentType = res.headers.get('content-type') ?? '';
  if (!contentType.startsWith('text/event-stream')) return { status: res.status, contentType, events: [{ data: text }] };
  const events = text
    .split('\n\n')
    .filter(Boolean)
    .map((block) => {
      const lines = block.split('\n');
      const event = lines.find((l) => l.startsWith('event: '))?.slice(7);
      const data = lines.filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n');
      return event ? { event, data } : { data };
    });
  return { status: res.status, contentType, events };
}

const chat = (content: string, extra: Record<string, unknown> = {}) => ({ messages: [{ role: 'user', content }], ...extra });

describe('streaming answers (server-sent events)', () => {
  let server: ServerHandle;
  let dir: string;
  before(async () => {
    dir = makeModel({ source: CHAT });
    server = await startServer(dir, { workers: 1 });
  });
  after(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('streams one event per chunk and ends with [DONE] when a chat payload says "stream": true', async () => {
    const r = await post(server, chat('hello world', { stream: true }));
    assert.equal(r.status, 200);
    assert.equal(r.contentType, 'text/event-stream; charset=utf-8');
    assert.deepEqual(r.events, [
      { data: '{"delta": "echo:", "params": {}}' },
      { data: '{"delta": "hello", "params": {}}' },
      { data: '{"delta": "world", "params": {}}' },
      { data: '[DONE]' },
    ]);
  });

  it('streams when the client accepts text/event-stream', async () => {
    const r = await post(server, chat('hi'), { Accept: 'text/event-stream' });
    assert.equal(r.status, 200);
    assert.deepEqual(r.events.map((e) => e.data), ['{"delta": "echo:", "params": {}}', '{"delta": "hi", "params": {}}', '[DONE]']);
  });

  it('answers with one JSON document otherwise', async () => {
    const r = await post(server, chat('hi'));
    assert.equal(r.status, 200);
    assert.equal(r.contentType, 'application/json');
    assert.equal(r.events[0].data, '{"choices": [{"message": {"role": "assistant", "content": "echo: hi"}}]}');
  });

  it('answers a failure before the first chunk with MLflow\'s JSON error and its status', async () => {
    const r = await post(server, chat('fail first', { stream: true }));
    assert.equal(r.status, 400);
    assert.equal(r.contentType, 'application/json');
    assert.equal(JSON.parse(r.events[0].data).error_code, 'BAD_REQUEST');
  });

  it('ends a stream that fails after its first chunk with an error event and no [DONE]', async () => {
    const r = await post(server, chat('fail later now please', { stream: true }));
    assert.equal(r.status, 200);
    assert.equal(r.events.length, 3);
    assert.equal(r.events[2].event, 'error');
    const error = JSON.parse(r.events[2].data) as { error_code: string; message: string };
    assert.equal(error.error_code, 'BAD_REQUEST');
    assert.match(error.message, /^Encountered an unexpected error while evaluating the model/);
  });

  it('keeps serving after a client leaves in the middle of a stream', async () => {
    const abort = new AbortController();
    const res = await fetch(`${server.url}/invocations`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(chat('slow ' + 'word '.repeat(40), { stream: true })),
      signal: abort.signal,
    });
    const reader = res.body!.getReader();
    await reader.read();
    abort.abort();
    await reader.read().catch(() => undefined);
    const r = await post(server, chat('after', { stream: true }));
    assert.equal(r.events.at(-1)?.data, '[DONE]');
  });
});

describe('a model without predictStream', () => {
  let server: ServerHandle;
  let dir: string;
  before(async () => {
    dir = makeModel();
    server = await startServer(dir, { workers: 1 });
  });
  after(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers "stream": true and Accept: text/event-stream with one JSON document, as MLflow does', async () => {
    const r = await post(server, chat('hi', { stream: true }), { Accept: 'text/event-stream' });
    assert.equal(r.status, 200);
    assert.equal(r.contentType, 'application/json');
    assert.equal(r.events[0].data, '{"messages": [{"role": "user", "content": "hi"}], "stream": true}');
  });
});
