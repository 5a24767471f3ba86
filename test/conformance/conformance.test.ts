// Replays the answers the real MLflow 3.6 server gave (test/conformance/golden) against mlserve.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '../helpers/server.js';
import { diffJson, parseAnswer } from '../helpers/compare.js';
import type { ServerHandle } from '../../src/serve.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../../test/conformance');

interface Case {
  case: string;
  model: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
  status: number;
  response_content_type: string;
  response_body: string;
}

/** Checks one recorded case against a live answer; returns a failure reason or undefined. */
function check(c: Case, status: number, contentType: string, body: string): string | undefined {
  if (status !== c.status) return `status ${status} (expected ${c.status}); body ${body.slice(0, 300)}`;
  if (c.status === 415) return undefined;
  if (c.response_content_type.startsWith('application/json') && !contentType.startsWith('application/json')) return `content-type ${contentType}`;
  if (c.path !== '/invocations') return body === c.response_body ? undefined : `body ${JSON.stringify(body)} (expected ${JSON.stringify(c.response_body)})`;
  const expected = parseAnswer(c.response_body) as Record<string, unknown>;
  const actual = parseAnswer(body) as Record<string, unknown>;
  if (c.status !== 200) return expected.error_code === actual.error_code ? undefined : `error_code ${String(actual.error_code)} (expected ${String(expected.error_code)}): ${String(actual.message)}`;
  return diffJson(expected, actual);
}

for (const file of readdirSync(join(ROOT, 'golden')).filter((f) => f.endsWith('.jsonl'))) {
  const cases = readFileSync(join(ROOT, 'golden', file), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Case);
  const model = file.replace(/\.jsonl$/, '');
  describe(`conformance: ${model}`, () => {
    let server: ServerHandle;
    before(async () => {
      server = await startServer(join(ROOT, 'models', model));
    });
    after(async () => {
      await server?.close();
    });
    for (const c of cases) {
      it(`${c.case}: ${c.method} ${c.path} answers ${c.status} as MLflow does`, async () => {
        const res = await fetch(server.url + c.path, {
          method: c.method,
          headers: c.headers,
          body: c.method === 'GET' || c.method === 'HEAD' ? undefined : c.body,
        });
        const body = await res.text();
        const failure = check(c, res.status, res.headers.get('content-type') ?? '', body);
        assert.equal(failure, undefined, failure);
      });
    }
  });
}
