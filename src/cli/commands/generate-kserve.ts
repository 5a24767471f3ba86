// Owns `mlserve models generate-kserve`: write a KServe ServingRuntime and InferenceService for an mlserve image.

import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { defaultModelName } from '../../server/v2/model-name.js';
import { toResourceName, writeKServeManifests, type DeploymentMode } from '../../deploy/kserve.js';
import { GENERATE_KSERVE_FLAGS, formatHelp } from '../flags.js';
import { UsageError, intFlag, parse, warn } from '../common.js';
import { namedModels } from './_docker-flags.js';

/** Default output folder. */
export const DEFAULT_KSERVE_DIRECTORY = 'mlserve-kserve';

/** Help text of `models generate-kserve`. */
export const GENERATE_KSERVE_HELP = formatHelp(
  'mlserve models generate-kserve -m [NAME=]<model-uri> ... --image <image> [-d <dir>] [options]',
  'Write a KServe ServingRuntime and InferenceService that serve the model with an mlserve image over the V2 protocol.',
  GENERATE_KSERVE_FLAGS,
);

const MODES: Record<string, DeploymentMode> = { raw: 'RawDeployment', rawdeployment: 'RawDeployment', serverless: 'Serverless' };

/** Runs `models generate-kserve`; resolves with the exit code. */
export async function generateKServeCommand(argv: string[]): Promise<number> {
  const flags = parse(argv, GENERATE_KSERVE_FLAGS, 'models generate-kserve');
  if (flags.help) return void process.stdout.write(GENERATE_KSERVE_HELP), 0;
  const uris = (flags['model-uri'] as string[] | undefined) ?? [];
  if (uris.length === 0) throw new UsageError(`Missing option '-m' / '--model-uri'.\n\n${GENERATE_KSERVE_HELP}`);
  const named = namedModels(uris);
  if (named && flags.name === undefined) throw new UsageError('Name the InferenceService with --name: with models served by name (-m NAME=URI), no one model names it.');
  const image = flags.image as string | undefined;
  if (image === undefined) throw new UsageError(`Missing option '--image'.\n\n${GENERATE_KSERVE_HELP}`);
  const modeFlag = (flags['deployment-mode'] as string | undefined) ?? 'raw';
  const deploymentMode = MODES[modeFlag.toLowerCase()];
  if (!deploymentMode) throw new UsageError(`Invalid value for --deployment-mode: '${modeFlag}'. Use RawDeployment or Serverless.`);
  const name = (flags.name as string | undefined) ?? toResourceName(defaultModelName(uris[0], existsSync(uris[0]) ? resolve(uris[0]) : undefined));
  const dir = (flags['output-directory'] as string | undefined) ?? DEFAULT_KSERVE_DIRECTORY;
  const written = await writeKServeManifests(dir, {
    name,
    image,
    runtimeName: flags['runtime-name'] as string | undefined,
    namespace: flags.namespace as string | undefined,
    storageUri: flags['storage-uri'] as string | undefined,
    modelNames: named?.map((m) => m.name),
    deploymentMode,
    cpu: flags.cpu as string | undefined,
    memory: flags.memory as string | undefined,
    workers: intFlag(flags, 'workers'),
    drainTimeoutSeconds: intFlag(flags, 'drain-timeout'),
  });
  const served = named ? `V2 model names ${named.map((m) => `'${m.name}'`).join(', ')}` : `V2 model name '${name}'`;
  warn(`mlserve: wrote ${written.join(' and ')}; ${served}. Apply with: kubectl apply -f ${resolve(dir)}`);
  return 0;
}
