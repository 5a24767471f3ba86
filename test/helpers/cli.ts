// Test helper: run the built CLI to completion, or spawn its `models serve` and wait for the URL it prints once ready.

import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root (tests run from dist/test/...). */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../..');
/** The built CLI users run: package.json's bin (the bundle scripts/bundle.mjs writes in dist/cli/). */
export const BIN = join(ROOT, (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { bin: { mlserve: string } }).bin.mlserve);

/** A `models serve` child process. */
export interface ServeChild {
  readonly child: ChildProcess;
  readonly url: string;
  /** Everything the child wrote to stderr so far. */
  stderr(): string;
  /** Resolves with the exit code. */
  readonly exited: Promise<number | null>;
}

/** Spawns `mlserve models serve <args>` (in `cwd`, default the repository); resolves once it logs `ready in ... at http://...`, rejects if it exits first. */
export function spawnServe(args: readonly string[], env: NodeJS.ProcessEnv = process.env, cwd = ROOT): Promise<ServeChild> {
  const child = spawn(process.execPath, [BIN, 'models', 'serve', ...args], { cwd, env });
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  return new Promise((resolve, reject) => {
    child.stderr!.on('data', (d) => {
      stderr += d;
      const m = /ready in [^\n]*? at (http:\/\/[^\s,;"]+)/.exec(stderr);
      if (m) resolve({ child, url: m[1], stderr: () => stderr, exited });
    });
    void exited.then(() => reject(new Error(`mlserve exited before it was ready:\n${stderr}`)));
  });
}

/** What a finished CLI run printed and returned. */
export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the built CLI with `args` (and `env`, in `cwd`, default the repository) to completion, writing `stdin` to it first. */
export function runCli(args: readonly string[], stdin?: string, env: NodeJS.ProcessEnv = process.env, cwd = ROOT): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}
