// Owns the registry of served models: name -> the version serving now, its state and options. Loads,
// unloads and reloads (a new version loaded beside the old, then an atomic switch; the old one is
// released once the requests that took it are answered). One operation at a time per model, so a
// model never holds more than two versions.

import { BadRequestError, ModelNotFoundError, TemporarilyUnavailableError } from '../errors.js';
import { resolveServeOptions, type Env, type ServeOptions } from '../config/options.js';
import type { ServerState } from '../server/app.js';
import type { Logger } from '../logger.js';
import type { ModelMetrics } from '../metrics/model-metrics.js';
import { describeUri, loadVersion, resolveVersion, type LoadDeps, type LoadedVersion } from './load.js';
import type { ModelSpec } from './spec.js';
import { parseModelUri, type ParsedUri } from '../uri/parse.js';

/** A model's state, as the V2 repository index reports it. */
export type ModelState = 'READY' | 'LOADING' | 'UNLOADING' | 'UNAVAILABLE';

/** One served model. */
export interface ModelEntry {
  readonly name: string;
  readonly spec: ModelSpec;
  /** The server's options with the model's own over them. */
  readonly options: Readonly<ServeOptions>;
  /** The version serving now; undefined while loading for the first time, or once unloaded. */
  readonly current: LoadedVersion | undefined;
  readonly state: ModelState;
  /** Why the model is in its state (a failed load, an unload), '' when ready. */
  readonly reason: string;
}

interface Entry extends ModelEntry {
  current: LoadedVersion | undefined;
  state: ModelState;
  reason: string;
  /**
   * The last queued operation on this model (load, unload, check) and the release of the version it
   * replaced: operations run one after another, each after the previous one's old version is gone.
   */
  chain: Promise<unknown>;
  /** The release of the version the last switch replaced (it finishes after the operation answers). */
  releasing?: Promise<void>;
}

/** What the registry needs from the server. */
export interface RegistryDeps {
  readonly options: Readonly<ServeOptions>;
  readonly env: Env;
  readonly logger: Logger;
  readonly state: ServerState;
  readonly metrics: ModelMetrics;
  /** Builds the load dependencies of one model (its hooks, readiness, base path). */
  loadDeps(entry: ModelEntry, reload: boolean): LoadDeps;
  /** Called after every switch of a model's version (the server updates its fast path). */
  onSwitch(): void;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms).unref());

/** The outcome of a version check. */
export type CheckResult = { readonly model: string; readonly switched: boolean; readonly from?: string; readonly to?: string; readonly error?: string };

/** The served models, by name (insertion order: the order they were given). */
export class ModelRegistry {
  private readonly entries = new Map<string, Entry>();
  private closed = false;

  constructor(private readonly deps: RegistryDeps) {}

  /** Adds a model (not loaded yet). */
  add(spec: ModelSpec): ModelEntry {
    if (this.entries.has(spec.name)) throw new BadRequestError(`Two models are named '${spec.name}': give each -m its own name (-m NAME=URI).`);
    // The model's own options over the server's, validated as the server's are (InvalidOptionsError).
    const own = Object.fromEntries(Object.entries(spec.options).filter(([, v]) => v !== undefined));
    const options = resolveServeOptions({ ...this.deps.options, ...own, modelUri: spec.uri, modelName: spec.name });
    const entry: Entry = { name: spec.name, spec, options, current: undefined, state: 'UNAVAILABLE', reason: 'not loaded', chain: Promise.resolve() };
    this.entries.set(spec.name, entry);
    return entry;
  }

  get size(): number {
    return this.entries.size;
  }

  get(name: string): ModelEntry | undefined {
    return this.entries.get(name);
  }

  list(): ModelEntry[] {
    return [...this.entries.values()];
  }

  /** Runs `op` after the model's previous operation (whatever its outcome). */
  private queue<T>(entry: Entry, op: () => Promise<T>): Promise<T> {
    const run = entry.chain.then(op, op);
    entry.chain = run.catch(() => undefined).then(() => entry.releasing);
    return run;
  }

  /**
   * Loads the model (or loads it again from its URI, beside the version serving now, then switches).
   * Rejects when it fails; a version already serving keeps serving.
   */
  load(name: string): Promise<LoadedVersion> {
    const entry = this.mustGet(name);
    return this.queue(entry, async () => {
      if (this.closed) throw new TemporarilyUnavailableError('The server is shutting down.', 1);
      const reload = entry.current !== undefined;
      if (!reload) {
        entry.state = 'LOADING';
        entry.reason = '';
      }
      try {
        const next = await loadVersion(entry.name, entry.options, this.deps.loadDeps(entry, reload));
        this.switchTo(entry, next);
        return next;
      } catch (err) {
        if (!reload) {
          entry.state = 'UNAVAILABLE';
          entry.reason = `load failed: ${(err as Error).message}`;
        }
        throw err;
      }
    });
  }

