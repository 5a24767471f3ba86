// Owns the REST tracking and registry store: the MLflow server endpoints the client calls to resolve
// a model (spec §7.8). Errors the server sends keep its message and gain the server's URI.

import { ServingError } from '../errors.js';
import type { HttpClient, Where } from './http-client.js';
import { loggedModelTree, runArtifactsTree, type RemoteTree } from './remote-tree.js';
import type { LoggedModelInfo, RunInfo, Store, VersionInfo } from './stores.js';

type Json = Record<string, unknown>;

interface ProtoVersion {
  name?: string;
  version?: string | number;
  current_stage?: string;
  source?: string;
  run_id?: string;
  model_id?: string;
}

interface ProtoLoggedModel {
  info?: { model_id?: string; name?: string; experiment_id?: string | number; source_run_id?: string; artifact_uri?: string };
}

function str(v: unknown): string | undefined {
  return v === undefined || v === null || v === '' ? undefined : String(v);
}

function version(v: ProtoVersion | undefined, name: string): VersionInfo {
  return {
    name: v?.name ?? name,
    version: String(v?.version ?? ''),
    stage: v?.current_stage ?? 'None',
    source: str(v?.source),
    runId: str(v?.run_id),
    modelId: str(v?.model_id),
  };
}

function loggedModel(m: ProtoLoggedModel | undefined): LoggedModelInfo | undefined {
  const info = m?.info;
  if (!info?.model_id) return undefined;
  return {
    modelId: info.model_id,
    name: info.name ?? '',
    experimentId: String(info.experiment_id ?? ''),
    sourceRunId: str(info.source_run_id),
    artifactLocation: info.artifact_uri ?? '',
  };
}

/** Opens the REST store of the server at `trackingUri` (http or https, optionally with a path prefix). */
export function openRestStore(trackingUri: string, displayUri: string, client: HttpClient): Store {
  return new RestStore(trackingUri.replace(/\/+$/, ''), displayUri, client);
}

class RestStore implements Store {
  private readonly tracking: Where;
  private readonly registry: Where;

  constructor(
    private readonly base: string,
    readonly displayUri: string,
    private readonly client: HttpClient,
  ) {
    this.tracking = { role: 'tracking store', uri: displayUri };
    this.registry = { role: 'model registry', uri: displayUri };
  }

  private url(endpoint: string, query: Record<string, string | string[]> = {}): URL {
    const u = new URL(`${this.base}/api/2.0/mlflow/${endpoint}`);
    for (const [k, v] of Object.entries(query)) for (const one of Array.isArray(v) ? v : [v]) u.searchParams.append(k, one);
    return u;
  }

  async getRun(runId: string): Promise<RunInfo> {
    const res = await this.client.json<{ run?: { info?: Json } }>(this.url('runs/get', { run_id: runId }), { where: this.tracking });
    const info = res.run?.info ?? {};
    return { runId, experimentId: String(info.experiment_id ?? ''), artifactUri: String(info.artifact_uri ?? '') };
  }

  async getLoggedModel(modelId: string): Promise<LoggedModelInfo> {
    const url = this.url(`logged-models/${encodeURIComponent(modelId)}`);
    const res = await this.client.json<{ model?: ProtoLoggedModel }>(url, { where: this.tracking });
    const found = loggedModel(res.model);
    if (!found) throw new ServingError('INTERNAL_ERROR', `The tracking store at ${this.displayUri} sent no model for ${modelId}.`);
    return found;
  }

  async findLoggedModel(experimentId: string, name: string, runId: string): Promise<LoggedModelInfo | undefined> {
    const quoted = name.includes("'") ? `"${name}"` : `'${name}'`;
    let pageToken: string | undefined;
    for (let page = 0; page < 1000; page++) {
      const body = { experiment_ids: [experimentId], filter: `name = ${quoted}`, ...(pageToken ? { page_token: pageToken } : {}) };
      const res = await this.client.json<{ models?: ProtoLoggedModel[]; next_page_token?: string }>(this.url('logged-models/search'), {
        method: 'POST',
        json: body,
        where: this.tracking,
      });
      const found = (res.models ?? []).map(loggedModel).find((m) => m?.sourceRunId === runId && m.name === name);
      if (found) return found;
      pageToken = res.next_page_token || undefined;
      if (!pageToken) return undefined;
    }
    return undefined;
  }

  serverTree(target: { runId: string } | { modelId: string }): RemoteTree {
    return 'runId' in target
      ? runArtifactsTree(this.client, this.base, target.runId, this.tracking)
      : loggedModelTree(this.client, this.base, target.modelId, this.tracking);
  }

  async getVersion(name: string, v: string): Promise<VersionInfo> {
    const res = await this.client.json<{ model_version?: ProtoVersion }>(this.url('model-versions/get', { name, version: v }), { where: this.registry });
    return version(res.model_version, name);
  }

  async getVersionByAlias(name: string, alias: string): Promise<VersionInfo> {
    const url = this.url('registered-models/alias', { name, alias });
    const res = await this.client.json<{ model_version?: ProtoVersion }>(url, { where: this.registry });
    return version(res.model_version, name);
  }

  async getLatestVersions(name: string, stage?: string): Promise<VersionInfo[]> {
    const stages = stage === undefined ? [] : [stage];
    let res: { model_versions?: ProtoVersion[] };
    try {
      const json = stage === undefined ? { name } : { name, stages };
      res = await this.client.json(this.url('registered-models/get-latest-versions'), { method: 'POST', json, where: this.registry });
    } catch (err) {
      // MLflow's client falls back to GET on servers without the POST route.
      if (!(err instanceof ServingError) || err.errorCode !== 'ENDPOINT_NOT_FOUND') throw err;
      res = await this.client.json(this.url('registered-models/get-latest-versions', { name, stages }), { where: this.registry });
    }
    return (res.model_versions ?? []).map((v) => version(v, name));
  }

  async getDownloadUri(v: VersionInfo): Promise<string> {
    const url = this.url('model-versions/get-download-uri', { name: v.name, version: v.version });
    const res = await this.client.json<{ artifact_uri?: string }>(url, { where: this.registry });
    return res.artifact_uri ?? '';
  }

  close(): void {}
}
