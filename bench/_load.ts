// Owns the closed-loop HTTP load generator of the benchmarks: N keep-alive connections, each sending its next request as soon as the previous answer ends.

import { Agent, request, type RequestOptions } from 'node:http';
import { performance } from 'node:perf_hooks';
import { readMachineBusyMs } from './_cpu.js';

/** One request, sent over and over, and the answer every response must match. */
export interface LoadTarget {
  /** Base URL, e.g. `http://127.0.0.1:40123`. */
  readonly url: string;
  readonly path: string;
  readonly method: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
  readonly expectStatus: number;
  readonly expectBody: string;
}

/** How long and how hard to load. */
export interface LoadPlan {
  readonly connections: number;
  /** Load applied before measuring; answers in it are checked but not counted. */
  readonly warmupMs: number;
  readonly durationMs: number;
  /** Reads the server's CPU ms so far, to report its CPU use over the window. */
  readonly serverCpuMs?: () => number | undefined;
}

/** What one load level measured. */
export interface LoadResult {
  readonly connections: number;
  /** Answers completed inside the measured window. */
  readonly requests: number;
  readonly reqPerSec: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Every answer checked (warm-up included) that matched status and body. */
  readonly verified: number;
  /** Answers with the wrong status or body, and requests that failed, warm-up included. */
  readonly errors: number;
  /** The first few errors, for the report. */
  readonly errorSamples: readonly string[];
  /** Server CPU over the window, as a fraction of one CPU; undefined where it can't be read. */
  readonly serverCpu?: number;
  /** Server CPU µs per measured request. */
  readonly serverCpuUsPerReq?: number;
  /** This process's CPU over the window, as a fraction of one CPU. */
  readonly clientCpu: number;
  /**
   * CPU the rest of the machine used over the window (busy CPU minus server minus load generator), as a
   * fraction of one CPU; well above 0 means other work competed with the benchmark.
   */
  readonly otherCpu?: number;
}

/** CPU counters at one instant of a load window. */
export interface CpuSnapshot {
  readonly client: NodeJS.CpuUsage;
  readonly server: number | undefined;
  readonly machine: number | undefined;
  readonly at: number;
}

/** Grace after the window for in-flight answers; past it, connections are destroyed and the rest count as errors. */
const DRAIN_TIMEOUT_MS = 10_000;
const MAX_SAMPLES = 5;

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/** What a load window counted, besides latencies. */
export interface WindowCounts {
  readonly verified: number;
  readonly errors: number;
  readonly errorSamples: readonly string[];
}

/** The result of a load window: rates and percentiles from sorted latencies, CPU shares from the two snapshots. */
export function summarizeWindow(connections: number, durationMs: number, sorted: Float64Array, counts: WindowCounts, cpuStart: CpuSnapshot, cpuEnd: CpuSnapshot): LoadResult {
  const windowMs = cpuEnd.at - cpuStart.at;
  const clientDelta = cpuEnd.client.user + cpuEnd.client.system - cpuStart.client.user - cpuStart.client.system;
  const serverDelta = cpuEnd.server !== undefined && cpuStart.server !== undefined ? cpuEnd.server - cpuStart.server : undefined;
  const machineDelta = cpuEnd.machine !== undefined && cpuStart.machine !== undefined ? cpuEnd.machine - cpuStart.machine : undefined;
  const otherDelta = machineDelta === undefined || serverDelta === undefined ? undefined : machineDelta - serverDelta - clientDelta / 1000;
  return {
    connections,
    requests: sorted.length,
    reqPerSec: sorted.length / (durationMs / 1000),
    p50Ms: percentile(sorted, 0.5),
    p99Ms: percentile(sorted, 0.99),
    ...counts,
    serverCpu: serverDelta === undefined || windowMs <= 0 ? undefined : serverDelta / windowMs,
    serverCpuUsPerReq: serverDelta === undefined || sorted.length === 0 ? undefined : (serverDelta * 1000) / sorted.length,
    clientCpu: windowMs > 0 ? clientDelta / 1000 / windowMs : NaN,
    otherCpu: otherDelta === undefined || windowMs <= 0 ? undefined : Math.max(0, otherDelta / windowMs),
  };
}

