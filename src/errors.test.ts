// Every error code has a status and a section in docs/errors.md, and the doc lists nothing else.

import { it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ERROR_CODES, ERROR_STATUS, BadRequestError, ServingError, asServingError, isServingError, rebuildError } from './errors.js';

const DOC = readFileSync(join(dirname(fileURLToPath(import.meta.url)), '../../docs/errors.md'), 'utf8');

it('documents every error code with its status, and only those', () => {
  const sections = [...DOC.matchAll(/^## ([A-Z_]+)\n(HTTP (\d+))?/gm)];
  assert.deepEqual(sections.map((m) => m[1]).sort(), [...ERROR_CODES].sort());
  for (const m of sections) assert.equal(Number(m[3]), ERROR_STATUS[m[1] as keyof typeof ERROR_STATUS], `status of ${m[1]}`);
});

it('flattens and rebuilds errors across thread boundaries', () => {
  const err = new ServingError('DEADLINE_EXCEEDED', 'late', { stackTrace: 'x' });
  const back = rebuildError(JSON.parse(JSON.stringify(err.toJSON())));
  assert.equal(back.errorCode, 'DEADLINE_EXCEEDED');
  assert.equal(back.status, 504);
  assert.equal(back.message, 'late');
  assert.equal(back.stackTrace, 'x');
});

it('recognises ServingErrors of another copy of mlserve by their brand, and adopts them with their code and status', () => {
  const BRAND = Symbol.for('mlserve.ServingError');
  class OtherCopyError extends Error {
    errorCode = 'RESOURCE_EXHAUSTED';
    status = 429;
    stackTrace = 'trace';
  }
  Object.defineProperty(OtherCopyError.prototype, BRAND, { value: true });
  const foreign = new OtherCopyError('quota');
  foreign.name = 'QuotaError';
  assert.equal(foreign instanceof ServingError, false);
  assert.equal(isServingError(foreign), true);
  const adopted = asServingError(foreign as unknown as ServingError);
  assert.ok(adopted instanceof ServingError);
  assert.deepEqual(adopted.toJSON(), { name: 'QuotaError', errorCode: 'RESOURCE_EXHAUSTED', status: 429, message: 'quota', stackTrace: 'trace' });
  assert.equal(adopted.cause, foreign);
  const own = new BadRequestError('x');
  assert.equal(asServingError(own), own);
  // Unbranded look-alikes and branded objects without a known code are not ServingErrors.
  assert.equal(isServingError(Object.assign(new Error('x'), { errorCode: 'BAD_REQUEST', status: 400 })), false);
  assert.equal(isServingError(Object.assign(new OtherCopyError('x'), { errorCode: 'NOPE' })), false);
  assert.equal(isServingError(null), false);
});
