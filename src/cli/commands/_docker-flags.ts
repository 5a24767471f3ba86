// Owns what the image commands share: the models `-m` puts into an image, and the warnings for MLflow's
// Docker flags that mean nothing for mlserve's Node.js image.

import type { ParsedFlags } from '../flags.js';
import { warn } from '../common.js';
import { modelSpecs, parseModelArgument } from '../../models/spec.js';
import { resolveModelUri } from '../../uri/resolve.js';
import type { DockerContextOptions } from '../../deploy/context.js';

/**
 * The names of the models `-m` gives, when the image serves them by name: several `-m NAME=URI`, or one
 * named; undefined for none or one plain URI (MLflow's layout: the model at /opt/ml/model). Names are
 * checked as the server checks them.
 */
export function namedModels(values: readonly string[] | undefined): { name: string; uri: string }[] | undefined {
  const args = (values ?? []).map((v) => parseModelArgument(v));
  if (args.length === 0 || (args.length === 1 && args[0].name === undefined)) return undefined;
  return modelSpecs(args, undefined).map((s) => ({ name: s.name, uri: s.uri }));
}

/** The models of a build context: none, one plain `-m URI` (MLflow's layout), or named ones (each at /opt/ml/models/NAME). */
export async function imageModels(values: readonly string[] | undefined): Promise<Pick<DockerContextOptions, 'modelDir' | 'models'>> {
  const named = namedModels(values);
  if (named) return { models: await Promise.all(named.map(async (m) => ({ name: m.name, dir: await resolveModelUri(m.uri) }))) };
  return values?.length ? { modelDir: await resolveModelUri(values[0]) } : {};
}

/** Warns once per MLflow-only flag that was given. */
export function warnDockerCompatFlags(flags: ParsedFlags): void {
  for (const flag of ['env-manager', 'mlflow-home', 'install-java', 'install-mlflow', 'enable-mlserver']) {
    if (flags[flag] !== undefined && flags[flag] !== false) warn(`mlserve: --${flag} is accepted for MLflow compatibility and has no effect on mlserve's image.`);
  }
}
