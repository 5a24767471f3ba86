// Owns choosing the tracking and registry store (spec §7.5) and opening it by scheme: file, sqlite or http(s).

import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { InvalidModelUriError, ModelNotFoundError } from '../errors.js';
import type { HttpClient } from './http-client.js';
import { redactUri } from './messages.js';
import { schemeOf } from './parse.js';
import type { Store } from './stores.js';

/**
 * MLflow 3.6's default tracking URI: `./mlruns` when it holds experiment data (a digit-named folder
 * with meta.yaml), else `./mlflow.db`. Unlike MLflow, a missing database is not created: the
 * result is undefined when neither exists.
 */
export function defaultTrackingUri(cwd: string): string | undefined {
  const mlruns = join(cwd, 'mlruns');
  let entries: string[] = [];
  try {
    entries = readdirSync(mlruns);
  } catch {
    /* no ./mlruns */
  }
  if (entries.some((e) => /^\d+$/.test(e) && existsSync(join(mlruns, e, 'meta.yaml')))) return pathToFileURL(mlruns).href;
  const db = join(cwd, 'mlflow.db');
  return existsSync(db) ? `sqlite:///${db}` : undefined;
}

/** The error for "no store configured and none in the working directory". */
export function noStoreFound(cwd: string, uri: string): ModelNotFoundError {
  return new ModelNotFoundError(
    `Cannot resolve ${uri}: no MLflow tracking store found. MLFLOW_TRACKING_URI is not set, ${join(cwd, 'mlruns')} holds no experiments and ${join(cwd, 'mlflow.db')} does not exist. Set MLFLOW_TRACKING_URI (or pass --tracking-uri) to a file:, sqlite: or http(s) store.`,
  );
}

/** The local folder a `file:` URI or plain path names. */
export function localPathOf(uri: string, cwd: string): string {
  if (uri.startsWith('file://')) {
    try {
      return fileURLToPath(uri);
    } catch (err) {
      throw new InvalidModelUriError(`Invalid file URI ${uri}: ${(err as Error).message}`);
    }
  }
  if (schemeOf(uri) !== 'file') return resolve(cwd, uri);
  const path = uri.slice('file:'.length);
  try {
    return resolve(cwd, decodeURIComponent(path));
  } catch {
    return resolve(cwd, path);
  }
}

/** The database file of a SQLAlchemy SQLite URI: `sqlite:///rel.db` (relative) or `sqlite:////abs.db`. */
function sqlitePath(uri: string, cwd: string): string {
  const m = /^sqlite:\/\/\/([^?]*)/i.exec(uri);
  if (!m || m[1] === '' || m[1] === ':memory:') {
    throw new InvalidModelUriError(`Invalid SQLite store URI ${uri}: expected sqlite:///relative/path.db or sqlite:////absolute/path.db.`);
  }
  return resolve(cwd, m[1]);
}

const SQL_SCHEMES = ['mysql', 'postgresql', 'postgres', 'mssql'];

/** Opens the store at `uri` (read-only). `client` is called only for http(s) stores. */
export async function openStore(uri: string, cwd: string, workspace: string | undefined, client: () => HttpClient): Promise<Store> {
  const scheme = schemeOf(uri);
  const display = redactUri(uri);
  // Each kind of store is imported when one is opened: a server of a local model loads none of them.
  if (scheme === '' || scheme === 'file') return (await import('./file-store.js')).openFileStore(localPathOf(uri, cwd), display);
  if (scheme === 'sqlite') return (await import('./sqlite-store.js')).openSqliteStore(sqlitePath(uri, cwd), display, workspace ?? 'default');
  if (scheme === 'http' || scheme === 'https') return (await import('./rest-store.js')).openRestStore(uri, display, client());
  const base = scheme.split('+')[0];
  if (SQL_SCHEMES.includes(base)) {
    throw new InvalidModelUriError(
      `mlserve reads file, sqlite and http(s) tracking stores, not ${base} (${display}). Run \`mlflow server --backend-store-uri ${display}\` and set MLFLOW_TRACKING_URI to its http:// address.`,
    );
  }
  throw new InvalidModelUriError(`Unsupported tracking or registry URI ${display}: mlserve reads file:, sqlite:/// and http(s):// stores.`);
}
