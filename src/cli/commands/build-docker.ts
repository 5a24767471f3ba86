// Owns `mlserve models build-docker`: generate the build context in a temporary folder and `docker build` it (MLflow spec §5.4).

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeDockerContext } from '../../deploy/context.js';
import { dockerBuild, ensureDockerEngine } from '../../deploy/docker.js';
import { BUILD_DOCKER_FLAGS, formatHelp } from '../flags.js';
import { parse, warn } from '../common.js';
import { imageModels, warnDockerCompatFlags } from './_docker-flags.js';

/** MLflow CLI's default image name. */
export const DEFAULT_IMAGE_NAME = 'mlflow-pyfunc-servable';

/** Help text of `models build-docker`. */
export const BUILD_DOCKER_HELP = formatHelp(
  'mlserve models build-docker [-m [NAME=]<model-uri> ...] [-n <name>] [options]',
  'Build a Docker image (Node.js, non-root, port 8080) that serves the model with mlserve. Needs a running Docker engine.',
  BUILD_DOCKER_FLAGS,
);

/** Runs `models build-docker`; resolves with the exit code. */
export async function buildDockerCommand(argv: string[]): Promise<number> {
  const flags = parse(argv, BUILD_DOCKER_FLAGS, 'models build-docker');
  if (flags.help) return void process.stdout.write(BUILD_DOCKER_HELP), 0;
  warnDockerCompatFlags(flags);
  const name = (flags.name as string | undefined) ?? DEFAULT_IMAGE_NAME;
  // Fail before any copying when no engine answers.
  await ensureDockerEngine();
  const models = await imageModels(flags['model-uri'] as string[] | undefined);
  const dir = await mkdtemp(join(tmpdir(), 'mlserve-docker-'));
  try {
    await writeDockerContext({ ...models, outputDir: dir, baseImage: flags['base-image'] as string | undefined });
    warn(`mlserve: building image '${name}' from ${dir}`);
    await dockerBuild(dir, name, (chunk) => process.stderr.write(chunk));
    warn(`mlserve: built image '${name}'. Run it with: docker run -p 8080:8080 ${name}`);
    return 0;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
