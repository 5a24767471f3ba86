// Owns server child processes for benchmarks: CPU pinning with taskset, start-up until a URL is printed, CPU time, stop.

import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { createServer, type AddressInfo } from 'node:net';
import { readProcessCpuMs } from './_cpu.js';

/** How the server child and the load generator are placed on CPUs. */
export interface Pinning {
  /** CPU for server children, or undefined when running unpinned. */
  readonly serverCpu?: number;
  /** One line for the report: what was pinned where, or why nothing was. */
  readonly description: string;
}

/**
 * Pins this process (all its threads, so the load generator) to CPU 1 and reserves CPU 0 for server
 * children, when taskset exists and both CPUs are usable; otherwise says why it runs unpinned.
 */
export function pinLoadGenerator(enabled: boolean): Pinning {
  if (!enabled) return { description: 'unpinned (--no-pin): server and load generator share CPUs, figures are noisier' };
  if (availableParallelism() < 2) return { description: 'unpinned (fewer than 2 CPUs available): figures are noisier' };
  try {
    execFileSync('taskset', ['-c', '0', 'true'], { stdio: 'ignore' });
    execFileSync('taskset', ['-a', '-cp', '1', String(process.pid)], { stdio: 'ignore' });
  } catch {
    return { description: 'unpinned (taskset not available or CPUs 0/1 not usable): figures are noisier' };
  }
  return { serverCpu: 0, description: 'pinned with taskset: server child on CPU 0, load generator on CPU 1' };
}

/** A started server child. */
export interface ServerChild {
  /** Base URL the child printed, e.g. `http://127.0.0.1:40123`. */
  readonly url: string;
  readonly pid: number;
  /** User + system CPU milliseconds the child has used so far, or undefined where /proc is missing. */
  cpuMs(): number | undefined;
  /** The last 16 kB the child wrote on stderr. */
  stderr(): string;
  /** True once the child has exited. */
  exited(): boolean;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the child has exited. */
  stop(graceMs?: number): Promise<void>;
}

const URL_PATTERN = /(http:\/\/[\w.[\]:-]+:\d+)/;
/** mlserve logs `listening at <url>` before the model loads, then `ready in ... at <url>`: wait for the second. */
const MLSERVE_READY = /ready in [^\n]*? at (http:\/\/[\w.[\]:-]+:\d+)/;
const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/**
 * Spawns `node <args>` (under `taskset -c CPU` when pinned) and resolves once it prints a URL on stderr,
 * or, with `knownUrl` (a server that logs nothing at its level), once `<knownUrl>/ping` answers 200.
 * Rejects with the child's stderr if it exits first or is not ready within `timeoutMs`.
 */
export function startServerChild(label: string, nodeArgs: readonly string[], pinning: Pinning, timeoutMs = 20_000, knownUrl?: string, stderrPath?: string): Promise<ServerChild> {
  const [command, args] =
    pinning.serverCpu === undefined
      ? [process.execPath, [...nodeArgs]]
      : ['taskset', ['-c', String(pinning.serverCpu), process.execPath, ...nodeArgs]];
  // With `stderrPath` (and `knownUrl`), the child's log goes to a file, as to a log collector, and costs this process nothing.
  const logFd = stderrPath === undefined || knownUrl === undefined ? undefined : openSync(stderrPath, 'w');
  const child = spawn(command, args, { stdio: ['ignore', 'ignore', logFd ?? 'pipe'] });
  if (logFd !== undefined) closeSync(logFd);
  running.add(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exited.then(() => running.delete(child));
  let stderr = '';
  let settled = false;
  return new Promise((resolve, reject) => {
    const fail = (why: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill('SIGKILL');
      const log = logFd === undefined ? stderr : readFileSync(stderrPath!, 'utf8');
      reject(new Error(`${label}: ${why}\n--- stderr ---\n${log.slice(-4000)}`));
    };
    const timer = setTimeout(() => fail(`printed no URL within ${timeoutMs} ms`), timeoutMs);
    child.once('error', (err) => fail(`could not start (${err.message})`));
    const onEarlyExit = (code: number | null, signal: string | null): void =>
      fail(`exited before it was ready (code ${code}, signal ${signal})`);
    child.once('exit', onEarlyExit);
    const ready = (url: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.off('exit', onEarlyExit);
      const pid = child.pid!;
      resolve({
        url,
        pid,
        cpuMs: () => readProcessCpuMs(pid),
        stderr: () => stderr,
        exited: () => child.exitCode !== null || child.signalCode !== null,
        async stop(graceMs = 5000) {
          if (child.exitCode !== null || child.signalCode !== null) return;
          child.kill('SIGTERM');
          const kill = setTimeout(() => child.kill('SIGKILL'), graceMs);
          await exited;
          clearTimeout(kill);
        },
      });
    };
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      // Keep draining (and keep a tail for error reports) so a chatty server never blocks on a full pipe.
      stderr = (stderr + chunk).slice(-16_000);
      const match = knownUrl === undefined ? (stderr.includes(' listening at ') ? MLSERVE_READY.exec(stderr) : URL_PATTERN.exec(stderr)) : null;
      if (match) ready(match[1]!);
    });
    if (knownUrl !== undefined) {
      const poll = (): void => {
        if (settled) return;
        fetch(`${knownUrl}/ping`).then(
          (r) => (r.status === 200 ? ready(knownUrl) : setTimeout(poll, 100)),
          () => setTimeout(poll, 100),
        );
      };
      poll();
    }
  });
}

/** A local port free now, for servers that take a port number rather than 0 (or print no URL). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}
