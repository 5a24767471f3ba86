// Owns mlserve's own GET routes: the page at `/` with its assets (read once, gzipped once), `/openapi.json` and the model description.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { readdirSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { zlib } from '../compress.js';

/** A route of another kind than MLflow's: returns true when it took the request. */
export type ExtraRoutes = (req: IncomingMessage, res: ServerResponse, path: string) => boolean;

/** What the routes serve; the texts are undefined until the model has loaded (503 then). */
export interface UiRoutesOptions {
  /** Serve the page and its assets (`--no-ui` turns it off). */
  readonly page: boolean;
  /** The model description as JSON text. */
  modelInfo(): string | undefined;
  /** The OpenAPI document as JSON text. */
  openapi(): string | undefined;
  /** mlserve's version, sent as `x-mlserve-version`. */
  readonly serverVersion: string;
  /** Folder of the built page; default: `page/` beside this module. */
  readonly assetsDir?: string;
}

interface Asset {
  readonly type: string;
  readonly body: Buffer;
  readonly etag: string;
  /** The gzipped body, made on the first request that accepts gzip. */
  gzip?: Buffer;
}

const TYPES: Record<string, string> = { html: 'text/html; charset=utf-8', css: 'text/css; charset=utf-8', js: 'text/javascript; charset=utf-8', svg: 'image/svg+xml' };
/** The page talks to its own origin only, runs only its own script, and cannot be framed. */
const PAGE_HEADERS = {
  'content-security-policy': "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};
const NOT_ALLOWED = '{"detail":"Method Not Allowed"}';
const NOT_READY = '{"error_code": "TEMPORARILY_UNAVAILABLE", "message": "The model is still loading. Retry shortly."}';

/** Reads the built page (`.html`, `.css`, `.js`, `.svg`), dropping source-map comments; an empty map when it was not built. */
export function loadAssets(dir: string): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return assets;
  }
  for (const name of names) {
    const ext = /\.([a-z]+)$/.exec(name)?.[1] ?? '';
    if (!TYPES[ext] || name.endsWith('.d.ts')) continue;
    let text = readFileSync(join(dir, name), 'utf8');
    if (ext === 'js') text = text.replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n');
    const body = Buffer.from(text);
    assets.set(name, { type: TYPES[ext], body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"` });
  }
  return assets;
}

function sendAsset(req: IncomingMessage, res: ServerResponse, asset: Asset, version: string): void {
  const headers: Record<string, string | number> = { 'content-type': asset.type, 'cache-control': 'no-cache', etag: asset.etag, vary: 'accept-encoding', 'x-mlserve-version': version, ...PAGE_HEADERS };
  if (req.headers['if-none-match'] === asset.etag) {
    res.writeHead(304, headers);
    return void res.end();
  }
  const gzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
  const body = gzip ? (asset.gzip ??= zlib().gzipSync(asset.body, { level: 9 })) : asset.body;
  res.writeHead(200, { ...headers, ...(gzip ? { 'content-encoding': 'gzip' } : {}), 'content-length': body.length });
  res.end(req.method === 'HEAD' ? undefined : body);
}

function sendJson(req: IncomingMessage, res: ServerResponse, text: string | undefined, version: string): void {
  const body = text ?? NOT_READY;
  const headers: Record<string, string | number> = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store', 'x-mlserve-version': version };
  if (text === undefined) headers['retry-after'] = '1';
  res.writeHead(text === undefined ? 503 : 200, headers);
  res.end(req.method === 'HEAD' ? undefined : body);
}

/** Creates the routes; the page's assets are read once, on the first request for the page (not at start: most servers never serve it). */
export function createUiRoutes(options: UiRoutesOptions): ExtraRoutes {
  let loaded: Map<string, Asset> | undefined;
  const assets = (): Map<string, Asset> => (loaded ??= options.page ? loadAssets(options.assetsDir ?? join(fileURLToPath(new URL('.', import.meta.url)), 'page')) : new Map<string, Asset>());
  const version = options.serverVersion;
  return (req, res, path) => {
    let serve: (() => void) | undefined;
    if (path === '/openapi.json') serve = () => sendJson(req, res, options.openapi(), version);
    else if (path === '/mlserve/model') serve = () => sendJson(req, res, options.modelInfo(), version);
    else if (path === '/' && assets().has('index.html')) serve = () => sendAsset(req, res, assets().get('index.html')!, version);
    else if (path.startsWith('/ui/') && assets().has(path.slice(4)) && path.slice(4) !== 'index.html') serve = () => sendAsset(req, res, assets().get(path.slice(4))!, version);
    if (!serve) return false;
    req.resume();
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { 'content-type': 'application/json', allow: 'GET, HEAD', 'content-length': Buffer.byteLength(NOT_ALLOWED) });
      res.end(NOT_ALLOWED);
      return true;
    }
    serve();
    return true;
  };
}
