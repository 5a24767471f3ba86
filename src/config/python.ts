// Owns the Python engine's settings read from flags and the environment: the interpreter, and where built environments are kept.

import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Env } from './options.js';

/** How the Python engine finds Python. */
export interface PythonSettings {
  /** Interpreter for `--env-manager local`: a path, or a name looked up on PATH. @default 'python3' (env MLSERVE_PYTHON) */
  readonly executable: string;
  /** Where `executable` came from, for messages: `--python`, `MLSERVE_PYTHON` or `python3 on PATH`. */
  readonly origin: string;
  /** Folder of the environments `--env-manager virtualenv|uv` builds. @default '~/.cache/mlserve/envs' (env MLSERVE_ENV_DIR, else $XDG_CACHE_HOME/mlserve/envs) */
  readonly envDir: string;
  /** Where the env managers' tools (pyenv, uv, python3.X) are looked up. @default env PATH */
  readonly searchPath: string;
}

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v.trim() === '' ? undefined : v;
}

/** Resolves the settings: `--python` over env MLSERVE_PYTHON over `python3` on PATH. */
export function readPythonSettings(pythonFlag: string | undefined, env: Env, home: string = homedir()): Readonly<PythonSettings> {
  const fromEnv = nonEmpty(env.MLSERVE_PYTHON);
  const [executable, origin] = pythonFlag !== undefined ? [pythonFlag, '--python'] : fromEnv !== undefined ? [fromEnv, 'MLSERVE_PYTHON'] : ['python3', 'python3 on PATH'];
  const envDir = resolve(nonEmpty(env.MLSERVE_ENV_DIR) ?? join(nonEmpty(env.XDG_CACHE_HOME) ?? join(home, '.cache'), 'mlserve', 'envs'));
  return Object.freeze({ executable, origin, envDir, searchPath: env.PATH ?? '' });
}
