// Owns writing an answer: the common headers, closing the connection when it must not be reused
// (draining, or a request body still arriving), and compression of large answers.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { compressBody, pickEncoding, type CompressionOptions } from './compress.js';
import type { HttpAnswer } from './render.js';

/** What every answer needs to know. */
export interface ResponderOptions {
  /** mlserve's version, sent as `x-mlserve-version`. */
  readonly serverVersion: string;
  /** True once the server drains: answers close their connection. */
  readonly isDraining: () => boolean;
  /** Compress large answers for clients that accept it; undefined: never. */
  readonly compression?: CompressionOptions;
}

/**
 * Sends an answer (`head`: headers only, for HEAD requests; `requestId` echoed as `x-request-id`);
 * returns the body bytes sent (before compression), or undefined when nothing could be sent.
 */
export type Respond = (req: IncomingMessage, res: ServerResponse, answer: HttpAnswer, head?: boolean, requestId?: string) => number | undefined;
/** How long a connection closed with its request body unread keeps reading (and dropping) input. */
const LINGER_MS = 1000;

/**
 * Makes node's close after the answer a lingering close (as nginx's lingering_close): a socket
 * destroyed while input is still arriving sends a TCP reset, which can make the client drop the
 * answer it has not read yet (a 413 or 504 would arrive as "connection reset"). The answer is
 * followed by FIN; further input is read and dropped for at most LINGER_MS, then the socket goes.
 */
function lingerOnClose(socket: Socket): void {
  (socket as Socket & { destroySoon(): void }).destroySoon = function (this: Socket): void {
    this.end();
    this.resume();
    const timer = setTimeout(() => this.destroy(), LINGER_MS);
    timer.unref();
    this.once('close', () => clearTimeout(timer));
  };
}


/**
 * The headers every answer starts with, in this order (the fast lane's too: fast/answer.ts):
 * type, length, nosniff, version, the answer's own, then `x-request-id` when given.
 */
export function commonHeaders(answer: HttpAnswer, serverVersion: string, requestId: string | undefined): Record<string, string | number> {
  const headers: Record<string, string | number> = {
    'content-type': answer.contentType,
    'content-length': Buffer.byteLength(answer.body),
    'x-content-type-options': 'nosniff',
    'x-mlserve-version': serverVersion,
    ...answer.headers,
  };
  if (requestId !== undefined) headers['x-request-id'] = requestId;
  return headers;
}

/**
 * Creates the function every route answers with. Headers go as one object (the cheapest form
 * for node:http). A connection is closed after its answer when the server drains (so no client
 * sends another request on it) or when the request body has not fully arrived (an early 413 or
 * 504 must not leave a slow body holding the connection).
 */
export function createResponder(options: ResponderOptions): Respond {
  const { compression } = options;
  return (req, res, answer, head = false, requestId) => {
    if (res.headersSent || res.destroyed) return undefined;
    const headers = commonHeaders(answer, options.serverVersion, requestId);
    const bytes = headers['content-length'] as number;
    // `complete` turns true only after the request listener returns for a request without a body,
    // so a body is "still arriving" only when the request has one.
    const unread = !req.complete && (req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length']) > 0);
    if ((options.isDraining() || unread) && req.httpVersionMajor < 2) headers.connection = 'close';
    if (unread) lingerOnClose(req.socket);
    if (compression && !head && answer.body.length >= compression.minBytes && answer.status !== 204) {
      // The answer depends on Accept-Encoding: caches must keep the codings apart.
      const vary = res.getHeader('vary');
      headers.vary = vary ? `${String(vary)}, Accept-Encoding` : 'Accept-Encoding';
      const encoding = pickEncoding(req.headers['accept-encoding'] as string | undefined);
      if (encoding) {
        compressBody(answer.body, encoding).then(
          (buf) => {
            if (res.headersSent || res.destroyed) return;
            res.writeHead(answer.status, { ...headers, 'content-length': buf.length, 'content-encoding': encoding });
            res.end(buf);
          },
          () => {
            if (res.headersSent || res.destroyed) return;
            res.writeHead(answer.status, headers);
            res.end(answer.body);
          },
        );
        return bytes;
      }
    }
    res.writeHead(answer.status, headers);
    res.end(head ? undefined : answer.body);
    return head ? 0 : bytes;
  };
}
