// Owns request ids: the client's `X-Request-ID` when it is a sane token, else a fresh UUID.

import { randomUUID } from 'node:crypto';

/** Longest client-sent id kept; longer ones are replaced (ids go into every log line of the request). */
const MAX_ID_CHARS = 128;
/** Printable ASCII without spaces or quotes: safe in headers, text logs and JSON. */
const SANE_ID = /^[\x21\x23-\x7e]+$/;

/** The id of a request: `header` (X-Request-ID, or gRPC's x-request-id metadata) when usable, else a new UUID. */
export function requestIdOf(header: unknown): string {
  if (typeof header === 'string' && header.length > 0 && header.length <= MAX_ID_CHARS && SANE_ID.test(header)) return header;
  return randomUUID();
}
