// Reads the skops files the Python generator wrote with the real skops library and checks each
// gives the tree the pickle of the same object gives: same classes, state, values and arrays.

import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { NdArray } from './ndarray.js';
import { readPickle } from './pickle.js';
import { readSkops } from './skops.js';
import { type Json, toTreeJson } from './tree-json.js';
import { PyObject, type PyValue, isPyFloat, isTuple } from './tree.js';
import { listClasses, stateAttributes } from './walk.js';

const ROOT = fileURLToPath(new URL('../../../test/fixtures/pyobj/', import.meta.url));

/**
 * What skops and pickle both keep of a value: records as their class and instance dict (the way
 * each rebuilds an object differs: NEWOBJ vs an ObjectNode, a Cython `__pyx_unpickle` vs a
 * LossNode), everything else as in the canonical tree JSON.
 */
function semantic(v: PyValue, container: object | null = null, key: unknown = undefined): Json {
  if (v instanceof PyObject) {
    const attrs = stateAttributes(v);
    const out: { [k: string]: Json } = { $obj: v.className };
    if (attrs && attrs.size > 0 && !v.className.startsWith('numpy.')) out.state = pairs(attrs);
    return out;
  }
  if (v instanceof NdArray) {
    const j = toTreeJson(v.dtype.kind === 'O' ? new NdArray(v.dtype, v.shape, []) : v) as { $ndarray: { [k: string]: Json } };
    if (v.isScalar) j.$ndarray.class = `numpy.${v.dtype.name}`;
    if (v.dtype.kind === 'O') j.$ndarray.data = (v.data as PyValue[]).map((x, i) => semantic(x, v.data as PyValue[], i));
    return j;
  }
  if (Array.isArray(v)) {
    const items = v.map((x, i) => semantic(x, v, i));
    return isTuple(v) ? { $tuple: items } : items;
  }
  if (v instanceof Map) return { $dict: pairs(v) };
  if (v instanceof Set) return { [v.constructor.name]: [...v].map((x) => semantic(x)) };
  if (typeof v === 'number' && container && isPyFloat(container, key)) return { $float: Number.isNaN(v) ? 'nan' : v };
  return toTreeJson(v);
}

function pairs(map: Map<PyValue, PyValue>): Json {
  return [...map].map(([k, x]) => [semantic(k), semantic(x, map, k)]);
}

const envs = readdirSync(ROOT, { withFileTypes: true }).filter((d) => d.isDirectory() && existsSync(join(ROOT, d.name, 'expected.json')));

describe('skops files written by the real skops', () => {
  const withSkops = envs.filter((e) => JSON.parse(readFileSync(join(ROOT, e.name, 'expected.json'), 'utf8')).skops);
  it('has skops fixtures', () => assert.ok(withSkops.length >= 1));
  for (const env of withSkops) {
    const dir = join(ROOT, env.name);
    const map = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')).skops as Record<string, string>;
    for (const [file, pickleFile] of Object.entries(map)) {
      it(`${env.name}: reads ${file} as the pickle of the same object reads`, () => {
        const fromSkops = readSkops(readFileSync(join(dir, file)));
        const fromPickle = readPickle(readFileSync(join(dir, pickleFile)));
        assert.deepStrictEqual(semantic(fromSkops), semantic(fromPickle));
        assert.deepStrictEqual([...listClasses(fromSkops).keys()].filter((c) => !c.startsWith('numpy.') && !c.startsWith('_loss.')).sort(),
          [...listClasses(fromPickle).keys()].filter((c) => !c.startsWith('numpy.') && !c.startsWith('_loss.')).sort());
      });
    }
  }
});
