// Owns the options of one resolution and the state it shares: merged settings, the HTTP client,
// and the stores, opened lazily, once per URI, and closed at the end.

import { readTrackingSettings, type TrackingSettings } from '../config/tracking.js';
import type { Env } from '../config/options.js';
import { HttpClient } from './http-client.js';
import { needsNodeTransport, nodeFetch, type FetchLike } from './node-fetch.js';
import { defaultTrackingUri, noStoreFound, openStore } from './store-uri.js';
import type { RegistryStore, Store, TrackingStore } from './stores.js';
import { silentLogger, type Logger } from '../logger.js';

/** A registered model version (what `models:/<name>@<alias>` and friends resolved to). */
export interface Registered {
  readonly name: string;
  readonly version: string;
}

/** Options of `resolveModelUri`. Explicit values win over `env`, which wins over MLflow's defaults. */
export interface ResolveOptions {
  /** Tracking store URI (`--tracking-uri`). @default env MLFLOW_TRACKING_URI, else ./mlruns or ./mlflow.db (spec §7.5) */
  trackingUri?: string;
  /** Registry store URI. @default env MLFLOW_REGISTRY_URI, else the tracking URI */
  registryUri?: string;
  /** Folder of cached downloads. @default env MLSERVE_CACHE_DIR, else ~/.cache/mlserve/models */
  cacheDir?: string;
  /** Download afresh into a temporary folder, bypassing the cache (`--no-cache`). @default false */
  noCache?: boolean;
  /** Environment variables to honour (pass `processEnv()`); uri/ never reads process.env. @default {} */
  env?: Env;
  /** HTTP transport, e.g. a stub in tests. @default globalThis.fetch, or node:https when TLS settings are set */
  fetch?: FetchLike;
  /** Folder for relative paths and the default store. @default process.cwd() */
  cwd?: string;
  /** Home folder for ~/.cache and ~/.mlflow/credentials. @default os.homedir() */
  home?: string;
  /** Where downloads report progress (start, files done, end). @default silentLogger */
  logger?: Logger;
}

/** What the resolvers share during one `resolveModelUri` call. */
export class ResolveContext {
  readonly settings: Readonly<TrackingSettings>;
  readonly cwd: string;
  readonly noCache: boolean;
  readonly logger: Logger;
  /** The first registered version resolved: the one the URI names (a version's source may name others). */
  registered?: Registered;
  /** Temporary folders of `noCache` downloads. */
  readonly temporary: string[] = [];
  private readonly fetchFn?: FetchLike;
  private httpClient?: HttpClient;
  private readonly stores = new Map<string, Promise<Store>>();

  constructor(
    options: ResolveOptions,
    /** The URI being resolved, for messages. */
    readonly uri: string,
  ) {
    const fromEnv = readTrackingSettings(options.env ?? {}, { home: options.home });
    this.settings = Object.freeze({
      ...fromEnv,
      trackingUri: options.trackingUri ?? fromEnv.trackingUri,
      registryUri: options.registryUri ?? fromEnv.registryUri,
      cacheDir: options.cacheDir ?? fromEnv.cacheDir,
    });
    this.cwd = options.cwd ?? process.cwd();
    this.noCache = options.noCache ?? false;
    this.logger = options.logger ?? silentLogger;
    this.fetchFn = options.fetch;
  }

  /** The REST client (created on first use). */
  http(): HttpClient {
    if (!this.httpClient) {
      const fetchFn = this.fetchFn ?? (needsNodeTransport(this.settings) ? nodeFetch(this.settings) : (url, init) => fetch(url, init));
      this.httpClient = new HttpClient(this.settings, fetchFn);
    }
    return this.httpClient;
  }

  /** The tracking URI in effect: explicit, env, or MLflow's default (spec §7.5). */
  trackingUri(): string {
    const uri = this.settings.trackingUri ?? defaultTrackingUri(this.cwd);
    if (uri === undefined) throw noStoreFound(this.cwd, this.uri);
    return uri;
  }

  /** The registry URI in effect: explicit, env, or the tracking URI. */
  registryUri(): string {
    return this.settings.registryUri ?? this.trackingUri();
  }

  private open(uri: string): Promise<Store> {
    let store = this.stores.get(uri);
    if (!store) {
      store = openStore(uri, this.cwd, this.settings.workspace, () => this.http());
      this.stores.set(uri, store);
    }
    return store;
  }

  /** The tracking store (opened on first use). */
  tracking(): Promise<TrackingStore> {
    return this.open(this.trackingUri());
  }

  /** The registry store; the same object as the tracking store when the URIs are equal. */
  registry(): Promise<RegistryStore> {
    return this.open(this.registryUri());
  }

  /** Closes every opened store. */
  async close(): Promise<void> {
    for (const s of this.stores.values()) (await s.catch(() => undefined))?.close();
  }
}
