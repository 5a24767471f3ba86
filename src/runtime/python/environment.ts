// Owns building a model's Python environment as MLflow's virtualenv and uv env managers do, cached by a hash of what defines it.
//
// The environment comes from the model's python_env.yaml (python version, build dependencies,
// dependencies, usually `-r requirements.txt`), or from requirements.txt and conda.yaml's python
// for models saved before python_env.yaml existed. It is built once under `envDir/<hash>`: the
// hash covers the env manager, python_env.yaml's content and every requirements file it names,
// so a changed requirement builds a new environment. A build in progress holds `<hash>.lock`;
// another mlserve waits for it. Only a finished build (marked complete) is ever used.

import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { delimiter, dirname, isAbsolute, join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ModelLoadError } from '../../errors.js';
import type { MLmodel } from '../../model/load.js';
import { LineForwarder } from './log-lines.js';
import type { Logger } from '../../logger.js';
import type { PythonCommand } from './process.js';

/** What MLflow's `_PythonEnv` holds. */
export interface ModelEnvironment {
  /** Python version (`3.11.7`, or a prefix such as `3.11`). */
  readonly python: string;
  readonly buildDependencies: readonly string[];
  readonly dependencies: readonly string[];
}

/** A request to build (or reuse) a model's environment. */
export interface EnvironmentRequest {
  readonly manager: 'virtualenv' | 'uv';
  readonly mlmodel: MLmodel;
  /** Folder holding the environments. */
  readonly envDir: string;
  /** Where progress and pip's output go. */
  readonly logger: Logger;
  /** Where executables are looked up (the PATH variable). */
  readonly searchPath?: string;
}

const COMPLETE = '.mlserve-complete';
const LOCK_WAIT_MS = 30 * 60_000;

function fail(manager: string, message: string): ModelLoadError {
  return new ModelLoadError(`Could not build the model's Python environment (--env-manager ${manager}): ${message}`);
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/** The python version conda.yaml pins (`python=3.11.7`), if any. */
function condaPython(file: string): string | undefined {
  if (!existsSync(file)) return undefined;
  const doc = parseYaml(readFileSync(file, 'utf8')) as { dependencies?: unknown[] } | null;
  for (const d of doc?.dependencies ?? []) {
    const m = typeof d === 'string' ? /^python\s*=+\s*([\d.]+)/.exec(d) : null;
    if (m) return m[1];
  }
  return undefined;
}

/** Reads the model's environment as MLflow does (`mlflow.utils.virtualenv._get_python_env`). */
export function readModelEnvironment(mlmodel: MLmodel): ModelEnvironment {
  const env = mlmodel.flavors.python_function?.env;
  const envFiles = (typeof env === 'object' && env !== null ? env : {}) as Record<string, unknown>;
  const pythonEnvFile = join(mlmodel.path, typeof envFiles.virtualenv === 'string' ? envFiles.virtualenv : 'python_env.yaml');
  if (existsSync(pythonEnvFile)) {
    const doc = (parseYaml(readFileSync(pythonEnvFile, 'utf8')) ?? {}) as Record<string, unknown>;
    if (typeof doc.python !== 'string' && typeof doc.python !== 'number') throw new ModelLoadError(`${pythonEnvFile} does not name a python version.`);
    return { python: String(doc.python), buildDependencies: strings(doc.build_dependencies), dependencies: strings(doc.dependencies) };
  }
  const condaFile = join(mlmodel.path, typeof env === 'string' ? env : typeof envFiles.conda === 'string' ? envFiles.conda : 'conda.yaml');
  const python = condaPython(condaFile);
  if (python === undefined || !existsSync(join(mlmodel.path, 'requirements.txt'))) {
    throw new ModelLoadError(`The model in ${mlmodel.path} has no python_env.yaml, and no requirements.txt with a python version in conda.yaml: its environment cannot be built. Serve it with --env-manager local.`);
  }
  return { python, buildDependencies: ['pip'], dependencies: ['-r requirements.txt'] };
}

/** Requirement lines with `-r`/`-c` files made absolute (relative to the model directory). */
function absoluteRequirements(lines: readonly string[], modelDir: string): string[] {
  return lines.map((line) => {
    const m = /^(-r|-c|--requirement|--constraint)\s*=?\s*(.+)$/.exec(line.trim());
    return m && !isAbsolute(m[2]) ? `${m[1]} ${join(modelDir, m[2])}` : line;
  });
}

/** The files requirement lines refer to, recursively (their content goes into the hash). */
function referencedFiles(lines: readonly string[], baseDir: string, seen = new Set<string>()): string[] {
  for (const line of lines) {
    const m = /^(?:-r|-c|--requirement|--constraint)\s*=?\s*(.+)$/.exec(line.trim());
    if (!m) continue;
    const file = resolve(baseDir, m[1]);
    if (seen.has(file) || !existsSync(file)) continue;
    seen.add(file);
    referencedFiles(readFileSync(file, 'utf8').split(/\r?\n/), dirname(file), seen);
  }
  return [...seen];
}

/** The cache key of an environment: 16 hex digits of a SHA-256 over what defines it. */
export function environmentKey(manager: string, env: ModelEnvironment, modelDir: string): string {
  const h = createHash('sha256').update(JSON.stringify([manager, env.python, env.buildDependencies, env.dependencies]));
  for (const file of referencedFiles([...env.buildDependencies, ...env.dependencies], modelDir)) h.update(readFileSync(file));
  return h.digest('hex').slice(0, 16);
}

/** Runs a command, forwarding its output to the log; resolves with its exit code and last output lines. */
function run(command: string, args: readonly string[], log: (line: string) => void, cwd?: string): Promise<{ code: number | null; output: string[] }> {
  return new Promise((resolvePromise) => {
    const recent: string[] = [];
    const out = new LineForwarder('[env] ', log, undefined, 200, recent);
    const err = new LineForwarder('[env] ', log, undefined, 200, recent);
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], cwd });
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', (e) => {
      out.end();
      err.end();
      resolvePromise({ code: null, output: [...recent, `${command}: ${e.message}`] });
    });
    child.on('close', (code) => {
      out.end();
      err.end();
      resolvePromise({ code, output: recent });
    });
  });
}

