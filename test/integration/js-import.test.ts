// A JavaScript model imports mlserve wherever its folder is, and its ServingErrors are recognised across copies of mlserve.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer } from '../helpers/server.js';
import { tempDir } from '../helpers/temp.js';
import { ROOT } from '../helpers/cli.js';

const MLMODEL = 'flavors:\n  js_function:\n    entry: model.mjs\n';

const post = (url: string): Promise<Response> =>
  fetch(`${url}/invocations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"inputs": [1]}' });

/** A model folder in the temp directory, outside this checkout (no node_modules above it holds mlserve). */
function modelOutsideCheckout(source: string): string {
  const dir = tempDir('mlserve-outside-');
  writeFileSync(join(dir, 'MLmodel'), MLMODEL);
  writeFileSync(join(dir, 'model.mjs'), source);
  return dir;
}

describe('JavaScript models importing mlserve', () => {
  it("resolves `import ... from 'mlserve'` for a model folder outside the checkout, in worker threads", async () => {
    const dir = modelOutsideCheckout(
      "import { ServingError, Tensor } from 'mlserve';\n" +
        "export function predict(input) { if (!(input instanceof Tensor)) return 'not a Tensor'; throw new ServingError('RESOURCE_EXHAUSTED', 'quota used up'); }\n",
    );
    const server = await startServer(dir, { workers: 2 });
    try {
      const res = await post(server.url);
      assert.deepEqual([res.status, await res.json()], [429, { error_code: 'RESOURCE_EXHAUSTED', message: "Failed to predict data '[1]'. \nError: quota used up" }]);
    } finally {
      await server.close();
    }
  });

  it("recognises a ServingError from a second copy of mlserve in the model's node_modules, and still gives the model the running mlserve", async () => {
    const dir = modelOutsideCheckout(
      "import * as resolved from 'mlserve';\n" +
        "import { ServingError as OtherCopy } from './node_modules/mlserve/dist/src/errors.js';\n" +
        "export function predict() { throw new OtherCopy('RESOURCE_EXHAUSTED', resolved.copy === 'second' ? 'mlserve resolved to the copy' : 'thrown by the second copy'); }\n",
    );
    // A second copy of mlserve: its own package.json, entry point and errors module.
    const copy = join(dir, 'node_modules/mlserve');
    mkdirSync(join(copy, 'dist/src'), { recursive: true });
    copyFileSync(join(ROOT, 'dist/src/errors.js'), join(copy, 'dist/src/errors.js'));
    writeFileSync(join(copy, 'package.json'), '{"name": "mlserve", "type": "module", "exports": "./index.js"}');
    writeFileSync(join(copy, 'index.js'), "export * from './dist/src/errors.js';\nexport const copy = 'second';\n");
    const server = await startServer(dir, { workers: 1 });
    try {
      const res = await post(server.url);
      const body = await res.json();
      assert.equal(res.status, 429, JSON.stringify(body));
      assert.deepEqual(body, { error_code: 'RESOURCE_EXHAUSTED', message: "Failed to predict data '[1]'. \nError: thrown by the second copy" });
    } finally {
      await server.close();
    }
  });
});
