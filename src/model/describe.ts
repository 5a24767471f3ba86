// Owns a served model's public description: what a client may see about it (the page, OpenAPI, the typed client), never paths on disk.

import { readFile, stat } from 'node:fs/promises';
import { join, resolve, relative, isAbsolute } from 'node:path';
import type { Signature } from '../schema/types.js';
import type { MLmodel } from './mlmodel.js';

/** Largest `serving_input_example.json` worth showing; a bigger one is left out of the description. */
export const MAX_EXAMPLE_BYTES = 256 * 1024;

/** One model as clients see it. Extensible: engines and registries add fields. */
export interface ModelDescription {
  /** The name its V2 routes use. */
  readonly name: string;
  /** The URI the model was served from, as given (credentials and query removed). */
  readonly uri: string;
  /** Its registry version, when the URI names one. */
  readonly version?: string;
  /** The MLflow flavor serving it. */
  readonly flavor: string;
  /** What evaluates it: `native` (mlserve's own flavors), `python` (Python workers), ... */
  readonly engine: string;
  readonly signature?: Signature;
  /** True when the signature came from Python type hints (then only `{"inputs": ...}` bodies are read). */
  readonly signatureFromTypeHint: boolean;
  /** The model's own `serving_input_example.json` body, when it has one (and it is small). */
  readonly inputExample?: unknown;
  /** From MLmodel, when present. */
  readonly mlflowVersion?: string;
  readonly createdAt?: string;
  readonly runId?: string;
}

/** Removes what a URI may carry that a client must not see: `user:password@` and the query string. */
export function publicUri(uri: string): string {
  return uri.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, '$1').replace(/[?#].*$/, '');
}

function text(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** Reads the model's serving input example (MLflow's `saved_input_example_info.serving_input_path`), inside the model directory only. */
export async function readServingExample(mlmodel: MLmodel): Promise<unknown> {
  const info = mlmodel.raw.saved_input_example_info as Record<string, unknown> | undefined;
  const file = text(info?.serving_input_path);
  if (!file) return undefined;
  const path = resolve(join(mlmodel.path, file));
  const rel = relative(mlmodel.path, path);
  if (rel.startsWith('..') || isAbsolute(rel)) return undefined;
  try {
    if ((await stat(path)).size > MAX_EXAMPLE_BYTES) return undefined;
    return JSON.parse(await readFile(path, 'utf8'));
  } catch {
    return undefined;
  }
}

/** What `describeModel` needs beyond the MLmodel file. */
export interface DescribeOptions {
  readonly uri: string;
  readonly name: string;
  readonly version?: string;
  readonly flavor: string;
  readonly engine: string;
}

/** Describes a model for clients. */
export async function describeModel(mlmodel: MLmodel, options: DescribeOptions): Promise<ModelDescription> {
  const raw = mlmodel.raw;
  return {
    name: options.name,
    uri: publicUri(options.uri),
    ...(options.version !== undefined ? { version: options.version } : {}),
    flavor: options.flavor,
    engine: options.engine,
    ...(mlmodel.signature ? { signature: mlmodel.signature } : {}),
    signatureFromTypeHint: mlmodel.signatureFromTypeHint,
    ...optional('inputExample', await readServingExample(mlmodel)),
    ...optional('mlflowVersion', text(raw.mlflow_version)),
    ...optional('createdAt', text(raw.utc_time_created)),
    ...optional('runId', text(raw.run_id)),
  };
}

/** `{ key: value }`, or nothing when the value is undefined (keeps absent fields absent). */
function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}
