// Reads every pickle the Python generator wrote (test/fixtures/pyobj/<env>/) and compares the
// tree with what CPython's own unpickler, made inert, read from the same bytes (oracle.py).

import assert from 'node:assert/strict';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { readPickle } from './pickle.js';
import { type Json, toTreeJson } from './tree-json.js';
import { listClasses } from './walk.js';

const ROOT = fileURLToPath(new URL('../../../test/fixtures/pyobj/', import.meta.url));

interface Expected {
  python: string;
  numpy: string;
  files: Record<string, { tree: string; classes?: string[] }>;
  trees: Record<string, Json>;
}

const envs = readdirSync(ROOT, { withFileTypes: true }).filter((d) => d.isDirectory() && existsSync(join(ROOT, d.name, 'expected.json')));

describe('pickle fixtures written by real Python', () => {
  it('has fixtures from several Python/numpy/scikit-learn versions', () => {
    assert.ok(envs.length >= 1, `no fixture folders under ${ROOT}`);
  });
  for (const env of envs) {
    const dir = join(ROOT, env.name);
    const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as Expected;
    describe(env.name, () => {
      for (const [file, want] of Object.entries(expected.files).filter(([f]) => f.endsWith('.pkl'))) {
        it(`reads ${file} as CPython's unpickler does`, () => {
          const tree = readPickle(readFileSync(join(dir, file)));
          assert.deepStrictEqual(toTreeJson(tree), expected.trees[want.tree]);
          if (want.classes) assert.deepStrictEqual([...listClasses(tree).keys()], want.classes);
        });
      }
    });
  }
});
