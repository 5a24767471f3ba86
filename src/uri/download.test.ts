// Which artifact paths a server may send (spec §7.8: no '..', absolute paths or NUL).

import { it } from 'node:test';
import assert from 'node:assert/strict';
import { isSafeArtifactPath } from './download.js';

it('accepts relative paths and rejects escapes', () => {
  for (const ok of ['MLmodel', 'sub/dir/file.bin', 'a..b', '.hidden']) assert.equal(isSafeArtifactPath(ok), true, ok);
  for (const bad of ['', '..', '../x', 'a/../../x', '/etc/passwd', 'C:/x', 'a\\..\\b', 'x\0y', 'a//b', './x', 'a/.']) {
    assert.equal(isSafeArtifactPath(bad), false, JSON.stringify(bad));
  }
});
