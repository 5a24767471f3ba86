// The fast HTTP/1.1 lane (src/server/fast/) against node:http: the same raw bytes sent to a server
// with the lane and to one without must get the same raw answers (but for Date and generated ids),
// and the same connection closes; random and mutated bytes never crash it or hang a connection.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { connect } from 'node:net';
import { Server } from 'node:http';
import { startServer } from '../helpers/server.js';
import { makeModel } from '../helpers/model-dir.js';
import { memoryLogger } from '../helpers/logs.js';
import { serve } from '../../src/serve.js';
import { exchange, exchangeSteps, normalise, seeded, splitRandomly, type Step } from '../helpers/raw-http.js';
import type { ServerHandle } from '../../src/serve.js';
import type { ServeOptions } from '../../src/config/options.js';

const IRIS = fileURLToPath(new URL('../../../examples/iris', import.meta.url));
// Short header and body time-outs bound how long a fuzzed connection with half a head stays open.
const LIMITS: Partial<ServeOptions> = { bodyLimitBytes: 4096, maxHeaderBytes: 2048, maxHeaderCount: 20, headerTimeoutSeconds: 1, bodyTimeoutSeconds: 2, logLevel: 'error' };
// More cases or another seed for a longer hunt: FAST_LANE_CASES=5000 FAST_LANE_SEED=7 node --test dist/test/integration/fast-lane.test.js
const CASES = Number(process.env.FAST_LANE_CASES ?? 300);
const SEED = Number(process.env.FAST_LANE_SEED ?? 18);
const PARALLEL = 12;

type Rand = ReturnType<typeof seeded>;

const BODIES: readonly [string | undefined, string][] = [
  ['application/json', '{"inputs": [[5.1, 3.5, 1.4, 0.2]]}'],
  ['application/json', '{"inputs": [[5.1, 3.5, 1.4, 0.2], [6.2, 2.9, 4.3, 1.3]]}'],
  ['application/json; charset=utf-8', '{"dataframe_split": {"columns": ["sepal_length", "sepal_width", "petal_length", "petal_width"], "data": [[5.1, 3.5, 1.4, 0.2]]}}'],
  ['application/json', '{"inputs": [[5.1, 3.5,'],
  ['application/json', '{"inputs": [[1, 2]]}'],
  ['application/json', '{}'],
  ['application/json', ''],
  ['text/csv', '5.1,3.5,1.4,0.2\n'],
  ['text/plain', 'hello'],
  [undefined, '{"inputs": [[5.1, 3.5, 1.4, 0.2]]}'],
  ['application/json', '{"inputs": [["a", "b", "c", "d"]]}'],
];

const word = (rand: Rand, w: string): string => (rand.chance(0.2) ? w.toUpperCase() : rand.chance(0.2) ? w.toLowerCase() : w);

/** The token of the servers with authentication. */
const TOKEN = 's3cret';

/** Extra header lines a request may carry (`auth`: tokens, right or wrong, most of the time). */
function extras(rand: Rand, auth = false): string[] {
  const out: string[] = [];
  if (auth && rand.chance(0.8)) out.push(rand.pick([`Authorization: Bearer ${TOKEN}`, `authorization:  bearer ${TOKEN} `, `X-API-Key: ${TOKEN}`, 'Authorization: Bearer wrong', 'Authorization: Basic eDp5', 'X-API-Key: wrong']));
  if (rand.chance(0.6)) out.push(`X-Request-ID: req-${rand.int(1000)}`);
  if (rand.chance(0.2)) out.push(`${word(rand, 'Connection')}: ${rand.pick(['keep-alive', 'Keep-Alive', 'close'])}`);
  if (rand.chance(0.2)) out.push(`Accept: ${rand.pick(['*/*', 'application/json', 'text/event-stream'])}`);
  if (rand.chance(0.2)) out.push(`Accept-Encoding: ${rand.pick(['gzip', 'br', 'identity'])}`);
  if (rand.chance(0.2)) out.push(`User-Agent:   tester/1.0  `);
  return out;
}

