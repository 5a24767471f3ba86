// Owns the cheap closed-loop load generator of the benchmarks: N keep-alive connections on raw node:net sockets, one pre-built request each, answers parsed and checked byte by byte.
//
// Why not node:http (_load.ts): its client spends about as much CPU per request as a bare node:http
// server, so at 16+ connections a single-CPU load generator measures itself. Here a request is one
// socket.write of the same Buffer, and an answer is parsed in place (status digits, Content-Length,
// body compared with Buffer.compare against the expected bytes): no strings, no objects per request.

import { connect, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { readMachineBusyMs } from './_cpu.js';
import { percentile, summarizeWindow, type CpuSnapshot, type LoadPlan, type LoadResult, type LoadTarget } from './_load.js';

/** A second, light request sent on its own connection at a fixed interval while the load runs (e.g. GET /ping). */
export interface SideProbe {
  readonly path: string;
  /** Pause between one answer and the next send, measured from the previous send. */
  readonly intervalMs: number;
  readonly expectStatus: number;
  readonly expectBody: string;
}

/** A load level, optionally with a side probe whose latency is reported separately. */
export interface RawLoadPlan extends LoadPlan {
  readonly probe?: SideProbe;
}

/** What the side probe measured inside the window. */
export interface ProbeResult {
  readonly requests: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  /** Probe answers with the wrong status or body, warm-up included. */
  readonly errors: number;
}

export interface RawLoadResult extends LoadResult {
  readonly probe?: ProbeResult;
}

/** Grace after the window for in-flight answers; past it, connections are destroyed and the rest count as errors. */
const DRAIN_TIMEOUT_MS = 10_000;
const MAX_SAMPLES = 5;
/** A response head larger than this is a protocol error, not something to keep buffering. */
const MAX_HEAD_BYTES = 64 * 1024;
/** Pause before reconnecting a connection the server closed, so a dead server can't spin the loop. */
const RECONNECT_DELAY_MS = 10;

const CRLF = Buffer.from('\r\n');
const CRLFCRLF = Buffer.from('\r\n\r\n');
const HTTP_PREFIX = Buffer.from('HTTP/1.');
const CONTENT_LENGTH = Buffer.from('content-length:');
const TRANSFER_ENCODING = Buffer.from('transfer-encoding:');

/** Latencies in a preallocated Float64Array, doubled (rarely) when full. */
class Samples {
  #data: Float64Array;
  length = 0;
  constructor(capacity: number) {
    this.#data = new Float64Array(Math.max(16, capacity));
  }
  push(v: number): void {
    if (this.length === this.#data.length) {
      const bigger = new Float64Array(this.#data.length * 2);
      bigger.set(this.#data);
      this.#data = bigger;
    }
    this.#data[this.length++] = v;
  }
  sorted(): Float64Array {
    return this.#data.slice(0, this.length).sort();
  }
}


/** The request bytes, sent as they are for every request: HTTP/1.1, keep-alive, Content-Length. */
export function buildRequest(host: string, port: number, method: string, path: string, headers: Readonly<Record<string, string>>, body: Buffer): Buffer {
  let head = `${method} ${path} HTTP/1.1\r\nhost: ${host}:${port}\r\nconnection: keep-alive\r\n`;
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (lower !== 'content-length' && lower !== 'host' && lower !== 'connection') head += `${name}: ${value}\r\n`;
  }
  if (body.length > 0 || method === 'POST' || method === 'PUT') head += `content-length: ${body.length}\r\n`;
  return Buffer.concat([Buffer.from(`${head}\r\n`, 'latin1'), body]);
}

/** True when `buf[at..]` starts with `lower`, ignoring ASCII case. */
function startsWithLower(buf: Buffer, at: number, end: number, lower: Buffer): boolean {
  if (end - at < lower.length) return false;
  for (let i = 0; i < lower.length; i++) if ((buf[at + i]! | 0x20) !== lower[i]) return false;
  return true;
}

/** Content-Length of a head in `buf[start, end)` (end at its CRLFCRLF): the value, -1 when absent, -2 with Transfer-Encoding. */
function contentLength(buf: Buffer, start: number, end: number): number {
  let line = buf.indexOf(CRLF, start);
  while (line >= 0 && line < end) {
    line += 2;
    if (startsWithLower(buf, line, end, CONTENT_LENGTH)) {
      let i = line + CONTENT_LENGTH.length;
      while (buf[i] === 0x20 || buf[i] === 0x09) i++;
      let n = 0;
      let digits = 0;
      for (; i < end && buf[i]! >= 0x30 && buf[i]! <= 0x39; i++, digits++) n = n * 10 + buf[i]! - 0x30;
      return digits > 0 ? n : -1;
    }
    if (startsWithLower(buf, line, end, TRANSFER_ENCODING)) return -2;
    line = buf.indexOf(CRLF, line);
  }
  return -1;
}

/** What a connection tells its owner. */
interface ConnectionEvents {
  /** A whole answer arrived: its latency, whether it matched, and a description when it did not (only while `wantDetail()`). */
  answer(latencyMs: number, ok: boolean, detail: string | undefined): void;
  /** The socket failed or closed: the request in flight (if any) is lost. */
  lost(why: string, inFlight: boolean): void;
  /** Whether a bad answer should be described (costs a string; only the first few are kept). */
  wantDetail(): boolean;
}

/**
 * One keep-alive connection with at most one request in flight. The parser handles answers split
 * over several reads and several answers in one read; the common case (a whole answer in one read)
 * allocates nothing.
 */
class RawConnection {
  readonly #request: Buffer;
  readonly #expectStatus: number;
  readonly #expectBody: Buffer;
  readonly #events: ConnectionEvents;
  readonly #socket: Socket;
  /** Bytes of a response head split across reads. */
  #head: Buffer | undefined;
  /** Body bytes still expected; -1 while reading a head. */
  #remaining = -1;
  #bodyOffset = 0;
  #status = 0;
  #ok = true;
  /** Body of a bad answer, kept only to describe it. */
  #bad: Buffer[] | undefined;
  #sentAt = 0;
  #inFlight = false;
  #closed = false;

  constructor(port: number, request: Buffer, expectStatus: number, expectBody: Buffer, events: ConnectionEvents) {
    this.#request = request;
    this.#expectStatus = expectStatus;
    this.#expectBody = expectBody;
    this.#events = events;
    this.#socket = connect({ host: '127.0.0.1', port, noDelay: true });
    this.#socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    this.#socket.on('error', (err) => this.#fail(`socket error: ${err.message}`));
    this.#socket.on('close', () => this.#fail('connection closed by the server'));
  }

  get inFlight(): boolean {
    return this.#inFlight;
  }

  /** Sends the request (written before the connection is up, Node queues it). */
  send(): void {
    this.#inFlight = true;
    this.#sentAt = performance.now();
    this.#socket.write(this.#request);
  }

  close(): void {
    this.#closed = true;
    this.#socket.destroy();
  }

  #fail(why: string): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#socket.destroy();
    const inFlight = this.#inFlight;
    this.#inFlight = false;
    this.#events.lost(why, inFlight);
  }

  #onData(data: Buffer): void {
    let chunk = data;
    if (this.#head) {
      chunk = Buffer.concat([this.#head, data]);
      this.#head = undefined;
    }
    let at = 0;
    while (at < chunk.length) {
      if (this.#remaining < 0) {
        const end = chunk.indexOf(CRLFCRLF, at);
        if (end < 0) {
          if (chunk.length - at > MAX_HEAD_BYTES) return this.#fail(`response head over ${MAX_HEAD_BYTES} bytes`);
          this.#head = chunk.subarray(at);
          return;
        }
        if (!this.#inFlight) return this.#fail('an answer arrived with no request in flight');
        if (end - at < 12 || chunk.compare(HTTP_PREFIX, 0, HTTP_PREFIX.length, at, at + HTTP_PREFIX.length) !== 0) {
          return this.#fail(`not an HTTP/1.x answer: ${JSON.stringify(chunk.toString('latin1', at, Math.min(end, at + 80)))}`);
        }
        // "HTTP/1.1 200 OK": the three digits at offset 9.
        this.#status = (chunk[at + 9]! - 0x30) * 100 + (chunk[at + 10]! - 0x30) * 10 + (chunk[at + 11]! - 0x30);
        const length = contentLength(chunk, at, end);
        if (length < 0) return this.#fail(length === -2 ? 'chunked answer (no Content-Length)' : 'answer without Content-Length');
        at = end + 4;
        this.#remaining = length;
        this.#bodyOffset = 0;
        this.#ok = this.#status === this.#expectStatus && length === this.#expectBody.length;
        this.#bad = this.#ok || !this.#events.wantDetail() ? undefined : [];
      }
      const n = Math.min(this.#remaining, chunk.length - at);
      if (n > 0) {
        if (this.#ok && chunk.compare(this.#expectBody, this.#bodyOffset, this.#bodyOffset + n, at, at + n) !== 0) {
          this.#ok = false;
          // Everything before this read matched: the bad body starts with the expected bytes.
          if (this.#events.wantDetail()) this.#bad = [this.#expectBody.subarray(0, this.#bodyOffset)];
        }
        if (this.#bad) this.#bad.push(chunk.subarray(at, at + n));
        at += n;
        this.#remaining -= n;
        this.#bodyOffset += n;
      }
      if (this.#remaining === 0) {
        this.#remaining = -1;
        this.#inFlight = false;
        const latency = performance.now() - this.#sentAt;
        const detail = this.#bad ? `${this.#status} ${Buffer.concat(this.#bad).toString('utf8', 0, 300)}` : undefined;
        this.#bad = undefined;
        this.#events.answer(latency, this.#ok, detail);
      }
    }
  }
}

/** Sends one request on a raw connection and checks the answer; throws if it fails (before any load). */
export function rawProbe(target: LoadTarget, timeoutMs = 10_000): Promise<void> {
  const url = new URL(target.url);
  const port = Number(url.port);
  const request = buildRequest(url.hostname, port, target.method, target.path, target.headers, target.body);
  return new Promise((resolve, reject) => {
    let conn: RawConnection | undefined;
    const timer = setTimeout(() => {
      conn?.close();
      reject(new Error(`${target.url}${target.path}: no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    conn = new RawConnection(port, request, target.expectStatus, Buffer.from(target.expectBody), {
      answer: (_latency, ok, detail) => {
        clearTimeout(timer);
        conn!.close();
        if (ok) resolve();
        else reject(new Error(`${target.url}${target.path} answered ${detail}; expected ${target.expectStatus} ${target.expectBody}`));
      },
      lost: (why) => {
        clearTimeout(timer);
        reject(new Error(`${target.url}${target.path}: ${why}`));
      },
      wantDetail: () => true,
    });
    conn.send();
  });
}


/**
 * Runs one closed-loop load level over raw sockets (same plan and result as _load.ts's runLoad,
 * plus an optional side probe); resolves once every connection has finished its last request.
 * Only 127.0.0.1 is ever contacted, whatever host the target URL names.
 */
export function runRawLoad(target: LoadTarget, plan: RawLoadPlan): Promise<RawLoadResult> {
  const { connections, warmupMs, durationMs } = plan;
  const url = new URL(target.url);
  const port = Number(url.port);
  const request = buildRequest(url.hostname, port, target.method, target.path, target.headers, target.body);
  const expectBody = Buffer.from(target.expectBody);
  // Room for 1M answers/s over the window before the array has to grow.
  const latencies = new Samples(Math.ceil(durationMs * 1000));
  const errorSamples: string[] = [];
  let verified = 0;
  let errors = 0;
  const noteError = (what: string): void => {
    errors++;
    if (errorSamples.length < MAX_SAMPLES) errorSamples.push(what);
  };
  const wantDetail = (): boolean => errorSamples.length < MAX_SAMPLES;

  const t0 = performance.now();
  const windowStart = t0 + warmupMs;
  const windowEnd = windowStart + durationMs;
  const snapshot = (): CpuSnapshot => ({ client: process.cpuUsage(), server: plan.serverCpuMs?.(), machine: readMachineBusyMs(), at: performance.now() });
  let cpuStart = snapshot();
  let cpuEnd: CpuSnapshot | undefined;
  const startTimer = setTimeout(() => (cpuStart = snapshot()), warmupMs);
  const endTimer = setTimeout(() => (cpuEnd = snapshot()), warmupMs + durationMs);

  const open = new Set<RawConnection>();
  const pending = new Set<NodeJS.Timeout>();

  return new Promise((resolve) => {
    let active = connections;
    let finished = false;
    const sideProbe = plan.probe ? startSideProbe(url.hostname, port, plan.probe, windowStart, windowEnd, open, pending) : undefined;

    const finish = (): void => {
      if (finished) return;
      finished = true;
      clearTimeout(drainTimer);
      clearTimeout(startTimer);
      clearTimeout(endTimer);
      for (const t of pending) clearTimeout(t);
      for (const c of open) c.close();
      // The end timer can lose the race with the last answers; then the window closes now.
      cpuEnd ??= snapshot();
      const summary = summarizeWindow(connections, durationMs, latencies.sorted(), { verified, errors, errorSamples }, cpuStart, cpuEnd);
      resolve({ ...summary, probe: sideProbe?.result() });
    };
    const drainTimer = setTimeout(() => {
      // Answers still missing after the grace period are lost.
      for (const c of open) if (c.inFlight) noteError('no answer within the drain time-out');
      finish();
    }, warmupMs + durationMs + DRAIN_TIMEOUT_MS);

    const retire = (): void => {
      if (--active === 0) finish();
    };

    /** Opens one closed-loop connection; a connection the server drops is replaced after a short pause. */
    const start = (): void => {
      const conn: RawConnection = new RawConnection(port, request, target.expectStatus, expectBody, {
        answer: (latency, ok, detail) => {
          const now = performance.now();
          if (ok) verified++;
          else noteError(detail ?? `bad answer (status or body)`);
          if (now >= windowStart && now < windowEnd) latencies.push(latency);
          if (now >= windowEnd) {
            open.delete(conn);
            conn.close();
            retire();
          } else conn.send();
        },
        lost: (why, inFlight) => {
          open.delete(conn);
          if (inFlight) noteError(why);
          if (finished) return;
          if (performance.now() >= windowEnd) return retire();
          const t = setTimeout(() => {
            pending.delete(t);
            start();
          }, RECONNECT_DELAY_MS);
          pending.add(t);
        },
        wantDetail,
      });
      open.add(conn);
      conn.send();
    };
    for (let i = 0; i < connections; i++) start();
  });
}

/**
 * Sends the probe request on its own connection: one at a time, the next `intervalMs` after the
 * previous send (at once when the answer came later). Latencies inside the window are kept.
 */
function startSideProbe(
  host: string,
  port: number,
  probe: SideProbe,
  windowStart: number,
  windowEnd: number,
  open: Set<RawConnection>,
  pending: Set<NodeJS.Timeout>,
): { result(): ProbeResult } {
  const request = buildRequest(host, port, 'GET', probe.path, {}, Buffer.alloc(0));
  const expectBody = Buffer.from(probe.expectBody);
  const latencies = new Samples(Math.ceil((windowEnd - windowStart) / probe.intervalMs) + 16);
  let errors = 0;
  let lastSend = 0;
  const later = (ms: number, fn: () => void): void => {
    const t = setTimeout(() => {
      pending.delete(t);
      fn();
    }, ms);
    pending.add(t);
  };
  const start = (): void => {
    const conn: RawConnection = new RawConnection(port, request, probe.expectStatus, expectBody, {
      answer: (latency, ok) => {
        const now = performance.now();
        if (!ok) errors++;
        if (now >= windowStart && now < windowEnd) latencies.push(latency);
        if (now >= windowEnd) {
          open.delete(conn);
          conn.close();
          return;
        }
        later(Math.max(0, lastSend + probe.intervalMs - now), send);
      },
      lost: (_why, inFlight) => {
        open.delete(conn);
        if (inFlight) errors++;
        if (performance.now() < windowEnd) later(RECONNECT_DELAY_MS, start);
      },
      wantDetail: () => false,
    });
    open.add(conn);
    const send = (): void => {
      lastSend = performance.now();
      conn.send();
    };
    send();
  };
  start();
  return {
    result() {
      const sorted = latencies.sorted();
      return { requests: sorted.length, p50Ms: percentile(sorted, 0.5), p99Ms: percentile(sorted, 0.99), maxMs: percentile(sorted, 1), errors };
    },
  };
}
