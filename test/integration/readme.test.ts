// The README's curl examples work against the bundled example models, and give the answers it shows.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer } from '../helpers/server.js';
import { ROOT } from '../helpers/cli.js';

const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

/** Each `curl ... localhost:PORT/PATH ... -d '<json>'` example, with the `# {...}` answer line after it, if any. */
function examples(port: number): { path: string; body: string; answer?: string }[] {
  const out: { path: string; body: string; answer?: string }[] = [];
  const re = new RegExp(`curl -s localhost:${port}(/[\\w/]+)[^\\n]*?(?:\\\\\\n\\s*)?-d '([^']+)'\\n(?:# (\\{[^\\n]*\\}))?`, 'g');
  for (const m of README.matchAll(re)) out.push({ path: m[1], body: m[2], answer: m[3] });
  return out;
}

describe('README examples', () => {
  for (const [port, model] of [[5000, 'examples/iris'], [5001, 'examples/js-linear'], [5002, 'test/fixtures/lightgbm/multiclass'], [5003, 'test/fixtures/sklearn/v1.6.1/onehot-ignore.predict.cloudpickle5/model']] as const) {
    it(`every curl example for ${model} answers 200 (and as documented where the README shows the answer)`, async () => {
      const found = examples(port);
      assert.ok(found.length >= (port === 5000 ? 5 : 1), `found ${found.length} examples for port ${port}`);
      const server = await startServer(join(ROOT, model), { warmup: false });
      try {
        for (const ex of found) {
          const res = await fetch(server.url + ex.path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: ex.body });
          const text = await res.text();
          assert.equal(res.status, 200, `${ex.path} ${ex.body}: ${text}`);
          if (ex.answer && !ex.answer.includes('...')) assert.equal(text, ex.answer);
        }
      } finally {
        await server.close();
      }
    });
  }
});
