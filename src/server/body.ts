// Owns reading a request body into memory under a size limit.

import type { IncomingMessage } from 'node:http';
import { PayloadTooLargeError, ServingError } from '../errors.js';

/** Reads the whole body; rejects with PayloadTooLargeError past `limitBytes` (and stops buffering). */
export function readBody(req: IncomingMessage, limitBytes: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limitBytes) {
    req.resume();
    return Promise.reject(new PayloadTooLargeError(limitBytes));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > limitBytes) {
        failed = true;
        chunks.length = 0;
        reject(new PayloadTooLargeError(limitBytes));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!failed) resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size));
    });
    req.on('error', (err) => {
      // The client went away mid-body (Node's 'aborted' / ECONNRESET): a client condition, not a
      // server fault. MLflow's CANCELLED is 499, nginx's "client closed request".
      if (!failed) reject(new ServingError('CANCELLED', 'The client closed the connection before the whole request body arrived.', { cause: err }));
      failed = true;
    });
  });
}
