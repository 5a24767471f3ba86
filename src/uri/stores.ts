// Owns the interfaces every tracking and registry store implements (file, SQLite, REST), and their records.

import type { RemoteTree } from './remote-tree.js';

/** What resolution needs of a run. */
export interface RunInfo {
  readonly runId: string;
  readonly experimentId: string;
  /** As the store holds it: `file:///…`, a plain path, `mlflow-artifacts:/…`, … */
  readonly artifactUri: string;
}

/** What resolution needs of an MLflow 3 logged model. */
export interface LoggedModelInfo {
  readonly modelId: string;
  readonly name: string;
  readonly experimentId: string;
  readonly sourceRunId?: string;
  readonly artifactLocation: string;
}

/** A registered model version (never one with stage `Deleted_Internal`). */
export interface VersionInfo {
  readonly name: string;
  /** Decimal string. */
  readonly version: string;
  /** `None`, `Staging`, `Production` or `Archived`. */
  readonly stage: string;
  readonly source?: string;
  /** Set by MLflow 3 to the logged model's artifact location; preferred over `source`. */
  readonly storageLocation?: string;
  readonly runId?: string;
  /** The logged model behind an MLflow 3 version, where the store records it. */
  readonly modelId?: string;
}

/** Reads runs and logged models. */
export interface TrackingStore {
  /** The store URI as shown in messages (credentials removed). */
  readonly displayUri: string;
  /** Throws ModelNotFoundError (`Run '<id>' not found` / `Run with id=<id> not found`). */
  getRun(runId: string): Promise<RunInfo>;
  /** Throws ModelNotFoundError for unknown or deleted models. */
  getLoggedModel(modelId: string): Promise<LoggedModelInfo>;
  /** The newest live logged model named `name` in `experimentId` whose source run is `runId` (spec §7.4 route 2). */
  findLoggedModel(experimentId: string, name: string, runId: string): Promise<LoggedModelInfo | undefined>;
  /** REST stores: the server's own routes to a run's or logged model's files, for locations the client cannot reach. */
  serverTree?(target: { runId: string } | { modelId: string }): RemoteTree;
  close(): void;
}

/** Reads the model registry. */
export interface RegistryStore {
  readonly displayUri: string;
  /** Throws ModelNotFoundError for an unknown model or version. */
  getVersion(name: string, version: string): Promise<VersionInfo>;
  /** Throws ModelNotFoundError for an unknown model, InvalidModelUriError for an unknown alias. */
  getVersionByAlias(name: string, alias: string): Promise<VersionInfo>;
  /** Latest version per stage (`stage` canonical), or over every stage when `stage` is undefined. */
  getLatestVersions(name: string, stage?: string): Promise<VersionInfo[]>;
  /** Where the version's files are: `storage_location`, else `source` (spec §7.3). */
  getDownloadUri(version: VersionInfo): Promise<string>;
  close(): void;
}

/** A store that is both (file, SQLite and REST stores serve tracking and registry from one URI). */
export type Store = TrackingStore & RegistryStore;
