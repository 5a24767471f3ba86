import { it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidModelUriError } from '../errors.js';
import { resolveModelUri } from './resolve.js';

it('never resolves a runs:/ or mlflow-artifacts: URI with .. to a local folder, even one that exists', async () => {
  const cwd = mkdtempSync(join(tmpdir(), 'mlserve-uri-'));
  try {
    // A folder the normalised path would name: runs:/x/../../<target> -> <cwd>/<target>.
    const target = join(cwd, 'target');
    mkdirSync(target);
    writeFileSync(join(target, 'MLmodel'), 'flavors: {}\n');
    for (const uri of ['runs:/x/../../target', 'mlflow-artifacts:/../target', 'runs:/x/%2e%2e/../target']) {
      await assert.rejects(resolveModelUri(uri, { cwd, env: {} }), InvalidModelUriError, uri);
    }
    assert.equal(await resolveModelUri('target/../target', { cwd, env: {} }), target);
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
});