/** Sends one request and checks the answer; throws if it fails, so a broken server stops the run before any load. */
export async function probe(target: LoadTarget): Promise<void> {
  const res = await fetch(new URL(target.path, target.url), { method: target.method, headers: target.headers, body: target.body.toString('utf8') });
  const text = await res.text();
  if (res.status !== target.expectStatus || text !== target.expectBody) {
    throw new Error(`${target.url}${target.path} answered ${res.status} ${text.slice(0, 500)}; expected ${target.expectStatus} ${target.expectBody}`);
  }
}

/** Runs one closed-loop load level; resolves once every connection has finished its last request. */
export function runLoad(target: LoadTarget, plan: LoadPlan): Promise<LoadResult> {
  const { connections, warmupMs, durationMs } = plan;
  const agent = new Agent({ keepAlive: true, maxSockets: connections, maxFreeSockets: connections });
  const url = new URL(target.url);
  const options: RequestOptions = {
    agent,
    host: url.hostname,
    port: Number(url.port),
    path: target.path,
    method: target.method,
    headers: { ...target.headers, 'content-length': String(target.body.length) },
  };
  const latencies: number[] = [];
  const errorSamples: string[] = [];
  let verified = 0;
  let errors = 0;
  const noteError = (what: string): void => {
    errors++;
    if (errorSamples.length < MAX_SAMPLES) errorSamples.push(what);
  };

  const t0 = performance.now();
  const windowStart = t0 + warmupMs;
  const windowEnd = windowStart + durationMs;
  const snapshot = (): CpuSnapshot => ({
    client: process.cpuUsage(),
    server: plan.serverCpuMs?.(),
    machine: readMachineBusyMs(),
    at: performance.now(),
  });
  let cpuStart = snapshot();
  let cpuEnd: CpuSnapshot | undefined;
  const startTimer = setTimeout(() => (cpuStart = snapshot()), warmupMs);
  const endTimer = setTimeout(() => (cpuEnd = snapshot()), warmupMs + durationMs);

  // Callback style rather than one promise per request: the load generator's own cost per request
  // should stay small, since it shares the comparison with the server.
  const sendOne = (next: () => void): void => {
    const started = performance.now();
    let settled = false;
    const settle = (): void => {
      if (settled) return;
      settled = true;
      next();
    };
    const req = request(options, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => {
        const ended = performance.now();
        if (res.statusCode === target.expectStatus && body === target.expectBody) verified++;
        else noteError(`${res.statusCode} ${body.slice(0, 300)}`);
        if (ended >= windowStart && ended < windowEnd) latencies.push(ended - started);
        settle();
      });
      res.on('error', (err) => {
        noteError(`response error: ${err.message}`);
        settle();
      });
    });
    req.on('error', (err) => {
      noteError(`request error: ${err.message}`);
      settle();
    });
    req.end(target.body);
  };

  return new Promise((resolve) => {
    let active = connections;
    const drainTimer = setTimeout(() => agent.destroy(), warmupMs + durationMs + DRAIN_TIMEOUT_MS);
    const finish = (): void => {
      clearTimeout(drainTimer);
      clearTimeout(startTimer);
      clearTimeout(endTimer);
      agent.destroy();
      // The end timer can lose the race with the last answers; then the window closes now.
      cpuEnd ??= snapshot();
      resolve(summarizeWindow(connections, durationMs, Float64Array.from(latencies).sort(), { verified, errors, errorSamples }, cpuStart, cpuEnd));
    };
    const loop = (): void => {
      if (performance.now() >= windowEnd) {
        if (--active === 0) finish();
        return;
      }
      sendOne(loop);
    };
    for (let i = 0; i < connections; i++) loop();
  });
}
