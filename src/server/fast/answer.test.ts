import { test } from 'node:test';
import assert from 'node:assert/strict';
import { answerHead, answerHeaders, httpDate } from './answer.js';

const OPTIONS = { serverVersion: '9.9.9', isDraining: () => false, keepAliveMs: 65_000 };

test('writes the headers of createResponder in its order, then Date and keep-alive as node:http does', () => {
  const headers = answerHeaders({ status: 503, contentType: 'application/json', body: '{"é": 1}', headers: { 'retry-after': '1' } }, 'id-1', OPTIONS);
  const { text, closes } = answerHead(503, headers, false, OPTIONS);
  assert.equal(closes, false);
  assert.equal(
    text,
    'HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\ncontent-length: 9\r\nx-content-type-options: nosniff\r\nx-mlserve-version: 9.9.9\r\n' +
      `retry-after: 1\r\nx-request-id: id-1\r\nDate: ${httpDate()}\r\nConnection: keep-alive\r\nKeep-Alive: timeout=65\r\n\r\n`,
  );
});

test("closes after the answer when the request asked, or with the server's connection: close while draining", () => {
  const plain = answerHeaders({ status: 200, contentType: 'application/json', body: '\n' }, 'x', OPTIONS);
  const asked = answerHead(200, plain, true, OPTIONS);
  assert.equal(asked.closes, true);
  assert.match(asked.text, /\r\nConnection: close\r\n\r\n$/);
  const draining = { ...OPTIONS, isDraining: () => true };
  const drained = answerHead(200, answerHeaders({ status: 200, contentType: 'application/json', body: '\n' }, 'x', draining), false, draining);
  assert.equal(drained.closes, true);
  assert.match(drained.text, /\r\nx-request-id: x\r\nconnection: close\r\nDate: [^\r]+\r\n\r\n$/);
});

test('the Date value is an IMF-fixdate of the current second', () => {
  assert.match(httpDate(), /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/);
  assert.ok(Math.abs(Date.parse(httpDate()) - Date.now()) <= 1000);
});
