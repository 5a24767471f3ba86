// Owns recognising the requests the fast lane may serve: a strict subset of HTTP/1.1 (RFC 9112)
// that is certainly well-formed and simple. Anything else is not judged here: it is handed to
// node:http, whose parser (llhttp) answers it by every rule it has.

/** Limits the fast lane keeps within (the server's, so node:http would accept what is taken). */
export interface ParseLimits {
  /** Largest head (request line, headers, blank line) taken; node:http counts fewer of its bytes. */
  readonly maxHeaderBytes: number;
  /** Most header lines taken. */
  readonly maxHeaderCount: number;
  /** Largest Content-Length taken. */
  readonly bodyLimitBytes: number;
}

/** A request the fast lane takes: every field as node:http would present it. */
export interface FastRequest {
  readonly method: 'GET' | 'HEAD' | 'POST';
  /** The path of the target (the query, if any, cut off). */
  readonly path: string;
  readonly contentType: string | undefined;
  readonly accept: string | undefined;
  readonly acceptEncoding: string | undefined;
  readonly requestId: string | undefined;
  /** `Authorization` and `X-API-Key`, for the authenticator. */
  readonly authorization: string | undefined;
  readonly apiKey: string | undefined;
  /** Body bytes that follow the head (0 without Content-Length). */
  readonly contentLength: number;
  /** `Connection: close`: the connection ends after this answer. */
  readonly close: boolean;
  /** Bytes of the head, blank line included: the body starts here. */
  readonly headBytes: number;
}

/** The head is incomplete and every byte so far fits a request the fast lane could take. */
export const NEED_MORE = 0;
/** Not for the fast lane: hand the connection to node:http. */
export const HAND_OFF = 1;

const CR = 13;
const LF = 10;
const SP = 32;
const HTAB = 9;
const COLON = 58;

/** RFC 9110 §5.6.2 tchar. */
const TCHAR = new Uint8Array(256);
for (const c of "!#$%&'*+-.^_`|~") TCHAR[c.charCodeAt(0)] = 1;
for (let c = 48; c <= 57; c++) TCHAR[c] = 1;
for (let c = 65; c <= 90; c++) TCHAR[c] = TCHAR[c + 32] = 1;
/** Bytes of an origin-form target (RFC 3986 pchar, `/`, `?`, `%`). */
const TARGET = new Uint8Array(256);
for (const c of "-._~!$&'()*+,;=:@/?%") TARGET[c.charCodeAt(0)] = 1;
for (let c = 48; c <= 57; c++) TARGET[c] = 1;
for (let c = 65; c <= 90; c++) TARGET[c] = TARGET[c + 32] = 1;
/** Bytes of a header value taken: visible ASCII, space and tab (no obs-text, no controls). */
const VALUE = new Uint8Array(256);
for (let c = 0x21; c <= 0x7e; c++) VALUE[c] = 1;
VALUE[SP] = VALUE[HTAB] = 1;

const METHODS = ['GET', 'HEAD', 'POST'] as const;
/** Each method with the space that ends it, as the request line starts (built once, not per request). */
const METHOD_PREFIXES = METHODS.map((m) => `${m} `);
const VERSION = ' HTTP/1.1\r\n';
/** Content-Length digits taken: more than this is past any body limit. */
const MAX_LENGTH_DIGITS = 15;

/** The header names read (lower case), by length: a name is matched in place, no string made of it. */
const NAMES_BY_LENGTH: readonly (readonly string[])[] = (() => {
  const names = ['host', 'accept', 'expect', 'upgrade', 'x-api-key', 'connection', 'content-type', 'x-request-id', 'authorization', 'content-length', 'accept-encoding', 'content-encoding', 'transfer-encoding'];
  const byLength: string[][] = Array.from({ length: 18 }, () => []);
  for (const n of names) byLength[n.length].push(n);
  return byLength;
})();

/**
 * The name read of the token `buf[from, from + length)`, case-insensitively, or undefined. Only
 * tchar bytes reach here, and of those only a letter's two cases (and `-` itself) are equal to a
 * lower-case letter or `-` once the 0x20 bit is set.
 */
