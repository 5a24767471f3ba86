// "Did you mean": the nearest known option or command.

import { it } from 'node:test';
import assert from 'node:assert/strict';
import { editDistance, nearest } from './suggest.js';

it('counts an adjacent swap as one edit', () => {
  assert.equal(editDistance('prot', 'port'), 1);
  assert.equal(editDistance('kitten', 'sitting'), 3);
  assert.equal(editDistance('', 'abc'), 3);
});

it('suggests the option a typo or a prefix most likely meant, and nothing for unrelated words', () => {
  const options = ['model-uri', 'port', 'host', 'timeout', 'workers', 'max-batch-size', 'max-batch-delay-ms', 'no-batching'];
  assert.equal(nearest('prot', options), 'port');
  assert.equal(nearest('worker', options), 'workers');
  assert.equal(nearest('model', options), 'model-uri');
  assert.equal(nearest('max-batch-szie', options), 'max-batch-size');
  assert.equal(nearest('max-batch', options), undefined); // two options start with it: no guess
  assert.equal(nearest('verbose', options), undefined);
  assert.equal(nearest('x', options), undefined);
});
