import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TurnQueue } from './turns.js';

test('runs queued jobs in order, one per event-loop turn, letting other callbacks run between them', async () => {
  const turns = new TurnQueue();
  const order: string[] = [];
  turns.run(() => order.push('A'));
  turns.run(() => order.push('B'));
  turns.run(() => order.push('C'));
  assert.equal(turns.size, 3);
  // Queued after the first job's turn was scheduled: it runs in that same check phase, before B's turn.
  setImmediate(() => order.push('other'));
  await new Promise<void>((r) => turns.run(r));
  assert.deepEqual(order, ['A', 'other', 'B', 'C']);
  assert.equal(turns.size, 0);
});

test('a job may queue another, which runs on a later turn', async () => {
  const turns = new TurnQueue();
  const order: number[] = [];
  turns.run(() => {
    order.push(1);
    turns.run(() => order.push(3));
    order.push(2);
  });
  await new Promise<void>((r) => setImmediate(() => setImmediate(r)));
  assert.deepEqual(order, [1, 2, 3]);
});
