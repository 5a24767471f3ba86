// Owns the default V2 model name and version of a model URI (what `--model-name` defaults to).

import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';

/** MLServer's default model name for MLflow models (`MLSERVER_MODEL_NAME`, spec §5.1). */
export const FALLBACK_MODEL_NAME = 'mlflow-model';

/** `models:/<name>/<version|stage>` or `models:/<name>@<alias>` → the registered model's name and what follows. */
function registryParts(uri: string): { name: string; ref?: string } | undefined {
  const m = /^models:\/*([^/@]+)(?:(?:\/([^/]+))|@([^/]+))?\/?$/i.exec(uri);
  if (!m) return undefined;
  const ref = m[2] ?? (m[3] !== undefined ? `@${m[3]}` : undefined);
  return { name: decodeURIComponent(m[1]), ...(ref !== undefined ? { ref } : {}) };
}

function lastSegment(path: string): string | undefined {
  const trimmed = path.replace(/[\\/]+$/, '');
  const last = basename(trimmed);
  return last === '' || last === '.' || last === '..' ? undefined : last;
}

/**
 * The V2 name a model is served under when `--model-name` is not given: the registered model's
 * name for `models:/<name>/<version>`, `models:/<name>/<stage>` and `models:/<name>@<alias>`; the
 * artifact path's last segment for `runs:/<run>/<path>` and other URIs; the directory name for local
 * paths and `file:` URIs (`resolvedDir` when given, for `.` and friends). Falls back to MLServer's
 * `mlflow-model` (e.g. `models:/<model-id>`, a logged model id).
 */
export function defaultModelName(uri: string, resolvedDir?: string): string {
  const reg = registryParts(uri);
  if (reg) return reg.ref === undefined && /^m-[0-9a-f]+$/i.test(reg.name) ? FALLBACK_MODEL_NAME : reg.name;
  let path = uri;
  if (/^file:/i.test(uri)) {
    try {
      path = uri.startsWith('file://') ? fileURLToPath(uri) : uri.slice('file:'.length);
    } catch {
      path = uri.slice('file:'.length);
    }
  } else if (/^[a-z][a-z0-9+.-]+:/i.test(uri)) {
    path = uri.replace(/^[a-z][a-z0-9+.-]+:\/*/i, '/').replace(/[?#].*$/, '');
  }
  return lastSegment(path) ?? (resolvedDir !== undefined ? lastSegment(resolvedDir) : undefined) ?? FALLBACK_MODEL_NAME;
}

/** The model version a URI names (`models:/<name>/<n>` → `n`); undefined otherwise. */
export function defaultModelVersion(uri: string): string | undefined {
  const ref = registryParts(uri)?.ref;
  return ref !== undefined && /^\d+$/.test(ref) ? ref : undefined;
}
