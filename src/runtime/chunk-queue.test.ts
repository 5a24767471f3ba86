import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ChunkQueue } from './chunk-queue.js';

async function collect<T>(q: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of q) out.push(x);
  return out;
}

describe('ChunkQueue', () => {
  it('gives the chunks pushed, in order, until the end', async () => {
    const q = new ChunkQueue<number>();
    const got = collect(q);
    q.push(1);
    await new Promise((r) => setImmediate(r));
    q.push(2);
    q.end();
    q.push(3);
    assert.deepEqual(await got, [1, 2]);
  });

  it('throws the producer\'s error after the chunks before it', async () => {
    const q = new ChunkQueue<number>();
    q.push(1);
    q.end(new Error('boom'));
    const seen: number[] = [];
    await assert.rejects(async () => {
      for await (const x of q) seen.push(x);
    }, /boom/);
    assert.deepEqual(seen, [1]);
  });

  it('tells the producer once when the consumer stops early', async () => {
    let cancelled = 0;
    const q = new ChunkQueue<number>(() => cancelled++);
    q.push(1);
    q.push(2);
    for await (const _ of q) break;
    assert.equal(cancelled, 1);
    assert.equal(q.ended, true);
  });

  it('ends a pending read at once when its signal aborts', async () => {
    let cancelled = 0;
    const abort = new AbortController();
    const q = new ChunkQueue<number>(() => cancelled++).cancelOn(abort.signal);
    const got = collect(q);
    abort.abort();
    assert.deepEqual(await got, []);
    assert.equal(cancelled, 1);
  });
});
