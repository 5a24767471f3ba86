// `models openapi` and `models generate-client` end to end: the printed document, and a generated client that compiles under tsc --strict and scores the model.

import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Validator } from '@seriousme/openapi-schema-validator';
import { ROOT, BIN } from '../helpers/cli.js';
import { startServer } from '../helpers/server.js';

interface Run { code: number | null; stdout: string; stderr: string }

function runCli(args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const TSC = join(ROOT, 'node_modules/typescript/bin/tsc');
const MODELS = { iris: 'examples/iris', linear: 'examples/js-linear', chat: 'test/conformance/models/echo_chat', cols: 'test/conformance/models/echo_cols', tensor: 'test/conformance/models/echo_tensor', nosig: 'test/conformance/models/echo_nosig', params: 'test/conformance/models/echo_params' };

describe('models openapi', () => {
  it('prints a valid OpenAPI 3.1 document of the model', async () => {
    const run = await runCli(['models', 'openapi', '-m', 'examples/iris', '--server-url', 'http://127.0.0.1:5000']);
    assert.equal(run.code, 0, run.stderr);
    const doc = JSON.parse(run.stdout);
    assert.equal((await new Validator().validate(doc)).valid, true);
    assert.deepEqual(doc.servers, [{ url: 'http://127.0.0.1:5000' }]);
    assert.ok(doc.paths['/v2/models/iris/infer']);
  });

  it('exits 2 without -m', async () => {
    const run = await runCli(['models', 'openapi']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /Missing option '-m'/);
  });
});

describe('models generate-client', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mlserve-client-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('writes clients that compile under tsc --strict with no dependencies (DOM and ES2022 libraries only)', async () => {
    for (const [name, model] of Object.entries(MODELS)) {
      const run = await runCli(['models', 'generate-client', '-m', model, '-o', join(dir, `${name}.ts`)]);
      assert.equal(run.code, 0, run.stderr);
    }
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { strict: true, target: 'ES2022', module: 'ES2022', moduleResolution: 'bundler', lib: ['ES2022', 'DOM'], types: [], outDir: 'out', declaration: false }, include: ['*.ts'] }),
    );
    writeFileSync(join(dir, 'package.json'), '{"type": "module"}');
    execFileSync(process.execPath, [TSC, '-p', join(dir, 'tsconfig.json')], { cwd: dir, stdio: 'pipe' });
    assert.match(readFileSync(join(dir, 'linear.ts'), 'utf8'), /export interface ModelInputRow \{\n {2}\/\*\* double \*\/\n {2}x1: number;/);
  });

  it('scores the model, rejects bad input with a typed MlflowError, and chats', async () => {
    const linear = await startServer(join(ROOT, MODELS.linear), { workers: 1 });
    const chat = await startServer(join(ROOT, MODELS.chat), { workers: 1 });
    try {
      const { ModelClient, MlflowError } = await import(pathToFileURL(join(dir, 'out/linear.js')).href);
      const client = new ModelClient(linear.url);
      assert.equal(await client.ping(), true);
      assert.deepEqual(await client.predict([{ x1: 1, x2: 2 }, { x1: 3, x2: 4 }]), [-3.5, -5.5]);
      assert.deepEqual(await client.predict([{ x1: 1, x2: 2 }], { bias: 10 }), [6.5]);
      assert.deepEqual(await client.predictCsv('x1,x2\n1,2\n'), [-3.5]);
      await assert.rejects(client.predict([{ x1: 1 }]), (err: InstanceType<typeof MlflowError>) => {
        assert.ok(err instanceof MlflowError);
        assert.equal(err.status, 400);
        assert.equal(err.errorCode, 'INVALID_PARAMETER_VALUE');
        assert.match(err.message, /missing inputs/);
        return true;
      });
      const chatClient = new (await import(pathToFileURL(join(dir, 'out/chat.js')).href)).ModelClient(chat.url);
      const answer = await chatClient.chat([{ role: 'user', content: 'hi' }], { temperature: 0.1 });
      assert.equal(answer[0].choices[0].message.content, 'echo: hi');
    } finally {
      await linear.close();
      await chat.close();
    }
  });
});
