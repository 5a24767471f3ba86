// Seeded fuzz, the CI-sized run of bench/fuzz.ts: 5,000 generated hostile requests (MLflow JSON,
// CSV, V2 REST, gRPC, content types, encodings, random bytes; bodies of tens of kilobytes, the
// bench adds megabyte ones) over five models. Nothing a client
// sends may produce a server fault (5xx, a gRPC INTERNAL/UNAVAILABLE, no answer) or stop the
// server answering /ping.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startServer } from '../helpers/server.js';
import { ROOT } from '../helpers/cli.js';
import { fuzzCases } from '../helpers/fuzz-gen.js';
import { runFuzz, type FuzzOutcome } from '../helpers/fuzz-run.js';

const MODELS = join(ROOT, 'test/conformance/models');
const PER_MODEL = 1000;

describe('structured fuzz', () => {
  for (const [model, seed] of [['echo_cols', 1], ['echo_tensor', 2], ['echo_chat', 3], ['echo_params', 4], ['iris_onnx', 5]] as const) {
    it(`${model}: ${PER_MODEL} generated requests over HTTP and gRPC, no server fault, and /ping still answers`, async () => {
      const server = await startServer(join(MODELS, model), { workers: 1, warmup: false, grpcPort: 0, timeoutSeconds: 30 });
      const faults: FuzzOutcome[] = [];
      const families = new Map<string, number>();
      try {
        await runFuzz({ port: server.port, grpcPort: server.grpcPort }, fuzzCases(seed, [model], false), {
          count: PER_MODEL,
          concurrency: 4,
          timeoutMs: 30_000,
          onOutcome: (o) => {
            families.set(o.family, (families.get(o.family) ?? 0) + 1);
            if (o.fault) faults.push(o);
          },
        });
        assert.deepEqual(faults.map((f) => f.cause), [], `server faults: ${faults.length}`);
        assert.ok(families.size >= 8, `families covered: ${[...families.keys()].join(', ')}`);
        assert.equal((await fetch(`${server.url}/ping`)).status, 200);
      } finally {
        await server.close();
      }
    });
  }
});
