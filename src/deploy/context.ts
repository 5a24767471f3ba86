// Owns writing a Docker build context: the model under model_dir/<name>, mlserve's package (manifests + dist), and the Dockerfile.

import { cp, mkdir, rm, writeFile, readFile, access } from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ServingError } from '../errors.js';
import { VERSION } from '../version.js';
import { generateDockerfile, MODEL_DIR, PACKAGE_DIR } from './dockerfile.js';

/** What `writeDockerContext` needs. */
export interface DockerContextOptions {
  /** Local model directory to copy into the image; absent: the image expects a model mounted at /opt/ml/model. */
  readonly modelDir?: string;
  /** Several local model directories instead, each served under its name (see DockerfileOptions.modelNames). */
  readonly models?: readonly { readonly name: string; readonly dir: string }[];
  /** Folder to write the context into (created if missing). */
  readonly outputDir: string;
  /** Base image of the Dockerfile. @default DEFAULT_BASE_IMAGE */
  readonly baseImage?: string;
  /** Root of the mlserve package to install in the image. @default the package this module belongs to */
  readonly packageRoot?: string;
}

/** What was written. */
export interface DockerContext {
  readonly dir: string;
  readonly dockerfile: string;
  /** False when mlserve's package-lock.json was not found: the image then resolves dependency versions at build time. */
  readonly lockfile: boolean;
}

/** The root folder of the mlserve package this code runs from (the nearest package.json named mlserve). */
export function findPackageRoot(from: string = dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'mlserve') return dir;
    if (dirname(dir) === dir) throw new ServingError('INTERNAL_ERROR', `Cannot find mlserve's package.json above ${from}.`);
  }
}

/** Only the compiled JavaScript goes into the image: no tests, maps or type declarations. */
function isRuntimeFile(path: string): boolean {
  return !/\.test\.(js|d\.ts)$|\.map$|\.d\.ts$|\.tsbuildinfo$/.test(path);
}

/**
 * Writes a build context: `<dir>/Dockerfile`, `<dir>/mlserve/{package.json, package-lock.json, dist/src, dist/cli}`
 * and, with a model, `<dir>/model_dir/<model folder name>` (MLflow's layout; with several, one folder
 * per model name). Existing copies of
 * these entries are replaced; other files in `<dir>` are left alone.
 */
export async function writeDockerContext(options: DockerContextOptions): Promise<DockerContext> {
  const dir = resolve(options.outputDir);
  const root = options.packageRoot ?? findPackageRoot();
  // The bundled CLI (package.json's bin); it runs its worker threads from dist/src.
  const cli = join(root, 'dist/cli/mlserve.js');
  try {
    await access(cli);
  } catch {
    throw new ServingError('INVALID_STATE', `mlserve is not built (${cli} is missing); run \`npm run build\` in ${root} first.`);
  }
  await mkdir(dir, { recursive: true });

  const copyModel = async (from: string, name: string): Promise<void> => {
    const target = join(dir, MODEL_DIR, name);
    await rm(target, { recursive: true, force: true });
    await cp(from, target, { recursive: true, dereference: true });
  };
  let modelDirName: string | undefined;
  if (options.modelDir !== undefined) {
    modelDirName = basename(resolve(options.modelDir));
    await copyModel(options.modelDir, modelDirName);
  }
  const modelNames = options.models?.map((m) => m.name);
  for (const m of options.models ?? []) await copyModel(m.dir, m.name);

  const pkg = join(dir, PACKAGE_DIR);
  await rm(pkg, { recursive: true, force: true });
  await mkdir(pkg, { recursive: true });
  await writeFile(join(pkg, 'package.json'), await readFile(join(root, 'package.json')));
  const lockfile = existsSync(join(root, 'package-lock.json'));
  if (lockfile) await writeFile(join(pkg, 'package-lock.json'), await readFile(join(root, 'package-lock.json')));
  await cp(join(root, 'dist/src'), join(pkg, 'dist/src'), { recursive: true, filter: isRuntimeFile });
  await cp(join(root, 'dist/cli'), join(pkg, 'dist/cli'), { recursive: true, filter: isRuntimeFile });

  const dockerfile = join(dir, 'Dockerfile');
  await writeFile(dockerfile, generateDockerfile({ modelDirName, modelNames, baseImage: options.baseImage, lockfile, version: VERSION }));
  return { dir, dockerfile, lockfile };
}
