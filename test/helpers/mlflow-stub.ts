// Test helper: a stub MLflow tracking server on 127.0.0.1 (port 0) answering the REST endpoints the
// client calls to resolve a model (spec §7.8), with MLflow's response shapes and error envelope.

import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

/** One request the stub saw. */
export interface SeenRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: unknown;
}

/** The stub's data: registry, runs, logged models and files by artifact path (`1/models/m-a/artifacts/MLmodel`). */
export interface StubData {
  versions: { name: string; version: string; stage: string; source: string; downloadUri: string; modelId?: string; runId?: string }[];
  aliases: Record<string, string>;
  runs: Record<string, { experimentId: string; artifactUri: string }>;
  loggedModels: Record<string, { name: string; experimentId: string; sourceRunId: string; artifactUri: string }>;
  /** Files behind the mlflow-artifacts proxy. */
  files: Map<string, Buffer>;
  /** Files behind the server-side routes: `run:<id>/<path>` or `model:<id>/<path>`. */
  serverFiles: Map<string, Buffer>;
}

/** Lets a test answer a request itself (return true) before the stub does. */
export type Hook = (req: SeenRequest, res: ServerResponse) => boolean;

/** A running stub. */
export interface MlflowStub {
  url: string;
  seen: SeenRequest[];
  data: StubData;
  hook?: Hook;
  /** Answer POST get-latest-versions with ENDPOINT_NOT_FOUND (an old server). */
  noPostLatest?: boolean;
  close(): Promise<void>;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

const missing = (res: ServerResponse, message: string) => send(res, 404, { error_code: 'RESOURCE_DOES_NOT_EXIST', message });

/** Immediate children of `dir` in a file map, as MLflow's listings give them. */
function list(files: Map<string, Buffer>, dir: string, fullPaths: boolean, prefix = ''): { path: string; is_dir: boolean; file_size?: number }[] {
  const out = new Map<string, { path: string; is_dir: boolean; file_size?: number }>();
  const start = prefix + (dir ? `${dir}/` : '');
  for (const [key, bytes] of files) {
    if (!key.startsWith(start)) continue;
    const [child, ...rest] = key.slice(start.length).split('/');
    const path = fullPaths && dir ? `${dir}/${child}` : child;
    out.set(child, rest.length > 0 ? { path, is_dir: true } : { path, is_dir: false, file_size: bytes.length });
  }
  return [...out.values()];
}

function route(stub: MlflowStub, req: SeenRequest, res: ServerResponse): void {
  const d = stub.data;
  const q = req.query;
  const p = req.path;
  const version = (v: StubData['versions'][number]) => ({ name: v.name, version: v.version, current_stage: v.stage, source: v.source, run_id: v.runId, model_id: v.modelId, status: 'READY' });
  const findVersion = (name: string, n: string) => d.versions.find((v) => v.name === name && v.version === n);
  const known = (name: string) => d.versions.some((v) => v.name === name);
  const model = (id: string) => {
    const m = d.loggedModels[id];
    return { info: { model_id: id, name: m.name, experiment_id: m.experimentId, source_run_id: m.sourceRunId, artifact_uri: m.artifactUri, status: 'LOGGED_MODEL_READY' } };
  };
  if (p === '/api/2.0/mlflow/model-versions/get' || p === '/api/2.0/mlflow/model-versions/get-download-uri') {
    const name = q.get('name') ?? '';
    if (!known(name)) return missing(res, `Registered Model with name=${name} not found`);
    const v = findVersion(name, q.get('version') ?? '');
    if (!v) return missing(res, `Model Version (name=${name}, version=${q.get('version')}) not found`);
    return send(res, 200, p.endsWith('get') ? { model_version: version(v) } : { artifact_uri: v.downloadUri });
  }
  if (p === '/api/2.0/mlflow/registered-models/alias') {
    const name = q.get('name') ?? '';
    const n = d.aliases[`${name}@${q.get('alias')}`];
    if (!n) return send(res, 400, { error_code: 'INVALID_PARAMETER_VALUE', message: `Registered model alias ${q.get('alias')} not found.` });
    return send(res, 200, { model_version: version(findVersion(name, n)!) });
  }
  if (p === '/api/2.0/mlflow/registered-models/get-latest-versions') {
    if (req.method === 'POST' && stub.noPostLatest) return send(res, 404, { error_code: 'ENDPOINT_NOT_FOUND', message: 'No such endpoint' });
    const body = (req.body ?? {}) as { name?: string; stages?: string[] };
    const name = req.method === 'POST' ? (body.name ?? '') : (q.get('name') ?? '');
    const stages = req.method === 'POST' ? body.stages : q.getAll('stages');
    if (!known(name)) return missing(res, `Registered Model with name=${name} not found`);
    const vs = d.versions.filter((v) => v.name === name && (!stages?.length || stages.includes(v.stage)));
    const best = new Map<string, StubData['versions'][number]>();
    for (const v of vs) if (!best.has(v.stage) || Number(v.version) > Number(best.get(v.stage)!.version)) best.set(v.stage, v);
    return send(res, 200, best.size ? { model_versions: [...best.values()].map(version) } : {});
  }
  if (p === '/api/2.0/mlflow/runs/get') {
    const run = d.runs[q.get('run_id') ?? ''];
    if (!run) return missing(res, `Run '${q.get('run_id')}' not found`);
    return send(res, 200, { run: { info: { run_id: q.get('run_id'), experiment_id: run.experimentId, artifact_uri: run.artifactUri } } });
  }
  if (p === '/api/2.0/mlflow/logged-models/search') {
    const body = req.body as { experiment_ids: string[]; filter: string };
    const name = /name = '(.*)'/.exec(body.filter)?.[1];
    const ids = Object.keys(d.loggedModels).filter((id) => d.loggedModels[id].name === name && body.experiment_ids.includes(d.loggedModels[id].experimentId));
    return send(res, 200, { models: ids.map(model) });
  }
  let m = /^\/api\/2\.0\/mlflow\/logged-models\/([^/]+)$/.exec(p);
  if (m) return d.loggedModels[m[1]] ? send(res, 200, { model: model(m[1]) }) : missing(res, `Logged model with ID '${m[1]}' not found.`);
  if (p === '/api/2.0/mlflow-artifacts/artifacts') return send(res, 200, { files: list(d.files, q.get('path') ?? '', false) });
  const file = (bytes: Buffer | undefined) => {
    if (!bytes) return missing(res, 'No such file');
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    res.end(bytes);
  };
  if (p.startsWith('/api/2.0/mlflow-artifacts/artifacts/')) return file(d.files.get(decodeURIComponent(p.slice('/api/2.0/mlflow-artifacts/artifacts/'.length))));
  if (p === '/api/2.0/mlflow/artifacts/list') return send(res, 200, { root_uri: 'x', files: list(d.serverFiles, q.get('path') ?? '', true, `run:${q.get('run_id')}/`) });
  if (p === '/get-artifact') return file(d.serverFiles.get(`run:${q.get('run_uuid')}/${q.get('path')}`));
  m = /^\/api\/2\.0\/mlflow\/logged-models\/([^/]+)\/artifacts\/directories$/.exec(p);
  if (m) return send(res, 200, { files: list(d.serverFiles, q.get('artifact_directory_path') ?? '', true, `model:${m[1]}/`) });
  m = /^\/ajax-api\/2\.0\/mlflow\/logged-models\/([^/]+)\/artifacts\/files$/.exec(p);
  if (m) return file(d.serverFiles.get(`model:${m[1]}/${q.get('artifact_file_path')}`));
  send(res, 404, { error_code: 'ENDPOINT_NOT_FOUND', message: `No route ${req.method} ${p}` });
}

/** Starts the stub (https when `tls` is given); close it after the test. */
export async function startMlflowStub(data: StubData, tls?: { key: Buffer; cert: Buffer }): Promise<MlflowStub> {
  const stub = { seen: [] as SeenRequest[], data } as unknown as MlflowStub;
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const u = new URL(req.url ?? '/', 'http://stub');
      const text = Buffer.concat(chunks).toString('utf8');
      const seen: SeenRequest = { method: req.method ?? 'GET', path: u.pathname, query: u.searchParams, headers: req.headers, body: text ? JSON.parse(text) : undefined };
      stub.seen.push(seen);
      if (stub.hook?.(seen, res)) return;
      route(stub, seen, res);
    });
  };
  const server: Server = tls ? createHttpsServer(tls, handler) : createHttpServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  stub.url = `${tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  stub.close = () =>
    new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    });
  return stub;
}
