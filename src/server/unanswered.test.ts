import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UnansweredRequests } from './unanswered.js';

test('keeps unanswered requests in arrival order and forgets answered ones (twice is harmless)', () => {
  const list = new UnansweredRequests();
  const calls: string[] = [];
  const a = list.add(() => calls.push('a'));
  const b = list.add(() => calls.push('b'));
  const c = list.add(() => calls.push('c'));
  assert.equal(list.size, 3);
  list.delete(b);
  list.delete(b);
  assert.equal(list.size, 2);
  for (const answer of list) answer();
  assert.deepEqual(calls, ['a', 'c']);
  list.delete(a);
  list.delete(c);
  assert.equal(list.size, 0);
  assert.deepEqual([...list], []);
  list.add(() => calls.push('d'));
  assert.equal([...list].length, 1);
});

test('iterates a snapshot, so answering (which unlinks) while draining reaches every request', () => {
  const list = new UnansweredRequests();
  const answered: number[] = [];
  const entries = [0, 1, 2].map((i) => {
    const entry = list.add(() => {
      answered.push(i);
      list.delete(entry);
    });
    return entry;
  });
  for (const answer of list) answer();
  assert.deepEqual(answered, [0, 1, 2]);
  assert.equal(list.size, 0);
  assert.equal(entries.length, 3);
});

test('stillPending stays true while any request unanswered at the call still is, whatever their order, and ignores later ones', () => {
  const list = new UnansweredRequests();
  const a = list.add(() => {});
  const b = list.add(() => {});
  const c = list.add(() => {});
  const pending = list.stillPending();
  const later = list.add(() => {});
  assert.equal(pending(), true);
  list.delete(b);
  assert.equal(pending(), true);
  list.delete(a);
  assert.equal(pending(), true);
  list.delete(c);
  assert.equal(pending(), false);
  assert.equal(list.size, 1);
  list.delete(later);
  assert.equal(list.stillPending()(), false);
});
