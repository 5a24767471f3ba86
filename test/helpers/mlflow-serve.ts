// Test helper: run the real `mlflow models serve` (from the MLflow venv) on a free port, for side-by-side comparisons.

import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';

/** A running `mlflow models serve`. */
export interface MlflowServer {
  readonly url: string;
  /** Everything it wrote so far. */
  output(): string;
  close(): Promise<void>;
}

/** A port that was free a moment ago (uvicorn cannot be given port 0 through `mlflow models serve`). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // uvicorn runs under `bash -c exec`: the whole process group goes.
  try {
    process.kill(-child.pid!, 'SIGTERM');
  } catch {
    child.kill('SIGTERM');
  }
  const timer = setTimeout(() => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      child.kill('SIGKILL');
    }
  }, 10_000);
  await exited;
  clearTimeout(timer);
}

/** Starts `mlflow models serve -m <dir> --env-manager local`; resolves once /ping answers 200. */
export async function startMlflowServer(python: string, modelDir: string, options: { workers?: number; env?: Record<string, string>; timeoutMs?: number } = {}): Promise<MlflowServer> {
  const mlflow = join(dirname(python), 'mlflow');
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const args = ['models', 'serve', '-m', modelDir, '-p', String(port), '-h', '127.0.0.1', '--env-manager', 'local'];
    if (options.workers) args.push('-w', String(options.workers));
    const child = spawn(mlflow, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...options.env } });
    let output = '';
    child.stdout!.on('data', (d) => (output += d));
    child.stderr!.on('data', (d) => (output += d));
    const url = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + (options.timeoutMs ?? 120_000);
    while (Date.now() < deadline && child.exitCode === null) {
      const ok = await fetch(`${url}/ping`).then((r) => r.ok, () => false);
      if (ok) return { url, output: () => output, close: () => stop(child) };
      await new Promise((r) => setTimeout(r, 250));
    }
    await stop(child);
    // Another process took the port between the check and uvicorn's bind: try another.
    if (/address already in use/i.test(output) && attempt < 3) continue;
    throw new Error(`mlflow models serve did not start:\n${output.slice(-3000)}`);
  }
}
