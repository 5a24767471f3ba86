// Owns resolving runs:/, models:/ and mlflow-artifacts: URIs through the tracking and registry
// stores (spec §7); resolve.ts imports it only for such URIs.

import { existsSync } from 'node:fs';
import { InvalidModelUriError, ModelNotFoundError } from '../errors.js';
import { fetchArtifacts, type Registered } from './artifacts.js';
import { ResolveContext, type ResolveOptions } from './context.js';
import { parseModelUri, type ParsedUri } from './parse.js';
import { resolveModels } from './resolve-models.js';
import { resolveRun } from './resolve-runs.js';
import { localPathOf } from './store-uri.js';
import type { ResolvedModel } from './resolve.js';

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

/** Resolves `uri` (parsed as `parsed`, not a local path) through the stores `options` name; see resolveModel. */
export async function resolveInStores(uri: string, parsed: ParsedUri, options: ResolveOptions & { cwd: string }): Promise<ResolvedModel> {
  const ctx = new ResolveContext(options, uri);
  try {
    const path = await resolveParsed(ctx, parsed, undefined, 0);
    return { path, ...(ctx.registered ? { registered: ctx.registered } : {}), ...(ctx.temporary.length ? { temporary: [...ctx.temporary] } : {}) };
  } finally {
    await ctx.close();
  }
}
