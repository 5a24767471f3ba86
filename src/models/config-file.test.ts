import { it } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig } from './config-file.js';
import { InvalidOptionsError } from '../errors.js';

it('reads each model with its own options, under the serve flags\' names', () => {
  const config = parseConfig(`
models:
  - name: fraud
    uri: models:/fraud@champion
    workers: 2
    max-batch-size: 64
    max-batch-delay-ms: 1.5
    max-queue: 10
    timeout: 5
    engine: native
    batching: false
    warmup: false
  - uri: ./churn
model-repository: /srv/models
poll-interval: 30
`);
  assert.deepEqual(config, {
    models: [
      { name: 'fraud', uri: 'models:/fraud@champion', options: { workers: 2, maxBatchSize: 64, maxBatchDelayMs: 1.5, maxQueue: 10, timeoutSeconds: 5, engine: 'native', batching: false, warmup: false } },
      { uri: './churn', options: {} },
    ],
    modelRepository: '/srv/models',
    pollIntervalSeconds: 30,
  });
});

it('lists every problem at once: unknown keys, wrong types, missing URIs', () => {
  try {
    parseConfig('models:\n  - name: a\n    workers: -1\n    engine: gpu\n    wokers: 2\n  - 3\nextra: 1\n', 'm.yaml');
    assert.fail('expected InvalidOptionsError');
  } catch (err) {
    assert.ok(err instanceof InvalidOptionsError);
    const text = err.problems.join('\n');
    assert.match(text, /m\.yaml: unknown key 'extra'/);
    assert.match(text, /models\[0\]\.uri: expected a non-empty string/);
    assert.match(text, /models\[0\]\.workers: expected an integer >= 0/);
    assert.match(text, /models\[0\]\.engine: expected one of auto, native, python/);
    assert.match(text, /models\[0\]: unknown key 'wokers'/);
    assert.match(text, /models\[1\]: expected a mapping/);
  }
});

it('refuses what is not a mapping of models, and a file that names none', () => {
  assert.throws(() => parseConfig('[1, 2]'), /expected a mapping with a 'models' list/);
  assert.throws(() => parseConfig('models: {}'), /'models' must be a list/);
  assert.throws(() => parseConfig('models: []'), /names no model/);
  assert.throws(() => parseConfig('models: [\n'), /not valid YAML/);
});
