#!/usr/bin/env node
// Owns the `mlserve` entry point: dispatch to a command, print errors for humans, exit (the only code calling process.exit).

import { ServingError, InvalidOptionsError } from '../errors.js';
import { VERSION } from '../version.js';
import { UsageError } from './common.js';

const TOP_HELP = `Usage: mlserve <command> [options]

Serve MLflow models from Node.js, answering exactly as \`mlflow models serve\` does.

Commands:
  models serve     Serve a model over HTTP (MLflow's /invocations, /ping, /health, /version)
  models predict   Score a JSON or CSV file with a model
  models generate-dockerfile
                   Write a Docker build context (Node.js image serving the model on 8080)
  models build-docker
                   Build that image with a local Docker engine
  models generate-kserve
                   Write a KServe ServingRuntime and InferenceService for an mlserve image

Options:
  --version        Print mlserve's version
  --help           Show this help

Run 'mlserve models <command> --help' for a command's options.
`;

/** Commands by name, imported lazily so `--help` stays fast. */
const COMMANDS: Record<string, () => Promise<(argv: string[]) => Promise<number>>> = {
  serve: async () => (await import('./commands/serve.js')).serveCommand,
  predict: async () => (await import('./commands/predict.js')).predictCommand,
  'generate-dockerfile': async () => (await import('./commands/generate-dockerfile.js')).generateDockerfileCommand,
  'build-docker': async () => (await import('./commands/build-docker.js')).buildDockerCommand,
  'generate-kserve': async () => (await import('./commands/generate-kserve.js')).generateKServeCommand,
};

/** Runs the CLI with the given arguments; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [group, command, ...rest] = argv;
  try {
    if (group === '--version' || group === '-V') return void process.stdout.write(`${VERSION}\n`), 0;
    if (group === undefined || group === '--help' || group === 'help') return void process.stdout.write(TOP_HELP), 0;
    if (group !== 'models') throw new UsageError(`Unknown command '${group}'.\n\n${TOP_HELP}`);
    if (command === undefined || command === '--help') return void process.stdout.write(TOP_HELP), 0;
    const load = COMMANDS[command];
    if (!load) throw new UsageError(`Unknown command 'models ${command}'.\n\n${TOP_HELP}`);
    return await (await load())(rest);
  } catch (err) {
    if (err instanceof UsageError) process.stderr.write(`Error: ${err.message}\n`);
    else if (err instanceof InvalidOptionsError) process.stderr.write(`Error: invalid options:\n  ${err.problems.join('\n  ')}\n`);
    else if (err instanceof ServingError) process.stderr.write(`Error: ${err.message}\n`);
    else if ((err as NodeJS.ErrnoException)?.code === 'EADDRINUSE') process.stderr.write(`Error: ${(err as Error).message}. Choose another port with -p.\n`);
    else process.stderr.write(`Error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    // 2: the command line is wrong (nothing was attempted); 1: the work itself failed (README, "Exit codes").
    return err instanceof UsageError || err instanceof InvalidOptionsError ? 2 : 1;
  }
}

main(process.argv.slice(2)).then((code) => process.exit(code));