function knownName(buf: Buffer, from: number, length: number): string | undefined {
  if (length >= NAMES_BY_LENGTH.length) return undefined;
  for (const name of NAMES_BY_LENGTH[length]) {
    let k = 0;
    while (k < length && (buf[from + k] | 0x20) === name.charCodeAt(k)) k++;
    if (k === length) return name;
  }
  return undefined;
}

/** Where the header values read as strings are kept (their order in FastRequest). */
const VALUE_SLOTS: Readonly<Record<string, number>> = { 'content-type': 0, accept: 1, 'accept-encoding': 2, 'x-request-id': 3, authorization: 4, 'x-api-key': 5 };

/** Which fast routes take which method. */
const ROUTES: Readonly<Record<string, string>> = { '/invocations': 'POST', '/ping': 'GET', '/health': 'GET', '/version': 'GET' };

function matches(buf: Buffer, at: number, end: number, text: string): 'yes' | 'no' | 'prefix' {
  const n = Math.min(text.length, end - at);
  for (let i = 0; i < n; i++) if (buf[at + i] !== text.charCodeAt(i)) return 'no';
  return n === text.length ? 'yes' : 'prefix';
}

/** True when `buf[from, to)` is digits followed only by spaces or tabs (or a prefix of that). */
function digitsThenSpaces(buf: Buffer, from: number, to: number): boolean {
  let k = from;
  while (k < to && buf[k] >= 48 && buf[k] <= 57) k++;
  while (k < to && (buf[k] === SP || buf[k] === HTAB)) k++;
  return k === to;
}

/**
 * Parses the head starting at `start` of `buf[start, end)`: the request when the whole head is
 * there and the fast lane takes it, NEED_MORE while every byte so far could still be such a
 * request, else HAND_OFF. What is taken: `GET|HEAD|POST SP origin-form SP HTTP/1.1 CRLF`, header
 * lines `token ":" OWS value OWS CRLF` with visible ASCII values, CRLF; exactly one Host; at most one
 * Content-Length (digits, within the body limit; none on GET and HEAD), Content-Type, Accept,
 * Accept-Encoding, X-Request-ID, Authorization, X-API-Key and Connection (keep-alive or close); no Transfer-Encoding,
 * Expect, Upgrade or Content-Encoding; a fast route and method; within the head size and count.
 */
