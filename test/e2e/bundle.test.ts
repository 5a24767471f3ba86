// The bundled CLI (scripts/bundle.mjs): what it locates from its modules' URLs exists, and a server
// started from it runs its worker threads and serves its page from dist/src as the unbundled CLI does.

import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { BIN, ROOT, spawnServe, type ServeChild } from '../helpers/cli.js';

const BUNDLE_DIR = join(ROOT, 'dist/cli');

describe('bundled CLI', () => {
  let server: ServeChild | undefined;
  after(async () => {
    server?.child.kill('SIGKILL');
    await server?.exited;
  });

  it('is what package.json runs', () => {
    assert.equal(relative(ROOT, BIN), join('dist', 'cli', 'mlserve.js'));
    assert.match(readFileSync(BIN, 'utf8'), /^#!\/usr\/bin\/env node\n/);
  });

  it('finds every file it locates from a module URL (workers, page, proto, Python worker) in dist/src', () => {
    // scripts/bundle.mjs writes each module's own URL as new URL("<file in dist/src>", import.meta.url).href.
    const located = /new URL\("([^"]+)", new URL\("([^"]+)", import\.meta\.url\)\.href\)/g;
    const own = /new URL\("([^"]+)", import\.meta\.url\)\.href/g;
    let files = 0;
    for (const name of readdirSync(BUNDLE_DIR).filter((n) => n.endsWith('.js'))) {
      const text = readFileSync(join(BUNDLE_DIR, name), 'utf8');
      const base = pathToFileURL(join(BUNDLE_DIR, name));
      for (const [, module] of text.matchAll(own)) assert.ok(existsSync(fileURLToPath(new URL(module, base))), `${name}: ${module}`);
      for (const [, target, module] of text.matchAll(located)) {
        assert.ok(existsSync(fileURLToPath(new URL(target, new URL(module, base)))), `${name}: ${target} beside ${module}`);
        files++;
      }
    }
    // The pool and ONNX worker entries, the decode worker, the page, the .proto, the Python worker, the self-import hook, the package root.
    assert.ok(files >= 8, `only ${files} located files found: has scripts/bundle.mjs changed how it writes them?`);
  });

  it('serves a JavaScript model from worker threads, and the page', async () => {
    server = await spawnServe(['-m', join(ROOT, 'examples/js-linear'), '-p', '0', '--workers', '1']);
    const body = '{"dataframe_split": {"columns": ["x1", "x2"], "data": [[1.0, 2.0]]}}';
    const scored = await fetch(`${server.url}/invocations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    assert.equal(scored.status, 200, await scored.clone().text());
    assert.match(await scored.text(), /^\{"predictions": /);
    const page = await fetch(`${server.url}/`, { headers: { 'accept-encoding': 'gzip' } });
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<html/i);
  });
});