/** One request of a stream, well-formed or not (`simpleOnly`: a well-formed one of the routes the lane serves). */
function request(rand: Rand, simpleOnly = false, auth = false): string {
  const host = 'Host: localhost';
  const simple = (): string => {
    const [type, body] = rand.pick(BODIES);
    const lines = [`POST /invocations${rand.chance(0.1) ? '?x=1' : ''} HTTP/1.1`, host, ...(type ? [`${word(rand, 'Content-Type')}: ${type}`] : []), `Content-Length: ${Buffer.byteLength(body)}`, ...extras(rand, auth)];
    return `${lines.join('\r\n')}\r\n\r\n${body}`;
  };
  const kinds: (() => string)[] = [
    simple,
    simple,
    simple,
    () => `${rand.pick(['GET', 'HEAD'])} ${rand.pick(['/ping', '/health', '/version', '/ping?x'])} HTTP/1.1\r\n${host}\r\n${extras(rand, auth).map((l) => `${l}\r\n`).join('')}\r\n`,
    () => `${rand.pick(['GET', 'POST', 'DELETE', 'OPTIONS'])} ${rand.pick(['/nope', '/invocations/', '/ping/', '/v2/health/live', '/models/x/invocations', '/'])} HTTP/1.1\r\n${host}\r\n\r\n`,
    () => `POST /ping HTTP/1.1\r\n${host}\r\nContent-Length: 0\r\n\r\n`,
    () => `GET /ping HTTP/1.1\r\n${host}\r\nContent-Length: 3\r\n\r\nabc`,
    () => {
      const body = rand.pick(BODIES)[1];
      const cut = rand.int(body.length + 1);
      const chunks = [body.slice(0, cut), body.slice(cut)].filter((c) => c.length > 0);
      return `POST /invocations HTTP/1.1\r\n${host}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n${chunks.map((c) => `${Buffer.byteLength(c).toString(16)}\r\n${c}\r\n`).join('')}0\r\n\r\n`;
    },
    () => {
      const body = BODIES[0][1];
      return `POST /invocations HTTP/1.1\r\n${host}\r\nContent-Type: application/json\r\nExpect: 100-continue\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
    },
    () => `POST /invocations HTTP/1.1\r\n${host}\r\nContent-Type: application/json\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n`,
    () => `POST /invocations HTTP/1.1\r\n${host}\r\nContent-Type: application/json\r\nContent-Length: 2\r\nContent-Length: ${rand.pick(['2', '3'])}\r\n\r\n{}`,
    () => `POST /invocations HTTP/1.1\r\n${host}\r\nContent-Type: application/json\r\nContent-Length: ${rand.pick(['abc', '-1', '1 2', '+2', '0x2', ''])}\r\n\r\n{}`,
    () => `POST /invocations HTTP/1.1\n${host}\nContent-Type: application/json\nContent-Length: 2\n\n{}`,
    () => `GET /ping HTTP/1.1\r\n${host}\r\nX-Folded: a\r\n  b\r\n\r\n`,
    () => `GET /ping HTTP/1.1\r\n${host}\r\nX-Big: ${'a'.repeat(2100)}\r\n\r\n`,
    () => `GET /ping HTTP/1.1\r\n${host}\r\n${Array.from({ length: 21 }, (_, i) => `X-${i}: v\r\n`).join('')}\r\n`,
    // Over the body limit, with only the start of its body: the 413 comes before the rest (with the whole body in the
    // same read, whether node:http's answer closes depends on when it parses the body, natively or after a hand-off).
    () => `POST /invocations HTTP/1.1\r\n${host}\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n${'x'.repeat(rand.int(100))}`,
    () => `GET /ping HTTP/1.0\r\n${host}\r\n\r\n`,
    () => `GET /ping HTTP/1.1\r\n\r\n`,
    () => `GET http://localhost/ping HTTP/1.1\r\n${host}\r\n\r\n`,
    () => `get /ping HTTP/1.1\r\n${host}\r\n\r\n`,
    () => `GET /ping HTTP/1.1\r\n${host}\r\nX-Bad: a\u0001b\r\n\r\n`,
    () => `GET /ping HTTP/1.1\r\n${host}\r\nHost: other\r\n\r\n`,
  ];
  return rand.pick(simpleOnly ? kinds.slice(0, 4) : kinds)();
}

/** A simple request that may come pipelined after others (never `Connection: close`: bytes after it are an error to node:http). */
function pipelinable(rand: Rand, auth: boolean): string {
  for (;;) {
    const r = request(rand, true, auth);
    if (!/\r\nconnection: close/i.test(r)) return r;
  }
}

/**
 * A connection's worth of steps, each one write: single requests of any kind, or pipelined batches of
 * well-formed ones; then mostly a closing /ping, sometimes a truncated request.
 */
function steps(rand: Rand, auth = false): Step[] {
  const out: [string, number | undefined][] = [];
  for (let n = 1 + rand.int(4); n > 0; n--) {
    const batch = rand.chance(0.3) ? 2 + rand.int(4) : 1;
    out.push(batch > 1 ? [Array.from({ length: batch }, () => pipelinable(rand, auth)).join(''), batch] : [request(rand, false, auth), 1]);
  }
  if (rand.chance(0.1)) {
    const last = request(rand, false, auth);
    // node:http may refuse a part of a head at once (Transfer-Encoding after Content-Length): wait until quiet
    // (0.5 s, within the 1 s header time-out).
    out.push([last.slice(0, 1 + rand.int(last.length - 1)), undefined]);
  } else if (rand.chance(0.85)) {
    out.push(['GET /ping HTTP/1.1\r\nHost: localhost\r\nX-Request-ID: last\r\nConnection: close\r\n\r\n', 1]);
  }
  return out.map(([s, answers]) => ({ bytes: Buffer.from(s, 'latin1'), answers }));
}

/** A connection's worth of bytes: pipelined requests, then (mostly) a closing /ping, or a truncated request. */
function stream(rand: Rand): Buffer {
  const parts = Array.from({ length: 1 + rand.int(4) }, () => request(rand));
  if (rand.chance(0.1)) {
    const last = request(rand);
    parts.push(last.slice(0, 1 + rand.int(last.length - 1)));
  } else if (rand.chance(0.85)) {
    parts.push('GET /ping HTTP/1.1\r\nHost: localhost\r\nX-Request-ID: last\r\nConnection: close\r\n\r\n');
  }
  return Buffer.from(parts.join(''), 'latin1');
}

async function inBatches<T, R>(items: readonly T[], size: number, run: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += size) out.push(...(await Promise.all(items.slice(i, i + size).map(run))));
  return out;
}

