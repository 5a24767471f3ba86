// Owns opening a model for `models predict` with the engine `--engine` allows: in this process, or one Python worker.

import { readPythonSettings } from '../config/python.js';
import type { EngineName, Env, EnvManager } from '../config/options.js';
import { loadModel, readMLmodel } from '../model/load.js';
import { directPredictor } from '../runtime/direct.js';
import { openEngine, type EngineChoice } from '../runtime/engine.js';
import { createPythonPool } from '../runtime/python/pool.js';
import { pythonInterpreter } from '../runtime/python/index.js';
import type { BatchModel } from './predict.js';
import type { Logger } from '../logger.js';

/** How to open the model. */
export interface OpenBatchModelOptions {
  readonly engine: EngineName;
  readonly envManager: EnvManager;
  /** `--python`. */
  readonly python?: string;
  readonly env: Env;
  /** Where worker output and notices go. */
  readonly logger: Logger;
}

/** A model ready for predictBatch; `close()` releases it (and stops its worker). */
export interface OpenBatchModel extends BatchModel {
  readonly choice: EngineChoice;
  close(): Promise<void>;
}

/**
 * Opens the model in `dir`: natively in this process, or with one Python worker that scores each
 * chunk the way `mlflow models predict` scores its input (MLflow's enforcement and output writer).
 */
export async function openBatchModel(dir: string, o: OpenBatchModelOptions): Promise<OpenBatchModel> {
  const mlmodel = await readMLmodel(dir);
  const { value, choice } = await openEngine(
    mlmodel,
    o.engine,
    async () => {
      const model = await loadModel(dir);
      return { predictor: directPredictor(model), close: () => model.close() };
    },
    async () => {
      const settings = readPythonSettings(o.python, o.env);
      const python = await pythonInterpreter(mlmodel, { envManager: o.envManager, python: { executable: settings.executable, origin: settings.origin }, envDir: settings.envDir, searchPath: settings.searchPath }, o.logger);
      // One worker, no time-out: chunks are scored one after the other, for as long as each takes.
      const pool = createPythonPool({ modelDir: mlmodel.path, python, size: 1, batchable: false, maxBatchRows: 0, logger: o.logger });
      await pool.start();
      return { predictor: pool, close: () => pool.close() };
    },
  );
  return { signature: mlmodel.signature, signatureFromTypeHint: mlmodel.signatureFromTypeHint, choice, predictor: value.predictor, close: value.close };
}
