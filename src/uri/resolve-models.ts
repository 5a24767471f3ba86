// Owns `models:/` URIs: logged model ids, and registered versions by number, alias, stage or latest (spec §7.3).

import { fetchArtifacts, type FetchOptions, type Registered } from './artifacts.js';
import type { ResolveContext } from './context.js';
import { canonicalStage, REGISTRY_MESSAGES, registryMiss } from './messages.js';
import type { ModelRef } from './parse.js';
import type { RegistryStore, VersionInfo } from './stores.js';

async function latest(registry: RegistryStore, name: string, stage?: string): Promise<VersionInfo> {
  const versions = await registry.getLatestVersions(name, stage === undefined ? undefined : canonicalStage(stage));
  if (versions.length === 0) throw registryMiss(REGISTRY_MESSAGES.noVersions(name, stage), registry.displayUri);
  // MLflow takes the first of the latest-per-stage list; the highest version is what users mean (spec §7.3).
  return versions.reduce((a, b) => (Number(b.version) > Number(a.version) ? b : a));
}

/** The registered version `ref` names; `latest` as an alias is reserved and means the highest version. */
async function pickVersion(registry: RegistryStore, ref: Exclude<ModelRef, { type: 'id' }>): Promise<VersionInfo> {
  switch (ref.type) {
    case 'version':
      return registry.getVersion(ref.name, ref.version);
    case 'alias':
      return ref.alias.toLowerCase() === 'latest' ? latest(registry, ref.name) : registry.getVersionByAlias(ref.name, ref.alias);
    case 'latest':
      return latest(registry, ref.name);
    case 'stage':
      return latest(registry, ref.name, ref.stage);
  }
}

/** Resolves a `models:/` reference plus artifact sub-path to a local path. */
export async function resolveModels(
  ctx: ResolveContext,
  ref: ModelRef,
  subPath: string,
  registered: Registered | undefined,
  nested: FetchOptions['nested'],
): Promise<string> {
  if (ref.type === 'id') {
    const store = await ctx.tracking();
    const model = await store.getLoggedModel(ref.modelId);
    const fallback = async () => store.serverTree?.({ modelId: model.modelId });
    return fetchArtifacts(ctx, model.artifactLocation, subPath, { registered, fallback, nested });
  }
  const registry = await ctx.registry();
  const version = await pickVersion(registry, ref);
  ctx.registered ??= { name: version.name, version: version.version };
  const location = await registry.getDownloadUri(version);
  // A server-local path of an MLflow 3 version: fetch through the logged model's server route.
  const fallback = async () => (version.modelId ? (await ctx.tracking()).serverTree?.({ modelId: version.modelId }) : undefined);
  return fetchArtifacts(ctx, location, subPath, { registered: { name: version.name, version: version.version }, fallback, nested });
}
