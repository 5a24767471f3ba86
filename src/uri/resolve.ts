// Owns turning a model URI into a local model directory (local paths and file: URIs for now).

import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InvalidModelUriError, ModelNotFoundError } from '../errors.js';

const SCHEME = /^([a-zA-Z][a-zA-Z0-9+.-]*):/;

/**
 * Resolves a model URI to an absolute local directory. Supports plain paths and `file:` URIs;
 * other schemes (`runs:/`, `models:/`, `mlflow-artifacts:/`, http) are rejected with a clear error
 * until tracking-store resolution lands.
 */
export async function resolveModelUri(uri: string): Promise<string> {
  if (existsSync(uri)) return resolve(uri);
  const m = SCHEME.exec(uri);
  if (m && m[1].length > 1) {
    const scheme = m[1].toLowerCase();
    if (scheme === 'file') {
      let path: string;
      try {
        path = uri.startsWith('file://') ? fileURLToPath(uri) : uri.slice('file:'.length);
      } catch (err) {
        throw new InvalidModelUriError(`Invalid file URI ${uri}: ${(err as Error).message}`);
      }
      if (!existsSync(path)) throw new ModelNotFoundError(`No such file or directory: '${resolve(path)}'`);
      return resolve(path);
    }
    throw new InvalidModelUriError(
      `Model URIs with the scheme '${scheme}:' are not supported by this version of mlserve. Pass a local model directory or a file: URI (download the model with \`mlflow artifacts download\` first).`,
    );
  }
  throw new ModelNotFoundError(`No such file or directory: '${resolve(uri)}'`);
}
