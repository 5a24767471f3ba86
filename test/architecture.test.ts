// Scans import statements under src/ and fails on an edge the STYLE guide's dependency graph does not allow.

import { it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../../src');

/**
 * Allowed imports per top-level module (a module may always import itself, errors.ts and logger.ts,
 * the two leaves every layer uses).
 * pipeline/ is the protocol core shared by server/ and batch/ (MLServer's dataplane): it sits
 * between them and runtime/codecs/schema.
 */
const ALLOWED: Record<string, string[]> = {
  cli: ['index', 'serve', 'server', 'batch', 'uri', 'config', 'model', 'version', 'deploy', 'openapi', 'models'],
  index: ['serve', 'server', 'batch', 'uri', 'config', 'model', 'data', 'flavors', 'schema', 'version', 'runtime'],
  serve: ['server', 'batch', 'uri', 'config', 'model', 'runtime', 'pipeline', 'schema', 'metrics', 'version', 'openapi', 'models'],
  // The registry of served models: loading, reloading and routing by name (serve() owns it).
  models: ['server', 'uri', 'config', 'model', 'runtime', 'pipeline', 'schema', 'metrics', 'version', 'openapi'],
  server: ['pipeline', 'runtime', 'codecs', 'model', 'config', 'schema', 'data', 'metrics'],
  metrics: [],
  batch: ['pipeline', 'runtime', 'codecs', 'model', 'config', 'schema', 'data'],
  pipeline: ['runtime', 'codecs', 'schema', 'model', 'flavors', 'data'],
  runtime: ['model', 'flavors', 'schema', 'data'],
  model: ['flavors', 'schema', 'data'],
  codecs: ['schema', 'data'],
  schema: ['data'],
  flavors: ['data', 'schema', 'pyobj'],
  data: [],
  pyobj: [],
  config: [],
  uri: ['config'],
  deploy: ['version'],
  // The API description of one model: signature -> JSON Schema, the OpenAPI document, the typed client.
  openapi: ['model', 'schema', 'codecs', 'data'],
  version: [],
  errors: [],
  logger: [],
};

/** The only code that may print with console.* (STYLE.md: cli/ prints for humans; logger.ts writes logs). */
function mayUseConsole(file: string): boolean {
  const rel = relative(SRC, file).split(/[\\/]/);
  return rel[0] === 'cli' || rel.join('/') === 'logger.ts';
}

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') && !p.endsWith('.test.ts') ? [p] : [];
  });
}

function moduleOf(path: string): string {
  const rel = relative(SRC, path).split(/[\\/]/);
  return rel.length === 1 ? rel[0].replace(/\.ts$/, '') : rel[0];
}

it('src/ imports follow the dependency direction of STYLE.md', () => {
  const violations: string[] = [];
  for (const file of files(SRC)) {
    const from = moduleOf(file);
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)) {
      const to = moduleOf(resolve(dirname(file), m[1].replace(/\.js$/, '.ts')));
      if (to === from || to === 'errors' || to === 'logger') continue;
      if (from === 'flavors' && m[0].includes('import type')) continue;
      if (!(ALLOWED[from] ?? []).includes(to)) violations.push(`${relative(SRC, file)} imports ${m[1]} (${from} -> ${to})`);
    }
  }
  assert.deepEqual(violations, []);
});

it('only cli/ and logger.ts print: no console.* elsewhere under src/ (log through the Logger passed down)', () => {
  const offenders: string[] = [];
  for (const file of files(SRC)) {
    if (mayUseConsole(file)) continue;
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/\bconsole\.(log|error|warn|info|debug)\s*\(/g)) offenders.push(`${relative(SRC, file)}: ${m[0]}`);
  }
  assert.deepEqual(offenders, []);
});