  /** Unloads the model: requests that took it are answered first, then its workers stop. */
  unload(name: string): Promise<void> {
    const entry = this.mustGet(name);
    return this.queue(entry, async () => {
      if (!entry.current) throw new BadRequestError(`Model '${name}' is not loaded.`);
      entry.state = 'UNLOADING';
      entry.reason = 'answering the requests it has taken';
      this.switchTo(entry, undefined);
      void entry.releasing?.then(() => {
        if (entry.current) return;
        entry.state = 'UNAVAILABLE';
        entry.reason = 'unloaded';
      });
    });
  }

  /**
   * Re-resolves the model's URI (an alias, `latest` or a stage may point elsewhere now); a new version
   * is loaded and warmed beside the old, then served. A failure keeps the old version, logged and counted.
   */
  check(name: string): Promise<CheckResult> {
    const entry = this.mustGet(name);
    const { logger } = this.deps;
    return this.queue(entry, async (): Promise<CheckResult> => {
      const old = entry.current;
      if (!old || this.closed) return { model: name, switched: false };
      const from = old.model.registered?.version;
      let to: string | undefined;
      try {
        const where = await resolveVersion(entry.options.modelUri, entry.options, this.deps.env, logger);
        to = where.registered?.version;
        if (to === from) return { model: name, switched: false, from, to };
        logger.info(`model '${name}': ${entry.options.modelUri} now names version ${to} (serving ${from}); loading it beside the old one`);
        const next = await loadVersion(entry.name, entry.options, this.deps.loadDeps(entry, true), where);
        if (this.closed) {
          await next.close();
          return { model: name, switched: false, from, to };
        }
        this.switchTo(entry, next);
        this.deps.metrics.reloads.inc({ model: name, result: 'success' });
        logger.info(`model '${name}' switched to ${describeUri(entry.options.modelUri, next.model.registered)} (loaded in ${next.loadSeconds.toFixed(2)} s)`, { model: name, model_version: to });
        return { model: name, switched: true, from, to };
      } catch (err) {
        this.deps.metrics.reloads.inc({ model: name, result: 'failure' });
        const error = (err as Error).message;
        logger.error(`model '${name}': version ${to ?? '(unresolved)'} of ${entry.options.modelUri} failed to load; still serving version ${from}: ${error}`, { model: name });
        return { model: name, switched: false, from, to, error };
      }
    });
  }

  /** Checks every model whose URI can name another version over time (alias, latest, stage). */
  checkAll(): Promise<CheckResult[]> {
    return Promise.all(this.list().filter((e) => follows(e.options.modelUri)).map((e) => this.check(e.name)));
  }

  /** Releases every model (after the server stopped taking requests). */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(
      [...this.entries.values()].map((e) =>
        e.chain.then(async () => {
          const v = e.current;
          e.current = undefined;
          await v?.close();
        }),
      ),
    );
  }

  private mustGet(name: string): Entry {
    const entry = this.entries.get(name);
    if (!entry) throw new ModelNotFoundError(`Model '${name}' is not in this server's repository.`);
    return entry;
  }

  /**
   * The atomic switch: requests from now on take `next`. The old version is released once those that
   * took it are answered, in the background (the request that asked for the switch is one of those in
   * flight); the model's next operation waits for it.
   */
  private switchTo(entry: Entry, next: LoadedVersion | undefined): void {
    const old = entry.current;
    entry.current = next;
    if (next) {
      entry.state = 'READY';
      entry.reason = '';
    }
    this.deps.onSwitch();
    entry.releasing = old ? this.release(old).catch((err: unknown) => this.deps.logger.error(`model '${entry.name}': releasing the old version failed: ${(err as Error).message}`)) : undefined;
  }

  /**
   * Waits until every request in flight at the switch is answered (each took the version it found,
   * synchronously, when it arrived), and the old version's model calls are done, bounded by the
   * model's time-out (its requests are answered 504 by then); then closes it.
   */
  private async release(old: LoadedVersion): Promise<void> {
    const { state } = this.deps;
    const pending = state.unanswered.stillPending();
    const until = Date.now() + old.options.timeoutSeconds * 1000 + 1000;
    while (Date.now() < until && (pending() || old.predictor.queued > 0 || (old.predictor.inFlight ?? 0) > 0)) await sleep(10);
    await old.close();
  }
}

/** True when the URI may name another version later: a registered alias, `latest` or a stage (parse.ts's grammar). */
export function follows(uri: string): boolean {
  let parsed: ParsedUri;
  try {
    parsed = parseModelUri(uri);
  } catch {
    return false;
  }
  return parsed.kind === 'models' && (parsed.ref.type === 'alias' || parsed.ref.type === 'latest' || parsed.ref.type === 'stage');
}
