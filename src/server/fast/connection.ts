// Owns one connection on the fast lane: reading requests (parse.ts), answering them in order
// (pipelining), keep-alive and request time-outs, and handing the connection to node:http as
// soon as a request is not one the fast lane takes.
//
// The hand-off is what makes the lane safe: a request is dispatched only once its whole body has
// arrived, so until then every byte of it is still here. Handing off stops reading, waits until the
// lane's earlier answers are written, puts the unread bytes back (`socket.unshift`) and gives the
// socket to node:http's connection listener, which parses them by all of its rules.

import type { Socket } from 'node:net';
import { compressBody, pickEncoding, type CompressionOptions } from '../compress.js';
import { routeClass, type Authenticator } from '../auth.js';
import type { Exchange, FastRoutes, RequestContext } from '../app.js';
import type { HttpAnswer } from '../render.js';
import { requestIdOf } from '../request-id.js';
import { clientErrorAnswer, type HttpLimits } from '../http-limits.js';
import { answerHead, answerHeaders, type AnswerOptions } from './answer.js';
import { HAND_OFF, NEED_MORE, parseHead, type FastRequest, type ParseLimits } from './parse.js';

/** What every connection of the lane shares. */
export interface LaneContext {
  readonly routes: FastRoutes;
  readonly parseLimits: ParseLimits;
  readonly answers: AnswerOptions;
  readonly limits: HttpLimits;
  readonly compression?: CompressionOptions;
  /** Checks tokens (as the node:http handler does); undefined: every route is open. */
  readonly auth?: Authenticator;
  /** Gives the socket to node:http (its connection listener). */
  handOff(socket: Socket): void;
  /** The connection is no longer the lane's (closed or handed off). */
  forget(connection: FastConnection): void;
}

/** Answers waiting to be written in request order. */
interface Slot {
  /** The answer's bytes, once ready to write. */
  out: string | Buffer | undefined;
  /** An answer was given (it may still be compressing). */
  taken: boolean;
  /** The connection ends after this answer. */
  closes: boolean;
}

/** Requests answered concurrently on one connection before reading pauses (pipelining). */
const MAX_PIPELINED = 32;
/** Reads a head may take to arrive whole; a head slower than that goes to node:http (and its time-outs). */
const MAX_HEAD_READS = 4;
/** #requestStart between requests. */
const NOT_STARTED = -1;

/** One connection served by the fast lane. */
export class FastConnection {
  readonly #socket: Socket;
  readonly #lane: LaneContext;
  #buf: Buffer | undefined;
  #start = 0;
  #headReads = 0;
  /**
   * When the head time-out of the next request started (performance.now()): at the connection's
   * start (node:http answers 408 to a connection that sends nothing), else at the first byte of a
   * request; NOT_STARTED while the connection is idle between requests (the keep-alive time-out runs).
   */
  #requestStart = performance.now();
  #idleSince = performance.now();
  #slots: Slot[] = [];
  /** open: reading; handing: stopped reading, going to node:http once answers are written; closing: no more requests; gone: closed or handed off. */
  #phase: 'open' | 'handing' | 'closing' | 'gone' = 'open';
  #paused = false;
  /** The client ended its side (no more input). */
  #endSeen = false;

