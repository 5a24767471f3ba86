// Owns turning a model URI into a local model directory: local paths and file: URIs in place;
// runs:/, models:/ and mlflow-artifacts: through the tracking and registry stores (spec §7).

import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { InvalidModelUriError, ModelNotFoundError } from '../errors.js';
import { fetchArtifacts, type Registered } from './artifacts.js';
import { ResolveContext, type ResolveOptions } from './context.js';
import { parseModelUri, type ParsedUri } from './parse.js';
import { resolveModels } from './resolve-models.js';
import { resolveRun } from './resolve-runs.js';
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

/** Registry sources may point at runs:/ or models:/ URIs; this bounds the chain (and any cycle). */
const MAX_NESTING = 8;

async function resolveParsed(ctx: ResolveContext, parsed: ParsedUri, registered: Registered | undefined, depth: number): Promise<string> {
  if (depth > MAX_NESTING) throw new InvalidModelUriError(`${ctx.uri}: model sources nest more than ${MAX_NESTING} levels (a cycle?).`);
  const nested = (uri: string, reg: Registered | undefined) => resolveParsed(ctx, parseModelUri(uri), reg, depth + 1);
  switch (parsed.kind) {
    case 'path': {
      const path = localPathOf(parsed.path, ctx.cwd);
      if (!existsSync(path)) throw new ModelNotFoundError(`No such file or directory: '${path}'`);
      return path;
    }
    case 'runs':
      return resolveRun(ctx, parsed.runId, parsed.path, registered, nested);
    case 'models':
      return resolveModels(ctx, parsed.ref, parsed.subPath, registered, nested);
    case 'artifacts':
      return fetchArtifacts(ctx, parsed.uri, '', { registered, nested });
  }
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
  const asPath = resolve(cwd, uri);
  if (existsSync(asPath)) return { path: asPath };
  const parsed = parseModelUri(uri);
  if (parsed.kind === 'path') {
    const path = localPathOf(parsed.path, cwd);
    if (!existsSync(path)) throw new ModelNotFoundError(`No such file or directory: '${path}'`);
    return { path };
  }
  const ctx = new ResolveContext({ ...options, cwd }, uri);
  try {
    const path = await resolveParsed(ctx, parsed, undefined, 0);
    return { path, ...(ctx.registered ? { registered: ctx.registered } : {}), ...(ctx.temporary.length ? { temporary: [...ctx.temporary] } : {}) };
  } finally {
    await ctx.close();
  }
}
