import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HAND_OFF, NEED_MORE, parseHead, type FastRequest, type ParseLimits } from './parse.js';

const LIMITS: ParseLimits = { maxHeaderBytes: 1024, maxHeaderCount: 10, bodyLimitBytes: 1000 };

const head = (lines: string[]): Buffer => Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
const post = (...extra: string[]): Buffer => head(['POST /invocations HTTP/1.1', 'Host: x', 'Content-Type: application/json', 'Content-Length: 2', ...extra]);

/** The parse of the whole buffer, after checking every proper prefix of it parses as NEED_MORE (or HAND_OFF when the whole does). */
function parseEveryPrefix(buf: Buffer, limits = LIMITS): FastRequest | typeof HAND_OFF {
  const whole = parseHead(buf, 0, buf.length, limits);
  assert.notEqual(whole, NEED_MORE, 'a whole head is decided');
  for (let k = 0; k < buf.length; k++) {
    const part = parseHead(buf, 0, k, limits);
    if (whole === HAND_OFF) assert.ok(part === NEED_MORE || part === HAND_OFF, `prefix ${k} of a handed-off head: ${JSON.stringify(part)}`);
    else assert.equal(part, NEED_MORE, `prefix ${k} of a taken head: ${JSON.stringify(buf.subarray(0, k).toString('latin1'))}`);
  }
  return whole as FastRequest | typeof HAND_OFF;
}

function taken(buf: Buffer, limits = LIMITS): FastRequest {
  const r = parseEveryPrefix(buf, limits);
  assert.notEqual(r, HAND_OFF, `expected taken: ${JSON.stringify(buf.toString('latin1'))}`);
  return r as FastRequest;
}

function handedOff(buf: Buffer, limits = LIMITS): void {
  assert.equal(parseEveryPrefix(buf, limits), HAND_OFF, `expected handed off: ${JSON.stringify(buf.toString('latin1'))}`);
}

test('takes a simple POST /invocations, reading the headers the routes need as node:http presents them', () => {
  const buf = post('Accept:  text/event-stream \t', 'X-Request-ID: abc', 'Accept-Encoding: gzip', 'connection: Keep-Alive', 'X-Other: anything at all ~!', 'Authorization: Bearer t0k', 'x-api-key: k3y');
  const r = taken(buf);
  assert.deepEqual(r, { method: 'POST', path: '/invocations', contentType: 'application/json', accept: 'text/event-stream', acceptEncoding: 'gzip', requestId: 'abc', authorization: 'Bearer t0k', apiKey: 'k3y', contentLength: 2, close: false, headBytes: buf.length });
});

test('takes GET and HEAD of /ping, /health and /version, with a query, Connection: close and an empty Content-Length: 0', () => {
  for (const m of ['GET', 'HEAD']) {
    for (const p of ['/ping', '/health', '/version', '/ping?probe=1&x=%20']) {
      const r = taken(head([`${m} ${p} HTTP/1.1`, 'host: x', 'Connection: CLOSE', 'content-length: 0', 'Empty:']));
      assert.equal(r.method, m);
      assert.equal(r.path, p.split('?')[0]);
      assert.equal(r.close, true);
      assert.equal(r.contentLength, 0);
    }
  }
});

test('takes a head at the size and count limits, and hands off one byte or one header more', () => {
  const base = ['GET /ping HTTP/1.1', 'Host: x'];
  const fill = (n: number): string[] => Array.from({ length: n }, (_, i) => `X-${i}: v`);
  taken(head([...base, ...fill(9)]));
  handedOff(head([...base, ...fill(10)]));
  const sized = (pad: number): Buffer => head([...base, `X-Pad: ${'a'.repeat(pad)}`]);
  const exact = sized(LIMITS.maxHeaderBytes - sized(0).length);
  assert.equal(exact.length, LIMITS.maxHeaderBytes);
  taken(exact);
  handedOff(sized(LIMITS.maxHeaderBytes - sized(0).length + 1));
});

