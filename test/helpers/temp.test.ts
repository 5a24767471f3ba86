// The test suite leaves nothing in the temporary directory: tempDir() folders go when the process exits,
// and no test creates one any other way without removing it.

import { it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from './cli.js';

it('removes the folders tempDir() made, with their contents, when the process exits', () => {
  const helper = pathToFileURL(join(ROOT, 'dist/test/helpers/temp.js')).href;
  const script = `import { tempDir } from ${JSON.stringify(helper)}; import { writeFileSync } from 'node:fs';
    const d = tempDir('mlserve-temp-test-'); writeFileSync(d + '/f', 'x'); console.log(d); process.exit(0);`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const dir = r.stdout.trim();
  assert.match(dir, /mlserve-temp-test-/);
  assert.equal(existsSync(dir), false);
});

function testFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return testFiles(p);
    return p.endsWith('.test.ts') || (p.endsWith('.ts') && relative(ROOT, p).startsWith('test/helpers/')) ? [p] : [];
  });
}

it('creates temporary folders in tests only with tempDir(), or removes them in the same file', () => {
  const offenders: string[] = [];
  for (const file of [...testFiles(join(ROOT, 'src')), ...testFiles(join(ROOT, 'test'))]) {
    const rel = relative(ROOT, file);
    if (rel === 'test/helpers/temp.ts') continue;
    const text = readFileSync(file, 'utf8');
    const creates = /\bmkdtemp(Sync)?\(\s*join\(\s*tmpdir\(\)/.test(text);
    const removes = /\brm(Sync)?\(/.test(text);
    if (creates && !removes) offenders.push(rel);
  }
  assert.deepEqual(offenders, []);
});