  constructor(socket: Socket, lane: LaneContext) {
    this.#socket = socket;
    this.#lane = lane;
    socket.on('data', this.#onData);
    socket.on('end', this.#onEnd);
    socket.on('error', this.#onError);
    socket.on('close', this.#onClose);
    socket.on('drain', this.#onDrain);
  }

  /** No request in progress and no answer waiting: what node:http's closeIdleConnections closes. */
  get idle(): boolean {
    return this.#phase === 'open' && this.#slots.length === 0 && this.#buf === undefined;
  }

  /** Closes the connection at once. */
  destroy(): void {
    this.#socket.destroy();
  }

  /** Applies node:http's time-outs: a head too slow gets 408, an idle connection is closed. */
  tick(now: number, headersMs: number, keepAliveMs: number): void {
    // Paused, the lane is not reading (its own answers are behind): the bytes waiting are not a slow
    // client's head, as node:http, which does not parse while paused, does not time them out either.
    if (this.#phase !== 'open' || this.#paused) return;
    if (this.#requestStart !== NOT_STARTED) {
      if (now - this.#requestStart > headersMs) this.#timeOut();
    } else if (this.#slots.length === 0 && keepAliveMs > 0 && now - this.#idleSince > keepAliveMs) {
      this.#socket.destroy();
    }
  }

  #timeOut(): void {
    this.#closeWith('ERR_HTTP_REQUEST_TIMEOUT');
  }

  /**
   * Ends the connection with the raw answer node:http's clientError handler (answerClientError) gives
   * `code`; answers not written yet are dropped, as node:http drops the requests it aborts.
   */
  #closeWith(code: string): void {
    this.#phase = 'closing';
    this.#buf = undefined;
    this.#slots.length = 0;
    const answer = clientErrorAnswer(Object.assign(new Error(code), { code }), this.#lane.limits);
    if (answer === undefined) this.#socket.destroy();
    else this.#socket.end(answer);
  }

  readonly #onData = (chunk: Buffer): void => {
    if (this.#phase !== 'open') return;
    if (this.#buf === undefined || this.#start === this.#buf.length) {
      this.#buf = chunk;
      this.#start = 0;
    } else {
      this.#buf = Buffer.concat([this.#buf.subarray(this.#start), chunk]);
      this.#start = 0;
    }
    if (this.#requestStart === NOT_STARTED) this.#requestStart = performance.now();
    this.#read();
  };

  /** Takes every complete request buffered, in order, until one is handed off. */
  #read(): void {
    while (this.#phase === 'open' && this.#buf !== undefined && this.#start < this.#buf.length) {
      if (this.#slots.length >= MAX_PIPELINED || this.#socket.writableNeedDrain) {
        this.#pause();
        return;
      }
      const buf = this.#buf;
      const start = this.#start;
      const req = parseHead(buf, start, buf.length, this.#lane.parseLimits);
      if (req === HAND_OFF) return this.#handOff();
      if (req === NEED_MORE) {
        if (++this.#headReads > MAX_HEAD_READS) this.#handOff();
        return;
      }
      // A body not all here with its head goes to node:http, which streams it: the request's
      // --timeout runs from its head, and an early answer (504, 413) closes the connection at once.
      const end = start + req.headBytes + req.contentLength;
      if (buf.length < end) return this.#handOff();
      // Whether the model serves now is decided with the request whole: still all here to hand off.
      if (req.method === 'POST' && !this.#lane.routes.canScore()) return this.#handOff();
      // A request without a valid token gets node:http's 401 (and the rest of the connection goes with it).
      const auth = this.#lane.auth;
      if (auth && !auth.allows({ authorization: req.authorization, 'x-api-key': req.apiKey }, routeClass(req.path))) return this.#handOff();
      this.#headReads = 0;
      this.#start = end;
      this.#requestStart = end < buf.length ? performance.now() : NOT_STARTED;
      this.#dispatch(req, buf.subarray(start + req.headBytes, end));
      if (req.close) {
        // Nothing after `Connection: close` is read (RFC 9112 §9.6).
        if (this.#phase === 'open') this.#phase = 'closing';
        this.#requestStart = NOT_STARTED;
        this.#buf = undefined;
        return;
      }
    }
    if (this.#buf !== undefined && this.#start >= this.#buf.length) {
      this.#buf = undefined;
      this.#start = 0;
    }
  }

  #dispatch(req: FastRequest, body: Buffer): void {
    const slot: Slot = { out: undefined, taken: false, closes: req.close };
    this.#slots.push(slot);
    const ctx: RequestContext = { id: requestIdOf(req.requestId), path: req.path, started: performance.now() };
    const ex: Exchange = { method: req.method, contentType: req.contentType, accept: req.accept, send: (answer, head, id) => this.#send(slot, req, answer, head, id) };
    const routes = this.#lane.routes;
    if (req.path === '/invocations') routes.invocations(ex, ctx, body);
    else if (req.path === '/version') routes.version(ex, ctx);
    else routes.health(ex, ctx);
  }

  /** Fills a request's slot with its answer (as createResponder would write it); the body bytes, or undefined when the client is gone. */
  #send(slot: Slot, req: FastRequest, answer: HttpAnswer, head: boolean, requestId: string): number | undefined {
    if (slot.taken || this.#phase === 'gone' || !this.#socket.writable || !this.#slots.includes(slot)) return undefined;
    slot.taken = true;
    const options = this.#lane.answers;
    const headers = answerHeaders(answer, requestId, options);
    const bytes = headers['content-length'] as number;
    const compression = this.#lane.compression;
    if (compression && !head && answer.body.length >= compression.minBytes && answer.status !== 204) {
      headers.vary = 'Accept-Encoding';
      const encoding = pickEncoding(req.acceptEncoding);
      if (encoding) {
        const fill = (out: string | Buffer, closes: boolean): void => {
          slot.out = out;
          slot.closes ||= closes;
          this.#flush();
        };
        compressBody(answer.body, encoding).then(
          (buf) => {
            const { text, closes } = answerHead(answer.status, { ...headers, 'content-length': buf.length, 'content-encoding': encoding }, req.close, options);
            fill(Buffer.concat([Buffer.from(text, 'latin1'), buf]), closes);
          },
          () => {
            const { text, closes } = answerHead(answer.status, headers, req.close, options);
            fill(text + answer.body, closes);
          },
        );
        return bytes;
      }
    }
    const { text, closes } = answerHead(answer.status, headers, req.close, options);
    slot.out = head ? text : text + answer.body;
    slot.closes ||= closes;
    this.#flush();
    return head ? 0 : bytes;
  }

  /** Writes the answers ready at the front of the queue, in order. */
  #flush(): void {
    const slots = this.#slots;
    while (slots.length > 0 && slots[0].out !== undefined) {
      const slot = slots.shift()!;
      if (this.#socket.destroyed) continue;
      this.#socket.write(slot.out!);
      if (slot.closes) {
        // As node:http after an answer that closes: end, and let the rest of the answers go unsent.
        this.#phase = 'closing';
        slots.length = 0;
        this.#socket.end();
        return;
      }
    }
    if (slots.length > 0) return;
    this.#idleSince = performance.now();
    if (this.#phase === 'handing') return this.#completeHandOff();
    if (this.#paused && !this.#socket.writableNeedDrain) this.#resume();
  }

  #pause(): void {
    this.#paused = true;
    this.#socket.pause();
  }

  #resume(): void {
    this.#paused = false;
    // The head time-out of bytes read before the pause runs from now, when they are read again.
    if (this.#buf !== undefined) this.#requestStart = performance.now();
    this.#socket.resume();
    this.#read();
  }

  readonly #onDrain = (): void => {
    if (this.#paused && this.#phase === 'open' && this.#slots.length < MAX_PIPELINED) this.#resume();
  };

  #handOff(): void {
    this.#phase = 'handing';
    this.#socket.pause();
    if (this.#slots.length === 0) this.#completeHandOff();
  }

  #completeHandOff(): void {
    const socket = this.#socket;
    // The client ended while earlier answers were written: node:http cannot be given its end of input.
    if (this.#endSeen && !socket.destroyed) return this.#closeWith('HPE_INVALID_EOF_STATE');
    this.#phase = 'gone';
    socket.off('data', this.#onData);
    socket.off('end', this.#onEnd);
    // The 'error' listener stays: a socket destroyed with an error emits it later, and node:http adds its own only below.
    socket.off('close', this.#onClose);
    socket.off('drain', this.#onDrain);
    this.#lane.forget(this);
    if (socket.destroyed) return;
    if (this.#buf !== undefined && this.#start < this.#buf.length) socket.unshift(this.#buf.subarray(this.#start));
    this.#buf = undefined;
    // As a fresh socket: node:http's 'data' listener starts the flow, its parser reads the bytes put back first.
    (socket as { readableFlowing: boolean | null }).readableFlowing = null;
    this.#lane.handOff(socket);
  }

  readonly #onEnd = (): void => {
    this.#endSeen = true;
    if (this.#phase !== 'open') return;
    // The client ended in the middle of a request: node:http answers it 400.
    if (this.#buf !== undefined) return this.#closeWith('HPE_INVALID_EOF_STATE');
    // As node:http (no half-open HTTP): requests still unanswered are aborted (their answers find the
    // socket gone: 499 in the access log), and the connection is ended.
    this.#phase = 'closing';
    this.#slots.length = 0;
    this.#socket.end();
  };

  readonly #onError = (): void => {
    // A reset or a write to a closed peer: 'close' follows; the answers left find the socket gone.
  };

  readonly #onClose = (): void => {
    this.#phase = 'gone';
    this.#slots.length = 0;
    this.#buf = undefined;
    this.#lane.forget(this);
  };
}
