// Owns the connection-level limits of the HTTP server (time-outs, connections, header size and
// count) and the answers node:http's parser errors get: 408, 431 or 400, as JSON, then close.

import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';

/** Connection-level limits; every one has a safe default in the server's options. */
export interface HttpLimits {
  /** Seconds to receive a request's headers (slowloris): 408 beyond. */
  readonly headerTimeoutSeconds: number;
  /** Seconds to receive a whole request, headers and body (slow bodies): 408 beyond. */
  readonly bodyTimeoutSeconds: number;
  /** Seconds an idle keep-alive connection stays open. */
  readonly keepAliveTimeoutSeconds: number;
  /** Most open connections; more are refused (closed at once). */
  readonly maxConnections: number;
  /** Largest request head (request line and headers) in bytes: 431 beyond. */
  readonly maxHeaderBytes: number;
  /** Most request headers: 431 beyond. */
  readonly maxHeaderCount: number;
}

/** node:http server options for the limits (what must be given at creation). */
export function httpServerOptions(limits: HttpLimits): { maxHeaderSize: number; keepAliveTimeout: number; headersTimeout: number; requestTimeout: number; connectionsCheckingInterval: number } {
  const headersMs = limits.headerTimeoutSeconds * 1000;
  const requestMs = Math.max(limits.bodyTimeoutSeconds * 1000, headersMs);
  return {
    maxHeaderSize: limits.maxHeaderBytes,
    keepAliveTimeout: limits.keepAliveTimeoutSeconds * 1000,
    headersTimeout: headersMs,
    requestTimeout: requestMs,
    // Time-outs are checked this often (node's default, 30 s, would stretch a 10 s header time-out to 40 s).
    connectionsCheckingInterval: Math.min(1000, Math.max(100, Math.floor(headersMs / 4))),
  };
}

/** Sets the limits that node:http takes as server properties. */
export function applyHttpLimits(server: Server, limits: HttpLimits): void {
  server.maxConnections = limits.maxConnections;
  // One more than allowed, so that a request with too many headers is seen (and refused) rather than silently cut.
  server.maxHeadersCount = limits.maxHeaderCount + 1;
}

/** True when a request carries more headers than allowed (the caller answers 431). */
export function tooManyHeaders(rawHeaders: readonly string[], limits: HttpLimits): boolean {
  return rawHeaders.length / 2 > limits.maxHeaderCount;
}

const REASONS: Record<number, string> = { 400: 'Bad Request', 408: 'Request Timeout', 413: 'Payload Too Large', 431: 'Request Header Fields Too Large' };

/** A complete raw HTTP/1.1 answer that closes the connection, with MLflow's JSON error envelope. */
export function rawAnswer(status: number, errorCode: string, message: string): string {
  const body = JSON.stringify({ error_code: errorCode, message });
  return (
    `HTTP/1.1 ${status} ${REASONS[status] ?? 'Error'}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
    `X-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n${body}`
  );
}

/** The raw answer to a parser or time-out error from node:http (`clientError`), or undefined to just close. */
export function clientErrorAnswer(err: NodeJS.ErrnoException, limits: HttpLimits): string | undefined {
  switch (err.code) {
    case 'ECONNRESET':
      return undefined;
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return rawAnswer(408, 'BAD_REQUEST', `The request did not arrive in time (headers within ${limits.headerTimeoutSeconds} s, the whole request within ${limits.bodyTimeoutSeconds} s).`);
    case 'HPE_HEADER_OVERFLOW':
      return rawAnswer(431, 'REQUEST_LIMIT_EXCEEDED', `The request line and headers exceed ${limits.maxHeaderBytes} bytes.`);
    default:
      return rawAnswer(400, 'BAD_REQUEST', 'The request is not valid HTTP/1.1.');
  }
}

/**
 * Answers a `clientError` on its socket: a request whose answer already started is cut (the
 * client sees the connection close); otherwise the raw answer, then close.
 */
export function answerClientError(err: NodeJS.ErrnoException, socket: Duplex, limits: HttpLimits): void {
  const inProgress = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  const answer = clientErrorAnswer(err, limits);
  if (!answer || !socket.writable || inProgress?.headersSent) {
    socket.destroy();
    return;
  }
  socket.end(answer);
}
