// Every error code has a status and a section in docs/errors.md, and the doc lists nothing else.

import { it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ERROR_CODES, ERROR_STATUS, ServingError, rebuildError } from './errors.js';

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
