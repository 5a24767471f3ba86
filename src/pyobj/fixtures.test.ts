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
import { PyNode } from './node.js';

const ROOT = fileURLToPath(new URL('../../../test/fixtures/pyobj/', import.meta.url));

interface Expected {
  python: string;
  numpy: string;
  files: Record<string, { tree: string; classes?: string[]; probes?: Probe[] }>;
  trees: Record<string, Json>;
}

/** A structured array's field (or an array) numpy listed, reached by attribute names and item indices. */
interface Probe {
  path: (string | number)[];
  field: string | null;
  values: unknown[];
}

function plain(v: unknown): unknown {
  return Array.isArray(v) ? v.map(plain) : typeof v === 'number' && Number.isNaN(v) ? 'nan' : typeof v === 'boolean' ? v : v;
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
          for (const probe of want.probes ?? []) {
            let node = PyNode.root(tree);
            for (const step of probe.path) node = typeof step === 'number' ? node.at(step) : node.get(step);
            const array = node.asArray();
            assert.deepStrictEqual(plain((probe.field ? array.field(probe.field) : array).toList()), probe.values, `${node.path} ${probe.field ?? ''}`);
          }
        });
      }
    });
  }
});
