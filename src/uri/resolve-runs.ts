// Owns `runs:/<run_id>/<path>`: the run's own artifacts first, then MLflow 3's logged model of that
// run named after the path's first segment (spec §7.4).

import { ServingError, type ErrorCode } from '../errors.js';
import { fetchArtifacts, type FetchOptions, type Registered } from './artifacts.js';
import type { ResolveContext } from './context.js';
import { trackingMiss } from './messages.js';

/** Errors that must not be hidden by trying the other route (auth, network, unsafe paths, short downloads). */
const FATAL: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'UNAUTHENTICATED',
  'PERMISSION_DENIED',
  'DEADLINE_EXCEEDED',
  'TEMPORARILY_UNAVAILABLE',
  'INVALID_PARAMETER_VALUE',
  'DATA_LOSS',
]);

/** True when `err` ends resolution rather than meaning "not at this route". */
export function isFatal(err: unknown): boolean {
  return !(err instanceof ServingError) || FATAL.has(err.errorCode);
}

/** Resolves `runs:/<runId>/<path>` to a local path (`registered` when it is a registry version's source). */
export async function resolveRun(
  ctx: ResolveContext,
  runId: string,
  path: string,
  registered: Registered | undefined,
  nested: FetchOptions['nested'],
): Promise<string> {
  const store = await ctx.tracking();
  const run = await store.getRun(runId);
  try {
    const fallback = async () => store.serverTree?.({ runId });
    return await fetchArtifacts(ctx, run.artifactUri, path, { registered, fallback, nested });
  } catch (err) {
    if (isFatal(err)) throw err;
  }
  const [name, ...rest] = path.split('/');
  const model = await store.findLoggedModel(run.experimentId, name, runId);
  if (model) {
    try {
      const fallback = async () => store.serverTree?.({ modelId: model.modelId });
      return await fetchArtifacts(ctx, model.artifactLocation, rest.join('/'), { registered, fallback, nested });
    } catch (err) {
      if (isFatal(err)) throw err;
    }
  }
  const last = path.split('/').pop();
  throw trackingMiss(`Failed to download artifacts from path '${last}', please ensure that the path is correct.`, store.displayUri);
}
