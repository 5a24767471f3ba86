// Sends generated fuzz cases to a running server (HTTP on 127.0.0.1 and gRPC) with bounded
// concurrency, and sorts what came back: statuses, 5xx causes, slow answers, connection failures.

import { request } from 'node:http';
import { credentials, loadPackageDefinition, status as GrpcStatus, type Client, type ServiceError } from '@grpc/grpc-js';
import { loadInferencePackage } from '../../src/server/v2/grpc-proto.js';
import type { FuzzCase } from './fuzz-gen.js';

/** What one case got back. */
export interface FuzzOutcome {
  readonly family: string;
  /** HTTP status, or the gRPC status as `grpc:<NAME>`; `error:<code>` when no answer came. */
  readonly answer: string;
  /** True for a server fault: HTTP 5xx, gRPC INTERNAL/UNKNOWN/DATA_LOSS/UNAVAILABLE/DEADLINE_EXCEEDED, or no answer. */
  readonly fault: boolean;
  /** Short description of a fault (status, error code, message start), to group causes. */
  readonly cause?: string;
  readonly ms: number;
}

/** Where to send cases. */
export interface FuzzTarget {
  /** HTTP port on 127.0.0.1. */
  readonly port: number;
  /** gRPC port on 127.0.0.1; gRPC cases are skipped without it. */
  readonly grpcPort?: number;
}

const GRPC_FAULTS = new Set([GrpcStatus.INTERNAL, GrpcStatus.UNKNOWN, GrpcStatus.DATA_LOSS, GrpcStatus.UNAVAILABLE, GrpcStatus.DEADLINE_EXCEEDED]);

function httpCase(port: number, c: Extract<FuzzCase, { kind: 'http' }>, timeoutMs: number): Promise<FuzzOutcome> {
  const started = performance.now();
  return new Promise((resolve) => {
    const done = (answer: string, fault: boolean, cause?: string): void => resolve({ family: c.family, answer, fault, cause, ms: performance.now() - started });
    const req = request({ host: '127.0.0.1', port, method: c.method, path: c.path, headers: { ...c.headers, 'content-length': c.body.length, connection: 'close' }, timeout: timeoutMs }, (res) => {
      const parts: Buffer[] = [];
      let size = 0;
      res.on('data', (d: Buffer) => {
        if (size < 4096) parts.push(d);
        size += d.length;
      });
      res.on('end', () => {
        const status = res.statusCode ?? 0;
        if (status < 500) return done(String(status), false);
        const text = Buffer.concat(parts).toString('utf8', 0, 600);
        let cause = text.slice(0, 120);
        try {
          const body = JSON.parse(text) as { error_code?: string; message?: string; error?: string };
          cause = `${body.error_code ?? ''} ${(body.message ?? body.error ?? '').slice(0, 100)}`.trim();
        } catch {
          // not JSON: keep the text
        }
        done(String(status), true, `${status} ${c.family}: ${cause}`);
      });
      res.on('error', (err: NodeJS.ErrnoException) => done(`error:${err.code ?? err.message}`, true, `no answer (${c.family}): ${err.code ?? err.message}`));
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })));
    req.on('error', (err: NodeJS.ErrnoException) => done(`error:${err.code ?? err.message}`, true, `no answer (${c.family}): ${err.code ?? err.message}`));
    req.end(c.body);
  });
}

/** A gRPC client for the inference service, with the messages and rate the fuzz needs. */
function grpcClient(port: number): Client & Record<string, Function> {
  const pkg = loadPackageDefinition(loadInferencePackage()) as any;
  return new pkg.inference.GRPCInferenceService(`127.0.0.1:${port}`, credentials.createInsecure(), { 'grpc.max_send_message_length': -1, 'grpc.max_receive_message_length': -1 });
}

function grpcCase(client: Client & Record<string, Function>, c: Extract<FuzzCase, { kind: 'grpc' }>, timeoutMs: number): Promise<FuzzOutcome> {
  const started = performance.now();
  return new Promise((resolve) => {
    client.ModelInfer(c.request, { deadline: Date.now() + timeoutMs }, (err: ServiceError | null) => {
      const ms = performance.now() - started;
      if (!err) return resolve({ family: c.family, answer: 'grpc:OK', fault: false, ms });
      const fault = GRPC_FAULTS.has(err.code);
      resolve({ family: c.family, answer: `grpc:${GrpcStatus[err.code]}`, fault, cause: fault ? `grpc ${GrpcStatus[err.code]}: ${err.details.slice(0, 100)}` : undefined, ms });
    });
  });
}

/**
 * Sends `count` cases from `next` with `concurrency` in flight, stopping early at `deadline`
 * (epoch ms) or when `stop()` says so; calls `onOutcome` for each answer.
 */
export async function runFuzz(target: FuzzTarget, next: () => FuzzCase | Promise<FuzzCase>, options: { count: number; concurrency: number; timeoutMs: number; deadline?: number; stop?: () => boolean; onOutcome: (o: FuzzOutcome, c: FuzzCase) => void }): Promise<number> {
  const client = target.grpcPort !== undefined ? grpcClient(target.grpcPort) : undefined;
  let sent = 0;
  const lane = async (): Promise<void> => {
    while (sent < options.count && (options.deadline === undefined || Date.now() < options.deadline) && !options.stop?.()) {
      sent++;
      const c = await next();
      if (c.kind === 'grpc' && !client) continue;
      const outcome = c.kind === 'http' ? await httpCase(target.port, c, options.timeoutMs) : await grpcCase(client!, c, options.timeoutMs);
      options.onOutcome(outcome, c);
    }
  };
  try {
    await Promise.all(Array.from({ length: options.concurrency }, lane));
  } finally {
    client?.close();
  }
  return sent;
}