/** Sends `count` generated streams to both servers, step by step, and fails on any difference in the raw answers or closes. */
async function differential(fast: ServerHandle, node: ServerHandle, rand: Rand, count: number, auth: boolean): Promise<void> {
  const cases = Array.from({ length: count }, () => steps(rand, auth));
  const mismatches: string[] = [];
  await inBatches(cases, PARALLEL, async (c) => {
    const [a, b] = await Promise.all([exchangeSteps(fast.port, c), exchangeSteps(node.port, c)]);
    const [na, nb] = [normalise(a.text), normalise(b.text)];
    if (na !== nb || a.closed !== b.closed) {
      let at = 0;
      while (at < na.length && na[at] === nb[at]) at++;
      const from = Math.max(0, at - 300);
      mismatches.push(`steps ${JSON.stringify(c.map((s) => s.bytes.toString('latin1').slice(0, 400)))}\n  answers differ from character ${at}:\n  fast (closed ${a.closed}): ${JSON.stringify(na.slice(from, at + 600))}\n  node (closed ${b.closed}): ${JSON.stringify(nb.slice(from, at + 600))}`);
    }
  });
  assert.equal(mismatches.length, 0, `${mismatches.length} of ${count} differ; first:\n${mismatches.slice(0, 3).join('\n')}`);
}

