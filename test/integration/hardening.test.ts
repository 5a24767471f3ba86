// What a hostile client or a misbehaving model did to the server (issue 12), each pinned through the
// real server: bounded work per byte sent, bounded error answers, deep nesting, stuck and crashing
// models, out-of-range values.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { rmSync } from 'node:fs';
import { status, type ServiceError } from '@grpc/grpc-js';
import { connectV2Grpc } from '../helpers/grpc-client.js';
import { startServer } from '../helpers/server.js';
import { makeModel } from '../helpers/model-dir.js';
import { ROOT } from '../helpers/cli.js';
import type { ServerHandle } from '../../src/serve.js';

const MODELS = join(ROOT, 'test/conformance/models');
const FAULTY = join(ROOT, 'test/fixtures/js/faulty');

const post = (url: string, body: string, contentType = 'application/json'): Promise<Response> =>
  fetch(url, { method: 'POST', headers: { 'content-type': contentType }, body, signal: AbortSignal.timeout(20_000) });

async function pingOk(server: ServerHandle): Promise<void> {
  const res = await fetch(`${server.url}/ping`, { signal: AbortSignal.timeout(5000) });
  assert.equal(res.status, 200);
}

function grpcInfer(port: number, request: unknown): Promise<unknown> {
  const client = connectV2Grpc(port);
  return client.rpc.ModelInfer(request).finally(() => client.close());
}

describe('1: shapes and counts are checked against the bytes sent', () => {
  let server: ServerHandle;
  before(async () => {
    server = await startServer(join(MODELS, 'echo_cols'), { workers: 1, warmup: false, grpcPort: 0, timeoutSeconds: 5 });
  });
  after(() => server.close());

  it('answers 400 at once to a 92-byte V2 request whose shape claims 2^53 rows', async () => {
    const res = await post(`${server.url}/v2/models/echo_cols/infer`, '{"inputs":[{"name":"x1","shape":[9007199254740991,0],"datatype":"FP64","data":[]}]}');
    assert.equal(res.status, 400);
    assert.match((await res.json()).error, /shape \[9007199254740991, 0\] describes more positions than a \d+-byte request can carry/);
    await pingOk(server);
  });

  it('answers INVALID_ARGUMENT to the same shape over gRPC', async () => {
    const request = { model_name: 'echo_cols', inputs: [{ name: 'x1', datatype: 'FP64', shape: ['9007199254740991', '0'], contents: { fp64_contents: [] } }] };
    await assert.rejects(grpcInfer(server.grpcPort!, request), (err: ServiceError) => err.code === status.INVALID_ARGUMENT && /describes more positions/.test(err.details));
    await pingOk(server);
  });

  it('refuses rows and records that would pad a table far larger than the body', async () => {
    const ragged = await post(`${server.url}/invocations`, JSON.stringify({ dataframe_split: { data: [Array(3000).fill(1), ...Array(3000).fill([])] } }));
    assert.equal(ragged.status, 400);
    assert.match((await ragged.json()).message, /would pad 3,001 rows x 3,000 columns/);
    const sparse = await post(`${server.url}/invocations`, JSON.stringify({ dataframe_records: Array.from({ length: 3000 }, (_, i) => ({ [`k${i}`]: 1 })) }));
    assert.equal(sparse.status, 400);
    const csv = await post(`${server.url}/invocations`, `${Array.from({ length: 3000 }, (_, i) => `c${i}`).join(',')}\n${'1\n'.repeat(3000)}`, 'text/csv');
    assert.equal(csv.status, 400);
    await pingOk(server);
  });
});