test('hands off request lines that are not strictly METHOD SP origin-form SP HTTP/1.1 CRLF', () => {
  for (const line of [
    'PUT /invocations HTTP/1.1',
    'post /invocations HTTP/1.1',
    'POST  /invocations HTTP/1.1',
    'POST /invocations HTTP/1.0',
    'POST /invocations HTTP/1.1 ',
    'POST /invocations  HTTP/1.1',
    'POST http://x/invocations HTTP/1.1',
    'OPTIONS * HTTP/1.1',
    'POST /invocations\tHTTP/1.1',
    'POST /invoca"tions HTTP/1.1',
    'POST /invoca\u00e9tions HTTP/1.1',
    'POST /invocations#x HTTP/1.1',
    'POST /invocations/ HTTP/1.1',
    'POST /models/m/invocations HTTP/1.1',
    'POST /metrics HTTP/1.1',
    'GET /invocations HTTP/1.1',
    'POST /ping HTTP/1.1',
    'HEAD /invocations HTTP/1.1',
    ' POST /invocations HTTP/1.1',
  ]) {
    handedOff(head([line, 'Host: x', 'Content-Length: 2']));
  }
  handedOff(Buffer.from('\r\nPOST /invocations HTTP/1.1\r\nHost: x\r\n\r\n'));
});

test('hands off headers that are not strictly name: value CRLF, and bare CR or LF anywhere', () => {
  for (const raw of [
    'POST /invocations HTTP/1.1\nHost: x\r\nContent-Length: 2\r\n\r\n',
    'POST /invocations HTTP/1.1\r\nHost: x\nContent-Length: 2\r\n\r\n',
    'POST /invocations HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\n',
    'POST /invocations HTTP/1.1\r\nHost: x\r\nContent-Length: 2\n\n',
    'POST /invocations HTTP/1.1\rHost: x\r\nContent-Length: 2\r\n\r\n',
    'POST /invocations HTTP/1.1\r\nHost: x\rContent-Length: 2\r\n\r\n',
    'POST /invocations HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\r',
    'POST /invocations HTTP/1.1\r\nHost: x\r\nX-A: b\r\n c\r\nContent-Length: 2\r\n\r\n',
    'POST /invocations HTTP/1.1\r\nHost: x\r\n\tX-A: b\r\nContent-Length: 2\r\n\r\n',
    'POST /invocations HTTP/1.1\r\nHost : x\r\nContent-Length: 2\r\n\r\n',
    'POST /invocations HTTP/1.1\r\nHost: x\r\n: empty\r\nContent-Length: 2\r\n\r\n',
    'POST /invocations HTTP/1.1\r\nHost: x\r\nX(A): b\r\nContent-Length: 2\r\n\r\n',
    'POST /invocations HTTP/1.1\r\nHost: x\r\nX-A: b\u0000c\r\nContent-Length: 2\r\n\r\n',
    'POST /invocations HTTP/1.1\r\nHost: x\r\nX-A: b\u007fc\r\nContent-Length: 2\r\n\r\n',
    'POST /invocations HTTP/1.1\r\nHost: x\r\nX-A: caf\u00e9\r\nContent-Length: 2\r\n\r\n',
    'POST /invocations HTTP/1.1\r\nHost: x\r\nNo colon\r\nContent-Length: 2\r\n\r\n',
  ]) {
    handedOff(Buffer.from(raw, 'latin1'));
  }
});

