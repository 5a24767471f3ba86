// Owns the second baseline of cold-start.ts: bare node:http plus what any Node.js server of an ONNX model must
// load (onnxruntime-node and one session of the model, created as mlserve creates its inline one), answering a fixed body.

import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import type * as Ort from 'onnxruntime-node';

const BODY = Buffer.from('{"predictions": [{"x": 1.0}]}');
const modelFile = process.argv[2];
if (!modelFile) throw new Error('usage: node _bare-onnx-server.js MODEL.onnx');

// As mlserve: no telemetry files, one thread, no CPU arena (flavors/onnx/inline.ts).
process.env.ORT_DISABLE_TELEMETRY ??= '1';
const ort = createRequire(import.meta.url)('onnxruntime-node') as typeof Ort;
const session = await ort.InferenceSession.create(modelFile, { intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential', enableCpuMemArena: false });
const input = session.inputNames[0]!;

const server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
  req.on('data', () => {});
  req.on('end', () => {
    const answer = (): void => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': BODY.length });
      res.end(BODY);
    };
    // Each POST runs the model once on a 1-row float32 input of 4 (iris), as the warm-up requests do.
    if (req.method !== 'POST') return answer();
    session.run({ [input]: new ort.Tensor('float32', new Float32Array(4), [1, 4]) }).then(answer, () => {
      res.writeHead(500);
      res.end();
    });
  });
});

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.stderr.write(`bare node:http + onnxruntime-node server at http://127.0.0.1:${port}\n`);
});
