// Test helper: raw HTTP/1.1 exchanges over a socket (bytes in, bytes out), a seeded generator of
// request streams, and the normalisation that makes two servers' answers comparable.

import { connect } from 'node:net';

/** What came back on one connection. */
export interface RawResult {
  readonly text: string;
  /** The server closed the connection. */
  readonly closed: boolean;
}

/**
 * Opens a connection, writes `chunks` (a pause of `gapMs` between them), and collects the answer
 * until the server closes or nothing more arrives for `quietMs` (at most `maxMs` in all).
 */
export function exchange(port: number, chunks: readonly Buffer[], options: { gapMs?: number; quietMs?: number; maxMs?: number } = {}): Promise<RawResult> {
  const { gapMs = 0, quietMs = 300, maxMs = 5000 } = options;
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const parts: Buffer[] = [];
    let quiet: NodeJS.Timeout | undefined;
    let done = false;
    const finish = (closed: boolean): void => {
      if (done) return;
      done = true;
      clearTimeout(quiet);
      clearTimeout(cap);
      socket.destroy();
      resolve({ text: Buffer.concat(parts).toString('latin1'), closed });
    };
    const rearm = (): void => {
      clearTimeout(quiet);
      quiet = setTimeout(() => finish(false), quietMs);
    };
    const cap = setTimeout(() => finish(false), maxMs);
    socket.on('data', (d: Buffer) => {
      parts.push(d);
      rearm();
    });
    socket.on('error', () => undefined);
    socket.on('close', () => finish(true));
    socket.once('connect', async () => {
      for (const [i, c] of chunks.entries()) {
        if (socket.destroyed) break;
        socket.write(c);
        if (gapMs > 0 && i < chunks.length - 1) await new Promise((r) => setTimeout(r, gapMs));
      }
      rearm();
    });
  });
}

/** One write of a step-by-step exchange, and how many final answers (not 1xx) it should get (undefined: unknown, wait until quiet). */
export interface Step {
  readonly bytes: Buffer;
  readonly answers?: number;
}

const FINAL_ANSWER = /HTTP\/1\.1 [2-5]\d\d /g;

/**
 * Opens a connection and writes `steps` one at a time, each in one write, waiting before the next
 * until its answers are in (then `settleMs` more for anything unexpected), the server closes, or
 * nothing comes for `idleMs`: so that what node:http answers does not depend on how reads happen
 * to split the stream or on how fast answers come. Stops early once the server closes.
 */
export function exchangeSteps(port: number, steps: readonly Step[], options: { settleMs?: number; idleMs?: number } = {}): Promise<RawResult> {
  const { settleMs = 20, idleMs = 500 } = options;
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    let closed = false;
    let wake: (() => void) | undefined;
    let lastData = 0;
    socket.on('data', (d: Buffer) => {
      text += d.toString('latin1');
      lastData = Date.now();
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      closed = true;
      wake?.();
    });
    const settled = (step: Step, before: number): Promise<void> =>
      new Promise((done) => {
        const sentAt = Date.now();
        let completeAt = 0;
        const check = (): void => {
          const now = Date.now();
          const got = (text.match(FINAL_ANSWER)?.length ?? 0) - before;
          if (step.answers !== undefined && got >= step.answers && completeAt === 0) completeAt = now;
          const quietSince = Math.max(lastData, sentAt);
          if (closed || (completeAt > 0 && now - completeAt >= settleMs) || now - quietSince >= idleMs) {
            wake = undefined;
            clearInterval(timer);
            done();
          }
        };
        const timer = setInterval(check, 5);
        wake = check;
      });
    socket.once('connect', async () => {
      for (const step of steps) {
        if (closed) break;
        const before = text.match(FINAL_ANSWER)?.length ?? 0;
        socket.write(step.bytes);
        await settled(step, before);
      }
      socket.destroy();
      setImmediate(() => resolve({ text, closed }));
    });
  });
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

/** An answer stream without what legitimately differs between two runs: Date headers and generated request ids. */
export function normalise(text: string): string {
  return text.replace(/\r\nDate: [^\r\n]*/g, '\r\nDate: -').replace(UUID, '<uuid>');
}

/** A seeded pseudo-random source (mulberry32). */
export function seeded(seed: number): { int(n: number): number; pick<T>(items: readonly T[]): T; chance(p: number): boolean } {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    int: (n) => Math.floor(next() * n),
    pick: (items) => items[Math.floor(next() * items.length)],
    chance: (p) => next() < p,
  };
}

/** Splits bytes at random places into 1 to `most` chunks. */
export function splitRandomly(bytes: Buffer, rand: ReturnType<typeof seeded>, most = 4): Buffer[] {
  const n = 1 + rand.int(most);
  const cuts = [...new Set(Array.from({ length: n - 1 }, () => 1 + rand.int(Math.max(1, bytes.length - 1))))].sort((x, y) => x - y);
  const out: Buffer[] = [];
  let at = 0;
  for (const c of cuts) {
    if (c <= at || c >= bytes.length) continue;
    out.push(bytes.subarray(at, c));
    at = c;
  }
  out.push(bytes.subarray(at));
  return out;
}