export function parseHead(buf: Buffer, start: number, end: number, limits: ParseLimits): FastRequest | typeof NEED_MORE | typeof HAND_OFF {
  const stop = Math.min(end, start + limits.maxHeaderBytes);
  let i = start;
  // Request line.
  let method: FastRequest['method'] | undefined;
  for (let k = 0; k < METHODS.length; k++) {
    const r = matches(buf, i, stop, METHOD_PREFIXES[k]);
    if (r === 'yes') {
      method = METHODS[k];
      break;
    }
    if (r === 'prefix') return end - start > limits.maxHeaderBytes ? HAND_OFF : NEED_MORE;
  }
  if (method === undefined) return HAND_OFF;
  i += method.length + 1;
  const targetStart = i;
  if (i < stop && buf[i] !== 47) return HAND_OFF;
  while (i < stop && TARGET[buf[i]]) i++;
  if (i === stop) return end > stop ? HAND_OFF : NEED_MORE;
  const targetEnd = i;
  if (targetEnd === targetStart) return HAND_OFF;
  const v = matches(buf, i, stop, VERSION);
  if (v === 'no') return HAND_OFF;
  if (v === 'prefix') return end > stop ? HAND_OFF : NEED_MORE;
  i += VERSION.length;
  // Header lines.
  let count = 0;
  let hosts = 0;
  let contentLength: number | undefined;
  const values: (string | undefined)[] = [undefined, undefined, undefined, undefined, undefined, undefined];
  let connection: string | undefined;
  for (;;) {
    if (i === stop) return end > stop ? HAND_OFF : NEED_MORE;
    if (buf[i] === CR) {
      if (i + 1 === stop) return end > stop ? HAND_OFF : NEED_MORE;
      if (buf[i + 1] !== LF) return HAND_OFF;
      i += 2;
      break;
    }
    const nameStart = i;
    while (i < stop && TCHAR[buf[i]]) i++;
    if (i === stop) return end > stop ? HAND_OFF : NEED_MORE;
    // No name (obs-fold, bare LF, a control) or anything between the name and the colon.
    if (i === nameStart || buf[i] !== COLON) return HAND_OFF;
    const nameEnd = i++;
    const length = nameEnd - nameStart;
    const name = knownName(buf, nameStart, length);
    // Decided at the colon: node:http may refuse such a head before its line ends (Transfer-Encoding after Content-Length).
    if (name === 'transfer-encoding' || name === 'expect' || name === 'upgrade' || name === 'content-encoding') return HAND_OFF;
    if ((name === 'content-length' && contentLength !== undefined) || (name === 'host' && hosts > 0)) return HAND_OFF;
    while (i < stop && (buf[i] === SP || buf[i] === HTAB)) i++;
    const valueStart = i;
    while (i < stop && VALUE[buf[i]]) i++;
    if (i < stop && buf[i] !== CR) return HAND_OFF;
    // Likewise a length that is not digits (then only spaces) is handed off as soon as it shows.
    if (name === 'content-length' && !digitsThenSpaces(buf, valueStart, i)) return HAND_OFF;
    if (i + 1 >= stop) return end > stop ? HAND_OFF : NEED_MORE;
    if (buf[i + 1] !== LF) return HAND_OFF;
    let valueEnd = i;
    while (valueEnd > valueStart && (buf[valueEnd - 1] === SP || buf[valueEnd - 1] === HTAB)) valueEnd--;
    i += 2;
    if (++count > limits.maxHeaderCount) return HAND_OFF;
    if (name === undefined) continue;
    switch (name) {
      case 'host':
        if (++hosts > 1) return HAND_OFF;
        break;
      case 'content-length': {
        const digits = valueEnd - valueStart;
        if (contentLength !== undefined || digits === 0 || digits > MAX_LENGTH_DIGITS) return HAND_OFF;
        let n = 0;
        for (let k = valueStart; k < valueEnd; k++) {
          const d = buf[k] - 48;
          if (d < 0 || d > 9) return HAND_OFF;
          n = n * 10 + d;
        }
        if (n > limits.bodyLimitBytes) return HAND_OFF;
        contentLength = n;
        break;
      }
      case 'content-type':
      case 'accept':
      case 'accept-encoding':
      case 'x-request-id':
      case 'authorization':
      case 'x-api-key': {
        // Each at most once (node:http would join or drop repeats).
        const slot = VALUE_SLOTS[name];
        if (values[slot] !== undefined) return HAND_OFF;
        values[slot] = buf.toString('latin1', valueStart, valueEnd);
        break;
      }
      case 'connection':
        if (connection !== undefined) return HAND_OFF;
        connection = buf.toString('latin1', valueStart, valueEnd).toLowerCase();
        if (connection !== 'keep-alive' && connection !== 'close') return HAND_OFF;
        break;
    }
  }
  if (hosts !== 1) return HAND_OFF;
  let path = buf.toString('latin1', targetStart, targetEnd);
  const q = path.indexOf('?');
  if (q >= 0) path = path.slice(0, q);
  const routeMethod = ROUTES[path];
  if (routeMethod === undefined || (method === 'HEAD' ? routeMethod !== 'GET' : routeMethod !== method)) return HAND_OFF;
  // A GET or HEAD with a body is answered by node:http (its answer closes a connection whose body is unread).
  if (method !== 'POST' && (contentLength ?? 0) > 0) return HAND_OFF;
  return { method, path, contentType: values[0], accept: values[1], acceptEncoding: values[2], requestId: values[3], authorization: values[4], apiKey: values[5], contentLength: contentLength ?? 0, close: connection === 'close', headBytes: i - start };
}