test('hands off the framing and semantics node:http must judge: lengths, transfer codings, Expect, Upgrade, Connection, Host', () => {
  for (const extra of [
    ['Content-Length: 2'],
    ['Content-Length: +2'],
    ['Content-Length: -1'],
    ['Content-Length: 0x2'],
    ['Content-Length: 2 2'],
    ['Content-Length: 2,2'],
    ['Content-Length:'],
    ['Content-Length: 1001'],
    ['Content-Length: 1234567890123456'],
    ['Transfer-Encoding: chunked'],
    ['transfer-encoding: identity'],
    ['Expect: 100-continue'],
    ['Upgrade: websocket'],
    ['Content-Encoding: gzip'],
    ['Connection: upgrade'],
    ['Connection: keep-alive, close'],
    ['Connection: close', 'Connection: close'],
    ['Content-Type: a', 'Content-Type: b'],
    ['X-Request-ID: a', 'X-Request-ID: b'],
    ['Accept: a', 'Accept: b'],
    ['Accept-Encoding: a', 'Accept-Encoding: b'],
    ['Authorization: Bearer a', 'Authorization: Bearer a'],
    ['X-API-Key: a', 'X-API-Key: a'],
    ['Host: y'],
  ]) {
    handedOff(head(['POST /invocations HTTP/1.1', 'Host: x', 'Content-Length: 2', ...extra]));
  }
  handedOff(head(['POST /invocations HTTP/1.1', 'Content-Length: 2']));
  handedOff(head(['GET /ping HTTP/1.1', 'Host: x', 'Content-Length: 1']));
  handedOff(head(['HEAD /health HTTP/1.1', 'Host: x', 'Content-Length: 5']));
});

test('takes a Content-Length up to the body limit (leading zeros as node:http reads them) and a POST without one as empty', () => {
  assert.equal(taken(head(['POST /invocations HTTP/1.1', 'Host: x', 'Content-Length: 1000'])).contentLength, 1000);
  assert.equal(taken(head(['POST /invocations HTTP/1.1', 'Host: x', 'Content-Length: 007'])).contentLength, 7);
  assert.equal(taken(head(['POST /invocations HTTP/1.1', 'Host: x'])).contentLength, 0);
});

test('parses from an offset in a buffer of pipelined requests, whatever follows the head', () => {
  const one = post();
  const buf = Buffer.concat([Buffer.from('xx'), one, Buffer.from('{}GARBAGE')]);
  const r = parseHead(buf, 2, buf.length, LIMITS);
  assert.notEqual(r, NEED_MORE);
  assert.notEqual(r, HAND_OFF);
  assert.equal((r as FastRequest).headBytes, one.length);
});

test('random chunk boundaries never change the decision (seeded)', () => {
  let seed = 7;
  const rand = (n: number): number => ((seed = (seed * 1103515245 + 12345) >>> 0) % n);
  const cases = [post('X-Request-ID: r1'), head(['GET /ping HTTP/1.1', 'Host: x']), head(['POST /invocations HTTP/1.1', 'Host: x', 'Transfer-Encoding: chunked'])];
  for (let round = 0; round < 200; round++) {
    const buf = cases[rand(cases.length)];
    const whole = parseHead(buf, 0, buf.length, LIMITS);
    // Grow the end in random steps, as reads arrive.
    let end = 0;
    let last: ReturnType<typeof parseHead> = NEED_MORE;
    while (end < buf.length && last === NEED_MORE) {
      end = Math.min(buf.length, end + 1 + rand(20));
      last = parseHead(buf, 0, end, LIMITS);
    }
    assert.deepEqual(last, whole);
  }
});

test('reads header names in any case, and only those exact names (a look-alike of the same length is just another header)', () => {
  const r = taken(head(['POST /invocations HTTP/1.1', 'hOsT: x', 'CONTENT-TYPE: text/csv', 'cOnTeNt-LeNgTh: 2', 'X-REQUEST-ID: id', 'Content-Lengtx: 9', 'Content_Length: 9', 'Accept-Encodinh: br']));
  assert.equal(r.contentType, 'text/csv');
  assert.equal(r.contentLength, 2);
  assert.equal(r.requestId, 'id');
  assert.equal(r.acceptEncoding, undefined);
  handedOff(head(['POST /invocations HTTP/1.1', 'Host: x', 'tRANSFER-eNCODING: chunked']));
  handedOff(head(['GET /ping HTTP/1.1', 'HOST: x', 'host: y']));
});
