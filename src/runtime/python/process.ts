// Owns one Python worker process: spawn it, its start-up handshake, framed messages on fd 3, and its output in mlserve's log.

import type { Logger } from '../../logger.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { ModelLoadError } from '../../errors.js';
import { FrameReader, encodeFrame, type Payload, type ReadFrame } from './frames.js';
import { LineForwarder } from './log-lines.js';
import { PROTOCOL_VERSION, type FromPython } from './messages.js';

/** The worker's entry script, shipped in the package beside `dist/`. */
export const WORKER_SCRIPT = fileURLToPath(new URL('../../../../python/worker.py', import.meta.url));

/** How to run Python: the interpreter and where it came from (for messages). */
export interface PythonCommand {
  /** Interpreter path or name looked up on PATH. */
  readonly executable: string;
  /** Where the choice came from, e.g. `--python`, `MLSERVE_PYTHON`, `python3 on PATH`, `virtualenv`. */
  readonly origin: string;
}

/** What a started worker told about itself. */
export interface WorkerInfo {
  readonly python: string;
  readonly executable: string;
  readonly mlflow: string;
  /** The model defines predict_stream. */
  readonly stream: boolean;
}

/** Settings of one worker process. */
export interface ProcessOptions {
  readonly python: PythonCommand;
  readonly modelDir: string;
  /** Index in the pool, for log prefixes. */
  readonly index: number;
  /** Where worker output and notices go (one line per call). */
  readonly logger: Logger;
}

const HOW_TO_POINT = 'Point mlserve at an interpreter that has MLflow with --python PATH or MLSERVE_PYTHON, or let mlserve build the model\'s environment with --env-manager virtualenv or uv.';

/** A running Python worker. Frames after the handshake go to `onFrame`; `exited` settles when the process ends. */
export class PythonProcess {
  private readonly child: ChildProcess;
  private readonly channel: Socket;
  private readonly reader = new FrameReader();
  /** Its stdout and stderr, each split into lines on its own (a partial line of one must not swallow the other's). */
  private readonly output: [LineForwarder, LineForwarder];
  private hello?: Extract<FromPython, { k: 'hello' }>;
  private settleStart!: { resolve(info: WorkerInfo): void; reject(err: Error): void };
  private startFailure?: Error;
  private readyInfo?: WorkerInfo;
  /** Resolves once the model is loaded; rejects with a ModelLoadError naming the cause. */
  readonly started: Promise<WorkerInfo>;
  /** Resolves with the exit code (or signal name) when the process ends. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Receives every frame after `ready`. */
  onFrame: (frame: ReadFrame) => void = () => undefined;

  constructor(private readonly options: ProcessOptions) {
    this.started = new Promise((resolve, reject) => (this.settleStart = { resolve, reject }));
    // Callers attach to `started` later; a failed start is reported through it, never as unhandled.
    this.started.catch(() => undefined);
    const recent: string[] = [];
    const prefix = `[python worker ${options.index}] `;
    // What the model prints is the operator's to read: it goes to the log at info.
    const forward = (line: string): void => options.logger.info(line);
    this.output = [new LineForwarder(prefix, forward, undefined, 20, recent), new LineForwarder(prefix, forward, undefined, 20, recent)];
    this.child = spawn(options.python.executable, ['-u', WORKER_SCRIPT, options.modelDir], { stdio: ['ignore', 'pipe', 'pipe', 'pipe'] });
    this.channel = this.child.stdio[3] as Socket;
    this.child.stdout!.on('data', (d: Buffer) => this.output[0].push(d));
    this.child.stderr!.on('data', (d: Buffer) => this.output[1].push(d));
    this.channel.on('data', (d: Buffer) => this.receive(d));
    // The socket errors when the process dies mid-write; the exit handler reports that.
    this.channel.on('error', () => undefined);
    this.child.on('error', (err: NodeJS.ErrnoException) => {
      const what = err.code === 'ENOENT' ? 'was not found' : `could not be started (${err.message})`;
      this.failStart(new ModelLoadError(`The Python interpreter '${options.python.executable}' (${options.python.origin}) ${what}. ${HOW_TO_POINT}`));
    });
    this.exited = new Promise((resolve) =>
      this.child.on('close', (code, signal) => {
        for (const o of this.output) o.end();
        this.failStart(new ModelLoadError(this.exitMessage(code, signal)));
        resolve({ code, signal });
      }),
    );
  }

