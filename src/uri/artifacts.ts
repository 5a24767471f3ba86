// Owns turning an artifact location (what a store records) plus a sub-path into a local path:
// local locations in place, mlflow-artifacts and http(s) ones downloaded through the cache, and
// runs:/ or models:/ sources resolved again (spec §7.3, §7.8).

import { existsSync, statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidModelUriError, ModelNotFoundError } from '../errors.js';
import { cachedDownload } from './cache.js';
import type { Registered, ResolveContext } from './context.js';
import { downloadTree, type DownloadProgress } from './download.js';
import { redactUri } from './messages.js';
import { schemeOf } from './parse.js';
import { mlflowArtifactsTree, type RemoteTree } from './remote-tree.js';
import { localPathOf } from './store-uri.js';

/** The registered model version a download belongs to (written as `registered_model_meta`). */
export type { Registered } from './context.js';

/** How to go on from one artifact location. */
export interface FetchOptions {
  /** Written into the downloaded folder as `registered_model_meta` when it holds an MLmodel. */
  readonly registered?: Registered;
  /** The server's own route to these files, for a location this machine cannot read (REST stores). */
  readonly fallback?: () => Promise<RemoteTree | undefined>;
  /** Resolves a `runs:/` or `models:/` location (a registry version's source). */
  readonly nested: (uri: string, registered: Registered | undefined) => Promise<string>;
}

const PROXY_ROUTE = '/api/2.0/mlflow-artifacts/artifacts';

/** Joins a sub-path onto a `/`-separated location. */
export function joinPath(base: string, sub: string): string {
  if (!sub) return base;
  return base ? `${base.replace(/\/+$/, '')}/${sub}` : sub;
}

/** The mlflow-artifacts API root for `uri` against the tracking server (MLflow's resolve_uri). */
function proxyRoot(ctx: ResolveContext, uri: string): { apiRoot: string; path: string } {
  const tracking = ctx.settings.trackingUri;
  if (tracking === undefined || !['http', 'https'].includes(schemeOf(tracking))) {
    throw new InvalidModelUriError(
      `${uri} is stored behind an MLflow server's artifact proxy: set MLFLOW_TRACKING_URI (or --tracking-uri) to that server's http(s):// address (it is ${tracking === undefined ? 'unset' : redactUri(tracking)}).`,
    );
  }
  const u = new URL(uri);
  const t = new URL(tracking);
  const host = u.host || t.host;
  const auth = !u.host && t.username ? `${t.username}:${t.password}@` : '';
  const apiRoot = `${t.protocol}//${auth}${host}${t.pathname.replace(/\/+$/, '')}${PROXY_ROUTE}`;
  return { apiRoot, path: decodeURIComponent(u.pathname).replace(/^\/+/, '') };
}

/** Seconds between two progress lines of a long download. */
const PROGRESS_EVERY_MS = 5000;

function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

/** Progress lines of a download: what and from where, how much, every few seconds how far, and the end. */
function downloadLog(ctx: ResolveContext, tree: RemoteTree): DownloadProgress {
  const log = ctx.logger;
  const started = performance.now();
  let lastLine = started;
  let total = 0;
  let totalBytes: number | undefined;
  let files = 0;
  let bytes = 0;
  return {
    listed(n, size) {
      total = n;
      totalBytes = size;
      log.info(`downloading ${ctx.uri} from the ${tree.where.role} at ${tree.where.uri}: ${n} file${n === 1 ? '' : 's'}${size === undefined ? '' : `, ${megabytes(size)}`}`);
    },
    fetched(remote, written) {
      files++;
      bytes += written;
      log.debug(`downloaded ${remote} (${written} bytes)`);
      const now = performance.now();
      if (files === total) {
        log.info(`downloaded ${ctx.uri}: ${files} file${files === 1 ? '' : 's'}, ${megabytes(bytes)} in ${((now - started) / 1000).toFixed(1)} s`);
      } else if (now - lastLine >= PROGRESS_EVERY_MS) {
        lastLine = now;
        log.info(`downloading ${ctx.uri}: ${files} of ${total} files, ${megabytes(bytes)}${totalBytes ? ` of ${megabytes(totalBytes)}` : ''}`);
      }
    },
  };
}

/** Downloads `path` of `tree` through the cache; returns the local model path. */
async function fetchRemote(ctx: ResolveContext, tree: RemoteTree, path: string, registered?: Registered): Promise<string> {
  return cachedDownload({
    cacheDir: ctx.settings.cacheDir,
    noCache: ctx.noCache,
    keyParts: [tree.id, path, registered ? `${registered.name}/${registered.version}` : ''],
    source: `${ctx.uri} (${tree.id}, path '${path}')`,
    onTemporary: (dir) => ctx.temporary.push(dir),
    fill: async (dir) => {
      const out = await downloadTree(tree, path, dir, downloadLog(ctx, tree));
      // MLflow writes this after downloading a registry model whose folder holds an MLmodel (spec §7.3).
      if (registered && statSync(out).isDirectory() && existsSync(join(out, 'MLmodel'))) {
        // Imported here: the `yaml` package is slow to load and most starts never need it.
        const { stringify } = await import('yaml');
        const meta = stringify({ model_name: registered.name, model_version: registered.version }, { singleQuote: true });
        await writeFile(join(out, 'registered_model_meta'), meta);
      }
      return out;
    },
  });
}

/** Materialises `location`/`subPath` as a local file or folder and returns its path. */
export async function fetchArtifacts(ctx: ResolveContext, location: string, subPath: string, options: FetchOptions): Promise<string> {
  const scheme = schemeOf(location);
  if (location === '') throw new ModelNotFoundError(`${ctx.uri} has no artifact location in its store.`);
  if (scheme === '' || scheme === 'file') {
    const path = join(localPathOf(location, ctx.cwd), ...subPath.split('/').filter(Boolean));
    if (existsSync(path)) return path;
    const tree = await options.fallback?.();
    if (tree) return fetchRemote(ctx, tree, subPath, options.registered);
    throw new ModelNotFoundError(`No such file or directory: '${path}' (artifact location ${location} of ${ctx.uri}).`);
  }
  if (scheme === 'mlflow-artifacts') {
    const { apiRoot, path } = proxyRoot(ctx, location);
    const tree = mlflowArtifactsTree(ctx.http(), apiRoot, { role: 'artifact store', uri: redactUri(apiRoot) });
    return fetchRemote(ctx, tree, joinPath(path, subPath), options.registered);
  }
  if (scheme === 'http' || scheme === 'https') {
    const at = location.indexOf(PROXY_ROUTE);
    if (at < 0) {
      throw new InvalidModelUriError(
        `mlserve downloads http(s) artifacts only through an MLflow server's artifact proxy (…${PROXY_ROUTE}/…), not ${redactUri(location)}.`,
      );
    }
    const apiRoot = location.slice(0, at + PROXY_ROUTE.length);
    const path = decodeURIComponent(location.slice(apiRoot.length).split('?')[0]).replace(/^\/+/, '');
    const tree = mlflowArtifactsTree(ctx.http(), apiRoot, { role: 'artifact store', uri: redactUri(apiRoot) });
    return fetchRemote(ctx, tree, joinPath(path, subPath), options.registered);
  }
  if (scheme === 'runs' || scheme === 'models') return options.nested(joinPath(location, subPath), options.registered);
  throw new InvalidModelUriError(
    `${ctx.uri} is stored at ${redactUri(location)}, and mlserve cannot download from '${scheme}:' artifact stores. Serve it through \`mlflow server\` with artifact proxying (mlflow-artifacts:) or download it first with \`mlflow artifacts download\`.`,
  );
}
