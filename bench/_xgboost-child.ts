// Owns one measured mlserve variant of bench/xgboost.ts: load the model, predict the batch `reps` times, report timings.
// Usage: node dist/bench/_xgboost-child.js MODEL_DIR X.f64 ROWS COLS REPS OUT.f32

import { writeFileSync } from 'node:fs';
import type { Tensor } from '../src/data/tensor.js';
import { readMLmodel } from '../src/model/mlmodel.js';
import { xgboostFlavor } from '../src/flavors/xgboost/index.js';
import { readFeatureFrame, timePredictions } from './_trees.js';

async function main(): Promise<void> {
  const [modelDir, xFile, rowsText, colsText, repsText, outFile] = process.argv.slice(2);
  const frame = readFeatureFrame(xFile, Number(rowsText), Number(colsText));
  const mlmodel = await readMLmodel(modelDir);
  const model = await xgboostFlavor.load({ modelPath: mlmodel.path, flavorConf: mlmodel.flavors.xgboost ?? {} });
  const { seconds, cpuSeconds, last } = await timePredictions(Number(repsText), async () => (await model.predict(frame, null)) as Tensor);
  writeFileSync(outFile, Buffer.from((last.data as Float32Array).buffer));
  process.stdout.write(`${JSON.stringify({ seconds, cpuSeconds })}\n`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exitCode = 1;
});
