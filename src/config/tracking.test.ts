// Resolution settings read from the environment (spec §5.7).

import { it, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readTrackingSettings, TRACKING_DEFAULTS } from './tracking.js';
import { InvalidOptionsError } from '../errors.js';
import { tempDir } from '../../test/helpers/temp.js';

const home = tempDir('mlserve-home-');
after(() => rmSync(home, { recursive: true, force: true }));

it("uses MLflow's defaults and ~/.cache/mlserve/models", () => {
  const s = readTrackingSettings({}, { home });
  assert.equal(s.trackingUri, undefined);
  assert.equal(s.cacheDir, join(home, '.cache', 'mlserve', 'models'));
  assert.equal(s.requestTimeoutMs, TRACKING_DEFAULTS.requestTimeoutMs);
  assert.equal(s.maxRetries, 5);
  assert.equal(s.insecureTls, false);
  assert.ok(Object.isFrozen(s));
});

it('reads every variable', () => {
  const s = readTrackingSettings(
    {
      MLFLOW_TRACKING_URI: 'http://t',
      MLFLOW_REGISTRY_URI: 'sqlite:///r.db',
      MLSERVE_CACHE_DIR: '/tmp/c',
      MLFLOW_TRACKING_TOKEN: 'tok',
      MLFLOW_TRACKING_INSECURE_TLS: 'TRUE',
      MLFLOW_HTTP_REQUEST_TIMEOUT: '0.5',
      MLFLOW_HTTP_REQUEST_MAX_RETRIES: '0',
      MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR: '0.01',
      MLFLOW_WORKSPACE: 'team',
    },
    { home },
  );
  assert.deepEqual(
    [s.trackingUri, s.registryUri, s.cacheDir, s.token, s.insecureTls, s.requestTimeoutMs, s.maxRetries, s.backoffFactorMs, s.workspace],
    ['http://t', 'sqlite:///r.db', '/tmp/c', 'tok', true, 500, 0, 10, 'team'],
  );
});

it('falls back to ~/.mlflow/credentials for the user and password', () => {
  const h = join(home, 'with-credentials');
  mkdirSync(join(h, '.mlflow'), { recursive: true });
  writeFileSync(join(h, '.mlflow', 'credentials'), '[mlflow]\nmlflow_tracking_username = ann\nmlflow_tracking_password = pw\n');
  const s = readTrackingSettings({}, { home: h });
  assert.deepEqual([s.username, s.password], ['ann', 'pw']);
  assert.equal(readTrackingSettings({ MLFLOW_TRACKING_USERNAME: 'bob' }, { home: h }).password, undefined, 'env wins over the file');
});

it('reports every invalid value at once', () => {
  assert.throws(
    () => readTrackingSettings({ MLFLOW_HTTP_REQUEST_TIMEOUT: 'soon', MLFLOW_HTTP_REQUEST_MAX_RETRIES: '-1', MLFLOW_TRACKING_INSECURE_TLS: 'maybe' }, { home }),
    (e: unknown) => e instanceof InvalidOptionsError && e.problems.length === 3,
  );
});
