// Owns what every CLI command shares: usage errors, flag parsing with friendly errors, and compatibility flags.

import { ENGINES, ENV_MANAGERS, type EngineName, type EnvManager } from '../config/options.js';
import { parseFlags, type ParsedFlags } from './flags.js';

/** An error that ends the command with a message and exit code 2, no stack trace. */
export class UsageError extends Error {}

/** Parses flags, turning node's parse errors into UsageError. */
export function parse(argv: string[], table: Parameters<typeof parseFlags>[1]): ParsedFlags {
  try {
    return parseFlags(argv, table);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/** Reads an integer flag; undefined when absent. */
export function intFlag(flags: ParsedFlags, name: string): number | undefined {
  const v = flags[name];
  if (v === undefined) return undefined;
  const n = Number(v);
  if (typeof v !== 'string' || v.trim() === '' || !Number.isInteger(n)) throw new UsageError(`Invalid value for --${name}: '${String(v)}' is not an integer.`);
  return n;
}

/** Reads a number flag; undefined when absent. */
export function numberFlag(flags: ParsedFlags, name: string): number | undefined {
  const v = flags[name];
  if (v === undefined) return undefined;
  const n = Number(v);
  if (typeof v !== 'string' || v.trim() === '' || !Number.isFinite(n)) throw new UsageError(`Invalid value for --${name}: '${String(v)}' is not a number.`);
  return n;
}

/** Validates --env-manager as MLflow does (it matters to the Python engine) and warns about flags that have no effect for mlserve. */
export function checkEnvManager(flags: ParsedFlags, warn: (m: string) => void): EnvManager {
  const value = (flags['env-manager'] as string | undefined) ?? 'local';
  if (!ENV_MANAGERS.includes(value as EnvManager)) {
    throw new UsageError(`Invalid value for \`env_manager\`: ${value}. Must be one of ['local', 'conda', 'virtualenv', 'uv']`);
  }
  for (const flag of ['no-conda', 'install-mlflow', 'enable-mlserver']) {
    if (flags[flag]) warn(`mlserve: --${flag} is accepted for MLflow compatibility and has no effect.`);
  }
  return value as EnvManager;
}

/** Reads --engine; undefined when absent. */
export function engineFlag(flags: ParsedFlags): EngineName | undefined {
  const value = flags.engine as string | undefined;
  if (value !== undefined && !ENGINES.includes(value as EngineName)) throw new UsageError(`Invalid value for --engine: '${value}'. Must be one of ${ENGINES.join(', ')}.`);
  return value as EngineName | undefined;
}

/** Writes a line to stderr. */
export function warn(message: string): void {
  process.stderr.write(`${message}\n`);
}