/** What pip (or uv) said went wrong, naming the package when it can. */
export function describeInstallFailure(output: readonly string[]): string {
  const text = output.join('\n');
  const pkg =
    /No matching distribution found for (\S+)/.exec(text)?.[1] ??
    /Could not find a version that satisfies the requirement (\S+)/.exec(text)?.[1] ??
    /Failed to build (\S+)/.exec(text)?.[1] ??
    /Because (\S+) was not found/.exec(text)?.[1] ??
    /No solution found when resolving dependencies:[\s\S]*?Because (\S+)/.exec(text)?.[1];
  const errors = output.filter((l) => /^\s*(ERROR|error)\b|×/.test(l));
  const said = (errors.length ? errors : output.slice(-15)).join('\n');
  return `${pkg ? `could not install ${pkg}` : 'installing the requirements failed'}. The installer said:\n${said}`;
}

function which(name: string, searchPath: string | undefined): string | undefined {
  for (const dir of (searchPath ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

/** A Python of `version` for virtualenv: pyenv's (installing it as MLflow does), else `python<major.minor>` on PATH. */
async function basePython(version: string, req: EnvironmentRequest): Promise<string> {
  const minor = version.split('.').slice(0, 2).join('.');
  const pyenv = which('pyenv', req.searchPath);
  if (pyenv) {
    const root = (await capture(pyenv, ['root'])).trim();
    const versions = await readdir(join(root, 'versions')).catch(() => [] as string[]);
    // An exact version (3.11.7) must match; a prefix (3.11) takes the newest 3.11.x installed.
    const found = /^\d+\.\d+\.\d+$/.test(version) ? versions.find((v) => v === version) : newest(versions.filter((v) => v.startsWith(`${minor}.`)));
    if (found) return join(root, 'versions', found, 'bin', 'python');
    req.logger.info(`installing Python ${version} with pyenv (as MLflow's virtualenv env manager does)`);
    const r = await run(pyenv, ['install', '--skip-existing', version], (l) => req.logger.info(l));
    if (r.code === 0) return join(root, 'versions', version, 'bin', 'python');
  }
  const onPath = which(`python${minor}`, req.searchPath);
  if (onPath) return onPath;
  throw fail('virtualenv', `the model needs Python ${version}, and neither pyenv nor python${minor} on PATH provides it. Install it (pyenv install ${version}), use --env-manager uv, or serve with --env-manager local --python PATH.`);
}

/** The highest of `x.y.z` versions, compared numerically. */
function newest(versions: readonly string[]): string | undefined {
  const parts = (v: string): number[] => v.split('.').map(Number);
  return [...versions].filter((v) => /^\d+\.\d+\.\d+$/.test(v)).sort((a, b) => {
    const [x, y] = [parts(a), parts(b)];
    return x[0] - y[0] || x[1] - y[1] || x[2] - y[2];
  }).pop();
}

function capture(command: string, args: readonly string[]): Promise<string> {
  return new Promise((resolvePromise) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d));
    child.on('error', () => resolvePromise(''));
    child.on('close', () => resolvePromise(out));
  });
}

