import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { commonDType, promoteTypes } from './common-dtype.js';

describe('commonDType', () => {
  it('keeps a single dtype, including strings and booleans', () => {
    assert.equal(commonDType(['float32', 'float32']), 'float32');
    assert.equal(commonDType(['str', 'str']), 'str');
    assert.equal(commonDType(['bool']), 'bool');
  });

  it('gives float64 for no columns, as pandas does', () => {
    assert.equal(commonDType([]), 'float64');
  });

  it('promotes numbers as numpy does', () => {
    assert.equal(commonDType(['int64', 'float64']), 'float64');
    assert.equal(commonDType(['int32', 'float32']), 'float64');
    assert.equal(commonDType(['int8', 'float32']), 'float32');
    assert.equal(commonDType(['int16', 'float16']), 'float32');
    assert.equal(commonDType(['uint8', 'float16']), 'float16');
    assert.equal(commonDType(['int8', 'int32', 'int16']), 'int32');
    assert.equal(commonDType(['float32', 'float16']), 'float32');
  });

  it('mixes signed and unsigned integers as numpy does', () => {
    assert.equal(promoteTypes('int8', 'uint8'), 'int16');
    assert.equal(promoteTypes('int32', 'uint16'), 'int32');
    assert.equal(promoteTypes('uint32', 'int32'), 'int64');
    assert.equal(promoteTypes('int64', 'uint64'), 'float64');
    assert.equal(promoteTypes('uint8', 'uint32'), 'uint32');
  });

  it('gives object for booleans mixed with numbers and for mixes with strings', () => {
    assert.equal(commonDType(['bool', 'int64']), 'object');
    assert.equal(commonDType(['str', 'float64']), 'object');
    assert.equal(commonDType(['str', 'bytes']), 'object');
  });
});
