// Test helper: copy the MLflow 3.6 fixture stores (test/fixtures/stores) to a temporary folder and
// rewrite their `file:///srv/mlserve-fixtures` prefix to it, as the fixtures' README prescribes.

import { cpSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { tempDir } from './temp.js';

/** The fixtures as checked in. */
export const STORES_FIXTURE = join(dirname(fileURLToPath(import.meta.url)), '../../../test/fixtures/stores');
const PREFIX = 'file:///srv/mlserve-fixtures';

/** One store's part of `uris.json`. */
export interface StoreFacts {
  tracking_uri: string;
  experiment: { id: string; artifact_location: string };
  runs: Record<string, { logged_model_id: string; logged_model_name: string; run_name: string }>;
  logged_models: Record<string, { key: string; folder: string; source_run_id: string }>;
  registered_models: Record<string, { versions: Record<string, { folder: string }>; aliases: Record<string, string> }>;
  uris: Record<string, { folder: string; files: string[]; registered_model_version: string | null; 'predict_5.1_3.5_1.4_0.2': unknown }>;
  misses: Record<string, { error_code: string; message: string }>;
}

/** A rewritten copy of the stores. */
export interface StoresCopy {
  /** Root of the copy (plays the role of /srv/mlserve-fixtures). */
  root: string;
  fileUri: string;
  sqliteUri: string;
  facts: { file_store: StoreFacts; sqlite_store: StoreFacts };
  remove(): void;
}

function rewriteYaml(dir: string, to: string): void {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) rewriteYaml(p, to);
    else if (name === 'meta.yaml' || name === 'MLmodel') writeFileSync(p, readFileSync(p, 'utf8').replaceAll(PREFIX, to));
  }
}

/** Rewrites the four columns that hold the prefix, with sql.js (the test's own write, not mlserve's). */
async function rewriteDb(path: string, to: string): Promise<void> {
  const { default: init } = await import('sql.js');
  const SQL = await init();
  const db = new SQL.Database(readFileSync(path));
  const cols: [string, string][] = [
    ['experiments', 'artifact_location'],
    ['runs', 'artifact_uri'],
    ['logged_models', 'artifact_location'],
    ['model_versions', 'storage_location'],
  ];
  for (const [table, col] of cols) db.run(`UPDATE ${table} SET ${col} = replace(${col}, ?, ?)`, [PREFIX, to]);
  writeFileSync(path, db.export());
  db.close();
}

/** Copies and rewrites the fixture stores; call `remove()` when done. */
export async function copyStores(): Promise<StoresCopy> {
  const root = tempDir('mlserve-stores-');
  cpSync(STORES_FIXTURE, root, { recursive: true });
  const to = pathToFileURL(root).href;
  rewriteYaml(join(root, 'mlruns'), to);
  rewriteYaml(join(root, 'mlartifacts'), to);
  await rewriteDb(join(root, 'mlflow.db'), to);
  const facts = JSON.parse(readFileSync(join(root, 'uris.json'), 'utf8'));
  return {
    root,
    fileUri: pathToFileURL(join(root, 'mlruns')).href,
    sqliteUri: `sqlite:///${join(root, 'mlflow.db')}`,
    facts,
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}
