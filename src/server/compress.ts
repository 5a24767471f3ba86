// Owns HTTP compression: gzip/br answers for clients that accept them (large answers only, off the
// event loop), and decoding of compressed request bodies under the same size limit (no bombs).

import { createRequire } from 'node:module';
import type { BrotliOptions, ZlibOptions } from 'node:zlib';
import type { Transform } from 'node:stream';

let loadedZlib: typeof import('node:zlib') | undefined;
/** node:zlib, loaded on first use: most servers compress nothing in their first requests, and start faster without it. */
export function zlib(): typeof import('node:zlib') {
  return (loadedZlib ??= createRequire(import.meta.url)('node:zlib') as typeof import('node:zlib'));
}

/** A content coding mlserve writes. */
export type Encoding = 'br' | 'gzip';

/** Settings of answer compression. */
export interface CompressionOptions {
  /** Answers shorter than this many bytes are sent as they are. */
  readonly minBytes: number;
}

/** Brotli at quality 4: about gzip -6's ratio at gzip -1's speed (quality 11, the default, is far too slow per request). */
const brotli = (): BrotliOptions => ({ params: { [zlib().constants.BROTLI_PARAM_QUALITY]: 4 } });
/** gzip level 1: most of the gain on JSON numbers for a fraction of the CPU. */
const GZIP: ZlibOptions = { level: 1 };

/**
 * The coding to answer with, from `Accept-Encoding` (RFC 9110 §12.5.3): br preferred, then gzip,
 * each unless refused with `q=0`; `*` stands for codings not named. Undefined: send identity.
 */
export function pickEncoding(acceptEncoding: string | undefined): Encoding | undefined {
  if (!acceptEncoding) return undefined;
  const q = new Map<string, number>();
  for (const part of acceptEncoding.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    let weight = 1;
    for (const p of params) {
      const m = /^\s*q\s*=\s*([0-9.]+)\s*$/.exec(p);
      if (m) weight = Number(m[1]);
    }
    q.set(name, Number.isFinite(weight) ? weight : 0);
  }
  const weightOf = (coding: string): number => q.get(coding) ?? (coding === 'gzip' ? q.get('x-gzip') : undefined) ?? q.get('*') ?? 0;
  const br = weightOf('br');
  const gz = weightOf('gzip');
  if (br > 0 && br >= gz) return 'br';
  if (gz > 0) return 'gzip';
  return undefined;
}

/** Compresses an answer body in libuv's thread pool (the event loop keeps serving meanwhile). */
export function compressBody(body: string, encoding: Encoding): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const done = (err: Error | null, out: Buffer): void => (err ? reject(err) : resolve(out));
    if (encoding === 'br') zlib().brotliCompress(body, brotli(), done);
    else zlib().gzip(body, GZIP, done);
  });
}

/** Content codings of request bodies mlserve decodes. */
const DECODERS: Record<string, () => Transform> = {
  gzip: () => zlib().createGunzip(),
  'x-gzip': () => zlib().createGunzip(),
  deflate: () => zlib().createInflate(),
  br: () => zlib().createBrotliDecompress(),
};

/**
 * A decoder for a request's `Content-Encoding`: undefined for none or `identity`; null for a coding
 * mlserve cannot decode (the caller answers 415). Several codings (`gzip, br`) are refused too.
 */
export function requestDecoder(contentEncoding: string | undefined): Transform | undefined | null {
  const coding = contentEncoding?.trim().toLowerCase();
  if (!coding || coding === 'identity') return undefined;
  const make = DECODERS[coding];
  return make ? make() : null;
}
