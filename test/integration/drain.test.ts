// Graceful drain under load (issue 12, item 5): on close, answers say `Connection: close`, idle
// keep-alive connections are closed, accepted requests finish, what the drain time cannot finish
// is answered 503 — no request that reached the server is reset or lost, keep-alive included.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Agent, request } from 'node:http';
import { rmSync } from 'node:fs';
import { startServer } from '../helpers/server.js';
import { makeModel } from '../helpers/model-dir.js';

type Outcome = { status: number; connection: string | undefined } | { error: string };

/** One POST on a keep-alive agent; resolves with the answer's status or the client error code. */
function post(port: number, agent: Agent): Promise<Outcome> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/invocations', method: 'POST', agent, headers: { 'content-type': 'application/json' } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode!, connection: res.headers.connection }));
      res.on('error', (err: NodeJS.ErrnoException) => resolve({ error: err.code ?? err.message }));
    });
    req.on('error', (err: NodeJS.ErrnoException) => resolve({ error: err.code ?? err.message }));
    req.end('{"inputs": [1]}');
  });
}

/** `clients` loops, each on its own keep-alive connection, until the server refuses new connections. */
async function load(port: number, clients: number, onFirstAnswers: () => void): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  let answered = 0;
  const loop = async (): Promise<void> => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      for (;;) {
        const o = await post(port, agent);
        outcomes.push(o);
        if ('status' in o && ++answered === clients * 3) onFirstAnswers();
        if ('error' in o) return;
      }
    } finally {
      agent.destroy();
    }
  };
  await Promise.all(Array.from({ length: clients }, loop));
  return outcomes;
}

describe('drain under load', () => {
  it('answers every request that reached the server, on 64 keep-alive connections, and resets none', async () => {
    const dir = makeModel({ source: 'export async function predict(input) { await new Promise((r) => setTimeout(r, 5)); return input; }\n' });
    const server = await startServer(dir, { warmup: false, workers: 2, drainTimeoutSeconds: 10 });
    try {
      let closing: Promise<void> | undefined;
      const outcomes = await load(server.port, 64, () => (closing = server.close()));
      await closing;
      const errors = outcomes.filter((o): o is { error: string } => 'error' in o).map((o) => o.error);
      const answers = outcomes.filter((o): o is { status: number; connection: string | undefined } => 'status' in o);
      // Each client ends with one refused connection (the server no longer listens): nothing was sent.
      assert.deepEqual([...new Set(errors)], ['ECONNREFUSED'], `client errors: ${errors.join(', ')}`);
      assert.equal(errors.length, 64);
      assert.ok(answers.every((a) => a.status === 200), `statuses: ${[...new Set(answers.map((a) => a.status))]}`);
      assert.ok(answers.some((a) => a.connection === 'close'), 'answers during the drain say Connection: close');
    } finally {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('answers 503 to accepted requests the drain time cannot finish, instead of resetting them', async () => {
    const dir = makeModel({ source: 'export async function predict(input) { await new Promise((r) => setTimeout(r, 200)); return input; }\n' });
    const server = await startServer(dir, { warmup: false, workers: 1, batching: false, drainTimeoutSeconds: 1 });
    const agent = new Agent({ keepAlive: true, maxSockets: 64 });
    try {
      const pending = Array.from({ length: 64 }, () => post(server.port, agent));
      await new Promise((r) => setTimeout(r, 300));
      const started = Date.now();
      await server.close();
      const outcomes = await Promise.all(pending);
      const statuses = outcomes.map((o) => ('status' in o ? o.status : o.error));
      assert.ok(statuses.every((s) => s === 200 || s === 503), `outcomes: ${[...new Set(statuses)]}`);
      assert.ok(statuses.includes(503) && statuses.includes(200));
      assert.ok(Date.now() - started < 5000, 'the drain keeps to its time');
    } finally {
      agent.destroy();
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
