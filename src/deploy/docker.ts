// Owns talking to the Docker CLI for `build-docker`: is an engine there (`docker info`), and `docker build`.

import { spawn } from 'node:child_process';
import { ServingError } from '../errors.js';

/** The outcome of a child process. */
interface Run {
  readonly code: number | null;
  readonly output: string;
  readonly error?: Error;
}

function run(command: string, args: readonly string[], cwd: string | undefined, onOutput?: (chunk: Buffer) => void): Promise<Run> {
  return new Promise((resolve) => {
    let output = '';
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const collect = (chunk: Buffer): void => {
      if (onOutput) onOutput(chunk);
      else output += chunk.toString();
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', (error) => resolve({ code: null, output, error }));
    child.on('close', (code) => resolve({ code, output }));
  });
}

/**
 * Checks that a Docker engine answers (`docker info` exits 0). Throws a TEMPORARILY_UNAVAILABLE
 * ServingError that says why and what to do otherwise (no docker binary, or no engine behind it).
 */
export async function ensureDockerEngine(docker = 'docker'): Promise<void> {
  const r = await run(docker, ['info'], undefined);
  if (r.code === 0) return;
  const why = r.error
    ? `the '${docker}' command was not found (${r.error.message})`
    : `\`${docker} info\` failed with exit code ${r.code}${r.output.trim() ? `: ${r.output.trim().split('\n').slice(-3).join(' ')}` : ''}`;
  throw new ServingError(
    'TEMPORARILY_UNAVAILABLE',
    `No Docker engine is available: ${why}. Start Docker (or point DOCKER_HOST at an engine), or run \`mlserve models generate-dockerfile\` and build the context elsewhere.`,
  );
}

/**
 * Runs `docker build -t <tag> -f Dockerfile .` in `contextDir`, streaming its output to `onOutput`.
 * Throws an INTERNAL_ERROR ServingError when the build fails (MLflow: "Docker build failed.").
 */
export async function dockerBuild(contextDir: string, tag: string, onOutput: (chunk: Buffer) => void, docker = 'docker'): Promise<void> {
  const r = await run(docker, ['build', '-t', tag, '-f', 'Dockerfile', '.'], contextDir, onOutput);
  if (r.code !== 0) {
    throw new ServingError('INTERNAL_ERROR', `Docker build failed (${r.error ? r.error.message : `exit code ${r.code}`}); see the build output above.`);
  }
}