describe('2 and 8: stuck and crashing models free their slots; bystanders are not lost', () => {
  let server: ServerHandle;
  before(async () => {
    server = await startServer(FAULTY, { workers: 1, warmup: false, timeoutSeconds: 1 });
  });
  after(() => server.close());

  const call = (params: Record<string, unknown>): Promise<Response> => post(`${server.url}/invocations`, JSON.stringify({ inputs: [1], params }));

  it('answers 504 to calls that never settle and keeps serving after more of them than slots', async () => {
    const hung = await Promise.all(Array.from({ length: 4 }, () => call({ mode: 'hang' })));
    assert.deepEqual(hung.map((r) => r.status), [504, 504, 504, 504]);
    const ok = await call({ tag: 'after-hang' });
    assert.equal(ok.status, 200);
    assert.deepEqual(await ok.json(), { predictions: { tag: 'after-hang' } });
  });

  it('replaces a worker stuck in a loop: 504 for the loop, readiness false meanwhile, then 200 again', async () => {
    const restarts = (): number => Number(/mlserve_worker_restarts_total (\d+)/.exec(server.metrics.registry.render())?.[1] ?? 0);
    const before = restarts();
    const loop = call({ mode: 'loop' });
    const behind = call({ tag: 'behind' });
    assert.equal((await loop).status, 504);
    for (let i = 0; i < 1000 && restarts() === before; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(restarts(), before + 1);
    const b = await behind;
    assert.ok(b.status === 200 || b.status === 504, `a request queued behind the loop is answered (${b.status})`);
    for (let i = 0; i < 200 && (await fetch(`${server.url}/ping`)).status !== 200; i++) await new Promise((r) => setTimeout(r, 20));
    await pingOk(server);
    assert.equal((await call({ tag: 'again' })).status, 200);
  });
});

describe('2: readiness says false while no worker can serve', () => {
  it('answers /ping 503 between a stuck worker being stopped and its replacement being ready', async () => {
    const server = await startServer(FAULTY, { workers: 1, warmup: false, timeoutSeconds: 1 });
    try {
      const loop = post(`${server.url}/invocations`, JSON.stringify({ inputs: [1], params: { mode: 'loop' } }));
      assert.equal((await loop).status, 504);
      const statuses = new Set<number>();
      for (const end = Date.now() + 15_000; Date.now() < end; ) {
        const s = (await fetch(`${server.url}/ping`)).status;
        statuses.add(s);
        if (statuses.has(503) && s === 200) break;
        await new Promise((r) => setTimeout(r, 5));
      }
      assert.ok(statuses.has(503), `saw ${[...statuses]}`);
      await pingOk(server);
    } finally {
      await server.close();
    }
  });
});

describe('7: answers a model cannot serialise', () => {
  let server: ServerHandle;
  before(async () => {
    server = await startServer(FAULTY, { workers: 1, warmup: false });
  });
  after(() => server.close());

  for (const mode of ['fn', 'symbol']) {
    it(`answers a ${mode} as MLflow's unserialisable-output error and keeps the worker`, async () => {
      const res = await post(`${server.url}/invocations`, JSON.stringify({ inputs: [1], params: { mode } }));
      assert.equal(res.status, 500);
      const body = await res.json();
      assert.equal(body.error_code, 'INTERNAL_ERROR');
      assert.match(body.message, /is not JSON serializable/);
      assert.equal((await post(`${server.url}/invocations`, JSON.stringify({ inputs: [1], params: { tag: 'next' } }))).status, 200);
      assert.match(server.metrics.registry.render(), /mlserve_worker_restarts_total 0/);
    });
  }
});

describe('3: error answers stay small whatever the request held', () => {
  let server: ServerHandle;
  before(async () => {
    server = await startServer(join(MODELS, 'echo_cols'), { workers: 1, warmup: false });
  });
  after(() => server.close());

  it("shows a 1 MB CSV cell as pandas does (47 characters and '...'), not padded to its width", async () => {
    const res = await post(`${server.url}/invocations`, `c_str\n${'x'.repeat(1 << 20)}\n`, 'text/csv');
    assert.equal(res.status, 400);
    const text = await res.text();
    assert.ok(text.length < 4000, `${text.length} characters`);
    assert.match(JSON.parse(text).message, /0  x{46}\.\.\.'/);
  });

  it('quotes at most 200 characters of a value that cannot be converted', async () => {
    const res = await post(`${server.url}/invocations`, JSON.stringify({ dataframe_split: { columns: ['c_int'], data: [['y'.repeat(1 << 20)]] } }));
    assert.equal(res.status, 400);
    const { message } = await res.json();
    assert.ok(message.length < 1000, `${message.length} characters`);
    assert.match(message, /invalid literal for int\(\) with base 10: 'y{199}"/);
  });

  it('keeps a 30 MB cell from failing the answer', async () => {
    const res = await post(`${server.url}/invocations`, JSON.stringify({ dataframe_split: { columns: ['c_str'], data: [['z'.repeat(30 << 20)]] } }));
    assert.equal(res.status, 400);
    assert.ok((await res.text()).length < 4000);
  });
});

describe('4: deep nesting fails alone, with a 4xx', () => {
  let server: ServerHandle;
  let model: string;
  before(async () => {
    model = makeModel({ flavorExtra: { batchable: true } });
    server = await startServer(model, { workers: 1, warmup: false, maxBatchDelayMs: 20 });
  });
  after(async () => {
    await server.close();
    rmSync(model, { recursive: true, force: true });
  });

  const deep = (n: number): string => '['.repeat(n) + '1' + ']'.repeat(n);
  const bodies = (n: number): string[] => [
    `{"inputs": {"a": ${deep(n - 2)}}}`,
    `{"instances": ${deep(n - 1)}}`,
    `{"dataframe_records": [{"a": ${deep(n - 3)}}]}`,
    `{"dataframe_split": {"columns": ["a"], "data": [[${deep(n - 4)}]]}}`,
    `{"messages": ${deep(n - 1)}}`,
    `{"inputs": [1], "params": {"p": ${deep(n - 2)}}}`,
  ];

  it('answers 400 past the nesting limit on every JSON route', async () => {
    for (const body of bodies(5000)) {
      const res = await post(`${server.url}/invocations`, body);
      assert.equal(res.status, 400, body.slice(0, 40));
      assert.match((await res.json()).message, /Nesting deeper than 1000 levels/);
    }
    const v2 = await post(`${server.url}/v2/models/${server.model.path.split('/').pop()}/infer`, `{"inputs":[{"name":"a","shape":[1],"datatype":"FP64","data":${deep(5000)}}]}`);
    assert.equal(v2.status, 400);
  });

  it('serves input nested up to the limit through a worker without overflowing anything', async () => {
    for (const body of bodies(1000)) {
      const res = await post(`${server.url}/invocations`, body);
      assert.ok(res.status < 500, `${res.status} for ${body.slice(0, 40)}: ${(await res.text()).slice(0, 200)}`);
    }
  });

  it('keeps good requests of a batched hand-off answered when deep ones share it', async () => {
    const good = Array.from({ length: 40 }, (_, i) => post(`${server.url}/invocations`, JSON.stringify({ inputs: [[i, i]] })));
    const deepOnes = [999, 1000, 3000].map((n) => post(`${server.url}/invocations`, `{"inputs": ${deep(n)}}`));
    const answers = await Promise.all(good);
    assert.deepEqual(answers.map((r) => r.status), Array(40).fill(200));
    const [d999, d1000, d3000] = await Promise.all(deepOnes);
    assert.equal(d999.status, 200);
    assert.equal(d1000.status, 400); // the envelope adds a level: 1001 in all
    assert.equal(d3000.status, 400);
  });
});

describe('10: out-of-range values, as the real MLflow 3.6 answers them', () => {
  // Each expectation was measured with `mlflow models serve` on a pyfunc echo model with the same
  // signature (integer c_int, long c_long, datetime c_dt, double c_double, string c_str, float c_float).
  let server: ServerHandle;
  let model: string;
  before(async () => {
    model = makeModel({
      inputs: [
        { type: 'integer', name: 'c_int', required: true },
        { type: 'long', name: 'c_long', required: true },
        { type: 'datetime', name: 'c_dt', required: true },
        { type: 'double', name: 'c_double', required: true },
      ],
    });
    server = await startServer(model, { workers: 1, warmup: false });
  });
  after(async () => {
    await server.close();
    rmSync(model, { recursive: true, force: true });
  });

  const COLS = ['c_int', 'c_long', 'c_dt', 'c_double'];
  const split = (row: Record<string, unknown>): string => {
    const cells = COLS.map((c) => (typeof row[c] === 'bigint' ? String(row[c]) : JSON.stringify(row[c] ?? { c_int: 1, c_long: 1, c_dt: '2020-01-01', c_double: 1.5 }[c])));
    return `{"dataframe_split": {"columns": ${JSON.stringify(COLS)}, "data": [[${cells.join(', ')}]]}}`;
  };
  const records = (row: Record<string, unknown>): string => {
    const cells = COLS.map((c) => `"${c}": ${typeof row[c] === 'bigint' ? String(row[c]) : JSON.stringify(row[c] ?? { c_int: 1, c_long: 1, c_dt: '2020-01-01', c_double: 1.5 }[c])}`);
    return `{"dataframe_records": [{${cells.join(', ')}}]}`;
  };

  const cases: [string, Record<string, unknown>, number, RegExp | Record<string, unknown>][] = [
    // pandas' astype wraps int64 to int32 and uint64 to int64, as MLflow does.
    ['integer 2^32+1 wraps to 1', { c_int: 4294967297n }, 200, { c_int: 1 }],
    ['long 2^63 wraps to -2^63', { c_long: 9223372036854775808n }, 200, { c_long: -9223372036854775808n }],
    // Past uint64, or mixed with negatives, the column holds Python ints: OverflowError.
    ['long 2^64+5', { c_long: 18446744073709551621n }, 400, /Failed to convert column c_long to type 'int64'. Error: 'OverflowError\('Python int too large to convert to C long'\)'/],
    ['long -2^63-1', { c_long: -9223372036854775809n }, 400, /OverflowError/],
    ['integer 2^64', { c_int: 18446744073709551616n }, 400, /Failed to convert column c_int to type 'int32'. Error: 'OverflowError/],
    // Datetimes outside datetime64[ns] and years past 9999 are pandas errors, not wrapped dates.
    ['datetime 99999-01-01', { c_dt: '99999-01-01' }, 400, /DateParseError\('year 99999 is out of range: 99999-01-01, at position 0'\)/],
    ['datetime 2262-04-12', { c_dt: '2262-04-12' }, 400, /OutOfBoundsDatetime\('Out of bounds nanosecond timestamp: 2262-04-12, at position 0'\)/],
    ['datetime 1677-09-21', { c_dt: '1677-09-21' }, 400, /OutOfBoundsDatetime/],
    ['datetime int 2^64', { c_dt: 18446744073709551616n }, 400, /Failed to convert column c_dt to type 'datetime64\[ns\]'. Error: 'OverflowError/],
    // An int no double can hold fails pandas' DataFrame construction.
    ['double 2^1100', { c_double: 2n ** 1100n }, 400, /not a valid dataframe representation in '(split|records)' format. Error: 'int too large to convert to float'/],
  ];

  for (const [name, row, statusCode, expected] of cases) {
    for (const [format, body] of [['dataframe_split', split(row)], ['dataframe_records', records(row)]] as const) {
      it(`${name} (${format})`, async () => {
        const res = await post(`${server.url}/invocations`, body);
        const text = await res.text();
        assert.equal(res.status, statusCode, text.slice(0, 300));
        if (expected instanceof RegExp) {
          const parsed = JSON.parse(text);
          assert.equal(parsed.error_code, 'BAD_REQUEST');
          assert.match(parsed.message, expected);
        } else {
          for (const [k, v] of Object.entries(expected)) assert.match(text, new RegExp(`"${k}": ${String(v)}[,}]`));
        }
      });
    }
  }

  it("answers a datetime past 9999 in an 'inputs' dict as MLflow does (numpy wraps it; the signature then refuses it)", async () => {
    const res = await post(`${server.url}/invocations`, '{"inputs": {"c_dt": ["99999-01-01"]}}');
    assert.equal(res.status, 400);
    assert.equal((await res.json()).error_code, 'INVALID_PARAMETER_VALUE');
  });

  it('refuses an int no double can hold in an inputs dict for a double column', async () => {
    const res = await post(`${server.url}/invocations`, `{"inputs": {"c_double": [${2n ** 1100n}]}}`);
    assert.equal(res.status, 400);
    assert.deepEqual(await res.json(), { error_code: 'BAD_REQUEST', message: 'Invalid input. int too large to convert to float' });
  });
});
