// Owns what every CLI command shares: usage errors, flag parsing with friendly errors, and compatibility flags.

import { ENGINES, ENV_MANAGERS, type EngineName, type EnvManager } from '../config/options.js';
import { parseFlags, type FlagSpec, type ParsedFlags } from './flags.js';
import { nearest } from './suggest.js';

/** An error that ends the command with a message and exit code 2, no stack trace. */
export class UsageError extends Error {}

/** `-p/--port`, or `--port`, as help prints the flag. */
function flagName(f: FlagSpec): string {
  return f.short ? `-${f.short}/--${f.long}` : `--${f.long}`;
}

/** Node's parse error as a usage message: the nearest known option for an unknown one, and where help is. */
function usageMessage(err: NodeJS.ErrnoException & { message: string }, table: readonly FlagSpec[], command: string): string {
  const help = `Run 'mlserve ${command} --help' for its options.`;
  const quoted = /'([^']*)'/.exec(err.message)?.[1];
  switch (err.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION': {
      const given = quoted ?? '';
      const guess = given.startsWith('--') ? nearest(given.slice(2).split('=')[0], table.map((f) => f.long)) : undefined;
      const hint = guess ? ` Did you mean --${guess}?` : '';
      return `Unknown option '${given}' for 'mlserve ${command}'.${hint} ${help}`;
    }
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE': {
      const flag = table.find((f) => err.message.includes(`--${f.long} `) || err.message.includes(`'--${f.long}'`) || (f.short !== undefined && err.message.includes(`'-${f.short}'`)));
      if (flag && /ambiguous/.test(err.message)) return `Option ${flagName(flag)} is followed by a value that looks like an option; write it as --${flag.long}=<value> (e.g. --${flag.long}=-1). ${help}`;
      if (flag?.kind === 'string') return `Option ${flagName(flag)} needs a value (${flag.valueName ?? 'VALUE'}). ${help}`;
      if (flag) return `Option ${flagName(flag)} takes no value. ${help}`;
      return `${err.message}. ${help}`;
    }
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `Unexpected argument '${quoted ?? ''}': 'mlserve ${command}' takes options only (a value with spaces needs quotes). ${help}`;
    default:
      return `${err.message} ${help}`;
  }
}

/** Parses flags of `mlserve <command>`, turning node's parse errors into UsageError with a hint. */
export function parse(argv: string[], table: readonly FlagSpec[], command: string): ParsedFlags {
  try {
    return parseFlags(argv, table);
  } catch (err) {
    throw new UsageError(usageMessage(err as NodeJS.ErrnoException, table, command));
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
