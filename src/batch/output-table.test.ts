import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Frame } from '../data/frame.js';
import { Tensor } from '../data/tensor.js';
import { markFloat } from '../data/float-hint.js';
import { ServingError } from '../errors.js';
import { cellCsv, cellJson } from './cells.js';
import { toOutputTable, withInputColumns, type OutputTable } from './output-table.js';

/** Each row as its cells' JSON text. */
function jsonRows(t: OutputTable): string[][] {
  return Array.from({ length: t.numRows }, (_, i) => t.columns.map((c) => cellJson(c, i)));
}

const table = (output: unknown, rows?: number): OutputTable => toOutputTable(output, rows, 'prediction', 'csv');

describe('toOutputTable', () => {
  it('maps 1-D answers to one bare column named by the caller', () => {
    for (const output of [Float64Array.from([1, 2.5]), new Tensor('float64', [2], Float64Array.from([1, 2.5])), [1.0, 2.5]]) {
      const t = table(output, 2);
      assert.equal(t.bare, true);
      assert.deepEqual(t.columns.map((c) => c.name), ['prediction']);
    }
    assert.deepEqual(jsonRows(table(Float64Array.from([1, 2.5]))), [['1.0'], ['2.5']]);
    const list = [1, 2];
    markFloat(list, 0);
    assert.deepEqual(jsonRows(table(list)), [['1.0'], ['2']]);
  });

  it('maps a 2-D tensor to one column of row lists', () => {
    const t = table(new Tensor('float32', [2, 2], Float32Array.from([0.1, 0.9, 1, 0])), 2);
    assert.deepEqual(jsonRows(t), [['[0.10000000149011612, 0.8999999761581421]'], ['[1.0, 0.0]']]);
    assert.equal(cellCsv(t.columns[0], 1), '[1.0, 0.0]');
  });

  it('maps Frames, records and dicts of outputs to named columns', () => {
    const frame = new Frame([
      { name: 'label', dtype: 'int64', values: BigInt64Array.from([0n, 2n]) },
      { name: 'probabilities', dtype: 'object', values: [[0.9, 0.1], [0.2, 0.8]] },
    ]);
    assert.deepEqual(jsonRows(table(frame, 2)), [['0', '[0.9, 0.1]'], ['2', '[0.2, 0.8]']]);
    const records = table([{ a: 1, b: 'x' }, { b: 'y' }]);
    assert.deepEqual(records.columns.map((c) => c.name), ['a', 'b']);
    assert.deepEqual(jsonRows(records), [['1', '"x"'], ['null', '"y"']]);
    const dict = table({ label: new Tensor('int64', [2], BigInt64Array.from([1n, 0n])), probabilities: new Tensor('float64', [2, 2], Float64Array.from([0.1, 0.9, 0.7, 0.3])) }, 2);
    assert.equal(dict.bare, false);
    assert.deepEqual(jsonRows(dict), [['1', '[0.1, 0.9]'], ['0', '[0.7, 0.3]']]);
    assert.deepEqual(jsonRows(table(new Map([['y', [1, 2]]]))), [['1'], ['2']]);
  });

  it('rejects answers that are not one prediction per row', () => {
    const rejects = (output: unknown, rows: number | undefined, pattern: RegExp): void =>
      assert.throws(() => table(output, rows), (err: unknown) => err instanceof ServingError && pattern.test(err.message));
    rejects('done', 2, /returned string for 2 input rows; --output-format csv needs one prediction per input row/);
    rejects(new Tensor('float64', [], Float64Array.from([1])), undefined, /0-d tensor/);
    rejects([1, 2, 3], 2, /returned 3 predictions for 2 input rows/);
    rejects({ a: [1], b: [1, 2] }, undefined, /different lengths \(a: 1, b: 2\)/);
  });
});

describe('withInputColumns', () => {
  it('puts the input columns first and renames a prediction column that clashes', () => {
    const input = new Frame([{ name: 'y', dtype: 'float64', values: Float64Array.from([1, 2]) }]);
    const t = withInputColumns(table({ y: [10, 20] }), input, 'csv');
    assert.deepEqual(t.columns.map((c) => c.name), ['y', 'y_prediction']);
    assert.deepEqual(jsonRows(t), [['1.0', '10'], ['2.0', '20']]);
    assert.throws(() => withInputColumns(table([1]), input, 'csv'), /returned 1 predictions for 2 input rows/);
    assert.throws(() => withInputColumns(table([1]), new Tensor('float64', [1], Float64Array.from([1])), 'csv'), /needs tabular input/);
  });
});