  /** Process id, when it started. */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** The process's resident memory now (VmRSS), in bytes; undefined when it has exited or the system does not say (not Linux). */
  residentBytes(): number | undefined {
    if (this.child.pid === undefined || this.child.exitCode !== null || this.child.signalCode !== null) return undefined;
    try {
      const m = /^VmRSS:\s*(\d+)\s*kB$/m.exec(readFileSync(`/proc/${this.child.pid}/status`, 'latin1'));
      return m ? Number(m[1]) * 1024 : undefined;
    } catch {
      return undefined;
    }
  }

  private exitMessage(code: number | null, signal: NodeJS.Signals | null): string {
    const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
    const recent = this.output[0].recent;
    const tail = recent.length ? ` Its last output:\n${recent.join('\n')}` : '';
    return `The Python worker (${this.options.python.executable}) ${how} before the model was loaded.${tail}`;
  }

  private failStart(err: Error): void {
    if (this.startFailure || this.readyInfo) return;
    this.startFailure = err;
    this.settleStart.reject(err);
    this.kill();
  }

  private receive(data: Buffer): void {
    try {
      for (const frame of this.reader.push(data)) {
        if (this.readyInfo) this.onFrame(frame);
        else this.handshake(frame.header as FromPython);
      }
    } catch (err) {
      // A message that breaks the protocol: the worker cannot be trusted with more (its requests fail as for a crash).
      this.options.logger.error(`python worker ${this.options.index} sent an unreadable message (${(err as Error).message}); stopping it`);
      this.kill();
    }
  }

  private handshake(msg: FromPython): void {
    const python = this.options.python;
    switch (msg.k) {
      case 'hello':
        if (msg.protocol !== PROTOCOL_VERSION) {
          this.failStart(new ModelLoadError(`The Python worker speaks protocol ${msg.protocol}, this mlserve ${PROTOCOL_VERSION}: its python/ folder and dist/ come from different versions. Reinstall mlserve.`));
        }
        this.hello = msg;
        return;
      case 'fatal':
        if (msg.why === 'mlflow') {
          this.failStart(new ModelLoadError(`The Python interpreter '${msg.executable ?? python.executable}' (${python.origin}) cannot import mlflow (${msg.message}). ${HOW_TO_POINT}`));
        } else {
          const trace = msg.trace ? `\n${msg.trace}` : '';
          this.failStart(new ModelLoadError(`MLflow could not load the model in ${this.options.modelDir} (${python.executable}): ${msg.message}${trace}`));
        }
        return;
      case 'ready':
        if (!this.hello) return this.failStart(new ModelLoadError('The Python worker said it was ready before it said hello.'));
        this.readyInfo = { python: this.hello.python, executable: this.hello.executable, mlflow: this.hello.mlflow, stream: msg.stream };
        this.settleStart.resolve(this.readyInfo);
        return;
      default:
        this.failStart(new ModelLoadError(`The Python worker sent '${(msg as { k: string }).k}' before it was ready.`));
    }
  }

  /** Sends one frame (ignored once the process has gone). */
  send(chunks: readonly Buffer[]): void {
    if (this.channel.destroyed) return;
    this.channel.cork();
    for (const c of chunks) this.channel.write(c);
    this.channel.uncork();
  }

  /** Sends a message built from header fields and a payload. */
  sendMessage(header: Record<string, unknown>, payload?: Payload): void {
    this.send(encodeFrame(header, payload));
  }

  /** Asks the worker to finish its current message and exit. */
  requestExit(): void {
    this.sendMessage({ k: 'exit' });
    this.channel.end();
  }

  /** Kills the process at once (SIGKILL: the worker ignores SIGTERM so that drains are not cut short). */
  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }
}
