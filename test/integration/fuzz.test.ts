// Seeded structured fuzz: MLflow JSON, CSV and V2 bodies built from the protocol's keys and awkward values.
// Nothing a client sends may produce a 5xx (other than MLflow's own 500 for an array fed to a multi-input
// ONNX graph, which is not reachable with these models) or stop the server answering.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startServer } from '../helpers/server.js';
import { ROOT } from '../helpers/cli.js';

const MODELS = join(ROOT, 'test/conformance/models');
const KEYS = ['c_double', 'c_float', 'c_long', 'c_int', 'c_bool', 'c_str', 'c_bin', 'c_dt', 'x', 'note', 'text', 'messages', 'role', 'content', 'input', 'a', '0', '__proto__'];
const LEAVES = [1, 0, -1, 1.5, 1e308, -0, 2 ** 60, null, true, false, '', 'x', '2024-01-01', 'aGVsbG8=', 'NaN', 1e-320];

function generator(seed: number): { body(): { path: string; contentType: string; text: string } } {
  let state = seed;
  const rnd = (): number => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)];
  const value = (depth = 0): unknown => {
    const r = rnd();
    if (depth > 3 || r < 0.35) return pick(LEAVES);
    if (r < 0.6) return Array.from({ length: Math.floor(rnd() * 4) }, () => value(depth + 1));
    const o: Record<string, unknown> = {};
    for (let i = 0; i < rnd() * 4; i++) o[pick(KEYS)] = value(depth + 1);
    return o;
  };
  return {
    body() {
      const r = rnd();
      if (r < 0.15) {
        const row = pick(['1,a,2024-01-01', 'q,,', '"1', ',,,,', 'NaN,x,garbage']);
        return { path: '/invocations', contentType: 'text/csv', text: `x,note,c_dt\n${row}\n` };
      }
      if (r < 0.35) {
        const input = { name: pick(['input', 'x', 'c_double', 'messages']), shape: value(), datatype: pick(['FP32', 'FP64', 'INT64', 'BOOL', 'BYTES', 'FP16', 'XX']), data: value() };
        return { path: '/v2/models/MODEL/infer', contentType: 'application/json', text: JSON.stringify({ inputs: [input], parameters: rnd() < 0.3 ? { content_type: pick(['pd', 'np', 'dict', 'zz']) } : undefined }) };
      }
      const key = pick(['inputs', 'instances', 'dataframe_split', 'dataframe_records', 'messages', 'prompt', 'params']);
      const envelope: Record<string, unknown> = { [key]: key === 'dataframe_split' && rnd() < 0.5 ? { columns: value(), data: value() } : value() };
      if (rnd() < 0.3) envelope.params = value();
      let text = rnd() < 0.1 ? JSON.stringify(value()) : JSON.stringify(envelope);
      if (rnd() < 0.1) text = text.replace('null', 'NaN').replace('1.5', 'Infinity');
      return { path: '/invocations', contentType: 'application/json', text };
    },
  };
}

describe('structured fuzz', () => {
  for (const [model, seed] of [['echo_cols', 1], ['echo_tensor', 2], ['echo_chat', 3], ['echo_params', 4], ['iris_onnx', 5]] as const) {
    it(`${model}: 150 generated requests, none answered 5xx, and /ping still answers`, async () => {
      const server = await startServer(join(MODELS, model), { workers: 1, warmup: false });
      const gen = generator(seed);
      try {
        for (let i = 0; i < 150; i++) {
          const b = gen.body();
          const res = await fetch(server.url + b.path.replace('MODEL', model), { method: 'POST', headers: { 'content-type': b.contentType }, body: b.text });
          const text = await res.text();
          assert.ok(res.status < 500, `${res.status} for ${b.text.slice(0, 200)}: ${text.slice(0, 300)}`);
        }
        assert.equal((await fetch(`${server.url}/ping`)).status, 200);
      } finally {
        await server.close();
      }
    });
  }
});
