// Owns `mlserve models generate-client`: write one dependency-free TypeScript file that calls the model, typed from its signature.

import { writeFile } from 'node:fs/promises';
import { generateClient } from '../../openapi/client.js';
import { VERSION } from '../../version.js';
import { formatHelp } from '../flags.js';
import { UsageError, parse, warn } from '../common.js';
import { MODEL_FLAGS, describeFromFlags } from './_describe.js';

const FLAGS = [
  ...MODEL_FLAGS,
  { long: 'output', short: 'o', kind: 'string', option: 'none', valueName: 'PATH', help: 'Write the client to this file (e.g. client.ts). Default: standard output.' },
  { long: 'url', kind: 'string', option: 'none', valueName: 'URL', help: "The client's default base URL. Default http://127.0.0.1:5000." },
  { long: 'help', kind: 'boolean', option: 'none', help: 'Show this help.' },
] as const;

/** Help text of `models generate-client`. */
export const GENERATE_CLIENT_HELP = formatHelp(
  'mlserve models generate-client -m <model-uri> -o client.ts',
  "Write a typed TypeScript client for the model: fetch-based, no dependencies, inputs and outputs typed from its signature, MLflow errors as MlflowError.",
  FLAGS,
);

/** Runs `models generate-client`; resolves with the exit code. */
export async function generateClientCommand(argv: string[]): Promise<number> {
  const flags = parse(argv, FLAGS, 'models generate-client');
  if (flags.help) return void process.stdout.write(GENERATE_CLIENT_HELP), 0;
  if (!flags['model-uri']) throw new UsageError(`Missing option '-m' / '--model-uri'.\n\n${GENERATE_CLIENT_HELP}`);
  const source = generateClient(await describeFromFlags(flags), { serverVersion: VERSION, defaultUrl: flags.url as string | undefined });
  const out = flags.output as string | undefined;
  if (out === undefined) process.stdout.write(source);
  else {
    await writeFile(out, source);
    warn(`mlserve: wrote ${out}`);
  }
  return 0;
}
