// Answers one question: how close is `mlserve models predict` on a large CSV (a fresh CLI process: files, streaming, batches) to calling the same model in-process on the same rows already in memory? Prints rows/s, the CLI's peak RSS, and the ratio.

import { spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadModel } from '../src/model/load.js';
import { buildFrame, tokenizeCsv, type CsvRecord } from '../src/codecs/csv.js';
import { csvColumnTypes } from '../src/codecs/mlflow-csv.js';
import { encodeOutput } from '../src/codecs/predictions.js';
import { median } from './_stats.js';

const USAGE = `Usage: node dist/bench/predict.js [--rows N] [--rounds N] [--batch-size N] [--smoke]

  --rows N         rows of the generated CSV, 20 double columns (default 1000000)
  --rounds N       rounds, median taken over them (default 3)
  --batch-size N   --batch-size of the CLI and rows per model call in-process (default 10000)
  --smoke          20,000 rows, 1 round: checks the script runs, not for figures`;

const COLUMNS = 20;
const CLI = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
// dist/bench/ -> repository root: the model is read from the sources, not dist/.
const MODEL = fileURLToPath(new URL('../../bench/models/linear20', import.meta.url));
/** Preloaded into the CLI child: writes its peak RSS (KiB) to fd 3 as it exits. */
const RSS_HOOK = 'data:text/javascript,import {writeSync} from "node:fs";process.on("exit",()=>writeSync(3,String(process.resourceUsage().maxRSS)))';

interface Settings {
  readonly rows: number;
  readonly rounds: number;
  readonly batchSize: number;
}

interface CliResult {
  readonly rowsPerSec: number;
  readonly peakRssMiB: number;
}

interface InProcessResult {
  readonly rowsPerSec: number;
  readonly modelRowsPerSec: number;
}

