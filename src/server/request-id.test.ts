// Request ids: the client's X-Request-ID kept when sane, a UUID otherwise.

import { it } from 'node:test';
import assert from 'node:assert/strict';
import { requestIdOf } from './request-id.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

it('keeps a client request id made of printable characters', () => {
  for (const id of ['abc', 'req-42', 'c0ffee:1/2', 'x'.repeat(128)]) assert.equal(requestIdOf(id), id);
});

it('generates a UUID when the header is missing, empty, too long or holds spaces, quotes or control characters', () => {
  for (const header of [undefined, '', 'x'.repeat(129), 'a b', 'a"b', 'a\nb', 'é', ['a', 'b']]) assert.match(requestIdOf(header), UUID, String(header));
  assert.notEqual(requestIdOf(undefined), requestIdOf(undefined));
});
