// Owns one measured mlserve variant of bench/lightgbm.ts: load the model, predict the batch `reps` times, report timings.
// Usage: node dist/bench/_lightgbm-child.js table|codegen MODEL_DIR X.f64 ROWS COLS REPS OUT.f64

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Tensor } from '../src/data/tensor.js';
import { lightgbmFlavor } from '../src/flavors/lightgbm/index.js';
import { readMLmodel } from '../src/model/mlmodel.js';
import { compileModel } from './_lightgbm-codegen.js';
import { readFeatureFrame, timePredictions } from './_trees.js';

async function main(): Promise<void> {
  const [engine, modelDir, xFile, rowsText, colsText, repsText, outFile] = process.argv.slice(2);
  const frame = readFeatureFrame(xFile, Number(rowsText), Number(colsText));
  let predict: () => Promise<Float64Array>;
  if (engine === 'codegen') {
    const compiled = compileModel(readFileSync(join(modelDir, 'model.lgb'), 'utf8'));
    predict = async () => compiled.predict(frame);
  } else {
    const mlmodel = await readMLmodel(modelDir);
    const model = await lightgbmFlavor.load({ modelPath: mlmodel.path, flavorConf: mlmodel.flavors.lightgbm ?? {} });
    predict = async () => ((await model.predict(frame, null)) as Tensor).data as Float64Array;
  }
  const { seconds, cpuSeconds, last } = await timePredictions(Number(repsText), predict);
  writeFileSync(outFile, Buffer.from(last.buffer, last.byteOffset, last.byteLength));
  process.stdout.write(`${JSON.stringify({ seconds, cpuSeconds })}\n`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exitCode = 1;
});
