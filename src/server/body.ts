// Owns reading a request body into memory under a size limit, decoding gzip/deflate/br bodies under the same limit.

import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { BadRequestError, PayloadTooLargeError, ServingError, UnsupportedMediaTypeError } from '../errors.js';
import { requestDecoder } from './compress.js';

/**
 * Reads the whole body; rejects with PayloadTooLargeError past `limitBytes` (and stops buffering).
 * A `Content-Encoding: gzip | deflate | br` body is decoded as it arrives, and the limit applies to
 * the decoded bytes too (a small compressed body cannot expand past it); other codings get 415.
 */
export function readBody(req: IncomingMessage, limitBytes: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limitBytes) {
    req.resume();
    return Promise.reject(new PayloadTooLargeError(limitBytes));
  }
  const decoder = requestDecoder(req.headers['content-encoding']);
  if (decoder === null) {
    req.resume();
    return Promise.reject(new UnsupportedMediaTypeError(`Content-Encoding '${req.headers['content-encoding']}' is not supported. Send the body as gzip, deflate, br or identity.`));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    const fail = (err: ServingError): void => {
      if (failed) return;
      failed = true;
      chunks.length = 0;
      reject(err);
    };
    const source: Readable = decoder ? req.pipe(decoder) : req;
    source.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > limitBytes) {
        fail(new PayloadTooLargeError(limitBytes));
        if (decoder) {
          // Stop inflating; the rest of the wire bytes are read and dropped.
          req.unpipe(decoder);
          decoder.destroy();
          req.resume();
        }
        return;
      }
      chunks.push(chunk);
    });
    source.on('end', () => {
      if (!failed) resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size));
    });
    if (decoder) {
      decoder.on('error', (err) => fail(new BadRequestError(`The request body is not valid ${req.headers['content-encoding']} data: ${err.message}`, { cause: err })));
    }
    req.on('error', (err) => {
      // The client went away mid-body (Node's 'aborted' / ECONNRESET): a client condition, not a
      // server fault. MLflow's CANCELLED is 499, nginx's "client closed request".
      fail(new ServingError('CANCELLED', 'The client closed the connection before the whole request body arrived.', { cause: err }));
    });
  });
}
