// Sends the same requests to the real `mlflow models serve` and to mlserve's Python engine, for the Python test models, and compares the answers.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer } from '../helpers/server.js';
import { mlflowPython, pythonScratch, PY_MODELS } from '../helpers/mlflow-venv.js';
import { startMlflowServer, type MlflowServer } from '../helpers/mlflow-serve.js';
import { ROOT } from '../helpers/cli.js';
import { sameAnswer, type Answer } from '../helpers/answers.js';
import type { ServerHandle } from '../../src/serve.js';

interface Request {
  readonly case: string;
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** The conformance requests recorded for `model` (test/conformance/golden), answers left out. */
function conformanceRequests(model: string): Request[] {
  const file = join(ROOT, 'test/conformance/golden', `${model}.jsonl`);
  return readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Request);
}

const JSON_HEADERS = { 'Content-Type': 'application/json' };
const post = (name: string, body: unknown, headers: Record<string, string> = JSON_HEADERS): Request => ({
  case: name,
  method: 'POST',
  path: '/invocations',
  headers,
  body: typeof body === 'string' ? body : JSON.stringify(body),
});

const IRIS_COLUMNS = ['sepal_length', 'sepal_width', 'petal_length', 'petal_width', 'site'];

/** Requests for the models that are not conformance echoes. */
const EXTRA: Record<string, Request[]> = {
  sklearn_pipeline: [
    post('split', { dataframe_split: { columns: IRIS_COLUMNS, data: [[5.1, 3.5, 1.4, 0.2, 'north'], [6.7, 3.0, 5.2, 2.3, 'south'], [5.9, 3.0, 4.2, 1.5, 'east']] } }),
    post('records', { dataframe_records: [{ sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2, site: 'north' }] }),
    post('ints_for_doubles', { dataframe_split: { columns: IRIS_COLUMNS, data: [[5, 3, 1, 0, 'north']] } }),
    post('csv', 'sepal_length,sepal_width,petal_length,petal_width,site\n5.1,3.5,1.4,0.2,north\n6.7,3.0,5.2,2.3,south\n', { 'Content-Type': 'text/csv' }),
    post('missing_column', { dataframe_split: { columns: IRIS_COLUMNS.slice(0, 4), data: [[5.1, 3.5, 1.4, 0.2]] } }),
    post('string_for_double', { dataframe_split: { columns: IRIS_COLUMNS, data: [['x', 3.5, 1.4, 0.2, 'north']] } }),
    post('null_cell', { dataframe_split: { columns: IRIS_COLUMNS, data: [[null, 3.5, 1.4, 0.2, 'north']] } }),
    post('instances', { instances: [{ sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2, site: 'north' }] }),
    post('params_without_schema', { dataframe_split: { columns: IRIS_COLUMNS, data: [[5.1, 3.5, 1.4, 0.2, 'north']] }, params: { a: 1 } }),
    post('bad_json', '{"dataframe_split": '),
  ],
  custom_artifacts: [
    post('defaults', { dataframe_split: { columns: ['x', 'name'], data: [[1.0, 'a'], [2.5, 'bc']] } }),
    post('params', { dataframe_records: [{ x: 2, name: 'q' }], params: { offset: 1.5, label: 'z' } }),
    post('int_param_for_double', { dataframe_records: [{ x: 2, name: 'q' }], params: { offset: 1 } }),
    post('bad_param', { dataframe_records: [{ x: 2, name: 'q' }], params: { offset: 'high' } }),
    post('unknown_param', { dataframe_records: [{ x: 2, name: 'q' }], params: { nope: 1 } }),
    post('model_raises', { dataframe_records: [{ x: 2, name: null }] }),
  ],
  // The models that crash, hang and print, asked what does not crash or hang them (x >= 0).
  ...Object.fromEntries(
    ['crash', 'hang', 'print'].map((m) => [
      m,
      [
        post('split', { dataframe_split: { columns: ['x'], data: [[1.5], [2]] } }),
        post('missing_column', { dataframe_records: [{ y: 1 }] }),
        post('string_for_double', { dataframe_records: [{ x: 'a' }] }),
        post('csv', 'x\n3\n', { 'Content-Type': 'text/csv' }),
      ],
    ]),
  ),
  chat_stream: [
    post('messages', { messages: [{ role: 'user', content: 'hello there' }] }),
    post('messages_params', { messages: [{ role: 'user', content: 'hi' }], temperature: 0.2, max_tokens: 5 }),
    post('bad_messages', { messages: [{ content: 'no role' }] }),
  ],
};

/**
 * Answers mlserve's front end words differently from this MLflow (status and error code still
 * compared): the decoder reproduces the recorded answers of test/conformance, made with pandas 1.5.
 */
const FRONT_END_WORDING: Record<string, string> = {
  'echo_cols/datetime_invalid': "pandas 2 calls the date parse error DateParseError; the recorded pandas 1.5 answer, which mlserve's decoder gives, ParserError",
};

const MODELS = ['echo_nosig', 'echo_cols', 'echo_optional', 'echo_params', 'echo_tensor', 'echo_chat', 'sklearn_pipeline', 'custom_artifacts', 'chat_stream', 'crash', 'hang', 'print'];

/** Conformance requests for each model: its own recorded ones, or those of the conformance model with the closest signature. */
const CONFORMANCE: Record<string, string> = { crash: 'echo_optional', hang: 'echo_optional', print: 'echo_optional' };

async function ask(base: string, r: Request): Promise<Answer> {
  const res = await fetch(base + r.path, { method: r.method, headers: r.headers, body: r.method === 'GET' || r.method === 'HEAD' ? undefined : r.body });
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', body: await res.text() };
}

const py = mlflowPython();

describe('the Python engine answers as `mlflow models serve` does', { skip: 'skip' in py ? py.skip : false }, () => {
  const python = 'python' in py ? py.python : '';
  let scratch: ReturnType<typeof pythonScratch>;
  before(() => {
    scratch = pythonScratch();
  });
  after(() => scratch?.cleanup());

  for (const model of MODELS) {
    const recorded = model.startsWith('echo_') ? model : CONFORMANCE[model];
    const requests = [...(recorded ? conformanceRequests(recorded) : []), ...(EXTRA[model] ?? [])];
    describe(model, () => {
      let mlflow: MlflowServer | undefined;
      let mlserve: ServerHandle | undefined;
      before(async () => {
        const dir = join(PY_MODELS, model);
        // allSettled: when one fails to start, the other is still kept for after() to close.
        const [a, b] = await Promise.allSettled([startMlflowServer(python, dir), startServer(dir, { engine: 'python', python, workers: 1 })]);
        if (a.status === 'fulfilled') mlflow = a.value;
        if (b.status === 'fulfilled') mlserve = b.value;
        for (const r of [a, b]) if (r.status === 'rejected') throw r.reason;
      });
      after(async () => {
        await Promise.all([mlflow?.close(), mlserve?.close()]);
      });
      for (const r of requests) {
        it(`${r.case}: ${r.method} ${r.path} gets MLflow's status, error code and JSON`, async () => {
          const expected = await ask(mlflow!.url, r);
          const actual = await ask(mlserve!.url, r);
          const difference = sameAnswer(expected, actual, `${model}/${r.case}` in FRONT_END_WORDING);
          assert.equal(difference, undefined, `${difference}\nrequest: ${r.body.slice(0, 300)}`);
        });
      }
    });
  }
});
