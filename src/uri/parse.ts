// Owns the grammar of model URIs: plain paths, file:, runs:/, models:/ and artifact-store URIs (spec §7.1, §7.2, §7.4).

import { InvalidModelUriError } from '../errors.js';

/** What a `models:/` URI names (spec §7.2). */
export type ModelRef =
  | { readonly type: 'id'; readonly modelId: string }
  | { readonly type: 'version'; readonly name: string; readonly version: string }
  | { readonly type: 'stage'; readonly name: string; readonly stage: string }
  | { readonly type: 'latest'; readonly name: string }
  | { readonly type: 'alias'; readonly name: string; readonly alias: string };

/** A classified model URI. */
export type ParsedUri =
  | { readonly kind: 'path'; readonly path: string; readonly isFileUri: boolean }
  | { readonly kind: 'runs'; readonly runId: string; readonly path: string }
  | { readonly kind: 'models'; readonly ref: ModelRef; readonly subPath: string }
  | { readonly kind: 'artifacts'; readonly uri: string };

const SCHEME = /^([a-zA-Z][a-zA-Z0-9+.-]*):/;
/** Schemes MLflow registers (spec §7.1) that mlserve cannot download from. */
const UNSUPPORTED = ['s3', 'r2', 'gs', 'wasbs', 'abfss', 'ftp', 'sftp', 'dbfs', 'hdfs', 'viewfs'];
const REGISTERED = ['', 'file', 'runs', 'models', 'mlflow-artifacts', 'http', 'https', ...UNSUPPORTED];

/** The scheme of `uri`, lowercased, or '' for a plain path (one-letter schemes are Windows drives). */
export function schemeOf(uri: string): string {
  const m = SCHEME.exec(uri);
  return m && m[1].length > 1 ? m[1].toLowerCase() : '';
}

/** Classifies a model URI; throws InvalidModelUriError with MLflow's wording for malformed ones. */
export function parseModelUri(uri: string): ParsedUri {
  const scheme = schemeOf(uri);
  switch (scheme) {
    case '':
      return { kind: 'path', path: uri, isFileUri: false };
    case 'file':
      return { kind: 'path', path: uri, isFileUri: true };
    case 'runs':
      return parseRunsUri(uri);
    case 'models':
      return parseModelsUri(uri);
    case 'mlflow-artifacts':
    case 'http':
    case 'https':
      return { kind: 'artifacts', uri: checkArtifactUri(uri) };
    default:
      if (UNSUPPORTED.includes(scheme)) {
        throw new InvalidModelUriError(
          `mlserve cannot download models from '${scheme}:' artifact stores (${uri}). Download the model first, e.g. \`mlflow artifacts download -u '${uri}' -d ./model\`, and pass the local directory.`,
        );
      }
      throw new InvalidModelUriError(
        `Could not find a registered artifact repository for: ${uri}. Currently registered schemes are: [${REGISTERED.map((s) => `'${s}'`).join(', ')}]`,
      );
  }
}

function runsError(uri: string): InvalidModelUriError {
  return new InvalidModelUriError(
    `Not a proper runs:/ URI: ${uri}. Runs URIs must be of the form 'runs:/<run_id>/run-relative/path/to/artifact'`,
  );
}

/** `runs:/<run_id>/<path>`; a URI without an artifact path cannot be downloaded (spec §7.4). */
function parseRunsUri(uri: string): ParsedUri {
  const rest = uri.slice('runs:'.length);
  if (!rest.startsWith('/')) throw runsError(uri);
  const parts = rest.replace(/^\/+/, '').replace(/\/+$/, '').split('/');
  const runId = parts[0];
  const path = parts.slice(1).join('/');
  if (!runId || !path) throw runsError(uri);
  return { kind: 'runs', runId, path: checkSubPath(path, uri) };
}

/** Exact text of MLflow's error for a malformed `models:` URI. */
export function notProperModelsUri(uri: string): InvalidModelUriError {
  return new InvalidModelUriError(
    `Not a proper models:/ URI: ${uri}. Models URIs must be of the form 'models:/name/suffix' or 'models:/name@alias' where suffix is a version, stage, or the string 'latest' and where alias is a registered model alias. Only one of suffix or alias can be defined at a time.`,
  );
}

/** Splits a `models:` URI into the model reference and the artifact sub-path (spec §7.1 step 4, §7.2). */
function parseModelsUri(uri: string): ParsedUri {
  const rest = uri.slice('models:'.length);
  const authority = /^\/\/([^/]+)/.exec(rest);
  if (authority) {
    throw new InvalidModelUriError(
      `Models URIs with a registry authority ('${authority[1]}', a Databricks profile) are not supported: ${uri}. Use models:/<name>/<version> and set MLFLOW_REGISTRY_URI.`,
    );
  }
  if (!rest.startsWith('/')) throw notProperModelsUri(uri);
  const segments = rest.replace(/^\/+/, '').replace(/\/+$/, '').split('/');
  let base: string[];
  let subPath = '';
  if (segments.length >= 2) {
    const [first, second, ...more] = segments;
    if (first.includes('@')) {
      base = [first];
      subPath = [second, ...more].join('/');
    } else {
      base = [first, second];
      subPath = more.join('/');
    }
  } else {
    base = segments;
  }
  return { kind: 'models', ref: parseModelRef(base, uri), subPath: checkSubPath(subPath, uri) };
}

function parseModelRef(parts: string[], uri: string): ModelRef {
  if (parts.length === 2) {
    const [name, suffix] = parts;
    if (!name || !suffix) throw notProperModelsUri(uri);
    if (/^\d+$/.test(suffix)) return { type: 'version', name, version: String(Number(suffix)) };
    if (suffix.toLowerCase() === 'latest') return { type: 'latest', name };
    return { type: 'stage', name, stage: suffix };
  }
  const [only] = parts;
  if (!only) throw notProperModelsUri(uri);
  const at = only.lastIndexOf('@');
  if (at < 0) return { type: 'id', modelId: only };
  const name = only.slice(0, at);
  const alias = only.slice(at + 1);
  if (!name || !alias) throw notProperModelsUri(uri);
  return { type: 'alias', name, alias };
}

/**
 * Rejects an artifact-store URI whose path has a `..` segment (also percent-encoded): it would
 * name something outside the artifact root.
 */
function checkArtifactUri(uri: string): string {
  const path = uri.replace(/^[^:]+:(\/\/[^/]*)?/, '').split(/[?#]/)[0];
  let decoded = path;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    // Malformed escapes stay as written; the store refuses them.
  }
  checkSubPath(decoded, uri);
  return uri;
}

/** Rejects sub-paths that would leave the model's folder. */
function checkSubPath(path: string, uri: string): string {
  if (path.includes('\0') || path.split('/').some((s) => s === '..')) {
    throw new InvalidModelUriError(`Invalid artifact path in ${JSON.stringify(uri)}: '..' and NUL are not allowed.`);
  }
  return path
    .split('/')
    .filter((s) => s !== '' && s !== '.')
    .join('/');
}
