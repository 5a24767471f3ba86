// /openapi.json and /mlserve/model through real servers: the document validates, the bodies MLflow accepted validate against it, some it rejected do not, its examples score.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Validator } from '@seriousme/openapi-schema-validator';
import Ajv2020 from 'ajv/dist/2020.js';
import { startServer } from '../helpers/server.js';
import { ROOT } from '../helpers/cli.js';
import type { ServerHandle } from '../../src/serve.js';

const CONFORMANCE = join(ROOT, 'test/conformance');
const MODELS = readdirSync(join(CONFORMANCE, 'models')).filter((n) => !n.includes('.'));

/** Bodies MLflow rejected (400) whose fault the document's schemas can see. */
const REJECTED_BY_SCHEMA = [
  'echo_chat/messages_wrong_param_type', 'echo_chat/messages_missing_content', 'echo_chat/messages_extra_field', 'echo_chat/inputs_messages', 'echo_chat/prompt_key',
  'echo_cols/null_long', 'echo_cols/datetime_invalid',
  'echo_nosig/top_level_list', 'echo_nosig/top_level_string', 'echo_nosig/unknown_key_only',
  'echo_params/temperature_string', 'echo_params/temperature_numeric_string', 'echo_params/max_tokens_float', 'echo_params/max_tokens_string', 'echo_params/max_tokens_bool',
  'echo_params/flags_not_list', 'echo_params/flags_list_of_ints', 'echo_params/flags_nested', 'echo_params/missing_text_column',
  'echo_tensor/inputs_wrong_shape_4cols', 'echo_tensor/inputs_3d', 'echo_tensor/inputs_ragged',
  'iris_onnx/inputs_wrong_width',
];

interface GoldenCase {
  case: string;
  path: string;
  headers: Record<string, string>;
  body: string;
  status: number;
}

function golden(model: string): GoldenCase[] {
  return readFileSync(join(CONFORMANCE, 'golden', `${model}.jsonl`), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as GoldenCase);
}

/** A validator of `components.schemas.<name>` of a document (JSON Schema 2020-12, unknown keywords refused). */
function schemaValidator(doc: { components: { schemas: Record<string, unknown> } }, name: string): ((v: unknown) => boolean) & { errors?: unknown } {
  const ajv = new Ajv2020.default({ strict: true, strictTypes: false, strictRequired: false, allowUnionTypes: true, validateFormats: false });
  ajv.addSchema({ $id: 'doc', $defs: JSON.parse(JSON.stringify(doc.components.schemas).replaceAll('#/components/schemas/', 'doc#/$defs/')) });
  return ajv.compile({ $ref: `doc#/$defs/${name}` });
}

async function fetchDocument(url: string): Promise<Record<string, any>> {
  const res = await fetch(`${url}/openapi.json`);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'application/json');
  return (await res.json()) as Record<string, any>;
}

