// Owns the server routes that list and fetch artifact files: the mlflow-artifacts proxy API, and the
// older server-side routes for run artifacts (`artifacts/list` + `/get-artifact`) and logged-model files.

import type { HttpClient, HttpReply, Where } from './http-client.js';

/** One listed entry; `name` is relative to the listed folder and is validated before use. */
export interface RemoteEntry {
  readonly name: string;
  readonly isDir: boolean;
  readonly size?: number;
}

/** A tree of artifact files on a server. Paths are `/`-separated and relative to the tree's root. */
export interface RemoteTree {
  /** Stable identity of the tree (server and root), for cache keys. */
  readonly id: string;
  readonly where: Where;
  /** Entries directly under `path`; an empty list means `path` is a file or nothing. */
  list(path: string): Promise<RemoteEntry[]>;
  /** The bytes of the file at `path`. */
  open(path: string): Promise<HttpReply>;
}

interface ListedFile {
  path?: string;
  is_dir?: boolean;
  file_size?: number | string;
}

function entries(files: ListedFile[] | undefined, dir: string): RemoteEntry[] {
  return (files ?? []).map((f) => {
    const path = String(f.path ?? '');
    // artifacts/list and logged-model listings give paths from the root; mlflow-artifacts gives basenames.
    const name = dir && path.startsWith(`${dir}/`) ? path.slice(dir.length + 1) : path;
    const size = f.file_size === undefined ? undefined : Number(f.file_size);
    return { name, isDir: f.is_dir === true, size };
  });
}

function encodePath(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

function withQuery(base: string, query: Record<string, string | undefined>): URL {
  const u = new URL(base);
  for (const [k, v] of Object.entries(query)) if (v !== undefined) u.searchParams.set(k, v);
  return u;
}

/** The mlflow-artifacts API under `apiRoot` (`…/api/2.0/mlflow-artifacts/artifacts`), spec §7.8. */
export function mlflowArtifactsTree(client: HttpClient, apiRoot: string, where: Where): RemoteTree {
  const root = apiRoot.replace(/\/+$/, '');
  return {
    id: `mlflow-artifacts ${root}`,
    where,
    async list(path) {
      const res = await client.json<{ files?: ListedFile[] }>(withQuery(root, { path }), { where });
      return entries(res.files, path);
    },
    open: (path) => client.send(new URL(`${root}/${encodePath(path)}`), { where }),
  };
}

/** Paginated listing used by the server-side routes. */
async function listPages(client: HttpClient, where: Where, url: (token?: string) => URL, dir: string): Promise<RemoteEntry[]> {
  const out: RemoteEntry[] = [];
  let token: string | undefined;
  for (let page = 0; page < 1000; page++) {
    const res = await client.json<{ files?: ListedFile[]; next_page_token?: string }>(url(token), { where });
    out.push(...entries(res.files, dir));
    token = res.next_page_token || undefined;
    if (!token) break;
  }
  return out;
}

/** A run's artifacts through the tracking server (`artifacts/list`, `/get-artifact`), for unproxied locations. */
export function runArtifactsTree(client: HttpClient, base: string, runId: string, where: Where): RemoteTree {
  return {
    id: `run ${base} ${runId}`,
    where,
    list: (path) =>
      listPages(client, where, (page_token) => withQuery(`${base}/api/2.0/mlflow/artifacts/list`, { run_id: runId, path, page_token }), path),
    open: (path) => client.send(withQuery(`${base}/get-artifact`, { path, run_uuid: runId }), { where }),
  };
}

/** A logged model's files through the tracking server (MLflow 3 routes), for unproxied locations. */
export function loggedModelTree(client: HttpClient, base: string, modelId: string, where: Where): RemoteTree {
  const id = encodeURIComponent(modelId);
  return {
    id: `logged-model ${base} ${modelId}`,
    where,
    list: (path) =>
      listPages(
        client,
        where,
        (page_token) =>
          withQuery(`${base}/api/2.0/mlflow/logged-models/${id}/artifacts/directories`, { artifact_directory_path: path || undefined, page_token }),
        path,
      ),
    open: (path) => client.send(withQuery(`${base}/ajax-api/2.0/mlflow/logged-models/${id}/artifacts/files`, { artifact_file_path: path }), { where }),
  };
}
