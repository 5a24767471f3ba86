// The deployment commands end to end: generate-dockerfile, build-docker (against a stand-in docker CLI), generate-kserve.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { tempDir } from '../helpers/temp.js';
import { ROOT, runCli as runBuiltCli, spawnServe, type CliRun } from '../helpers/cli.js';

const IRIS = join(ROOT, 'examples/iris');
const LINEAR = join(ROOT, 'examples/js-linear');

const runCli = (args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CliRun> => runBuiltCli(args, undefined, options.env, options.cwd);

const temp = (prefix: string): string => tempDir(prefix);

/** A stand-in `docker` that logs its arguments, working directory and context listing, and exits with `infoCode` / `buildCode`. */
function fakeDocker(infoCode: number, buildCode: number): { env: NodeJS.ProcessEnv; log: string } {
  const dir = temp('mlserve-fake-docker-');
  const log = join(dir, 'calls.log');
  writeFileSync(
    join(dir, 'docker'),
    `#!/bin/sh\necho "$* @ $(pwd)" >> "${log}"\n` +
      `if [ "$1" = info ]; then exit ${infoCode}; fi\n` +
      `ls "$(pwd)" "$(pwd)/model_dir" >> "${log}"\necho "Step 1/1 : building"\nexit ${buildCode}\n`,
  );
  chmodSync(join(dir, 'docker'), 0o755);
  return { env: { ...process.env, PATH: `${dir}:${process.env.PATH ?? ''}` }, log };
}

describe('mlserve models generate-dockerfile', () => {
  it("writes the context to MLflow's default folder 'mlflow-dockerfile' with the model under model_dir/", async () => {
    const cwd = temp('mlserve-gd-');
    const r = await runCli(['models', 'generate-dockerfile', '-m', IRIS], { cwd });
    assert.equal(r.code, 0, r.stderr);
    const out = join(cwd, 'mlflow-dockerfile');
    assert.deepEqual(readdirSync(out).sort(), ['Dockerfile', 'mlserve', 'model_dir']);
    assert.ok(existsSync(join(out, 'model_dir/iris/MLmodel')));
    assert.match(readFileSync(join(out, 'Dockerfile'), 'utf8'), /^CMD \["models","serve","-m","\/opt\/ml\/model","-h","0\.0\.0\.0","-p","8080"\]$/m);
    assert.match(r.stderr, /wrote the Docker build context/);
  });
  it('writes an image of several models, each under model_dir/NAME, whose command serves each under its name', async () => {
    const out = join(temp('mlserve-gd-'), 'ctx');
    const r = await runCli(['models', 'generate-dockerfile', '-m', `iris=${IRIS}`, '-m', `linear=${LINEAR}`, '-d', out]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(readdirSync(join(out, 'model_dir')).sort(), ['iris', 'linear']);
    assert.ok(existsSync(join(out, 'model_dir/linear/MLmodel')));
    const cmd = JSON.parse(/^CMD (.*)$/m.exec(readFileSync(join(out, 'Dockerfile'), 'utf8'))![1]) as string[];
    assert.deepEqual(cmd, ['models', 'serve', '-m', 'iris=/opt/ml/models/iris', '-m', 'linear=/opt/ml/models/linear', '-h', '0.0.0.0', '-p', '8080']);
    // The image's command, run here with the context's folders in place of the image's.
    const args = cmd.slice(2).map((a) => a.replace('/opt/ml/models', join(out, 'model_dir'))).map((a) => (a === '0.0.0.0' ? '127.0.0.1' : a === '8080' ? '0' : a));
    const server = await spawnServe(args);
    try {
      const post = (path: string, body: unknown) => fetch(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const iris = await post('/models/iris/invocations', { inputs: [[5.1, 3.5, 1.4, 0.2]] });
      assert.equal(iris.status, 200);
      const linear = await post('/models/linear/invocations', { dataframe_records: [{ x1: 1, x2: 2 }] });
      assert.equal(linear.status, 200, await linear.clone().text());
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
    }
    const twice = await runCli(['models', 'generate-dockerfile', '-m', `a=${IRIS}`, '-m', `a=${LINEAR}`, '-d', join(out, 'not-written')]);
    assert.equal(twice.code, 2, twice.stderr);
    assert.match(twice.stderr, /Two models are named 'a'/);
  });
  it('writes a model-less context to -d and warns about MLflow-only flags', async () => {
    const out = join(temp('mlserve-gd-'), 'ctx');
    const r = await runCli(['models', 'generate-dockerfile', '-d', out, '--install-mlflow', '--env-manager', 'conda']);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(!existsSync(join(out, 'model_dir')));
    assert.match(r.stderr, /--install-mlflow is accepted for MLflow compatibility/);
    assert.match(r.stderr, /--env-manager is accepted/);
  });
  it('fails for a model that does not exist', async () => {
    const r = await runCli(['models', 'generate-dockerfile', '-m', '/no/such/model', '-d', temp('mlserve-gd-')]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /No such file or directory/);
  });
});

describe('mlserve models build-docker', () => {
  it('fails with a clear message and exit 1 when no docker command exists', async () => {
    const r = await runCli(['models', 'build-docker', '-m', IRIS], { env: { ...process.env, PATH: temp('mlserve-empty-path-') } });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /No Docker engine is available: the 'docker' command was not found/);
    assert.match(r.stderr, /generate-dockerfile/);
  });
  it('fails when `docker info` fails (no engine behind the CLI)', async () => {
    const { env, log } = fakeDocker(1, 0);
    const r = await runCli(['models', 'build-docker', '-m', IRIS], { env });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /`docker info` failed with exit code 1/);
    assert.equal(readFileSync(log, 'utf8').split('\n').filter((l) => l.startsWith('build')).length, 0);
  });
  it("builds the generated context as 'mlflow-pyfunc-servable' by default, or -n, and removes the temporary context", async () => {
    const { env, log } = fakeDocker(0, 0);
    const r = await runCli(['models', 'build-docker', '-m', IRIS], { env });
    assert.equal(r.code, 0, r.stderr);
    const r2 = await runCli(['models', 'build-docker', '-m', IRIS, '-n', 'iris:1'], { env });
    assert.equal(r2.code, 0, r2.stderr);
    const calls = readFileSync(log, 'utf8');
    const builds = [...calls.matchAll(/^build (.*) @ (.*)$/gm)];
    assert.deepEqual(builds.map((m) => m[1]), ['-t mlflow-pyfunc-servable -f Dockerfile .', '-t iris:1 -f Dockerfile .']);
    assert.match(calls, /Dockerfile\nmlserve\nmodel_dir\n/);
    assert.match(calls, /\niris\n/);
    for (const m of builds) assert.ok(!existsSync(m[2]), 'temporary context removed');
    assert.match(r.stderr, /Step 1\/1 : building/);
  });
  it('exits 1 when the build fails', async () => {
    const { env } = fakeDocker(0, 3);
    const r = await runCli(['models', 'build-docker', '-m', IRIS, '-n', 'x'], { env });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Docker build failed \(exit code 3\)/);
  });
});