for (const model of MODELS) {
  describe(`OpenAPI document of ${model}`, () => {
    let server: ServerHandle;
    let doc: Record<string, any>;
    before(async () => {
      server = await startServer(join(CONFORMANCE, 'models', model), { workers: 1 });
      doc = await fetchDocument(server.url);
    });
    after(() => server.close());

    it('is a valid OpenAPI 3.1 document (maintained validator)', async () => {
      const result = await new Validator().validate(doc);
      assert.equal(result.valid, true, JSON.stringify(result.errors));
      assert.equal(doc.openapi, '3.1.0');
    });

    it('accepts every JSON body MLflow answered 200, and rejects the faults its schemas can see', () => {
      const validate = schemaValidator(doc as never, 'InvocationRequest');
      let accepted = 0;
      for (const c of golden(model)) {
        if (c.path !== '/invocations' || !(c.headers['Content-Type'] ?? '').startsWith('application/json') || c.status === 415) continue;
        let body: unknown;
        try {
          body = JSON.parse(c.body);
        } catch {
          continue; // not JSON at all: no schema applies
        }
        if (c.status === 200) {
          assert.equal(validate(body), true, `${model}/${c.case} was accepted by MLflow: ${JSON.stringify(validate.errors)}`);
          accepted++;
        } else if (REJECTED_BY_SCHEMA.includes(`${model}/${c.case}`)) {
          assert.equal(validate(body), false, `${model}/${c.case} was rejected by MLflow (${c.status}) but validates`);
        }
      }
      assert.ok(accepted > 0);
    });

    it('has an example body that validates and scores 200 (none without a signature)', async () => {
      const example = doc.paths['/invocations'].post.requestBody.content['application/json'].example;
      if (model === 'echo_nosig') return assert.equal(example, undefined);
      assert.notEqual(example, undefined);
      assert.equal(schemaValidator(doc as never, 'InvocationRequest')(example), true);
      const res = await fetch(`${server.url}/invocations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(example) });
      assert.equal(res.status, 200, await res.text());
    });

    it('lists every MLflow error code with its status', () => {
      const responses = doc.paths['/invocations'].post.responses as Record<string, any>;
      for (const [status, code] of [['400', 'INVALID_PARAMETER_VALUE'], ['404', 'RESOURCE_DOES_NOT_EXIST'], ['413', 'REQUEST_LIMIT_EXCEEDED'], ['503', 'TEMPORARILY_UNAVAILABLE'], ['499', 'CANCELLED']]) {
        assert.ok(responses[status]?.content['application/json'].schema.allOf[1].properties.error_code.enum.includes(code), `${status} ${code}`);
      }
      assert.ok(responses['415'].content['text/plain']);
    });
  });
}

describe('OpenAPI document of the bundled examples', () => {
  for (const example of ['iris', 'js-linear']) {
    it(`${example}: V2 metadata, a V2 example that infers, and an example that scores`, async () => {
      const server = await startServer(join(ROOT, 'examples', example), { workers: 1 });
      try {
        const doc = await fetchDocument(server.url);
        assert.equal((await new Validator().validate(doc)).valid, true);
        const infer = doc.paths[`/v2/models/${example}/infer`].post;
        const res = await fetch(`${server.url}/v2/models/${example}/infer`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(infer.requestBody.content['application/json'].example) });
        assert.equal(res.status, 200, await res.text());
        const metadata = await (await fetch(`${server.url}/v2/models/${example}`)).json();
        assert.deepEqual(doc.paths[`/v2/models/${example}`].get.responses['200'].content['application/json'].example, metadata);
        const body = doc.paths['/invocations'].post.requestBody.content['application/json'].example;
        const scored = await fetch(`${server.url}/invocations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
        assert.equal(scored.status, 200);
        assert.equal(schemaValidator(doc as never, 'Predictions')(JSON.parse((await scored.text()).replace(/NaN/g, 'null')).predictions), true);
      } finally {
        await server.close();
      }
    });
  }

  it('describes the js-linear column signature: required columns, typed cells, the bias param with its default', async () => {
    const server = await startServer(join(ROOT, 'examples/js-linear'), { workers: 1 });
    try {
      const doc = await fetchDocument(server.url);
      const validate = schemaValidator(doc as never, 'InvocationRequest');
      assert.equal(validate({ dataframe_records: [{ x1: 1, x2: 2 }], params: { bias: 10 } }), true);
      assert.equal(validate({ dataframe_records: [{ x1: 1 }] }), false, 'x2 missing from every record');
      assert.equal(validate({ dataframe_records: [{ x1: 1, x2: 2 }], params: { bias: 'high' } }), false);
      assert.equal(validate({ dataframe_split: { columns: ['x1', 'x2'], data: [[1, 'abc']] } }), false);
      assert.equal(validate({ inputs: { x1: [1, 2], x2: [3, 4] } }), true);
      assert.equal(validate({ dataframe_records: [{ x1: 1, x2: 2 }], inputs: [1] }), false, 'two envelopes');
      assert.equal(doc.components.schemas.Params.properties.bias.default, 0);
      const csv = doc.paths['/invocations'].post.requestBody.content['text/csv'].example as string;
      const res = await fetch(`${server.url}/invocations`, { method: 'POST', headers: { 'content-type': 'text/csv' }, body: csv });
      assert.equal(res.status, 200);
    } finally {
      await server.close();
    }
  });
});

describe('/mlserve/model and --no-ui', () => {
  it('describes the model without the directory on disk', async () => {
    const server = await startServer(join(ROOT, 'examples/iris'), { workers: 1 });
    try {
      const res = await fetch(`${server.url}/mlserve/model`);
      assert.equal(res.status, 200);
      const text = await res.text();
      const info = JSON.parse(text);
      assert.equal(info.uri, join(ROOT, 'examples/iris'));
      assert.equal(info.flavor, 'onnx');
      assert.equal(info.engine, 'native');
      assert.equal(info.inputKind, 'tensors');
      assert.equal(info.inputExampleSource, 'model');
      assert.deepEqual(info.signature.inputs, [{ name: 'input', type: 'tensor', 'tensor-spec': { dtype: 'float32', shape: [-1, 4] } }]);
    } finally {
      await server.close();
    }
  });

  it('hides credentials in the URI', async () => {
    const { publicUri } = await import('../../src/model/describe.js');
    assert.equal(publicUri('mlflow-artifacts://alice:s3cret@host:5000/1/abc/artifacts/model?token=x'), 'mlflow-artifacts://host:5000/1/abc/artifacts/model');
    assert.equal(publicUri('models:/iris/3'), 'models:/iris/3');
  });

  it('serves the page at / with a strict CSP, and turns it off with ui: false', async () => {
    const on = await startServer(join(ROOT, 'examples/js-linear'), { workers: 1 });
    const off = await startServer(join(ROOT, 'examples/js-linear'), { workers: 1, ui: false });
    try {
      const page = await fetch(`${on.url}/`);
      assert.equal(page.status, 200);
      assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
      assert.match(page.headers.get('content-security-policy') ?? '', /connect-src 'self'/);
      assert.match(await page.text(), /ui\/main\.js/);
      const script = await fetch(`${on.url}/ui/main.js`, { headers: { 'accept-encoding': 'gzip' } });
      assert.equal(script.status, 200);
      const etag = script.headers.get('etag')!;
      assert.equal((await fetch(`${on.url}/ui/main.js`, { headers: { 'if-none-match': etag } })).status, 304);
      assert.equal((await fetch(`${on.url}/ui/nope.js`)).status, 404);
      assert.equal((await fetch(`${on.url}/`, { method: 'POST', body: 'x' })).status, 405);
      assert.equal((await fetch(`${off.url}/`)).status, 404);
      assert.equal((await fetch(`${off.url}/ui/main.js`)).status, 404);
      assert.equal((await fetch(`${off.url}/openapi.json`)).status, 200);
    } finally {
      await on.close();
      await off.close();
    }
  });
});
