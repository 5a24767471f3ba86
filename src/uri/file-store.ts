// Owns reading MLflow's file store (tracking and registry share one root, e.g. ./mlruns; spec §7.6), read-only.

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { ModelNotFoundError } from '../errors.js';
import { aliasMiss, DELETED_STAGE, isSafeSegment, REGISTRY_MESSAGES, registryMiss, trackingMiss } from './messages.js';
import type { LoggedModelInfo, RunInfo, Store, VersionInfo } from './stores.js';

type Meta = Record<string, unknown>;

/** Opens the file store rooted at `root` (an absolute folder); `displayUri` names it in messages. */
export function openFileStore(root: string, displayUri: string): Store {
  if (!existsSync(root) || !statSync(root).isDirectory()) {
    throw new ModelNotFoundError(`No MLflow file store at ${root} (tracking URI ${displayUri}): the folder does not exist.`);
  }
  return new FileStore(root, displayUri);
}

/** The `yaml` package, loaded on first use: it is slow to load, and only file stores need it here. */
let yamlParse: ((text: string) => unknown) | undefined;
function parseYaml(text: string): unknown {
  yamlParse ??= (createRequire(import.meta.url)('yaml') as typeof import('yaml')).parse;
  return yamlParse(text);
}

function readMeta(path: string): Meta | undefined {
  try {
    const doc = parseYaml(readFileSync(path, 'utf8'));
    return doc && typeof doc === 'object' ? (doc as Meta) : undefined;
  } catch {
    return undefined;
  }
}

function str(v: unknown): string | undefined {
  return v === null || v === undefined ? undefined : String(v);
}

function subdirs(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name);
  } catch {
    return [];
  }
}

class FileStore implements Store {
  constructor(
    private readonly root: string,
    readonly displayUri: string,
  ) {}

  /** Experiment folders, live ones first, then those in `.trash` (MLflow searches both). */
  private experimentDirs(): string[] {
    const isExp = (d: string) => existsSync(join(d, 'meta.yaml'));
    const live = subdirs(this.root).filter((n) => n !== '.trash' && n !== 'models').map((n) => join(this.root, n));
    const trash = subdirs(join(this.root, '.trash')).map((n) => join(this.root, '.trash', n));
    return [...live, ...trash].filter(isExp);
  }

  async getRun(runId: string): Promise<RunInfo> {
    if (isSafeSegment(runId)) {
      for (const exp of this.experimentDirs()) {
        const meta = readMeta(join(exp, runId, 'meta.yaml'));
        if (meta && str(meta.run_id ?? meta.run_uuid) === runId) {
          return { runId, experimentId: str(meta.experiment_id) ?? '', artifactUri: str(meta.artifact_uri) ?? '' };
        }
      }
    }
    throw trackingMiss(`Run '${runId}' not found`, this.displayUri);
  }

  private loggedModel(meta: Meta | undefined): LoggedModelInfo | undefined {
    if (!meta || meta.lifecycle_stage === 'deleted' || !meta.model_id) return undefined;
    return {
      modelId: String(meta.model_id),
      name: str(meta.name) ?? '',
      experimentId: str(meta.experiment_id) ?? '',
      sourceRunId: str(meta.source_run_id),
      artifactLocation: str(meta.artifact_location) ?? '',
    };
  }

  async getLoggedModel(modelId: string): Promise<LoggedModelInfo> {
    if (isSafeSegment(modelId)) {
      for (const exp of this.experimentDirs()) {
        const found = this.loggedModel(readMeta(join(exp, 'models', modelId, 'meta.yaml')));
        if (found) return found;
      }
    }
    throw trackingMiss(`Model '${modelId}' not found`, this.displayUri);
  }

  async findLoggedModel(experimentId: string, name: string, runId: string): Promise<LoggedModelInfo | undefined> {
    const exp = this.experimentDirs().find((d) => str(readMeta(join(d, 'meta.yaml'))?.experiment_id) === experimentId);
    if (!exp) return undefined;
    const found = subdirs(join(exp, 'models'))
      .map((id) => readMeta(join(exp, 'models', id, 'meta.yaml')))
      .filter((m): m is Meta => this.loggedModel(m)?.name === name && str(m?.source_run_id) === runId)
      .sort((a, b) => Number(b.creation_timestamp ?? 0) - Number(a.creation_timestamp ?? 0));
    return this.loggedModel(found[0]);
  }

  private modelDir(name: string): string {
    const dir = join(this.root, 'models', name);
    if (!isSafeSegment(name) || !existsSync(join(dir, 'meta.yaml'))) throw registryMiss(REGISTRY_MESSAGES.model(name), this.displayUri);
    return dir;
  }

  private version(dir: string, name: string, version: string): VersionInfo | undefined {
    const meta = readMeta(join(dir, `version-${version}`, 'meta.yaml'));
    const stage = str(meta?.current_stage) ?? 'None';
    if (!meta || stage === DELETED_STAGE) return undefined;
    return {
      name,
      version: String(meta.version ?? version),
      stage,
      source: str(meta.source),
      runId: str(meta.run_id),
      modelId: str(meta.model_id),
      storageLocation: str(meta.storage_location),
    };
  }

  async getVersion(name: string, version: string): Promise<VersionInfo> {
    const found = this.version(this.modelDir(name), name, version);
    if (!found) throw registryMiss(REGISTRY_MESSAGES.version(name, version), this.displayUri);
    return found;
  }

  async getVersionByAlias(name: string, alias: string): Promise<VersionInfo> {
    const dir = this.modelDir(name);
    let version: string;
    try {
      if (!isSafeSegment(alias)) throw new Error('unsafe alias');
      version = readFileSync(join(dir, 'aliases', alias), 'utf8').trim();
    } catch {
      throw aliasMiss(alias, this.displayUri);
    }
    return this.getVersion(name, version);
  }

  async getLatestVersions(name: string, stage?: string): Promise<VersionInfo[]> {
    const dir = this.modelDir(name);
    const all = subdirs(dir)
      .map((d) => /^version-(\d+)$/.exec(d)?.[1])
      .filter((v): v is string => v !== undefined)
      .map((v) => this.version(dir, name, v))
      .filter((v): v is VersionInfo => v !== undefined && (stage === undefined || v.stage.toLowerCase() === stage.toLowerCase()));
    return latestPerStage(all);
  }

  async getDownloadUri(version: VersionInfo): Promise<string> {
    return version.storageLocation ?? version.source ?? '';
  }

  close(): void {}
}

/** The highest version of each stage, highest first (MLflow's get_latest_versions). */
export function latestPerStage(versions: VersionInfo[]): VersionInfo[] {
  const best = new Map<string, VersionInfo>();
  for (const v of versions) {
    const cur = best.get(v.stage);
    if (!cur || Number(v.version) > Number(cur.version)) best.set(v.stage, v);
  }
  return [...best.values()].sort((a, b) => Number(b.version) - Number(a.version));
}
