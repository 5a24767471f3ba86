import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { Deadlines } from './deadlines.js';

test('expires entries in arrival order once their time-out passes, and never those deleted first', async () => {
  let clock = 0;
  const deadlines = new Deadlines(20, () => clock);
  const expired: string[] = [];
  deadlines.add(() => expired.push('a'));
  const b = deadlines.add(() => expired.push('b'));
  deadlines.delete(b);
  deadlines.delete(b);
  clock = 5;
  deadlines.add(() => expired.push('c'));
  // The timer (20 ms of real time) fires before this longer sleep ends.
  clock = 20;
  await sleep(60);
  assert.deepEqual(expired, ['a']);
  clock = 25;
  await sleep(60);
  assert.deepEqual(expired, ['a', 'c']);
  deadlines.close();
});

test('an entry answered in time leaves the timer to re-arm for the next one, which still expires on time', async () => {
  let clock = 1000;
  const deadlines = new Deadlines(20, () => clock);
  const expired: number[] = [];
  const first = deadlines.add(() => expired.push(1));
  clock += 10;
  deadlines.add(() => expired.push(2));
  deadlines.delete(first);
  // The timer armed for the first entry fires at about +20 ms real time; by the fake clock the second is not due yet.
  clock += 5;
  await sleep(40);
  assert.deepEqual(expired, []);
  clock += 15;
  await sleep(40);
  assert.deepEqual(expired, [2]);
  deadlines.close();
});

test('an expiry callback may add new entries (they wait for their own time-out)', async () => {
  const deadlines = new Deadlines(15);
  const expired: string[] = [];
  deadlines.add(() => {
    expired.push('first');
    deadlines.add(() => expired.push('second'));
  });
  await sleep(25);
  assert.deepEqual(expired, ['first']);
  await sleep(30);
  assert.deepEqual(expired, ['first', 'second']);
  deadlines.close();
});
