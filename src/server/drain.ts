// Owns graceful shutdown of the HTTP server: stop accepting, close idle keep-alive connections,
// finish what was accepted (answers say `Connection: close`), answer 503 to what the drain time
// cannot finish, and close connections only once their answers are written.

import type { Server } from 'node:http';
import { Server as NetServer } from 'node:net';
import type { ServerState } from './app.js';

const TICK_MS = 20;
/**
 * Idle keep-alive connections are closed only after this long: a busy client sends its next
 * request right after an answer, and such a request is served (its answer says close) rather
 * than met by a closing socket.
 */
const LINGER_MS = 250;
/** After the drain time, how long written answers get to leave before connections are closed. */
const FLUSH_MS = 2000;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function openConnections(server: Server): Promise<number> {
  return new Promise((resolve) => server.getConnections((err, n) => resolve(err ? 0 : n)));
}

/**
 * Drains `server`: readiness turns false at once; requests already accepted run to completion,
 * up to `timeoutMs`; those still unanswered then get 503 (never a reset connection). Resolves
 * once the listener is closed and every connection is gone.
 */
export async function drainServer(server: Server, state: ServerState, timeoutMs: number): Promise<void> {
  state.draining = true;
  // net.Server's close: stop accepting. (http.Server's close also closes idle keep-alive
  // connections at once, racing the requests their clients are sending on them right now.)
  const stopped = new Promise<void>((resolve) => NetServer.prototype.close.call(server, () => resolve()));
  const started = Date.now();
  const deadline = started + timeoutMs;
  // Busy connections close after their next answer (Connection: close).
  while (Date.now() < deadline && (state.unanswered.size > 0 || Date.now() - started < LINGER_MS)) await sleep(TICK_MS);
  state.refusing = true;
  for (const abort of [...state.unanswered]) abort();
  server.closeIdleConnections();
  const flushBy = Date.now() + FLUSH_MS;
  while ((await openConnections(server)) > 0 && Date.now() < flushBy) {
    server.closeIdleConnections();
    await sleep(TICK_MS);
  }
  server.closeAllConnections();
  await stopped;
}
