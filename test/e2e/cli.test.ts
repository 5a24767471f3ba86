// The built CLI end to end: exit codes, stdout, stderr and files.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeModel } from '../helpers/model-dir.js';
import { runCli, spawnServe, ROOT } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';
import { createServer, type AddressInfo } from 'node:net';
import { copyStores } from '../helpers/stores.js';

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
    const dir = tempDir('mlserve-empty-');
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

  it('logs one JSON object per line with --log-format json: progress, the ready line with the gRPC port, access lines', async () => {
    const { child, url, stderr, exited } = await spawnServe(['-m', join(ROOT, 'examples/js-linear'), '-p', '0', '--grpc-port', '0', '--log-format', 'json', '-w', '1']);
    const res = await fetch(`${url}/ping`, { headers: { 'x-request-id': 'e2e-ping' } });
    assert.equal(res.headers.get('x-request-id'), 'e2e-ping');
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
    const records = stderr().trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    const ready = records.find((r) => String(r.msg).startsWith('ready in '));
    assert.ok(ready, stderr());
    assert.equal(ready.url, url);
    assert.equal(typeof ready.grpc_port, 'number');
    assert.match(String(ready.msg), new RegExp(`V2 gRPC on port ${ready.grpc_port}$`));
    assert.ok(records.some((r) => r.msg === 'access' && r.path === '/ping' && r.status === 200 && r.request_id === 'e2e-ping'), stderr());
    assert.ok(records.some((r) => /SIGTERM received/.test(String(r.msg))), stderr());
  });

  it('takes the log level from MLSERVE_LOG_LEVEL, and refuses an unknown level with exit 2', async () => {
    const { child, url, stderr, exited } = await spawnServe(['-m', join(ROOT, 'examples/js-linear'), '-p', '0', '-w', '1'], { ...process.env, MLSERVE_LOG_LEVEL: 'debug' });
    await (await fetch(`${url}/invocations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"dataframe_records": [{"x1": 1}]}' })).text();
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
    assert.match(stderr(), /DEBUG request failed request_id=\S+ status=400 error_code=INVALID_PARAMETER_VALUE/);
    const bad = await runCli(['models', 'serve', '-m', join(ROOT, 'examples/js-linear'), '--log-level', 'loud']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /Invalid log level "loud": expected one of error, warn, info, debug/);
  });

  it('suggests the nearest option and --help for an unknown option, with exit 2, in every command', async () => {
    const cases: [string, string, string][] = [
      ['serve', '--prot', '--port'],
      ['predict', '--input', '--input-path'],
      ['generate-dockerfile', '--output-dir', '--output-directory'],
      ['build-docker', '--nmae', '--name'],
      ['generate-kserve', '--imag', '--image'],
    ];
    for (const [command, typo, meant] of cases) {
      const r = await runCli(['models', command, typo, 'x']);
      assert.equal(r.code, 2, `${command}: ${r.stderr}`);
      assert.equal(r.stderr, `Error: Unknown option '${typo}' for 'mlserve models ${command}'. Did you mean ${meant}? Run 'mlserve models ${command} --help' for its options.\n`);
    }
    const none = await runCli(['models', 'serve', '--verbose']);
    assert.equal(none.stderr, "Error: Unknown option '--verbose' for 'mlserve models serve'. Run 'mlserve models serve --help' for its options.\n");
    const command = await runCli(['models', 'serv', '-m', 'x']);
    assert.equal(command.code, 2);
    assert.match(command.stderr, /Unknown command 'models serv'\. Did you mean 'models serve'\? Run 'mlserve --help' for the commands\./);
    const missing = await runCli(['models', 'serve', '-m']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /Option -m\/--model-uri needs a value \(\[NAME=\]URI\)\. Run 'mlserve models serve --help'/);
  });

  it('exits 2 for usage errors and 1 for run-time failures, in every command', async () => {
    const noDocker = tempDir('mlserve-no-docker-');
    const aFile = join(tempDir('mlserve-file-'), 'file');
    writeFileSync(aFile, '');
    const missingModel = join(tempDir('mlserve-missing-'), 'no-model');
    const cases: [string[], number, RegExp][] = [
      [['models', 'serve', '-m', missingModel, '-p', 'abc'], 2, /Invalid value for --port: 'abc' is not an integer/],
      [['models', 'serve', '-m', missingModel, '--workers=-1', '-p', '0'], 2, /Invalid workers -1/],
      [['models', 'serve', '-m', missingModel, '-w', '-1', '-p', '0'], 2, /Option -w\/--workers is followed by a value that looks like an option; write it as --workers=<value>/],
      [['models', 'serve', '-m', missingModel, '-p', '0'], 1, /No such file or directory/],
      [['models', 'predict', '-m', missingModel, '--on-error', 'maybe'], 2, /--on-error must be fail or skip/],
      [['models', 'predict', '-m', missingModel, '-i', aFile], 1, /No such file or directory/],
      [['models', 'generate-dockerfile', '-m', missingModel, 'extra'], 2, /Unexpected argument 'extra'/],
      [['models', 'generate-dockerfile', '-m', missingModel, '-d', join(noDocker, 'ctx')], 1, /No such file or directory/],
      [['models', 'build-docker', '--name'], 2, /Option -n\/--name needs a value/],
      [['models', 'build-docker', '-m', join(ROOT, 'examples/iris')], 1, /docker/i],
      [['models', 'generate-kserve', '-m', join(ROOT, 'examples/iris')], 2, /Missing option '--image'/],
      [['models', 'generate-kserve', '-m', join(ROOT, 'examples/iris'), '--image', 'i', '-d', join(aFile, 'sub')], 1, /ENOTDIR|not a directory/],
    ];
    for (const [args, code, message] of cases) {
      const r = await runCli(args, '', { ...process.env, PATH: noDocker });
      assert.equal(r.code, code, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message, args.join(' '));
      assert.doesNotMatch(r.stderr, /\n\s+at /, `${args.join(' ')} printed a stack trace`);
    }
  });

  it('prints help for -h in every command but serve (where -h is --host, as in MLflow), and explains -w 0 and -t 0', async () => {
    for (const args of [['-h'], ['models', '-h'], ['models', 'predict', '-h'], ['models', 'generate-dockerfile', '-h'], ['models', 'build-docker', '-h'], ['models', 'generate-kserve', '-h']]) {
      const r = await runCli(args);
      assert.equal(r.code, 0, args.join(' '));
      assert.match(r.stdout, /^Usage: mlserve/, args.join(' '));
    }
    const help = (await runCli(['models', 'serve', '--help'])).stdout;
    assert.match(help, /--workers N\s+Inference workers .*Default 0: pick from the machine, one per core for JavaScript models, 1 for ONNX/);
    assert.match(help, /--timeout SECONDS\s+Seconds before .*Default 60; 0 also means the default/);
    const host = await runCli(['models', 'serve', '-h']);
    assert.equal(host.code, 2);
    assert.match(host.stderr, /Option -h\/--host needs a value/);
  });

  it('says in one line that the gRPC port is taken or the host does not resolve, with exit 1', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as AddressInfo).port;
    try {
      const grpc = await runCli(['models', 'serve', '-m', join(ROOT, 'examples/js-linear'), '-p', '0', '-w', '1', '--grpc-port', String(port), '--log-level', 'warn']);
      assert.equal(grpc.code, 1);
      assert.equal(grpc.stderr, `Error: Cannot serve gRPC on 127.0.0.1:${port}: port ${port} is already in use. Choose another with --grpc-port.\n`);
      const http = await runCli(['models', 'serve', '-m', join(ROOT, 'examples/js-linear'), '-p', String(port)]);
      assert.equal(http.code, 1);
      assert.equal(http.stderr, `Error: Cannot serve HTTP on 127.0.0.1:${port}: port ${port} is already in use. Choose another with -p/--port.\n`);
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
    const host = await runCli(['models', 'serve', '-m', join(ROOT, 'examples/js-linear'), '-p', '0', '-h', 'no-such-host.invalid']);
    assert.equal(host.code, 1);
    assert.match(host.stderr, /^Error: Cannot serve HTTP on no-such-host\.invalid:0: the host 'no-such-host\.invalid' does not resolve to an address\. Pass an address of this machine with -h\/--host/);
    assert.equal(host.stderr.split('\n').length, 2, host.stderr);
  });

  it('names the URI and the registered version it resolved to when ready, and V2 metadata keeps that version for an alias', async () => {
    const stores = await copyStores();
    try {
      for (const uri of ['models:/iris@champion', 'models:/iris/latest']) {
        const { child, url, stderr, exited } = await spawnServe(['-m', uri, '--tracking-uri', stores.fileUri, '-p', '0', '--no-cache']);
        try {
          assert.match(stderr(), new RegExp(`ready in [\\d.]+ s: serving ${uri.replace(/[/@]/g, '\\$&')} \\(iris version 2\\) \\(onnx, engine native, 1 worker, batching\\) as 'iris' at http`));
          const meta = (await (await fetch(`${url}/v2/models/iris`)).json()) as { versions?: string[] };
          assert.deepEqual(meta.versions, ['2']);
          assert.equal((await fetch(`${url}/v2/models/iris/versions/2/ready`)).status, 200);
        } finally {
          child.kill('SIGTERM');
          assert.equal(await exited, 0);
        }
      }
    } finally {
      stores.remove();
    }
  });
});
