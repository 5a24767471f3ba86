// Benchmark child: runs an ONNX model in this process with onnxruntime-node, as fast as it goes, and prints the figures.
// Usage: node dist/bench/_onnx-inproc.js <model.onnx> <rows>x<cols> <seconds>; the input is rows x cols float32 (iris values repeated).

import { availableParallelism } from 'node:os';
import * as ort from 'onnxruntime-node';

const [modelPath, shapeText, secondsText] = process.argv.slice(2);
const [rows, cols] = shapeText!.split('x').map(Number) as [number, number];
// The session options mlserve uses for a model without onnx_session_options: spinning off, and an
// intra-op pool sized to the CPUs this process may use.
const session = await ort.InferenceSession.create(modelPath!, {
  intraOpNumThreads: availableParallelism(),
  extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } },
});
const data = new Float32Array(rows * cols);
for (let i = 0; i < data.length; i++) data[i] = [5.1, 3.5, 1.4, 0.2][i % 4]!;
const feeds = { [session.inputNames[0]!]: new ort.Tensor('float32', data, [rows, cols]) };
for (let i = 0, warm = performance.now(); i < 200 && performance.now() - warm < 1000; i++) await session.run(feeds);
const latencies: number[] = [];
const end = performance.now() + Number(secondsText) * 1000;
const start = performance.now();
while (performance.now() < end) {
  const t = performance.now();
  await session.run(feeds);
  latencies.push(performance.now() - t);
}
const seconds = (performance.now() - start) / 1000;
latencies.sort((a, b) => a - b);
process.stdout.write(`${JSON.stringify({ calls: latencies.length, perSec: latencies.length / seconds, p50: latencies[latencies.length >> 1], p99: latencies[Math.floor(latencies.length * 0.99)] })}\n`);
