// Owns turning a model URI into a local model directory: local paths and file: URIs in place;
// runs:/, models:/ and mlflow-artifacts: through the tracking and registry stores (spec §7).

import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { ModelNotFoundError } from '../errors.js';
import type { Registered, ResolveOptions } from './context.js';
import { parseModelUri, schemeOf } from './parse.js';
import { localPathOf } from './store-uri.js';

export type { ResolveOptions, Registered } from './context.js';

/** A model URI resolved: where the model is on this machine, and the registered version it is. */
export interface ResolvedModel {
  /** Absolute local path of the model (a directory, or a file). */
  readonly path: string;
  /** The registered model version the URI named (`models:/iris@champion` → iris, 2); undefined for other URIs. */
  readonly registered?: Registered;
  /** Temporary folders holding a `noCache` download: remove them (recursively) once done with the model. */
  readonly temporary?: readonly string[];
}

/**
 * Resolves a model URI to an absolute local path (spec §7.1): an existing path is used in place;
 * `file:` likewise; `runs:/`, `models:/` (id, version, alias, stage, latest, sub-paths) and
 * `mlflow-artifacts:` are looked up in the tracking and registry stores (file, SQLite or REST).
 * Local artifact locations are used in place; remote ones are downloaded into the cache.
 * Throws ModelNotFoundError (RESOURCE_DOES_NOT_EXIST) or InvalidModelUriError (INVALID_PARAMETER_VALUE)
 * with MLflow's message and the store that was asked.
 */
export async function resolveModelUri(uri: string, options: ResolveOptions = {}): Promise<string> {
  return (await resolveModel(uri, options)).path;
}

/** Resolves a model URI as `resolveModelUri` does, and tells which registered version it named. */
export async function resolveModel(uri: string, options: ResolveOptions = {}): Promise<ResolvedModel> {
  const cwd = options.cwd ?? process.cwd();
  // Only a URI without a scheme is a path as written: `runs:/x/../../dir` normalised as a path
  // would name any folder on the machine (parseModelUri rejects it instead).
  if (schemeOf(uri) === '') {
    const asPath = resolve(cwd, uri);
    if (existsSync(asPath)) return { path: asPath };
  }
  const parsed = parseModelUri(uri);
  if (parsed.kind === 'path') {
    const path = localPathOf(parsed.path, cwd);
    if (!existsSync(path)) throw new ModelNotFoundError(`No such file or directory: '${path}'`);
    return { path };
  }
  // Imported here: a server of a local model never loads the stores' clients (HTTP, TLS, SQLite, downloads).
  const { resolveInStores } = await import('./resolve-stores.js');
  return resolveInStores(uri, parsed, { ...options, cwd });
}
