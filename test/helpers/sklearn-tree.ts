// Test helper: small scikit-learn state trees written by hand (what the pickle reader would build
// for a fitted estimator), for unit tests of the sklearn flavor's estimator files.

import { Frame } from '../../src/data/frame.js';
import { NdArray, NpDType, PyGlobal, PyNode, PyObject, type PyValue } from '../../src/pyobj/index.js';
import { markPyFloat } from '../../src/pyobj/tree.js';

/** A record of `className` (`sklearn.preprocessing._data.StandardScaler`) whose instance dict is `state`. */
export function record(className: string, state: Record<string, PyValue>): PyObject {
  const dot = className.lastIndexOf('.');
  const obj = new PyObject(new PyGlobal(className.slice(0, dot), className.slice(dot + 1)), 'newobj', []);
  const attrs = new Map<PyValue, PyValue>(Object.entries(state));
  obj.state = attrs;
  return obj;
}

/** A Python float (marked, so that `1.0` stays a float). */
export function pyFloat(container: Map<PyValue, PyValue>, key: string, value: number): void {
  container.set(key, value);
  markPyFloat(container, key);
}

/** A float64 numpy array (1-D, or with the given shape). */
export function f8(values: readonly number[], shape: readonly number[] = [values.length]): NdArray {
  return new NdArray(NpDType.parse('<f8'), shape, Float64Array.from(values));
}

/** An int64 numpy array. */
export function i8(values: readonly number[]): NdArray {
  return new NdArray(NpDType.parse('<i8'), [values.length], BigInt64Array.from(values, (v) => BigInt(v)));
}

/** An object numpy array (strings, numbers, None). */
export function obj(values: readonly PyValue[]): NdArray {
  return new NdArray(NpDType.parse('|O'), [values.length], [...values]);
}

/** A bool numpy array. */
export function b1(values: readonly boolean[]): NdArray {
  return new NdArray(NpDType.parse('|b1'), [values.length], Uint8Array.from(values, (v) => (v ? 1 : 0)));
}

/** `n_features_in_` and `feature_names_in_` for the given names. */
export function fittedOn(names: readonly string[]): Record<string, PyValue> {
  return { n_features_in_: names.length, feature_names_in_: obj(names) };
}

/** The root node of a tree. */
export function root(value: PyValue): PyNode {
  return PyNode.root(value);
}

/** A Frame of float64 columns. */
export function numberFrame(columns: Record<string, readonly number[]>): Frame {
  return new Frame(Object.entries(columns).map(([name, v]) => ({ name, dtype: 'float64' as const, values: Float64Array.from(v) })));
}
