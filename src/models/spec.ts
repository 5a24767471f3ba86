// Owns which models a server serves: `-m [NAME=]URI` (repeated), `--model-repository DIR` (one
// model per folder) and the config file's `models:` list, with each model's name and own options.

import { readdirSync, existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InvalidOptionsError } from '../errors.js';
import type { ModelOptions } from '../config/options.js';
import { defaultModelName } from '../server/v2/index.js';

export type { ModelOptions };

/** One model to serve. */
export interface ModelSpec {
  /** The name it is served under: `/models/{name}/...`, V2 `/v2/models/{name}`, the `model` metric label. */
  readonly name: string;
  readonly uri: string;
  readonly options: ModelOptions;
}

/** What `-m` may be given as: `URI`, or `NAME=URI`. */
export interface ModelArgument {
  readonly name?: string;
  readonly uri: string;
  readonly options?: ModelOptions;
}

/** Model names appear in URL paths and metric labels. */
export const MODEL_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * Splits `-m NAME=URI`; a value whose text before the first `=` is not a model name, or that is an
 * existing path as written, is a URI.
 */
export function parseModelArgument(value: string, cwd = process.cwd()): ModelArgument {
  const eq = value.indexOf('=');
  if (eq > 0 && MODEL_NAME.test(value.slice(0, eq)) && !existsSync(resolve(cwd, value))) return { name: value.slice(0, eq), uri: value.slice(eq + 1) };
  return { uri: value };
}

/** The name a model is served under when none is given (as `--model-name` defaults). */
export function defaultName(uri: string, cwd = process.cwd()): string {
  const local = !/^[a-z][a-z0-9+.-]+:/i.test(uri);
  return defaultModelName(uri, local ? resolve(cwd, uri) : undefined);
}

/** The model folders of a repository: each folder with an MLmodel file, named after the folder. */
export function scanRepository(dir: string): ModelSpec[] {
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch (err) {
    throw new InvalidOptionsError([`Cannot read the model repository ${dir}: ${(err as Error).message}`]);
  }
  const specs: ModelSpec[] = [];
  for (const name of names) {
    const path = join(dir, name);
    // A dangling link or an entry gone since the listing is no model folder (not a crash at start-up).
    if (!MODEL_NAME.test(name) || !statSync(path, { throwIfNoEntry: false })?.isDirectory() || !existsSync(join(path, 'MLmodel'))) continue;
    specs.push({ name, uri: resolve(path), options: {} });
  }
  return specs;
}

/**
 * The models a server serves, in order: the config file's and `-m`'s, then the repository's
 * folders not named already. Validates names (unique, path-safe).
 */
export function modelSpecs(args: readonly ModelArgument[], repository: string | undefined, cwd = process.cwd()): ModelSpec[] {
  const specs: ModelSpec[] = args.map((a) => ({ name: a.name ?? defaultName(a.uri, cwd), uri: a.uri, options: a.options ?? {} }));
  if (repository) {
    const named = new Set(specs.map((s) => s.name));
    for (const s of scanRepository(resolve(cwd, repository))) if (!named.has(s.name)) specs.push(s);
  }
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const s of specs) {
    if (!MODEL_NAME.test(s.name)) problems.push(`Invalid model name ${JSON.stringify(s.name)}: use letters, digits, '.', '_' and '-' (it appears in URL paths).`);
    if (seen.has(s.name)) problems.push(`Two models are named '${s.name}': name each one (-m NAME=URI).`);
    seen.add(s.name);
  }
  if (specs.length === 0) problems.push(repository ? `The model repository ${repository} has no model folder (a folder with an MLmodel file).` : 'A model URI is required (-m/--model-uri).');
  if (problems.length) throw new InvalidOptionsError(problems);
  return specs;
}
