// Owns reading MLflow's SQLite store (`sqlite:///…`; tables of spec §7.7) with sql.js, read-only.
// sql.js is WebAssembly: it loads the file into memory and never writes it back, so the database
// on disk is never created, locked or migrated. The fork's `workspace` columns are used when present.

import { existsSync, readFileSync } from 'node:fs';
import type { Database, SqlValue } from 'sql.js';
import { ModelNotFoundError } from '../errors.js';
import { latestPerStage } from './file-store.js';
import { aliasMiss, DELETED_STAGE, REGISTRY_MESSAGES, registryMiss, trackingMiss } from './messages.js';
import type { LoggedModelInfo, RunInfo, Store, VersionInfo } from './stores.js';

type Row = Record<string, SqlValue>;

let sqlModule: Promise<import('sql.js').SqlJsStatic> | undefined;

/** Loads sql.js once per process (about 25 ms: import plus WebAssembly compile). */
function loadSqlJs(): Promise<import('sql.js').SqlJsStatic> {
  sqlModule ??= import('sql.js').then((m) => m.default());
  return sqlModule;
}

/** Opens the MLflow database file at `path` (absolute); `displayUri` names it in messages. */
export async function openSqliteStore(path: string, displayUri: string, workspace = 'default'): Promise<Store> {
  if (!existsSync(path)) {
    throw new ModelNotFoundError(
      `No MLflow SQLite store at ${path} (tracking URI ${displayUri}): the file does not exist. mlserve only reads stores; set MLFLOW_TRACKING_URI (or --tracking-uri) to an existing store.`,
    );
  }
  const SQL = await loadSqlJs();
  const db = new SQL.Database(readFileSync(path));
  return new SqliteStore(db, displayUri, workspace);
}

function text(v: SqlValue | undefined): string | undefined {
  return v === null || v === undefined ? undefined : String(v);
}

class SqliteStore implements Store {
  private readonly columns = new Map<string, Set<string>>();

  constructor(
    private readonly db: Database,
    readonly displayUri: string,
    private readonly workspace: string,
  ) {}

  private rows(sql: string, params: SqlValue[]): Row[] {
    const st = this.db.prepare(sql);
    try {
      st.bind(params);
      const out: Row[] = [];
      while (st.step()) out.push(st.getAsObject() as Row);
      return out;
    } finally {
      st.free();
    }
  }

  /** `AND <alias>.workspace = ?` when the fork's column exists (spec §7.7), else nothing. */
  private ws(table: string, alias: string, params: SqlValue[]): string {
    let cols = this.columns.get(table);
    if (!cols) {
      cols = new Set(this.rows(`PRAGMA table_info(${table})`, []).map((r) => String(r.name)));
      if (cols.size === 0) {
        throw new ModelNotFoundError(`${this.displayUri} is not an MLflow tracking database: it has no table '${table}'.`);
      }
      this.columns.set(table, cols);
    }
    if (!cols.has('workspace')) return '';
    params.push(this.workspace);
    return ` AND ${alias}.workspace = ?`;
  }

  async getRun(runId: string): Promise<RunInfo> {
    const params: SqlValue[] = [runId];
    const sql = `SELECT r.run_uuid, r.experiment_id, r.artifact_uri FROM runs r JOIN experiments e ON e.experiment_id = r.experiment_id WHERE r.run_uuid = ?`;
    const [row] = this.rows(sql + this.ws('experiments', 'e', params), params);
    if (!row) throw trackingMiss(`Run with id=${runId} not found`, this.displayUri);
    return { runId, experimentId: String(row.experiment_id), artifactUri: text(row.artifact_uri) ?? '' };
  }

  private loggedModels(where: string, params: SqlValue[]): LoggedModelInfo[] {
    const sql = `SELECT m.* FROM logged_models m JOIN experiments e ON e.experiment_id = m.experiment_id WHERE ${where} AND COALESCE(m.lifecycle_stage, 'active') != 'deleted'`;
    const ws = this.ws('experiments', 'e', params);
    return this.rows(`${sql}${ws} ORDER BY m.creation_timestamp_ms DESC`, params).map((r) => ({
      modelId: String(r.model_id),
      name: text(r.name) ?? '',
      experimentId: String(r.experiment_id),
      sourceRunId: text(r.source_run_id),
      artifactLocation: text(r.artifact_location) ?? '',
    }));
  }

  async getLoggedModel(modelId: string): Promise<LoggedModelInfo> {
    const [found] = this.loggedModels('m.model_id = ?', [modelId]);
    if (!found) throw trackingMiss(`Logged model with ID '${modelId}' not found.`, this.displayUri);
    return found;
  }

  async findLoggedModel(experimentId: string, name: string, runId: string): Promise<LoggedModelInfo | undefined> {
    return this.loggedModels('m.experiment_id = ? AND m.name = ? AND m.source_run_id = ?', [Number(experimentId), name, runId])[0];
  }

  private checkModel(name: string): void {
    const params: SqlValue[] = [name];
    const found = this.rows(`SELECT 1 FROM registered_models r WHERE r.name = ?${this.ws('registered_models', 'r', params)}`, params);
    if (found.length === 0) throw registryMiss(REGISTRY_MESSAGES.model(name), this.displayUri);
  }

  private versions(name: string, version?: string): VersionInfo[] {
    const params: SqlValue[] = [name, DELETED_STAGE];
    let sql = `SELECT * FROM model_versions v WHERE v.name = ? AND COALESCE(v.current_stage, 'None') != ?`;
    if (version !== undefined) {
      sql += ' AND v.version = ?';
      params.push(Number(version));
    }
    return this.rows(sql + this.ws('model_versions', 'v', params), params).map((r) => ({
      name,
      version: String(r.version),
      stage: text(r.current_stage) ?? 'None',
      source: text(r.source),
      storageLocation: text(r.storage_location),
      runId: text(r.run_id),
    }));
  }

  async getVersion(name: string, version: string): Promise<VersionInfo> {
    this.checkModel(name);
    const [found] = this.versions(name, version);
    if (!found) throw registryMiss(REGISTRY_MESSAGES.version(name, version), this.displayUri);
    return found;
  }

  async getVersionByAlias(name: string, alias: string): Promise<VersionInfo> {
    this.checkModel(name);
    const params: SqlValue[] = [name, alias];
    const sql = `SELECT a.version FROM registered_model_aliases a WHERE a.name = ? AND a.alias = ?`;
    const [row] = this.rows(sql + this.ws('registered_model_aliases', 'a', params), params);
    if (!row) throw aliasMiss(alias, this.displayUri);
    return this.getVersion(name, String(row.version));
  }

  async getLatestVersions(name: string, stage?: string): Promise<VersionInfo[]> {
    this.checkModel(name);
    const all = this.versions(name).filter((v) => stage === undefined || v.stage.toLowerCase() === stage.toLowerCase());
    return latestPerStage(all);
  }

  async getDownloadUri(version: VersionInfo): Promise<string> {
    return version.storageLocation ?? version.source ?? '';
  }

  close(): void {
    this.db.close();
  }
}
