import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { join } from 'node:path';
import { fileInModel } from './model-file.js';

describe('fileInModel', () => {
  it('resolves names inside the model directory and refuses the rest', () => {
    assert.equal(fileInModel('/m', 'model.lgb'), join('/m', 'model.lgb'));
    assert.equal(fileInModel('/m', 'data/model.json'), join('/m', 'data/model.json'));
    for (const bad of ['../../etc/passwd', '/etc/passwd', 'data/../../x', '.']) assert.throws(() => fileInModel('/m', bad), /outside the model directory/, bad);
  });
});
