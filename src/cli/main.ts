#!/usr/bin/env node
// Owns the `mlserve` entry point: dispatch to a command, print errors for humans, exit (the only code calling process.exit).

import { ServingError, InvalidOptionsError } from '../errors.js';
import { VERSION } from '../version.js';
import { UsageError } from './common.js';
import { nearest } from './suggest.js';

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
  models openapi   Print the model's OpenAPI 3.1 document (served at /openapi.json)
  models generate-client
                   Write a typed TypeScript client for the model

Options:
  --version        Print mlserve's version
  -h, --help       Show this help

Run 'mlserve models <command> --help' for a command's options.
Exit codes: 0 done; 1 the work failed (model, input, port, ...); 2 the command line is wrong (nothing was attempted).
`;

const HELP_WORDS = new Set(['--help', '-h', 'help']);

/** `Unknown command 'models serv'. Did you mean 'models serve'?` and where help is. */
function unknownCommand(given: string, known: readonly string[]): UsageError {
  const guess = nearest(given.split(' ').pop() ?? given, known);
  const hint = guess ? ` Did you mean '${given.replace(/\S+$/, guess)}'?` : '';
  return new UsageError(`Unknown command '${given}'.${hint} Run 'mlserve --help' for the commands.`);
}

/** Commands by name, imported lazily so `--help` stays fast. */
const COMMANDS: Record<string, () => Promise<(argv: string[]) => Promise<number>>> = {
  serve: async () => (await import('./commands/serve.js')).serveCommand,
  predict: async () => (await import('./commands/predict.js')).predictCommand,
  'generate-dockerfile': async () => (await import('./commands/generate-dockerfile.js')).generateDockerfileCommand,
  'build-docker': async () => (await import('./commands/build-docker.js')).buildDockerCommand,
  'generate-kserve': async () => (await import('./commands/generate-kserve.js')).generateKServeCommand,
  openapi: async () => (await import('./commands/openapi.js')).openapiCommand,
  'generate-client': async () => (await import('./commands/generate-client.js')).generateClientCommand,
};

/** Runs the CLI with the given arguments; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [group, command, ...rest] = argv;
  try {
    if (group === '--version' || group === '-V') return void process.stdout.write(`${VERSION}\n`), 0;
    if (group === undefined || HELP_WORDS.has(group)) return void process.stdout.write(TOP_HELP), 0;
    if (group !== 'models') throw unknownCommand(group, ['models']);
    if (command === undefined || HELP_WORDS.has(command)) return void process.stdout.write(TOP_HELP), 0;
    const load = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
    if (!load) throw unknownCommand(`models ${command}`, Object.keys(COMMANDS));
    return await (await load())(rest);
  } catch (err) {
    if (err instanceof UsageError) process.stderr.write(`Error: ${err.message}\n`);
    else if (err instanceof InvalidOptionsError) process.stderr.write(`Error: invalid options:\n  ${err.problems.join('\n  ')}\n`);
    else if (err instanceof ServingError) process.stderr.write(`Error: ${err.message}\n`);
    // A system call that failed (a folder that cannot be created, a file that cannot be read): its message says it all.
    else if (typeof (err as NodeJS.ErrnoException)?.syscall === 'string') process.stderr.write(`Error: ${(err as Error).message}\n`);
    else process.stderr.write(`Error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    // 2: the command line is wrong (nothing was attempted); 1: the work itself failed (README, "Exit codes").
    return err instanceof UsageError || err instanceof InvalidOptionsError ? 2 : 1;
  }
}

main(process.argv.slice(2)).then((code) => process.exit(code));