describe('fast HTTP/1.1 lane', () => {
  let fast: ServerHandle;
  let node: ServerHandle;
  before(async () => {
    fast = await startServer(IRIS, { ...LIMITS, httpParser: 'fast' });
    node = await startServer(IRIS, { ...LIMITS, httpParser: 'node' });
  });
  after(async () => {
    await fast?.close();
    await node?.close();
  });

  it(`answers ${CASES} generated request streams byte for byte as node:http does (seed ${SEED})`, async () => {
    await differential(fast, node, seeded(SEED), CASES, false);
  });

  it(`with --auth-token too: ${Math.ceil(CASES / 3)} streams with right, wrong and missing tokens (seed ${SEED + 1})`, async () => {
    const options = { ...LIMITS, authTokens: [TOKEN], authHealth: true };
    const [f, n] = [await startServer(IRIS, { ...options, httpParser: 'fast' }), await startServer(IRIS, { ...options, httpParser: 'node' })];
    try {
      await differential(f, n, seeded(SEED + 1), Math.ceil(CASES / 3), true);
    } finally {
      await f.close();
      await n.close();
    }
  });

  it('serves plain /ping, /version and /invocations itself (node:http sees no request), and hands the rest to node:http', async () => {
    // Every other test here passes as well with the lane handing everything off: this one fails then.
    const seen: string[] = [];
    const emit = Server.prototype.emit;
    Server.prototype.emit = function (this: Server, event: string | symbol, ...args: unknown[]): boolean {
      if (event === 'request') seen.push(String((args[0] as { url?: string }).url));
      return emit.apply(this, [event, ...args] as Parameters<typeof emit>);
    } as typeof emit;
    try {
      const ok = '{"inputs": [[5.1, 3.5, 1.4, 0.2]]}';
      const lane = `GET /ping HTTP/1.1\r\nHost: x\r\n\r\nGET /version HTTP/1.1\r\nHost: x\r\n\r\nPOST /invocations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${ok.length}\r\n\r\n${ok}`;
      const r = await exchange(fast.port, [Buffer.from(`${lane}GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`)]);
      assert.equal(r.text.match(/HTTP\/1\.1 200 OK/g)?.length, 4);
      assert.deepEqual(seen, ['/metrics']);
    } finally {
      Server.prototype.emit = emit;
    }
  });

  it('serves pipelined requests in order, and hands the connection to node:http mid-stream without losing a byte', async () => {
    const ok = '{"inputs": [[5.1, 3.5, 1.4, 0.2]]}';
    const post = (id: string): string => `POST /invocations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nX-Request-ID: ${id}\r\nContent-Length: ${ok.length}\r\n\r\n${ok}`;
    const chunked = `POST /invocations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nX-Request-ID: c\r\nTransfer-Encoding: chunked\r\n\r\n${ok.length.toString(16)}\r\n${ok}\r\n0\r\n\r\n`;
    const bytes = Buffer.from(post('a') + post('b') + chunked + post('d') + 'GET /ping HTTP/1.1\r\nHost: x\r\nX-Request-ID: e\r\nConnection: close\r\n\r\n');
    // Every byte boundary of the stream, one byte per write.
    const chunks = Array.from({ length: bytes.length }, (_, i) => bytes.subarray(i, i + 1));
    for (const parts of [[bytes], chunks]) {
      const r = await exchange(fast.port, parts);
      assert.ok(r.closed);
      assert.deepEqual([...r.text.matchAll(/x-request-id: (\w+)/g)].map((m) => m[1]), ['a', 'b', 'c', 'd', 'e']);
      assert.equal(r.text.match(/HTTP\/1\.1 200 OK/g)?.length, 5);
    }
  });

  it('survives random and mutated byte streams: every connection is answered or closed within a bound, and the server still serves', async () => {
    const rand = seeded(1818);
    const streams = Array.from({ length: 60 }, () => {
      const base = stream(rand);
      const bytes = Buffer.from(base);
      const kind = rand.int(4);
      if (kind === 0) for (let i = 0; i < 1 + rand.int(8); i++) bytes[rand.int(bytes.length)] = rand.int(256);
      if (kind === 1) return Buffer.from(Array.from({ length: 1 + rand.int(400) }, () => rand.int(256)));
      if (kind === 2) return Buffer.concat([bytes.subarray(0, rand.int(bytes.length)), Buffer.from(Array.from({ length: rand.int(50) }, () => rand.pick([13, 10, 32, 58, 9, 0])))]);
      return bytes;
    });
    // Quiet for longer than the header time-out (and its check interval): only a connection that is done may stay silent.
    const results = await inBatches(streams, 20, (bytes) => exchange(fast.port, splitRandomly(bytes, rand, 6), { quietMs: 3500, maxMs: 8000 }));
    for (const [i, r] of results.entries()) {
      assert.ok(r.closed || /^HTTP\/1\.1 \d{3} /.test(r.text), `stream ${i} neither answered nor closed: ${JSON.stringify(streams[i].toString('latin1').slice(0, 300))}`);
    }
    const res = await fetch(`${fast.url}/invocations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"inputs": [[5.1, 3.5, 1.4, 0.2]]}' });
    assert.equal(res.status, 200);
    assert.equal((await fetch(`${fast.url}/ping`)).status, 200);
  });

  it('closes an idle keep-alive connection after the keep-alive time-out, and answers 408 to a stalled head or a silent new connection, as node:http does', async () => {
    const opts: Partial<ServeOptions> = { keepAliveTimeoutSeconds: 1, headerTimeoutSeconds: 1, logLevel: 'error' };
    const [f, n] = [await startServer(IRIS, { ...opts, httpParser: 'fast' }), await startServer(IRIS, { ...opts, httpParser: 'node' })];
    try {
      const idle = Buffer.from('GET /ping HTTP/1.1\r\nHost: x\r\nX-Request-ID: k\r\n\r\n');
      const stalled = Buffer.from('GET /ping HTTP/1.1\r\nHo');
      for (const bytes of [idle, stalled, Buffer.alloc(0)]) {
        const t0 = Date.now();
        const [a, b] = await Promise.all([exchange(f.port, [bytes], { quietMs: 4000, maxMs: 5000 }), exchange(n.port, [bytes], { quietMs: 4000, maxMs: 5000 })]);
        assert.ok(a.closed && b.closed, `closed: fast ${a.closed}, node ${b.closed}`);
        assert.ok(Date.now() - t0 < 4000);
        assert.equal(normalise(a.text), normalise(b.text));
      }
    } finally {
      await f.close();
      await n.close();
    }
  });

  it('logs 499 for a client gone before its answer, and keeps serving, as node:http does', async () => {
    const slow = makeModel({ source: 'export async function predict(input) { await new Promise((r) => setTimeout(r, 150)); return input; }\n' });
    for (const httpParser of ['fast', 'node'] as const) {
      const logger = memoryLogger('info');
      const server = await serve({ modelUri: slow, host: '127.0.0.1', port: 0, workers: 1, httpParser }, {}, { logger });
      try {
        const body = '{"inputs": [1, 2]}';
        await new Promise<void>((resolve) => {
          const sock = connect(server.port, '127.0.0.1', () => {
            sock.write(`POST /invocations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nX-Request-ID: gone\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
            setTimeout(() => sock.destroy(), 30);
          });
          sock.on('close', () => setTimeout(resolve, 300));
        });
        const res = await fetch(`${server.url}/invocations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
        assert.deepEqual(await res.json(), { predictions: [1, 2] });
        logger.flush();
        const gone = logger.records.find((r) => r.msg === 'access' && r.request_id === 'gone');
        assert.equal(gone?.status, 499, `${httpParser}: ${JSON.stringify(logger.records)}`);
      } finally {
        await server.close();
      }
    }
  });

  it('answers every one of more pipelined requests than it takes at once, however long they queue past the head time-out, as node:http does', async () => {
    // Calls run one after another: 40 requests take about 2 s, twice the head time-out; while the
    // lane waits on its 32 answers, the bytes it has not read yet are no slow head (no 408).
    const serial = makeModel({ source: 'let chain = Promise.resolve();\nexport async function predict(input) { const p = chain.then(() => new Promise((r) => setTimeout(r, 50))); chain = p; await p; return input; }\n' });
    const body = '{"inputs": [1]}';
    const post = (i: number): string => `POST /invocations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nX-Request-ID: r${i}\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
    const bytes = Buffer.from(Array.from({ length: 40 }, (_, i) => post(i)).join('') + 'GET /ping HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    for (const httpParser of ['fast', 'node'] as const) {
      const server = await serve({ modelUri: serial, host: '127.0.0.1', port: 0, workers: 1, httpParser, headerTimeoutSeconds: 1, logLevel: 'error' });
      try {
        const r = await exchange(server.port, [bytes], { quietMs: 4000, maxMs: 15000 });
        assert.ok(r.closed, httpParser);
        assert.equal(r.text.match(/HTTP\/1\.1 200 OK/g)?.length, 41, `${httpParser}: ${r.text.slice(-400)}`);
        assert.deepEqual([...r.text.matchAll(/x-request-id: (r\d+)/g)].map((m) => m[1]), Array.from({ length: 40 }, (_, i) => `r${i}`));
      } finally {
        await server.close();
      }
    }
  });

  it('drains connections of the lane: an idle one is closed, a request in flight is answered with Connection: close', async () => {
    const slow = makeModel({ source: 'export async function predict(input) { await new Promise((r) => setTimeout(r, 300)); return input; }\n' });
    const server = await serve({ modelUri: slow, host: '127.0.0.1', port: 0, workers: 1, httpParser: 'fast', logLevel: 'error' });
    const body = '{"inputs": [3]}';
    const post = Buffer.from(`POST /invocations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
    try {
      const idle = exchange(server.port, [Buffer.from('GET /ping HTTP/1.1\r\nHost: x\r\n\r\n')], { quietMs: 5000, maxMs: 5000 });
      const busy = exchange(server.port, [post], { quietMs: 5000, maxMs: 5000 });
      await new Promise((r) => setTimeout(r, 100));
      const t0 = Date.now();
      await server.close();
      const [i, b] = await Promise.all([idle, busy]);
      assert.ok(Date.now() - t0 < 3000, `drained in ${Date.now() - t0} ms`);
      assert.ok(i.closed && b.closed);
      assert.match(i.text, /^HTTP\/1\.1 200 OK/);
      assert.match(b.text, /^HTTP\/1\.1 200 OK\r\n[^]*\r\nconnection: close\r\n[^]*\r\n\r\n\{"predictions": \[3\]\}$/);
    } finally {
      await server.close();
    }
  });
});