describe('mlserve models generate-kserve', () => {
  it('writes a ServingRuntime and an InferenceService named after the model', async () => {
    const out = temp('mlserve-ks-');
    const r = await runCli(['models', 'generate-kserve', '-m', join(ROOT, 'test/conformance/models/iris_onnx'), '--image', 'reg.example/iris:1', '-d', out]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(readdirSync(out).sort(), ['inference-service.yaml', 'serving-runtime.yaml']);
    const rt = parse(readFileSync(join(out, 'serving-runtime.yaml'), 'utf8'));
    const isvc = parse(readFileSync(join(out, 'inference-service.yaml'), 'utf8'));
    assert.equal(isvc.metadata.name, 'iris-onnx');
    assert.equal(isvc.spec.predictor.model.runtime, rt.metadata.name);
    assert.equal(rt.spec.containers[0].image, 'reg.example/iris:1');
    assert.match(r.stderr, /V2 model name 'iris-onnx'/);
  });
  it('takes --name, --storage-uri and --deployment-mode, and rejects missing or invalid options', async () => {
    const out = temp('mlserve-ks-');
    const ok = await runCli(['models', 'generate-kserve', '-m', 'models:/wine/3', '--image', 'i', '-d', out, '--storage-uri', 's3://b/wine', '--deployment-mode', 'serverless']);
    assert.equal(ok.code, 0, ok.stderr);
    const isvc = parse(readFileSync(join(out, 'inference-service.yaml'), 'utf8'));
    assert.deepEqual([isvc.metadata.name, isvc.spec.predictor.model.storageUri], ['wine', 's3://b/wine']);
    assert.equal(isvc.metadata.annotations['serving.kserve.io/deploymentMode'], 'Serverless');
    const noImage = await runCli(['models', 'generate-kserve', '-m', IRIS]);
    assert.equal(noImage.code, 2);
    assert.match(noImage.stderr, /Missing option '--image'/);
    const badName = await runCli(['models', 'generate-kserve', '-m', IRIS, '--image', 'i', '--name', 'Bad_Name', '-d', out]);
    assert.equal(badName.code, 2);
    assert.match(badName.stderr, /Invalid name 'Bad_Name'/);
    const quantities = await runCli(['models', 'generate-kserve', '-m', IRIS, '--image', 'i', '--cpu', 'lots', '--memory', '2GB', '-d', join(out, 'not-written')]);
    assert.equal(quantities.code, 2);
    assert.match(quantities.stderr, /Invalid --cpu 'lots'/);
    assert.match(quantities.stderr, /Invalid --memory '2GB'.*did you mean 2Gi\?/);
    assert.ok(!existsSync(join(out, 'not-written')));
  });
  it('names the image\'s models in the runtime\'s arguments when given several, and then needs --name', async () => {
    const out = temp('mlserve-ks-');
    const unnamed = await runCli(['models', 'generate-kserve', '-m', `iris=${IRIS}`, '-m', `linear=${LINEAR}`, '--image', 'i', '-d', out]);
    assert.equal(unnamed.code, 2);
    assert.match(unnamed.stderr, /--name/);
    const r = await runCli(['models', 'generate-kserve', '-m', `iris=${IRIS}`, '-m', `linear=${LINEAR}`, '--image', 'i', '--name', 'models', '-d', out]);
    assert.equal(r.code, 0, r.stderr);
    const rt = parse(readFileSync(join(out, 'serving-runtime.yaml'), 'utf8'));
    assert.deepEqual(rt.spec.containers[0].args.slice(0, 6), ['models', 'serve', '-m', 'iris=/opt/ml/models/iris', '-m', 'linear=/opt/ml/models/linear']);
    assert.match(r.stderr, /V2 model names 'iris', 'linear'/);
  });
  it('prints help for the three commands', async () => {
    for (const command of ['generate-dockerfile', 'build-docker', 'generate-kserve']) {
      const r = await runCli(['models', command, '--help']);
      assert.equal(r.code, 0);
      assert.match(r.stdout, new RegExp(`Usage: mlserve models ${command}`));
    }
  });
});
