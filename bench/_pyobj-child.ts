// Benchmark child of pyobj.ts: one cold read of a pickle or skops file, then the decoding an
// estimator does (every tree's node fields and values), timed separately. Prints JSON.

import { readFileSync } from 'node:fs';
import { NdArray, PyNode, readPythonObject } from '../src/pyobj/index.js';

const bytes = readFileSync(process.argv[2]);
const t0 = performance.now();
const tree = readPythonObject(bytes);
const readMs = performance.now() - t0;
const t1 = performance.now();
let nodes = 0;
for (const estimator of PyNode.root(tree).list('estimators_')) {
  const t = estimator.get('tree_');
  const table = t.array('nodes');
  for (const f of ['left_child', 'right_child', 'feature']) table.field(f).toInt32Array();
  table.field('threshold').toFloat64Array();
  const values: NdArray = t.array('values');
  values.toFloat64Array();
  nodes += table.size;
}
const decodeMs = performance.now() - t1;
console.log(JSON.stringify({ readMs, decodeMs, nodes }));
