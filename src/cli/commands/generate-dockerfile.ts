// Owns `mlserve models generate-dockerfile`: write a Docker build context for a model (MLflow spec §5.5).

import { writeDockerContext } from '../../deploy/context.js';
import { GENERATE_DOCKERFILE_FLAGS, formatHelp } from '../flags.js';
import { parse, warn } from '../common.js';
import { imageModels, warnDockerCompatFlags } from './_docker-flags.js';

/** MLflow's default output directory. */
export const DEFAULT_OUTPUT_DIRECTORY = 'mlflow-dockerfile';

/** Help text of `models generate-dockerfile`. */
export const GENERATE_DOCKERFILE_HELP = formatHelp(
  'mlserve models generate-dockerfile [-m [NAME=]<model-uri> ...] [-d <dir>] [options]',
  'Write a Docker build context (Dockerfile, mlserve, model) for a Node.js image that serves the model on port 8080.',
  GENERATE_DOCKERFILE_FLAGS,
);

/** Runs `models generate-dockerfile`; resolves with the exit code. */
export async function generateDockerfileCommand(argv: string[]): Promise<number> {
  const flags = parse(argv, GENERATE_DOCKERFILE_FLAGS, 'models generate-dockerfile');
  if (flags.help) return void process.stdout.write(GENERATE_DOCKERFILE_HELP), 0;
  warnDockerCompatFlags(flags);
  const ctx = await writeDockerContext({
    ...(await imageModels(flags['model-uri'] as string[] | undefined)),
    outputDir: (flags['output-directory'] as string | undefined) ?? DEFAULT_OUTPUT_DIRECTORY,
    baseImage: flags['base-image'] as string | undefined,
  });
  if (!ctx.lockfile) warn('mlserve: no package-lock.json next to mlserve\'s package.json; the image will resolve dependency versions with `npm install` at build time.');
  warn(`mlserve: wrote the Docker build context to ${ctx.dir}; build it with: docker build -t <name> ${ctx.dir}`);
  return 0;
}
