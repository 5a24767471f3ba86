// Owns where output bytes go: a file written beside its target and renamed at the end, or a stream, with backpressure.

import { createWriteStream } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Writable } from 'node:stream';
import { once } from 'node:events';
import { ServingError } from '../errors.js';

/** An output destination. Nothing appears at a file's path until `commit`. */
export interface Sink {
  /** Appends data; resolves once the destination accepts more (waits for 'drain'). */
  write(data: string | Uint8Array): Promise<void>;
  /** Flushes; for a file, renames the temporary file onto the target. */
  commit(): Promise<void>;
  /** Gives up: for a file, deletes the temporary file. Never throws. */
  abort(): Promise<void>;
}

/** Writes to `stream`, failing on its first error. */
function streamWriter(stream: Writable): { write(data: string | Uint8Array): Promise<void>; failure(): Error | undefined } {
  let failed: Error | undefined;
  stream.on('error', (err) => (failed ??= err));
  return {
    failure: () => failed,
    async write(data) {
      if (failed) throw failed;
      if (stream.write(data)) return;
      await new Promise<void>((resolve, reject) => {
        const done = (err?: Error): void => {
          stream.off('drain', done);
          stream.off('error', done);
          if (err) reject(err);
          else resolve();
        };
        stream.on('drain', done);
        stream.on('error', done);
      });
    },
  };
}

/** The temporary file used for `path`: hidden, beside it (same file system, so the rename is atomic). */
export function temporaryPath(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

/**
 * Opens a sink for a file: data goes to a temporary file beside `path`, renamed onto `path` by
 * `commit`, deleted by `abort`, so a failed run never leaves a file that looks complete. Throws
 * ServingError when the folder cannot be written.
 */
export async function openFileSink(path: string): Promise<Sink> {
  // Found now rather than at the final rename, after all the scoring.
  if ((await stat(path).catch(() => undefined))?.isDirectory()) throw new ServingError('INVALID_PARAMETER_VALUE', `Cannot write ${path}: it is a directory.`);
  const tmp = temporaryPath(path);
  const stream = createWriteStream(tmp, { flags: 'wx' });
  try {
    await once(stream, 'open');
  } catch (err) {
    throw new ServingError('INVALID_PARAMETER_VALUE', `Cannot write ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message} in ${dirname(path) || '.'}.`, { cause: err });
  }
  const out = streamWriter(stream);
  let closed: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closed ??= new Promise<void>((resolve, reject) => {
      if (stream.closed) return resolve();
      stream.once('close', () => (out.failure() ? reject(out.failure()) : resolve()));
      stream.end();
    }));
  return {
    write: (data) => out.write(data),
    async commit() {
      await close();
      await rename(tmp, path);
    },
    async abort() {
      stream.destroy();
      await close().catch(() => undefined);
      await rm(tmp, { force: true }).catch(() => undefined);
    },
  };
}

/** A sink for a stream the caller owns (standard output): never ended, only drained. */
export function streamSink(stream: Writable): Sink {
  const out = streamWriter(stream);
  return {
    write: (data) => out.write(data),
    async commit() {
      const failure = out.failure();
      if (failure) throw failure;
    },
    async abort() {},
  };
}
