// Owns reading an MLmodel file: YAML, flavors, signature, and MLflow's load-time checks (spec §6.1, §6.5).

import { readFile } from 'node:fs/promises';
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseMlflowYaml } from './_mlmodel-yaml.js';
import { ModelLoadError, ModelNotFoundError, ServingError } from '../errors.js';
import { parseSignature } from '../schema/signature.js';
import type { Signature } from '../schema/types.js';

/** The parts of an MLmodel file mlserve uses. */
export interface MLmodel {
  /** Absolute path of the model directory. */
  readonly path: string;
  /** Flavor name → that flavor's configuration. */
  readonly flavors: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  readonly signature?: Signature;
  /** True when the signature came from Python type hints. */
  readonly signatureFromTypeHint: boolean;
  /** The whole parsed file. */
  readonly raw: Readonly<Record<string, unknown>>;
}

/** Reads and validates `<dir>/MLmodel`. */
export async function readMLmodel(dir: string): Promise<MLmodel> {
  const path = resolve(dir);
  if (!existsSync(path)) throw new ModelNotFoundError(`No such file or directory: '${path}'`);
  const file = statSync(path).isDirectory() ? join(path, 'MLmodel') : path;
  const modelDir = file === path ? resolve(path, '..') : path;
  if (!existsSync(file)) throw new ModelNotFoundError(`Could not find an "MLmodel" configuration file at "${modelDir}"`);
  let raw: unknown;
  try {
    const text = await readFile(file, 'utf8');
    // The `yaml` package (slow to load) only for what MLflow does not write (see _mlmodel-yaml.ts).
    raw = parseMlflowYaml(text) ?? (await import('yaml')).parse(text);
  } catch (err) {
    throw new ModelLoadError(`The MLmodel file ${file} is not valid YAML: ${(err as Error).message}`, { cause: err });
  }
  if (!raw || typeof raw !== 'object') throw new ModelLoadError(`The MLmodel file ${file} is empty or not a mapping.`);
  const doc = raw as Record<string, unknown>;
  const metadata = doc.metadata as Record<string, unknown> | undefined;
  if (metadata && metadata['mlflow.model.isExternal'] === true) {
    throw new ServingError('BAD_REQUEST', "This model's artifacts are external and are not stored in the model directory. This model cannot be loaded with MLflow.");
  }
  const flavors = (doc.flavors ?? {}) as Record<string, Record<string, unknown>>;
  if (typeof flavors !== 'object') throw new ModelLoadError(`The MLmodel file ${file} has no flavors mapping.`);
  let signature: Signature | undefined;
  try {
    signature = parseSignature(doc.signature);
  } catch (err) {
    if (err instanceof ServingError) throw new ModelLoadError(`${file}: ${err.message}`, { cause: err });
    throw err;
  }
  return { path: modelDir, flavors, signature, signatureFromTypeHint: doc.is_signature_from_type_hint === true, raw: doc };
}
