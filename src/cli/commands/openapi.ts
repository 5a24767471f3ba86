// Owns `mlserve models openapi`: print (or write) the OpenAPI 3.1 document that `models serve` publishes at /openapi.json.

import { writeFile } from 'node:fs/promises';
import { buildOpenApiDocument } from '../../openapi/document.js';
import { VERSION } from '../../version.js';
import { formatHelp } from '../flags.js';
import { UsageError, parse, warn } from '../common.js';
import { MODEL_FLAGS, describeFromFlags } from './_describe.js';

const FLAGS = [
  ...MODEL_FLAGS,
  { long: 'output', short: 'o', kind: 'string', option: 'none', valueName: 'PATH', help: 'Write the document to this file. Default: standard output.' },
  { long: 'server-url', kind: 'string', option: 'none', valueName: 'URL', help: "The document's servers[0].url, e.g. http://127.0.0.1:5000. Default: none (tools use the host they read it from)." },
  { long: 'help', kind: 'boolean', option: 'none', help: 'Show this help.' },
] as const;

/** Help text of `models openapi`. */
export const OPENAPI_HELP = formatHelp('mlserve models openapi -m <model-uri> [-o openapi.json]', "Print the model's OpenAPI 3.1 document (what `models serve` publishes at /openapi.json).", FLAGS);

/** Runs `models openapi`; resolves with the exit code. */
export async function openapiCommand(argv: string[]): Promise<number> {
  const flags = parse(argv, FLAGS, 'models openapi');
  if (flags.help) return void process.stdout.write(OPENAPI_HELP), 0;
  if (!flags['model-uri']) throw new UsageError(`Missing option '-m' / '--model-uri'.\n\n${OPENAPI_HELP}`);
  const doc = buildOpenApiDocument(await describeFromFlags(flags), { serverVersion: VERSION, serverUrl: flags['server-url'] as string | undefined });
  const text = `${JSON.stringify(doc, (_k, v: unknown) => (typeof v === 'bigint' ? Number(v) : v), 2)}\n`;
  const out = flags.output as string | undefined;
  if (out === undefined) process.stdout.write(text);
  else {
    await writeFile(out, text);
    warn(`mlserve: wrote ${out}`);
  }
  return 0;
}
