// Owns the `--config FILE` format (YAML): the models to serve, each with its own options, and the
// server-wide model settings (repository, poll interval). Documented in docs/models.md.

import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { InvalidOptionsError } from '../errors.js';
import { ENGINES, ENV_MANAGERS, type ModelArgumentOptions, type ModelOptionKey, type ModelOptions } from '../config/options.js';

/** What a config file sets. */
export interface ConfigFile {
  readonly models: ModelArgumentOptions[];
  readonly modelRepository?: string;
  readonly pollIntervalSeconds?: number;
}

/** Largest config file read (it names models, not data). */
const MAX_BYTES = 1024 * 1024;

type Reader = (v: unknown, where: string, problems: string[]) => unknown;

const int = (min: number): Reader => (v, where, problems) => {
  if (typeof v === 'number' && Number.isInteger(v) && v >= min) return v;
  problems.push(`${where}: expected an integer >= ${min}, got ${JSON.stringify(v)}.`);
  return undefined;
};
const num = (min: number): Reader => (v, where, problems) => {
  if (typeof v === 'number' && Number.isFinite(v) && v >= min) return v;
  problems.push(`${where}: expected a number >= ${min}, got ${JSON.stringify(v)}.`);
  return undefined;
};
const bool: Reader = (v, where, problems) => {
  if (typeof v === 'boolean') return v;
  problems.push(`${where}: expected true or false, got ${JSON.stringify(v)}.`);
  return undefined;
};
const oneOf = (values: readonly string[]): Reader => (v, where, problems) => {
  if (typeof v === 'string' && values.includes(v)) return v;
  problems.push(`${where}: expected one of ${values.join(', ')}, got ${JSON.stringify(v)}.`);
  return undefined;
};
const text: Reader = (v, where, problems) => {
  if (typeof v === 'string' && v.trim() !== '') return v;
  problems.push(`${where}: expected a non-empty string, got ${JSON.stringify(v)}.`);
  return undefined;
};

/** A model's keys in the file (the serve flags' names) → its option and how it is read. */
const MODEL_KEYS: Record<string, [ModelOptionKey, Reader]> = {
  workers: ['workers', int(0)],
  batching: ['batching', bool],
  'max-batch-size': ['maxBatchSize', int(1)],
  'max-batch-delay-ms': ['maxBatchDelayMs', num(0)],
  'max-queue': ['maxQueue', int(1)],
  timeout: ['timeoutSeconds', num(0)],
  engine: ['engine', oneOf(ENGINES)],
  'env-manager': ['envManager', oneOf(ENV_MANAGERS.filter((m) => m !== 'conda'))],
  python: ['python', text],
  warmup: ['warmup', bool],
  'no-cache': ['noCache', bool],
};

/** Parses a config file's text; throws InvalidOptionsError listing every problem. */
export function parseConfig(source: string, file = 'the config file'): ConfigFile {
  let doc: unknown;
  try {
    doc = parseYaml(source, { maxAliasCount: 100 });
  } catch (err) {
    throw new InvalidOptionsError([`${file} is not valid YAML: ${(err as Error).message}`]);
  }
  const problems: string[] = [];
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw new InvalidOptionsError([`${file}: expected a mapping with a 'models' list.`]);
  const top = doc as Record<string, unknown>;
  for (const k of Object.keys(top)) if (!['models', 'model-repository', 'poll-interval'].includes(k)) problems.push(`${file}: unknown key '${k}' (expected models, model-repository, poll-interval).`);
  const models: ModelArgumentOptions[] = [];
  const list = top.models ?? [];
  if (!Array.isArray(list)) problems.push(`${file}: 'models' must be a list.`);
  else {
    list.forEach((item, i) => {
      const where = `${file}: models[${i}]`;
      if (item === null || typeof item !== 'object' || Array.isArray(item)) return void problems.push(`${where}: expected a mapping with at least 'uri'.`);
      const m = item as Record<string, unknown>;
      const uri = text(m.uri, `${where}.uri`, problems) as string | undefined;
      const name = m.name === undefined ? undefined : (text(m.name, `${where}.name`, problems) as string | undefined);
      const options: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(m)) {
        if (k === 'uri' || k === 'name') continue;
        const known = MODEL_KEYS[k];
        if (!known) {
          problems.push(`${where}: unknown key '${k}' (expected name, uri, ${Object.keys(MODEL_KEYS).join(', ')}).`);
          continue;
        }
        const value = known[1](v, `${where}.${k}`, problems);
        if (value !== undefined) options[known[0]] = value;
      }
      if (uri !== undefined) models.push({ uri, ...(name !== undefined ? { name } : {}), options: options as ModelOptions });
    });
  }
  const repository = top['model-repository'] === undefined ? undefined : (text(top['model-repository'], `${file}: model-repository`, problems) as string | undefined);
  const poll = top['poll-interval'] === undefined ? undefined : (num(0)(top['poll-interval'], `${file}: poll-interval`, problems) as number | undefined);
  if (models.length === 0 && repository === undefined && problems.length === 0) problems.push(`${file}: names no model (give 'models' or 'model-repository').`);
  if (problems.length) throw new InvalidOptionsError(problems);
  return { models, ...(repository !== undefined ? { modelRepository: repository } : {}), ...(poll !== undefined ? { pollIntervalSeconds: poll } : {}) };
}

/** Reads and parses `--config FILE`. */
export async function readConfigFile(path: string): Promise<ConfigFile> {
  let source: Buffer;
  try {
    source = await readFile(path);
  } catch (err) {
    throw new InvalidOptionsError([`Cannot read the config file ${path}: ${(err as Error).message}`]);
  }
  if (source.length > MAX_BYTES) throw new InvalidOptionsError([`The config file ${path} is larger than ${MAX_BYTES} bytes.`]);
  return parseConfig(source.toString('utf8'), path);
}
