// Owns putting the fast lane in front of node:http on the same listening server: every accepted
// connection starts on the lane (connection.ts) and goes to node:http's own connection listener
// the moment it carries a request the lane does not take. The time-out sweep, and node:http's
// closeIdleConnections / closeAllConnections (the drain's and close's tools), cover both.
//
// One listener, not a second net.Server in front: `--max-connections`, `getConnections()`,
// `close()` and the drain see every connection whichever side serves it.

import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import type { FastRoutes } from '../app.js';
import type { CompressionOptions } from '../compress.js';
import type { Authenticator } from '../auth.js';
import { httpServerOptions, type HttpLimits } from '../http-limits.js';
import { FastConnection, type LaneContext } from './connection.js';

/** What the fast lane needs of the server's options. */
export interface FastLaneOptions {
  readonly limits: HttpLimits;
  readonly bodyLimitBytes: number;
  readonly serverVersion: string;
  readonly isDraining: () => boolean;
  readonly compression?: CompressionOptions;
  readonly auth?: Authenticator;
}

/**
 * Serves the simplest requests of `routes` on `server`'s connections before node:http sees them
 * (see connection.ts); everything else, and the rest of such a connection, goes to node:http.
 */
export function installFastLane(server: Server, routes: FastRoutes, options: FastLaneOptions): void {
  const nodeListeners = server.listeners('connection') as ((socket: Socket) => void)[];
  server.removeAllListeners('connection');
  const connections = new Set<FastConnection>();
  const timing = httpServerOptions(options.limits);
  const lane: LaneContext = {
    routes,
    parseLimits: { maxHeaderBytes: options.limits.maxHeaderBytes, maxHeaderCount: options.limits.maxHeaderCount, bodyLimitBytes: options.bodyLimitBytes },
    answers: { serverVersion: options.serverVersion, isDraining: options.isDraining, keepAliveMs: timing.keepAliveTimeout },
    limits: options.limits,
    compression: options.compression,
    auth: options.auth,
    handOff: (socket) => {
      for (const listener of nodeListeners) listener.call(server, socket);
    },
    forget: (connection) => connections.delete(connection),
  };
  server.on('connection', (socket: Socket) => void connections.add(new FastConnection(socket, lane)));
  // node:http's time-outs for the lane's connections, checked as often as node:http checks its own.
  let sweep: NodeJS.Timeout | undefined;
  const startSweep = (): void => {
    sweep ??= setInterval(() => {
      const now = performance.now();
      for (const c of connections) c.tick(now, timing.headersTimeout, timing.keepAliveTimeout);
    }, timing.connectionsCheckingInterval);
    sweep.unref();
  };
  server.on('listening', startSweep);
  server.on('close', () => {
    if (sweep) clearInterval(sweep);
    sweep = undefined;
  });
  const closeIdle = server.closeIdleConnections.bind(server);
  const closeAll = server.closeAllConnections.bind(server);
  server.closeIdleConnections = () => {
    closeIdle();
    for (const c of connections) if (c.idle) c.destroy();
  };
  server.closeAllConnections = () => {
    closeAll();
    for (const c of connections) c.destroy();
  };
}
