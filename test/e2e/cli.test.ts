// The built CLI end to end: exit codes, stdout, stderr and files.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeModel } from '../helpers/model-dir.js';
import { spawnServe, ROOT, runCli } from '../helpers/cli.js';


describe('mlserve CLI', () => {
  it('prints its version and help', async () => {
    const v = await runCli(['--version']);
    assert.equal(v.code, 0);
    assert.match(v.stdout, /^\d+\.\d+\.\d+\n$/);
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    assert.equal(v.stdout.trim(), pkg.version);
    for (const args of [['--help'], ['models', 'serve', '--help'], ['models', 'predict', '--help']]) {
      const r = await runCli(args);
      assert.equal(r.code, 0);
      assert.match(r.stdout, /Usage: mlserve/);
    }
    const serveHelp = await runCli(['models', 'serve', '--help']);
    for (const flag of ['--model-uri', '--port', '--host', '--timeout', '--workers', '--env-manager', '--no-conda', '--install-mlflow']) assert.ok(serveHelp.stdout.includes(flag), flag);
  });

  it('fails with exit 2 and a usage message for unknown flags and commands', async () => {
    const a = await runCli(['models', 'serve', '--nope']);
    assert.equal(a.code, 2);
    assert.match(a.stderr, /nope/);
    const b = await runCli(['models', 'deploy']);
    assert.equal(b.code, 2);
  });

  it('rejects an invalid --env-manager with MLflow\'s message', async () => {
    const r = await runCli(['models', 'serve', '-m', makeModel(), '--env-manager', 'abc']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /Invalid value for `env_manager`: abc/);
  });

  it('exits non-zero naming MLmodel when the directory has none', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mlserve-empty-'));
    const r = await runCli(['models', 'serve', '-m', dir, '-p', '0']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Could not find an "MLmodel" configuration file/);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  });

  it('exits non-zero naming the file and the cause when the model fails to load', async () => {
    const bad = makeModel({ source: 'export async function load() { throw new Error("weights missing"); }\nexport function predict(x) { return x; }\n' });
    const r = await runCli(['models', 'serve', '-m', bad, '-p', '0']);
    assert.equal(r.code, 1);
    assert.ok(r.stderr.includes(join(bad, 'model.mjs')), r.stderr);
    assert.match(r.stderr, /weights missing/);
    const syntax = makeModel({ source: 'export function predict( {' });
    const s = await runCli(['models', 'serve', '-m', syntax, '-p', '0']);
    assert.equal(s.code, 1);
    assert.match(s.stderr, /SyntaxError/);
    const ts = makeModel({ source: 'export function predict(x: unknown): unknown { return x; }\n' });
    const { renameSync, writeFileSync: write } = await import('node:fs');
    renameSync(join(ts, 'model.mjs'), join(ts, 'model.ts'));
    write(join(ts, 'MLmodel'), 'flavors:\n  js_function:\n    entry: model.ts\n');
    // Node.js 23+ strips types by default and imports the module; the message is for older versions.
    if (Number(process.versions.node.split('.')[0]) < 22) {
      const tsRun = await runCli(['models', 'serve', '-m', ts, '-p', '0']);
      assert.equal(tsRun.code, 1);
      assert.match(tsRun.stderr, /is TypeScript, which this Node\.js .* cannot import directly\. Compile it/);
    }
    const onnx = await runCli(['models', 'serve', '-m', join(ROOT, 'test/fixtures/onnx/invalid'), '-p', '0']);
    assert.equal(onnx.code, 1);
    assert.match(onnx.stderr, /model\.onnx/);
  });

  it('explains that a models:/ URI needs a tracking store when none is found', async () => {
    const r = await runCli(['models', 'serve', '-m', 'models:/fraud@prod', '-p', '0']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Cannot resolve models:\/fraud@prod: no MLflow tracking store found/);
  });

  it('serves until SIGTERM and exits 0', async () => {
    const { child, url, stderr, exited } = await spawnServe(['-m', join(ROOT, 'examples/js-linear'), '-p', '0', '--no-conda']);
    assert.match(stderr(), /--no-conda is accepted for MLflow compatibility and has no effect/);
    const res = await fetch(`${url}/invocations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"dataframe_records": [{"x1": 1, "x2": 1}], "params": {"bias": 1}}' });
    assert.equal(await res.text(), '{"predictions": [0.5]}');
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
  });

  it('finishes in-flight requests after SIGTERM, then exits 0', async () => {
    const slow = makeModel({ source: 'export async function predict() { await new Promise((r) => setTimeout(r, 700)); return "finished"; }\n' });
    const { child, url, exited } = await spawnServe(['-m', slow, '-p', '0']);
    const inFlight = fetch(`${url}/invocations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"inputs": 1}' });
    await new Promise((r) => setTimeout(r, 200));
    child.kill('SIGTERM');
    const res = await inFlight;
    assert.equal(res.status, 200);
    assert.equal(await res.text(), '{"predictions": "finished"}');
    assert.equal(await exited, 0);
  });
});
