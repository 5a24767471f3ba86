// Owns writing an answer of the fast lane as node:http writes createResponder's (respond.ts): the
// same status line, headers in the same order, Date, and keep-alive or close, head and body as one
// piece of bytes.

import { STATUS_CODES } from 'node:http';
import type { HttpAnswer } from '../render.js';
import { commonHeaders } from '../respond.js';

/** What every answer of the fast lane needs to know (the server's side). */
export interface AnswerOptions {
  /** mlserve's version, sent as `x-mlserve-version`. */
  readonly serverVersion: string;
  /** True once the server drains: answers close their connection. */
  readonly isDraining: () => boolean;
  /** node:http's keep-alive time-out (its `Keep-Alive: timeout=` header), ms. */
  readonly keepAliveMs: number;
}

let dateSecond = -1;
let dateText = '';

/** The Date header's value (RFC 9110 §6.6.1), built once per second. */
export function httpDate(): string {
  const now = Date.now();
  const second = Math.floor(now / 1000);
  if (second !== dateSecond) {
    dateSecond = second;
    dateText = new Date(second * 1000).toUTCString();
  }
  return dateText;
}

/**
 * The headers createResponder gives an answer, in its order (`extra`: after the answer's own,
 * e.g. `vary`); `connection: close` when the server drains.
 */
export function answerHeaders(answer: HttpAnswer, requestId: string, options: AnswerOptions): Record<string, string | number> {
  const headers = commonHeaders(answer, options.serverVersion, requestId);
  if (options.isDraining()) headers.connection = 'close';
  return headers;
}

/**
 * The head of an answer as node:http writes it: status line, `headers` in order, Date, then
 * `Connection: keep-alive` and `Keep-Alive` unless a `connection` header was given or the
 * request asked to close (`Connection: close`). `closes`: whether the connection ends after it.
 */
export function answerHead(status: number, headers: Record<string, string | number>, requestClose: boolean, options: AnswerOptions): { text: string; closes: boolean } {
  let text = `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'unknown'}\r\n`;
  let closes = requestClose;
  let connection = false;
  for (const key in headers) {
    const value = headers[key];
    text += `${key}: ${value}\r\n`;
    if (key === 'connection') {
      connection = true;
      if (String(value).toLowerCase() === 'close') closes = true;
    }
  }
  text += `Date: ${httpDate()}\r\n`;
  if (!connection) {
    if (requestClose) text += 'Connection: close\r\n';
    else {
      text += 'Connection: keep-alive\r\n';
      if (options.keepAliveMs > 0) text += `Keep-Alive: timeout=${Math.floor(options.keepAliveMs / 1000)}\r\n`;
    }
  }
  return { text: `${text}\r\n`, closes };
}
