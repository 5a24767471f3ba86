// Owns `mlserve models predict`: read the input, score it, write the answer atomically.

import { readFile, writeFile, rename } from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';
import { resolveModelUri } from '../../uri/resolve.js';
import { loadModel } from '../../model/load.js';
import { predictDocument, type PredictContentType } from '../../batch/predict.js';
import { PREDICT_FLAGS, formatHelp } from '../flags.js';
import { UsageError, parse, checkEnvManager, warn } from '../common.js';

/** Help text of `models predict`. */
export const PREDICT_HELP = formatHelp(
  'mlserve models predict -m <model-uri> [-i input] [-o output] [-t json|csv]',
  'Score a JSON or CSV document with a model, as `mlflow models predict` does.',
  PREDICT_FLAGS,
);

async function readStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Runs `models predict`; resolves with the exit code. */
export async function predictCommand(argv: string[]): Promise<number> {
  const flags = parse(argv, PREDICT_FLAGS);
  if (flags.help) return void process.stdout.write(PREDICT_HELP), 0;
  if (!flags['model-uri']) throw new UsageError(`Missing option '-m' / '--model-uri'.\n\n${PREDICT_HELP}`);
  const contentType = ((flags['content-type'] as string | undefined) ?? 'json') as PredictContentType;
  if (contentType !== 'json' && contentType !== 'csv') throw new UsageError('Content type must be one of json or csv.');
  checkEnvManager(flags, warn);
  const model = await loadModel(await resolveModelUri(flags['model-uri'] as string));
  try {
    const inputPath = flags['input-path'] as string | undefined;
    let input: Buffer;
    try {
      input = inputPath === undefined ? await readStdin() : await readFile(inputPath);
    } catch (err) {
      throw new UsageError(`Cannot read the input: ${(err as Error).message}`);
    }
    const text = await predictDocument(model, input, contentType);
    const outputPath = flags['output-path'] as string | undefined;
    if (outputPath === undefined) process.stdout.write(text);
    else {
      // Write beside the target and rename, so a failed run never leaves a file that looks complete.
      const tmp = join(dirname(outputPath), `.${basename(outputPath)}.${process.pid}.tmp`);
      await writeFile(tmp, text);
      await rename(tmp, outputPath);
    }
    return 0;
  } finally {
    await model.close();
  }
}
