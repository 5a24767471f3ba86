// Owns one measured mlserve variant of bench/xgboost.ts: load the model, predict the batch `reps` times, report timings.
// Usage: node dist/bench/_xgboost-child.js MODEL_DIR X.f64 ROWS COLS REPS OUT.f32

import { readFileSync, writeFileSync } from 'node:fs';
import { Frame } from '../src/data/frame.js';
import { Tensor } from '../src/data/tensor.js';
import { readMLmodel } from '../src/model/mlmodel.js';
import { xgboostFlavor } from '../src/flavors/xgboost/index.js';

async function main(): Promise<void> {
  const [modelDir, xFile, rowsText, colsText, repsText, outFile] = process.argv.slice(2);
  const rows = Number(rowsText);
  const cols = Number(colsText);
  const reps = Number(repsText);
  const buf = readFileSync(xFile);
  const x = new Float64Array(buf.buffer, buf.byteOffset, rows * cols);
  // A DataFrame of float64 columns, as decoded from a dataframe_split request.
  const columns = Array.from({ length: cols }, (_, j) => {
    const values = new Float64Array(rows);
    for (let r = 0; r < rows; r++) values[r] = x[r * cols + j];
    return { name: `f${j}`, dtype: 'float64' as const, values };
  });
  const frame = new Frame(columns);
  const mlmodel = await readMLmodel(modelDir);
  const model = await xgboostFlavor.load({ modelPath: mlmodel.path, flavorConf: mlmodel.flavors.xgboost ?? {} });
  let out = (await model.predict(frame, null)) as Tensor; // warm-up (JIT), not measured
  const seconds: number[] = [];
  const cpuSeconds: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = process.hrtime.bigint();
    const c0 = process.cpuUsage();
    out = (await model.predict(frame, null)) as Tensor;
    const c = process.cpuUsage(c0);
    seconds.push(Number(process.hrtime.bigint() - t0) / 1e9);
    cpuSeconds.push((c.user + c.system) / 1e6);
  }
  writeFileSync(outFile, Buffer.from((out.data as Float32Array).buffer));
  process.stdout.write(`${JSON.stringify({ seconds, cpuSeconds })}\n`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exitCode = 1;
});
