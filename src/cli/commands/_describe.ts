// Owns what `models openapi` and `models generate-client` share: their flags, and describing a model from its URI without loading it.

import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { resolveModelUri } from '../../uri/resolve.js';
import { chooseFlavor, readMLmodel } from '../../model/load.js';
import { describeModel, type ModelDescription } from '../../model/describe.js';
import { defaultModelName, defaultModelVersion } from '../../server/v2/model-name.js';
import { processEnv } from '../../config/options.js';
import type { ParsedFlags } from '../flags.js';
import { createLogger } from '../../logger.js';

/** Flags both commands take to find the model. */
export const MODEL_FLAGS = [
  { long: 'model-uri', short: 'm', kind: 'string', option: 'none', valueName: 'URI', help: 'Model URI: a local directory, file:, runs:/, models:/ or mlflow-artifacts:/. Required.' },
  { long: 'tracking-uri', kind: 'string', option: 'none', valueName: 'URI', help: 'MLflow tracking store for runs:/ and models:/ URIs. Default: env MLFLOW_TRACKING_URI, else ./mlruns or ./mlflow.db.' },
  { long: 'model-name', kind: 'string', option: 'none', valueName: 'NAME', help: "The model's V2 name, as given to `models serve`. Default: from the URI." },
] as const;

/** Resolves the model URI and describes the model as `models serve` would publish it (engine: native). */
export async function describeFromFlags(flags: ParsedFlags): Promise<ModelDescription> {
  const uri = flags['model-uri'] as string;
  const dir = await resolveModelUri(uri, { env: processEnv(), trackingUri: flags['tracking-uri'] as string | undefined, logger: createLogger({ level: 'warn' }) });
  const mlmodel = await readMLmodel(dir);
  const flavor = chooseFlavor(mlmodel);
  const name = (flags['model-name'] as string | undefined) ?? defaultModelName(uri, existsSync(uri) ? resolve(uri) : dir);
  return describeModel(mlmodel, { uri, name, version: defaultModelVersion(uri), flavor: flavor.name, engine: 'native' });
}
