// Writing a Docker build context: the model in MLflow's layout, mlserve's runtime files only, and the Dockerfile.

import { it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, existsSync, writeFileSync, statSync } from 'node:fs';
import { join, dirname, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findPackageRoot, writeDockerContext } from './context.js';
import { tempDir } from '../../test/helpers/temp.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../..');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? files(join(dir, f)) : [join(dir, f)]));
}

it('finds the mlserve package root from its own location', () => {
  assert.equal(findPackageRoot(), ROOT);
});

it('writes the model under model_dir/<name>, mlserve\'s manifests and compiled code, and the Dockerfile', async () => {
  const out = join(tempDir('mlserve-ctx-'), 'ctx');
  const ctx = await writeDockerContext({ modelDir: join(ROOT, 'examples/iris'), outputDir: out, packageRoot: ROOT });
  assert.equal(ctx.lockfile, true);
  assert.deepEqual(readdirSync(out).sort(), ['Dockerfile', 'mlserve', 'model_dir']);
  assert.deepEqual(readFileSync(join(out, 'model_dir/iris/model.onnx')), readFileSync(join(ROOT, 'examples/iris/model.onnx')));
  assert.equal(readFileSync(join(out, 'mlserve/package-lock.json'), 'utf8'), readFileSync(join(ROOT, 'package-lock.json'), 'utf8'));
  assert.ok(existsSync(join(out, 'mlserve/dist/src/cli/main.js')));
  assert.ok(existsSync(join(out, 'mlserve/dist/cli/mlserve.js')));
  const shipped = files(join(out, 'mlserve/dist')).map((f) => relative(out, f));
  assert.ok(shipped.every((f) => /\.(js|json|proto|html|css)$/.test(f)), 'only runtime files');
  assert.ok(shipped.some((f) => f.endsWith('server/ui/page/index.html')), 'the page ships');
  assert.ok(shipped.some((f) => f.endsWith('server/v2/grpc_service.proto')), 'the gRPC service definition ships');
  assert.ok(!shipped.some((f) => f.includes('.test.')), 'no tests');
  assert.match(readFileSync(ctx.dockerfile, 'utf8'), /COPY --chown=1000:1000 model_dir\/iris \/opt\/ml\/model/);
  // Writing again replaces the copies instead of nesting them.
  writeFileSync(join(out, 'model_dir/iris/stale.txt'), 'x');
  await writeDockerContext({ modelDir: join(ROOT, 'examples/iris'), outputDir: out, packageRoot: ROOT });
  assert.ok(!existsSync(join(out, 'model_dir/iris/stale.txt')));
  assert.ok(!existsSync(join(out, 'model_dir/iris/iris')));
});

it('writes no model without one, and refuses an unbuilt package', async () => {
  const out = tempDir('mlserve-ctx-');
  await writeDockerContext({ outputDir: out, packageRoot: ROOT });
  assert.ok(!existsSync(join(out, 'model_dir')));
  const bare = tempDir('mlserve-pkg-');
  writeFileSync(join(bare, 'package.json'), '{"name": "mlserve"}');
  await assert.rejects(writeDockerContext({ outputDir: out, packageRoot: bare }), /mlserve is not built/);
});