function positiveInt(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, got ${JSON.stringify(text)}`);
  return n;
}

function parseSettings(argv: string[]): Settings | undefined {
  const { values } = parseArgs({
    args: argv,
    options: {
      rows: { type: 'string' },
      rounds: { type: 'string' },
      'batch-size': { type: 'string' },
      smoke: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return undefined;
  return {
    rows: values.smoke ? 20_000 : positiveInt('rows', values.rows, 1_000_000),
    rounds: values.smoke ? 1 : positiveInt('rounds', values.rounds, 3),
    batchSize: positiveInt('batch-size', values['batch-size'], 10_000),
  };
}

/** Writes `rows` rows of 20 doubles (4 decimals, a fixed pseudo-random sequence) to `path`. */
async function generateCsv(path: string, rows: number): Promise<void> {
  const out = createWriteStream(path);
  let seed = 42;
  const next = (): string => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return ((seed / 2147483648) * 200 - 100).toFixed(4);
  };
  out.write(Array.from({ length: COLUMNS }, (_, j) => `x${j + 1}`).join(',') + '\n');
  for (let r = 0; r < rows; ) {
    let block = '';
    for (const end = Math.min(rows, r + 10_000); r < end; r++) {
      const fields = new Array<string>(COLUMNS);
      for (let j = 0; j < COLUMNS; j++) fields[j] = next();
      block += fields.join(',') + '\n';
    }
    if (!out.write(block)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'close');
}


/** Runs the CLI in a fresh process on the CSV; rows/s from spawn to exit (start-up and model load included). */
async function runCli(csv: string, outPath: string, settings: Settings): Promise<CliResult> {
  const args = ['--import', RSS_HOOK, CLI, 'models', 'predict', '-m', MODEL, '-i', csv, '-o', outPath, '--batch-size', String(settings.batchSize)];
  const started = performance.now();
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe', 'pipe'] });
  let stderr = '';
  let rss = '';
  child.stderr!.on('data', (d) => (stderr += d));
  child.stdio[3]!.on('data', (d) => (rss += d));
  const [code] = (await once(child, 'close')) as [number | null];
  const seconds = (performance.now() - started) / 1000;
  const scored = /scored ([\d,]+) rows/.exec(stderr)?.[1]?.replace(/,/g, '');
  if (code !== 0 || Number(scored) !== settings.rows) throw new Error(`the CLI failed (exit ${code}):\n${stderr}`);
  const text = readFileSync(outPath, 'latin1');
  if (!text.startsWith('{"predictions": [') || !text.endsWith(']}')) throw new Error(`unexpected CLI output: ${text.slice(0, 80)}...`);
  rmSync(outPath);
  return { rowsPerSec: settings.rows / seconds, peakRssMiB: Number(rss) / 1024 };
}

/** Runs the in-process variant in a fresh process (this script with --child-inproc). */
async function runInProcess(csv: string, settings: Settings): Promise<InProcessResult> {
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), '--child-inproc', csv, String(settings.batchSize)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let stdout = '';
  child.stdout!.on('data', (d) => (stdout += d));
  const [code] = (await once(child, 'close')) as [number | null];
  if (code !== 0) throw new Error(`the in-process child failed (exit ${code})`);
  return JSON.parse(stdout) as InProcessResult;
}

/**
 * The baseline, in this process: the CSV text already in memory, tokenized and decoded with the
 * signature's types in batches (the codecs the CLI uses), the model called on each batch, the
 * answer encoded as MLflow JSON. No files, no streams, no process start-up in the timing.
 */
async function childInProcess(csv: string, batchSize: number): Promise<void> {
  const model = await loadModel(MODEL);
  const text = readFileSync(csv, 'utf8');
  const columnTypes = csvColumnTypes(model.signature?.inputs);
  const started = performance.now();
  let modelMs = 0;
  let rows = 0;
  let encodedChars = 0;
  let header: string[] | undefined;
  let pending: CsvRecord[] = [];
  const score = async (batch: CsvRecord[]): Promise<void> => {
    const frame = buildFrame(header!, batch, { columnTypes, expectedFields: header!.length });
    const t = performance.now();
    const y = await model.predict(frame, null);
    modelMs += performance.now() - t;
    encodedChars += encodeOutput(y).length;
    rows += batch.length;
  };
  let line = 1;
  let pandasLine = 1;
  let rest = '';
  const PIECE = 1 << 20;
  for (let at = 0; at < text.length; at += PIECE) {
    const piece = rest + text.slice(at, at + PIECE);
    const final = at + PIECE >= text.length;
    const tokens = tokenizeCsv(piece, { final, line, pandasLine });
    rest = piece.slice(tokens.consumed);
    ({ line, pandasLine } = tokens);
    let records = tokens.records;
    if (!header) [header, records] = [records[0].fields, records.slice(1)];
    pending.push(...records);
    while (pending.length >= batchSize || (final && pending.length)) {
      await score(pending.slice(0, batchSize));
      pending = pending.slice(batchSize);
    }
  }
  const seconds = (performance.now() - started) / 1000;
  await model.close();
  if (encodedChars === 0) throw new Error('nothing was encoded');
  process.stdout.write(JSON.stringify({ rowsPerSec: rows / seconds, modelRowsPerSec: rows / (modelMs / 1000) } satisfies InProcessResult));
}

function rate(perSecond: number): string {
  return perSecond >= 1e6 ? `${(perSecond / 1e6).toFixed(2)}M` : `${Math.round(perSecond / 1000)}k`;
}

async function main(argv: string[]): Promise<void> {
  if (argv[0] === '--child-inproc') return childInProcess(argv[1], Number(argv[2]));
  const settings = parseSettings(argv);
  if (!settings) return void console.log(USAGE);
  const dir = mkdtempSync(join(tmpdir(), 'mlserve-bench-predict-'));
  try {
    const csv = join(dir, 'input.csv');
    await generateCsv(csv, settings.rows);
    const cli: CliResult[] = [];
    const inProcess: InProcessResult[] = [];
    for (let round = 0; round < settings.rounds; round++) {
      // Alternate which variant goes first, so caches and CPU clocks favour neither.
      const order = round % 2 ? ['inproc', 'cli'] : ['cli', 'inproc'];
      for (const variant of order) {
        if (variant === 'cli') cli.push(await runCli(csv, join(dir, 'out.json'), settings));
        else inProcess.push(await runInProcess(csv, settings));
      }
    }
    const cliRate = median(cli.map((r) => r.rowsPerSec));
    const inRate = median(inProcess.map((r) => r.rowsPerSec));
    const peak = Math.max(...cli.map((r) => r.peakRssMiB));
    const modelRate = median(inProcess.map((r) => r.modelRowsPerSec));
    console.log(
      `predict ${settings.rows.toLocaleString('en-US')} rows x ${COLUMNS} cols: CLI ${rate(cliRate)} rows/s (peak RSS ${Math.round(peak)} MB) ` +
        `vs in-process ${rate(inRate)} rows/s → ${(cliRate / inRate).toFixed(2)}x ` +
        `(median of ${settings.rounds} round${settings.rounds === 1 ? '' : 's'}, --batch-size ${settings.batchSize}; model calls alone ${rate(modelRate)} rows/s)`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main(process.argv.slice(2)).catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
