// The generated Dockerfile, read back as instructions: stages, install, user, port, health check, entrypoint.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateDockerfile, DEFAULT_BASE_IMAGE } from './dockerfile.js';

interface Instruction { readonly op: string; readonly args: string }

/** Dockerfile instructions: comments dropped, `\` continuations joined, parser directives kept out. */
function parseDockerfile(text: string): Instruction[] {
  const out: Instruction[] = [];
  let pending = '';
  for (const line of text.split('\n')) {
    if (pending === '' && /^\s*(#|$)/.test(line)) continue;
    if (line.endsWith('\\')) {
      pending += line.slice(0, -1) + ' ';
      continue;
    }
    const full = (pending + line).trim();
    pending = '';
    const m = /^(\S+)\s+(.*)$/.exec(full);
    assert.ok(m, `instruction: ${full}`);
    out.push({ op: m[1].toUpperCase(), args: m[2] });
  }
  assert.equal(pending, '', 'no dangling continuation');
  return out;
}

const ops = (ins: Instruction[], op: string): string[] => ins.filter((i) => i.op === op).map((i) => i.args);

describe('generateDockerfile', () => {
  const text = generateDockerfile({ modelDirName: 'iris', lockfile: true, version: '1.2.3' });
  const ins = parseDockerfile(text);

  it('starts with the BuildKit syntax directive and only known instructions', () => {
    assert.match(text, /^# syntax=docker\/dockerfile:1\n/);
    const known = new Set(['ARG', 'FROM', 'WORKDIR', 'COPY', 'RUN', 'LABEL', 'ENV', 'USER', 'EXPOSE', 'HEALTHCHECK', 'ENTRYPOINT', 'CMD']);
    for (const i of ins) assert.ok(known.has(i.op), i.op);
  });
  it('builds in two stages from a glibc Node.js 20 image', () => {
    assert.deepEqual(ops(ins, 'ARG'), [`NODE_IMAGE=${DEFAULT_BASE_IMAGE}`]);
    assert.deepEqual(ops(ins, 'FROM'), ['${NODE_IMAGE} AS build', '${NODE_IMAGE}']);
    assert.match(DEFAULT_BASE_IMAGE, /^node:20-.*slim$/);
    assert.match(generateDockerfile({ lockfile: true, version: '1', baseImage: 'node:20-slim' }), /ARG NODE_IMAGE=node:20-slim/);
  });
  it('installs production dependencies from the lockfile without scripts, and keeps only this platform\'s ONNX Runtime binaries', () => {
    const run = ops(ins, 'RUN');
    assert.equal(run[0], 'npm ci --omit=dev --ignore-scripts --no-audit --no-fund');
    assert.match(run[1], /onnxruntime-node\/bin\/napi-v\*/);
    assert.match(run[1], /! -name linux -exec rm -rf/);
    assert.match(run[1], /! -name "\$\(node -p process.arch\)"/);
    assert.deepEqual(ops(ins, 'COPY').slice(0, 2), ['mlserve/package.json mlserve/package-lock.json ./', 'mlserve/dist ./dist']);
    assert.match(generateDockerfile({ lockfile: false, version: '1' }), /RUN npm install --omit=dev --ignore-scripts/);
  });
  it('copies the model to /opt/ml/model and runs as a numeric non-root user on port 8080', () => {
    assert.ok(ops(ins, 'COPY').includes('--chown=1000:1000 model_dir/iris /opt/ml/model'));
    assert.ok(ops(ins, 'COPY').includes('--from=build /opt/mlserve /opt/mlserve'));
    assert.deepEqual(ops(ins, 'USER'), ['1000:1000']);
    assert.deepEqual(ops(ins, 'EXPOSE'), ['8080']);
    const noModel = parseDockerfile(generateDockerfile({ lockfile: true, version: '1' }));
    assert.ok(!ops(noModel, 'COPY').some((c) => c.includes('/opt/ml/model')));
  });
  it('checks /ping and starts `mlserve models serve -m /opt/ml/model -h 0.0.0.0 -p 8080`', () => {
    const [hc] = ops(ins, 'HEALTHCHECK');
    assert.match(hc, /^--interval=\d+s --timeout=\d+s --start-period=\d+s --retries=\d+ CMD \[/);
    assert.match(JSON.parse(hc.slice(hc.indexOf('CMD ') + 4))[2], /fetch\('http:\/\/127\.0\.0\.1:8080\/ping'\)/);
    assert.deepEqual(JSON.parse(ops(ins, 'ENTRYPOINT')[0]), ['mlserve']);
    assert.deepEqual(JSON.parse(ops(ins, 'CMD')[0]), ['models', 'serve', '-m', '/opt/ml/model', '-h', '0.0.0.0', '-p', '8080']);
    assert.ok(ops(ins, 'RUN').some((r) => r.includes('ln -s /opt/mlserve/dist/cli/mlserve.js /usr/local/bin/mlserve')));
    assert.ok(!/MLFLOW_MODELS_WORKERS=/.test(text), 'workers come from the environment at run time');
  });

  it('copies several models to /opt/ml/models/NAME and serves each under its name', () => {
    const several = parseDockerfile(generateDockerfile({ modelNames: ['iris', 'wine-2'], lockfile: true, version: '1' }));
    const copies = ops(several, 'COPY');
    assert.ok(copies.includes('--chown=1000:1000 model_dir/iris /opt/ml/models/iris'));
    assert.ok(copies.includes('--chown=1000:1000 model_dir/wine-2 /opt/ml/models/wine-2'));
    assert.ok(!copies.some((c) => / \/opt\/ml\/model$/.test(c)), 'nothing at /opt/ml/model');
    assert.deepEqual(JSON.parse(ops(several, 'CMD')[0]), ['models', 'serve', '-m', 'iris=/opt/ml/models/iris', '-m', 'wine-2=/opt/ml/models/wine-2', '-h', '0.0.0.0', '-p', '8080']);
  });
});
