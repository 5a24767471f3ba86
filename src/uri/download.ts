// Owns copying a remote artifact tree into a local folder: list, recurse, fetch files a few at a time,
// and refuse any path a server sends that would land outside that folder (spec §7.8).

import { mkdir, open } from 'node:fs/promises';
import { dirname, isAbsolute, resolve, sep } from 'node:path';
import { ModelNotFoundError, ServingError } from '../errors.js';
import type { RemoteEntry, RemoteTree } from './remote-tree.js';

const MAX_DEPTH = 64;
const CONCURRENCY = 4;

/** True for a relative `/`-separated path with no `..`, `.` or empty segment, no NUL, backslash or drive. */
export function isSafeArtifactPath(p: string): boolean {
  if (p === '' || p.includes('\0') || p.includes('\\') || p.startsWith('/') || isAbsolute(p) || /^[a-zA-Z]:/.test(p)) return false;
  return p.split('/').every((s) => s !== '' && s !== '.' && s !== '..');
}

function unsafe(tree: RemoteTree, name: string): ServingError {
  return new ServingError(
    'INVALID_PARAMETER_VALUE',
    `Refusing the artifact path ${JSON.stringify(name)} sent by the ${tree.where.role} at ${tree.where.uri}: artifact paths must be relative and stay inside the download folder (no '..', absolute paths or NUL).`,
  );
}

/** `root/rel`, checked to stay inside `root`. */
function inside(tree: RemoteTree, root: string, rel: string): string {
  if (!isSafeArtifactPath(rel)) throw unsafe(tree, rel);
  const out = resolve(root, ...rel.split('/'));
  if (out !== root && !out.startsWith(root + sep)) throw unsafe(tree, rel);
  return out;
}

/** Told of a download's progress: the files to fetch once listed, then each file as it lands. */
export interface DownloadProgress {
  listed?(files: number, bytes: number | undefined): void;
  fetched?(remote: string, bytes: number): void;
}

async function fetchFile(tree: RemoteTree, remote: string, local: string, size?: number): Promise<number> {
  const reply = await tree.open(remote);
  let fh;
  try {
    await mkdir(dirname(local), { recursive: true });
    fh = await open(local, 'wx');
  } catch (err) {
    await reply.cancel();
    throw err;
  }
  let written = 0;
  try {
    for await (const chunk of reply.chunks()) {
      await fh.write(chunk);
      written += chunk.byteLength;
    }
  } finally {
    await fh.close();
  }
  if (size !== undefined && Number.isFinite(size) && size !== written) {
    throw new ServingError('DATA_LOSS', `Downloaded ${written} of ${size} bytes of '${remote}' from the ${tree.where.role} at ${tree.where.uri}; try again.`);
  }
  return written;
}

/**
 * Downloads `path` of `tree` into the existing folder `dest`: a folder's contents land in `dest`, a
 * single file lands as `dest/<its name>`. Returns the local path of what was downloaded.
 */
export async function downloadTree(tree: RemoteTree, path: string, dest: string, progress: DownloadProgress = {}): Promise<string> {
  const root = resolve(dest);
  const top = await tree.list(path);
  if (top.length === 0) {
    const name = path.split('/').pop() ?? '';
    if (!name) throw new ModelNotFoundError(`No artifacts found at the root of ${tree.id} (${tree.where.role}: ${tree.where.uri}).`);
    const file = inside(tree, root, name);
    progress.listed?.(1, undefined);
    progress.fetched?.(path, await fetchFile(tree, path, file));
    return file;
  }
  const files: { remote: string; local: string; size?: number }[] = [];
  const pending: { rel: string; entries: RemoteEntry[]; depth: number }[] = [{ rel: '', entries: top, depth: 0 }];
  while (pending.length > 0) {
    const { rel, entries, depth } = pending.shift()!;
    for (const e of entries) {
      if (!isSafeArtifactPath(e.name)) throw unsafe(tree, e.name);
      const childRel = rel ? `${rel}/${e.name}` : e.name;
      const remote = path ? `${path}/${childRel}` : childRel;
      const local = inside(tree, root, childRel);
      if (!e.isDir) {
        files.push({ remote, local, size: e.size });
        continue;
      }
      if (depth >= MAX_DEPTH) throw unsafe(tree, childRel);
      await mkdir(local, { recursive: true });
      pending.push({ rel: childRel, entries: await tree.list(remote), depth: depth + 1 });
    }
  }
  const sizes = files.map((f) => f.size);
  progress.listed?.(files.length, sizes.every((n) => n !== undefined && Number.isFinite(n)) ? (sizes as number[]).reduce((a, b) => a + b, 0) : undefined);
  let next = 0;
  let stop = false;
  const worker = async () => {
    while (next < files.length && !stop) {
      const f = files[next++];
      const written = await fetchFile(tree, f.remote, f.local, f.size).catch((err: unknown) => {
        stop = true;
        throw err;
      });
      progress.fetched?.(f.remote, written);
    }
  };
  // Wait for every worker before failing, so nothing writes into a folder the caller is removing.
  const results = await Promise.allSettled(Array.from({ length: Math.min(CONCURRENCY, files.length) }, worker));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return root;
}