/** Builds the environment into `dir` (which does not exist yet). */
async function build(dir: string, env: ModelEnvironment, req: EnvironmentRequest): Promise<void> {
  const manager = req.manager;
  const python = join(dir, 'bin', 'python');
  if (manager === 'uv') {
    const uv = which('uv', req.searchPath);
    if (!uv) throw fail('uv', 'uv was not found on PATH. Install it (pip install uv) or use --env-manager virtualenv.');
    const created = await run(uv, ['venv', dir, `--python=${env.python}`], (l) => req.logger.info(l));
    if (created.code !== 0) throw fail('uv', `uv could not create a Python ${env.python} environment:\n${created.output.slice(-10).join('\n')}`);
  } else {
    const base = await basePython(env.python, req);
    const created = await run(base, ['-m', 'venv', dir], (l) => req.logger.info(l));
    if (created.code !== 0) throw fail('virtualenv', `${base} -m venv failed:\n${created.output.slice(-10).join('\n')}`);
  }
  for (const deps of [env.buildDependencies, env.dependencies]) {
    if (deps.length === 0) continue;
    const file = join(dir, `mlserve-requirements-${deps === env.dependencies ? 'model' : 'build'}.txt`);
    await writeFile(file, absoluteRequirements(deps, req.mlmodel.path).join('\n') + '\n');
    const installed =
      manager === 'uv'
        ? await run(which('uv', req.searchPath)!, ['pip', 'install', '--python', python, '-r', file], (l) => req.logger.info(l), req.mlmodel.path)
        : await run(python, ['-m', 'pip', 'install', '-r', file], (l) => req.logger.info(l), req.mlmodel.path);
    if (installed.code !== 0) throw fail(manager, describeInstallFailure(installed.output));
  }
}

async function sleep(ms: number): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
}

/** Takes the build lock of `dir`, waiting while another live process holds it; false when the environment appeared meanwhile. */
async function lock(dir: string, log: (line: string) => void): Promise<boolean> {
  const lockDir = `${dir}.lock`;
  const deadline = Date.now() + LOCK_WAIT_MS;
  let told = false;
  for (;;) {
    if (existsSync(join(dir, COMPLETE))) return false;
    try {
      await mkdir(lockDir);
      await writeFile(join(lockDir, 'pid'), String(process.pid));
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const holder = Number(readFileSafe(join(lockDir, 'pid')));
    if (Number.isInteger(holder) && holder > 0 && !alive(holder)) {
      await rm(lockDir, { recursive: true, force: true });
      continue;
    }
    if (Date.now() > deadline) throw new ModelLoadError(`Waited ${LOCK_WAIT_MS / 60_000} minutes for another mlserve to build ${dir}; remove ${lockDir} if no build is running.`);
    if (!told) log(`another process is building ${dir}; waiting for it`);
    told = true;
    await sleep(1000);
  }
}

function readFileSafe(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The interpreter of the model's environment, building it first when the cache lacks it. */
export async function ensureEnvironment(req: EnvironmentRequest): Promise<PythonCommand> {
  const env = readModelEnvironment(req.mlmodel);
  const dir = join(req.envDir, environmentKey(req.manager, env, req.mlmodel.path));
  const command: PythonCommand = { executable: join(dir, 'bin', 'python'), origin: `the model's ${req.manager} environment in ${dir}` };
  if (existsSync(join(dir, COMPLETE))) return command;
  await mkdir(req.envDir, { recursive: true });
  if (!(await lock(dir, (l) => req.logger.info(l)))) return command;
  try {
    // A build that was interrupted left an incomplete folder: start over.
    await rm(dir, { recursive: true, force: true });
    req.logger.info(`building the model's Python environment (--env-manager ${req.manager}, Python ${env.python}) in ${dir}`);
    const began = Date.now();
    try {
      await build(dir, env, req);
    } catch (err) {
      await rm(dir, { recursive: true, force: true });
      throw err;
    }
    await writeFile(join(dir, COMPLETE), JSON.stringify({ model: req.mlmodel.path, manager: req.manager, python: env.python, builtAt: new Date().toISOString() }));
    req.logger.info(`the model's Python environment is ready (${((Date.now() - began) / 1000).toFixed(0)} s)`);
    return command;
  } finally {
    await rm(`${dir}.lock`, { recursive: true, force: true });
  }
}
