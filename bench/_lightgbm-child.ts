// Owns one measured mlserve variant of bench/lightgbm.ts: load the model, predict the batch `reps` times, report timings.
// Usage: node dist/bench/_lightgbm-child.js table|codegen MODEL_DIR X.f64 ROWS COLS REPS OUT.f64

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Frame } from '../src/data/frame.js';
import type { Tensor } from '../src/data/tensor.js';
import { lightgbmFlavor } from '../src/flavors/lightgbm/index.js';
import { readMLmodel } from '../src/model/mlmodel.js';
import { compileModel } from './_lightgbm-codegen.js';

async function main(): Promise<void> {
  const [engine, modelDir, xFile, rowsText, colsText, repsText, outFile] = process.argv.slice(2);
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
  let predict: () => Promise<Float64Array>;
  if (engine === 'codegen') {
    const compiled = compileModel(readFileSync(join(modelDir, 'model.lgb'), 'utf8'));
    predict = async () => compiled.predict(frame);
  } else {
    const mlmodel = await readMLmodel(modelDir);
    const model = await lightgbmFlavor.load({ modelPath: mlmodel.path, flavorConf: mlmodel.flavors.lightgbm ?? {} });
    predict = async () => ((await model.predict(frame, null)) as Tensor).data as Float64Array;
  }
  let out = await predict(); // warm-up (JIT), not measured
  const seconds: number[] = [];
  const cpuSeconds: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = process.hrtime.bigint();
    const c0 = process.cpuUsage();
    out = await predict();
    const c = process.cpuUsage(c0);
    seconds.push(Number(process.hrtime.bigint() - t0) / 1e9);
    cpuSeconds.push((c.user + c.system) / 1e6);
  }
  writeFileSync(outFile, Buffer.from(out.buffer, out.byteOffset, out.byteLength));
  process.stdout.write(`${JSON.stringify({ seconds, cpuSeconds })}\n`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exitCode = 1;
});
