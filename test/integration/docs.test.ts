// The README and docs/ are complete and self-contained: every option of every command is documented, and
// every file a reader can follow exists in a clone.

import { it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { ROOT } from '../helpers/cli.js';
import { SERVE_FLAGS, PREDICT_FLAGS, GENERATE_DOCKERFILE_FLAGS, BUILD_DOCKER_FLAGS, GENERATE_KSERVE_FLAGS } from '../../src/cli/flags.js';

const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const DOCS = [join(ROOT, 'README.md'), join(ROOT, 'bench/README.md'), ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => join(ROOT, 'docs', f))];

it('documents every option of every command in the README', () => {
  const tables = { serve: SERVE_FLAGS, predict: PREDICT_FLAGS, 'generate-dockerfile': GENERATE_DOCKERFILE_FLAGS, 'build-docker': BUILD_DOCKER_FLAGS, 'generate-kserve': GENERATE_KSERVE_FLAGS };
  const missing: string[] = [];
  for (const [command, flags] of Object.entries(tables)) {
    for (const f of flags) if (!README.includes(`--${f.long}`)) missing.push(`${command} --${f.long}`);
  }
  assert.deepEqual(missing, []);
});

it('states the Node.js version, the programmatic API and the artifact stores it does not read', () => {
  const engines = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } }).engines.node;
  assert.ok(README.includes(`Node.js ${engines.replace('>=', '')} or later`), engines);
  for (const name of ['serve(', 'loadModel(', 'predictBatch(', 'resolveModel(', 'createLogger(']) assert.ok(README.includes(name), name);
  for (const scheme of ['s3://', 'gs://', 'wasbs://']) assert.ok(README.includes(scheme), scheme);
});

it('points only at files that exist in a clone: no ../shared, no internal spec sections', () => {
  const problems: string[] = [];
  for (const file of DOCS) {
    const text = readFileSync(file, 'utf8');
    for (const bad of ['../shared', 'spec §', 'STYLE.md']) if (text.includes(bad)) problems.push(`${file}: mentions ${bad}`);
    // Relative Markdown links.
    for (const m of text.matchAll(/\]\((?!https?:|#|mailto:)([^)#\s]+)/g)) {
      if (!existsSync(resolve(dirname(file), m[1]))) problems.push(`${file}: link to ${m[1]}`);
    }
    // Repository paths in backticks (`docs/x.md`, `src/...`, `test/...`, `bench/...`, `examples/...`).
    for (const m of text.matchAll(/`((?:docs|src|test|bench|examples)\/[\w./-]+\.\w+)`/g)) {
      if (!existsSync(join(ROOT, m[1]))) problems.push(`${file}: path ${m[1]}`);
    }
  }
  assert.deepEqual(problems, []);
});
