import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { readPickle } from './pickle.js';
import { EMPTY_TUPLE, PyObject, describeByValue, isList, isPyFloat, isTuple, markPyFloat } from './tree.js';
import { listClasses } from './walk.js';

const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/pyobj/', import.meta.url));

describe('the object tree', () => {
  it('tells tuples from lists', () => {
    assert.ok(isTuple(EMPTY_TUPLE) && isTuple(Object.freeze([1])) && !isTuple([1]));
    assert.ok(isList([]) && !isList(EMPTY_TUPLE) && !isList('x'));
  });

  it('marks integral floats per container slot', () => {
    const list = [1, 1, 1.5, -0];
    markPyFloat(list, 1);
    assert.deepEqual(list.map((_, i) => isPyFloat(list, i)), [false, true, true, true]);
    const dict = new Map([['a', 2]]);
    assert.equal(isPyFloat(dict, 'a'), false);
  });

  for (const env of ['py311-np2.2.6-sk1.6.1', 'py311-np1.24.2-sk1.2.1']) {
    it(`recognises what cloudpickle pickled by value, without running it (${env})`, () => {
      const tree = readPickle(readFileSync(`${FIXTURES}${env}/cloudpickle.p5.pkl`)) as Map<string, PyObject>;
      assert.deepEqual(describeByValue(tree.get('lambda')!), { kind: 'function', name: 'main.<locals>.<lambda>', module: '__main__' });
      assert.deepEqual(describeByValue(tree.get('closure')!), { kind: 'function', name: 'main.<locals>.closure', module: '__main__' });
      assert.deepEqual(describeByValue(tree.get('class')!), { kind: 'class', name: 'ByValue', module: '__main__' });
      assert.equal(tree.get('lambda')!.className, '__main__.main.<locals>.<lambda> (a function pickled by value)');
      assert.equal(tree.get('instance')!.className, '__main__.ByValue (a class pickled by value)');
      assert.equal(describeByValue(tree.get('instance')!), undefined);
      assert.ok([...listClasses(tree).keys()].includes('__main__.Plain (a class pickled by value)'));
    });
  }
});
