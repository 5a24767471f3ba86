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
import { PickleError } from './errors.js';
import { makeZip } from '../../test/helpers/zip.js';

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

/** A skops file with this schema (protocol 2 unless the schema says otherwise) and extra entries. */
function skops(schema: object | string, files: Record<string, Uint8Array> = {}): Uint8Array {
  const json = typeof schema === 'string' ? schema : JSON.stringify({ protocol: 2, _skops_version: '0.13', ...schema });
  return makeZip([{ name: 'schema.json', data: new Uint8Array(Buffer.from(json)) }, ...Object.entries(files).map(([name, data]) => ({ name, data }))]);
}
const json = (text: string, id?: number): object => ({ __class__: 'str', __module__: 'builtins', __loader__: 'JsonNode', content: text, is_json: true, ...(id ? { __id__: id } : {}) });
const list = (items: object[]): object => ({ __class__: 'list', __module__: 'builtins', __loader__: 'ListNode', content: items });
const type = (name: string): object => ({ __class__: name, __module__: 'builtins', __loader__: 'TypeNode' });

describe('readSkops', () => {
  it('keeps dict key order and types as skops wrote them (integer-like keys are not moved first)', () => {
    // Written as text: JSON.stringify would itself move the key '2' first.
    const content = `{"b": ${JSON.stringify(json('1'))}, "2": ${JSON.stringify(json('2.0'))}, "a": ${JSON.stringify(json('3'))}}`;
    const keyTypes = JSON.stringify(list([type('str'), type('int'), type('str')]));
    const schema = `{"__class__": "dict", "__module__": "builtins", "__loader__": "DictNode", "content": ${content}, "key_types": ${keyTypes}, "protocol": 2}`;
    const tree = readSkops(skops(schema)) as Map<unknown, unknown>;
    assert.deepEqual([...tree.keys()], ['b', 2, 'a']);
    assert.equal(isPyFloat(tree, 2), true);
  });

  it('shares values by __id__ and reads Python ints exactly', () => {
    const tree = readSkops(skops(list([json('123456789012345678901234567890', 7), { __class__: 'str', __module__: 'builtins', __loader__: 'CachedNode', __id__: 7 }]))) as unknown[];
    assert.deepEqual(tree, [123456789012345678901234567890n, 123456789012345678901234567890n]);
  });

  it('fails unknown loaders, newer protocols, missing schemas, dangling references and deep schemas clearly', () => {
    const fails = (bytes: Uint8Array, pattern: RegExp, limits = {}): void => {
      assert.throws(() => readSkops(bytes, { limits }), (e: unknown) => e instanceof PickleError && pattern.test(e.message));
    };
    fails(skops({ __class__: 'X', __module__: 'evil', __loader__: 'EvalNode' }), /loader 'EvalNode' \(for evil.X\)/);
    fails(skops({ ...json('1'), protocol: 3 }), /protocol 3; this reader knows protocols 0 to 2/);
    fails(makeZip([{ name: 'x.npy', data: new Uint8Array(3) }]), /no schema.json/);
    fails(skops({ __class__: 'str', __module__: 'builtins', __loader__: 'CachedNode', __id__: 5 }), /refers to object 5/);
    let deep: object = json('1');
    for (let k = 0; k < 50; k++) deep = list([deep]);
    fails(skops(deep), /schema.json.*deeper than/, { maxDepth: 20 });
    fails(skops({ __class__: 'ndarray', __module__: 'numpy', __loader__: 'NdArrayNode', type: 'numpy', file: 'missing.npy' }), /no entry 'missing.npy'/);
  });
});
