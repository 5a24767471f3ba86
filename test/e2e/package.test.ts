// Packaging and install hygiene: what `npm pack` ships, npm's view of the project config, engines of the dependency tree.

import { it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../helpers/cli.js';

const NODE_MAJOR = 20;

it('packs what users run: compiled sources, types, the gRPC proto and docs, no tests or source maps', () => {
  const out = execFileSync('npm', ['pack', '--dry-run', '--ignore-scripts', '--json'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const files = (JSON.parse(out) as { files: { path: string }[] }[])[0].files.map((f) => f.path);
  assert.deepEqual(files.filter((f) => /\.test\.(js|d\.ts)$/.test(f)), []);
  assert.deepEqual(files.filter((f) => f.endsWith('.map')), []);
  for (const needed of ['dist/cli/mlserve.js', 'dist/cli/index.js', 'dist/src/cli/main.js', 'dist/src/index.js', 'dist/src/index.d.ts', 'dist/src/server/v2/grpc_service.proto', 'dist/src/flavors/js/self-import-hooks.js', 'README.md', 'package.json']) {
    assert.ok(files.includes(needed), needed);
  }
});

it('gives npm no unknown project config to warn about', () => {
  const r = spawnSync('npm', ['pkg', 'get', 'name'], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(r.status, 0);
  assert.doesNotMatch(r.stderr, /Unknown (project|env|user) config/);
});

it(`installs nothing that asks for a Node.js newer than ${NODE_MAJOR}`, () => {
  const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { engines?: { node?: string } }> };
  const tooNew = Object.entries(lock.packages)
    .filter(([, p]) => typeof p.engines?.node === 'string' && Number(/>=?\s*v?(\d+)/.exec(p.engines.node)?.[1] ?? 0) > NODE_MAJOR)
    .map(([name, p]) => `${name} (${p.engines!.node})`);
  assert.deepEqual(tooNew, []);
});
