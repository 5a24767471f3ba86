import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { wantsStream } from './sse.js';

const chat = (extra: Record<string, unknown>) => ({ input: { messages: [], ...extra }, params: {}, unwrapped: true });

describe('asking for a streamed answer', () => {
  it('is Accept: text/event-stream, whatever else is accepted', () => {
    assert.equal(wantsStream('text/event-stream', chat({})), true);
    assert.equal(wantsStream('application/json, Text/Event-Stream;q=0.9', chat({})), true);
    assert.equal(wantsStream('application/json', chat({})), false);
  });

  it('is "stream": true in a unified LLM payload, and only there', () => {
    assert.equal(wantsStream(undefined, chat({ stream: true })), true);
    assert.equal(wantsStream(undefined, chat({ stream: 'true' })), false);
    assert.equal(wantsStream(undefined, { input: { stream: true }, params: null, unwrapped: false }), false);
  });
});
