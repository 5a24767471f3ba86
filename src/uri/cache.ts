// Owns the cache of downloaded models: one folder per key, filled in a temporary folder and renamed
// into place only when complete, so an interrupted download is never served.

import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

/** A download the cache may answer. */
export interface CacheRequest {
  /** Cache root, e.g. ~/.cache/mlserve/models. */
  readonly cacheDir: string;
  /** Download afresh into a temporary folder outside the cache, and leave the cache alone. */
  readonly noCache: boolean;
  /** What identifies the content: artifact location (server and path) and registered model version. */
  readonly keyParts: readonly string[];
  /** Human-readable origin, kept in the entry's `entry.json`. */
  readonly source: string;
  /** Fills the empty folder `dir`; returns the path of the model inside it. */
  fill(dir: string): Promise<string>;
  /** Told of the temporary folder of a `noCache` download, which the caller removes when done with the model. */
  onTemporary?(dir: string): void;
}

const ENTRY = 'entry.json';
const STALE_TMP_MS = 24 * 3600 * 1000;

/** The cache key of `parts`: 32 hex digits of their SHA-256. */
export function cacheKey(parts: readonly string[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 32);
}

/** The model path of a complete entry, or undefined. */
function lookup(entryDir: string): string | undefined {
  try {
    const entry = JSON.parse(readFileSync(join(entryDir, ENTRY), 'utf8')) as { result?: string };
    const path = entry.result === undefined ? undefined : join(entryDir, entry.result);
    return path && existsSync(path) ? path : undefined;
  } catch {
    return undefined;
  }
}

/** Removes temporary folders left by killed processes. */
async function sweep(cacheDir: string): Promise<void> {
  for (const name of await readdir(cacheDir).catch(() => [] as string[])) {
    if (!name.startsWith('.tmp-')) continue;
    const p = join(cacheDir, name);
    const s = await stat(p).catch(() => undefined);
    if (s && Date.now() - s.mtimeMs > STALE_TMP_MS) await rm(p, { recursive: true, force: true });
  }
}

/** Returns the cached model for `req`, downloading it first when the cache lacks it (or `noCache`). */
export async function cachedDownload(req: CacheRequest): Promise<string> {
  if (req.noCache) {
    const dir = await mkdtemp(join(tmpdir(), 'mlserve-model-'));
    req.onTemporary?.(dir);
    await mkdir(join(dir, 'model'));
    return req.fill(join(dir, 'model'));
  }
  const key = cacheKey(req.keyParts);
  const entryDir = join(req.cacheDir, key);
  const hit = lookup(entryDir);
  if (hit) return hit;
  await mkdir(req.cacheDir, { recursive: true });
  await sweep(req.cacheDir);
  const tmp = await mkdtemp(join(req.cacheDir, `.tmp-${key}-`));
  try {
    await mkdir(join(tmp, 'model'));
    const result = relative(tmp, await req.fill(join(tmp, 'model')));
    const entry = { source: req.source, key: req.keyParts, result, downloadedAt: new Date().toISOString() };
    await writeFile(join(tmp, ENTRY), `${JSON.stringify(entry, null, 2)}\n`);
    // A folder without a valid entry.json is a damaged entry (edited by hand): replace it.
    if (existsSync(entryDir) && !lookup(entryDir)) await rm(entryDir, { recursive: true, force: true });
    try {
      await rename(tmp, entryDir);
    } catch (err) {
      // Another process finished the same download first: use its entry.
      const other = lookup(entryDir);
      if (!other) throw err;
      await rm(tmp, { recursive: true, force: true });
      return other;
    }
    return join(entryDir, result);
  } catch (err) {
    await rm(tmp, { recursive: true, force: true }).catch(() => undefined);
    throw err;
  }
}
