// CSV against a model whose signature is one named tensor (examples/iris: input float32 (-1, 4)), through /invocations.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startServer } from '../helpers/server.js';
import { ROOT } from '../helpers/cli.js';
import type { ServerHandle } from '../../src/serve.js';

const csv = (url: string, body: string): Promise<Response> => fetch(`${url}/invocations`, { method: 'POST', headers: { 'content-type': 'text/csv' }, body });

describe('CSV for a single named tensor input', () => {
  let server: ServerHandle;
  before(async () => {
    server = await startServer(join(ROOT, 'examples/iris'));
  });
  after(() => server.close());

  it('reads the rows as the tensor when the columns match its last dimension, as the same rows as "inputs" would', async () => {
    const res = await csv(server.url, 'sepal_length,sepal_width,petal_length,petal_width\n5.1,3.5,1.4,0.2\n6.7,3.0,5.2,2.3\n');
    assert.equal(res.status, 200);
    const viaCsv = await res.text();
    const viaJson = await (await fetch(`${server.url}/invocations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"inputs": [[5.1, 3.5, 1.4, 0.2], [6.7, 3.0, 5.2, 2.3]]}' })).text();
    assert.equal(viaCsv, viaJson);
  });

  it('answers 400 naming the header and the expected input when the columns do not fit, and a bad cell by line and column', async () => {
    const narrow = await csv(server.url, 'a,b,c\n1,2,3\n');
    assert.equal(narrow.status, 400);
    const body = (await narrow.json()) as { error_code: string; message: string };
    assert.equal(body.error_code, 'INVALID_PARAMETER_VALUE');
    assert.equal(body.message, "Model is missing inputs ['input']. The CSV header has 3 columns ['a', 'b', 'c'], and the model's single input 'input' is a float32 tensor of shape (-1, 4): send 4 columns, one per element (any names), or one column named 'input'.");
    const cell = await csv(server.url, 'a,b,c,d\n1,2,3,4\n1,x,3,4\n');
    assert.equal(cell.status, 400);
    assert.match(((await cell.json()) as { message: string }).message, /Unable to parse column 'b' at line 3: could not convert string to float: 'x'/);
  });

  it('reads a column named after the input as that tensor, one JSON list per cell', async () => {
    const res = await csv(server.url, 'input\n"[5.1, 3.5, 1.4, 0.2]"\n');
    assert.equal(res.status, 200);
    const viaJson = await (await fetch(`${server.url}/invocations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"inputs": [[5.1, 3.5, 1.4, 0.2]]}' })).text();
    assert.equal(await res.text(), viaJson);
  });
});
