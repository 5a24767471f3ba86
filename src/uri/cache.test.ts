// The download cache: keyed entries, atomic fill, no-cache mode.

import { it, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cacheKey, cachedDownload } from './cache.js';

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'mlserve-cache-test-'));
  dirs.push(d);
  return d;
};
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

const request = (cacheDir: string, fills: { n: number }, fail = false) => ({
  cacheDir,
  noCache: false,
  keyParts: ['tree', 'path', ''],
  source: 'test',
  fill: async (dir: string) => {
    fills.n++;
    writeFileSync(join(dir, 'MLmodel'), 'x');
    if (fail) throw new Error('cut');
    return dir;
  },
});

it('fills an entry once and answers later requests from it', async () => {
  const cacheDir = tempDir();
  const fills = { n: 0 };
  const first = await cachedDownload(request(cacheDir, fills));
  assert.equal(first, join(cacheDir, cacheKey(['tree', 'path', '']), 'model'));
  assert.equal(await cachedDownload(request(cacheDir, fills)), first);
  assert.equal(fills.n, 1);
  assert.equal(JSON.parse(readFileSync(join(first, '..', 'entry.json'), 'utf8')).result, 'model');
});

it('leaves nothing behind when a fill fails', async () => {
  const cacheDir = tempDir();
  await assert.rejects(cachedDownload(request(cacheDir, { n: 0 }, true)), /cut/);
  assert.deepEqual(readdirSync(cacheDir), []);
});

it('bypasses the cache with noCache', async () => {
  const cacheDir = tempDir();
  const fills = { n: 0 };
  const path = await cachedDownload({ ...request(cacheDir, fills), noCache: true });
  dirs.push(join(path, '..'));
  assert.ok(!path.startsWith(cacheDir));
  assert.deepEqual(readdirSync(cacheDir), []);
});

it('keys differ by location and registered version', () => {
  assert.notEqual(cacheKey(['t', 'p', '']), cacheKey(['t', 'p', 'iris/1']));
  assert.match(cacheKey(['t']), /^[0-9a-f]{32}$/);
});
