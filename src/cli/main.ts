#!/usr/bin/env node
// Owns the `mlserve` command line: argument parsing, human output, and exit codes (the only code calling process.exit).

import { readFile, writeFile, rename } from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';
import { ServingError, InvalidOptionsError } from '../errors.js';
import { serve, type ServerHandle } from '../serve.js';
import { VERSION } from '../version.js';
import { ENV_MANAGERS, processEnv, type EnvManager, type ServeOptions } from '../config/options.js';
import { resolveModelUri } from '../uri/resolve.js';
import { loadModel } from '../model/load.js';
import { predictDocument, type PredictContentType } from '../batch/predict.js';
import { SERVE_FLAGS, PREDICT_FLAGS, parseFlags, formatHelp, type ParsedFlags } from './flags.js';

/** An error that ends the command with a message and exit code, no stack trace. */
class UsageError extends Error {}

const TOP_HELP = `Usage: mlserve <command> [options]

Serve MLflow models from Node.js, answering exactly as \`mlflow models serve\` does.

Commands:
  models serve     Serve a model over HTTP (MLflow's /invocations, /ping, /health, /version)
  models predict   Score a JSON or CSV file with a model

Options:
  --version        Print mlserve's version
  --help           Show this help

Run 'mlserve models <command> --help' for a command's options.
`;

const SERVE_HELP = formatHelp(
  'mlserve models serve -m <model-uri> [options]',
  'Serve a model with an MLflow-compatible scoring server.',
  SERVE_FLAGS,
);
const PREDICT_HELP = formatHelp(
  'mlserve models predict -m <model-uri> [-i input] [-o output] [-t json|csv]',
  'Score a JSON or CSV document with a model, as `mlflow models predict` does.',
  PREDICT_FLAGS,
);

function parse(argv: string[], table: Parameters<typeof parseFlags>[1]): ParsedFlags {
  try {
    return parseFlags(argv, table);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

function intFlag(flags: ParsedFlags, name: string): number | undefined {
  const v = flags[name];
  if (v === undefined) return undefined;
  const n = Number(v);
  if (typeof v !== 'string' || v.trim() === '' || !Number.isInteger(n)) throw new UsageError(`Invalid value for --${name}: '${String(v)}' is not an integer.`);
  return n;
}

function checkEnvManager(flags: ParsedFlags, warn: (m: string) => void): EnvManager {
  const value = (flags['env-manager'] as string | undefined) ?? 'local';
  if (!ENV_MANAGERS.includes(value as EnvManager)) {
    throw new UsageError(`Invalid value for \`env_manager\`: ${value}. Must be one of ['local', 'conda', 'virtualenv', 'uv']`);
  }
  if (value !== 'local') warn(`mlserve: --env-manager ${value} has no meaning for mlserve (models run in this Node.js process); using 'local'.`);
  for (const flag of ['no-conda', 'install-mlflow', 'enable-mlserver']) {
    if (flags[flag]) warn(`mlserve: --${flag} is accepted for MLflow compatibility and has no effect.`);
  }
  return 'local';
}

async function serveCommand(argv: string[]): Promise<number> {
  const flags = parse(argv, SERVE_FLAGS);
  if (flags.help) return void process.stdout.write(SERVE_HELP), 0;
  if (!flags['model-uri']) throw new UsageError(`Missing option '-m' / '--model-uri'.\n\n${SERVE_HELP}`);
  const warn = (m: string): void => void process.stderr.write(`${m}\n`);
  const given: Partial<ServeOptions> & { modelUri: string } = {
    modelUri: flags['model-uri'] as string,
    host: flags.host as string | undefined,
    port: intFlag(flags, 'port'),
    timeoutSeconds: intFlag(flags, 'timeout'),
    workers: intFlag(flags, 'workers'),
    bodyLimitBytes: intFlag(flags, 'max-body-size'),
    envManager: checkEnvManager(flags, warn),
  };
  for (const k of Object.keys(given) as (keyof typeof given)[]) if (given[k] === undefined) delete given[k];
  const handle: ServerHandle = await serve(given, processEnv());
  process.stderr.write(`mlserve ${VERSION}: serving ${handle.model.path} (${handle.model.flavor}) at ${handle.url}\n`);
  await new Promise<void>((resolve) => {
    const stop = (signal: string): void => {
      process.stderr.write(`mlserve: ${signal} received, shutting down\n`);
      handle.close().then(resolve, resolve);
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
  return 0;
}

async function readStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function predictCommand(argv: string[]): Promise<number> {
  const flags = parse(argv, PREDICT_FLAGS);
  if (flags.help) return void process.stdout.write(PREDICT_HELP), 0;
  if (!flags['model-uri']) throw new UsageError(`Missing option '-m' / '--model-uri'.\n\n${PREDICT_HELP}`);
  const contentType = ((flags['content-type'] as string | undefined) ?? 'json') as PredictContentType;
  if (contentType !== 'json' && contentType !== 'csv') throw new UsageError('Content type must be one of json or csv.');
  checkEnvManager(flags, (m) => void process.stderr.write(`${m}\n`));
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

/** Runs the CLI with the given arguments; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [group, command, ...rest] = argv;
  try {
    if (group === '--version' || group === '-V') return void process.stdout.write(`${VERSION}\n`), 0;
    if (group === undefined || group === '--help' || group === 'help') return void process.stdout.write(TOP_HELP), 0;
    if (group !== 'models') throw new UsageError(`Unknown command '${group}'.\n\n${TOP_HELP}`);
    if (command === undefined || command === '--help') return void process.stdout.write(TOP_HELP), 0;
    if (command === 'serve') return await serveCommand(rest);
    if (command === 'predict') return await predictCommand(rest);
    throw new UsageError(`Unknown command 'models ${command}'.\n\n${TOP_HELP}`);
  } catch (err) {
    if (err instanceof UsageError) process.stderr.write(`Error: ${err.message}\n`);
    else if (err instanceof InvalidOptionsError) process.stderr.write(`Error: invalid options:\n  ${err.problems.join('\n  ')}\n`);
    else if (err instanceof ServingError) process.stderr.write(`Error: ${err.message}\n`);
    else if ((err as NodeJS.ErrnoException)?.code === 'EADDRINUSE') process.stderr.write(`Error: ${(err as Error).message}. Choose another port with -p.\n`);
    else process.stderr.write(`Error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    return err instanceof UsageError ? 2 : 1;
  }
}

main(process.argv.slice(2)).then((code) => process.exit(code));
