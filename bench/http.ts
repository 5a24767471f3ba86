// Answers one question: how close is mlserve's /invocations to a bare node:http server for a 1-row request? Prints mlserve/bare req/s per connection count.

import { fileURLToPath } from 'node:url';
import { cpus } from 'node:os';
import { pinLoadGenerator, startServerChild, type Pinning } from './_child.js';
import { probe, runLoad, type LoadResult, type LoadTarget } from './_load.js';
import { ECHO_MODEL_DIR, echoTarget } from './_echo.js';
import { rawProbe, runRawLoad } from './_load-raw.js';
import { formatLevel, median, count, ms, pct } from './_stats.js';
import { parseLoadSettings } from './_settings.js';

const USAGE = `Usage: node dist/bench/http.js [--rounds N] [--duration S] [--warmup S] [--connections 1,16,64] [--no-pin] [--raw] [--smoke] [--profile DIR]

  --rounds N         rounds, median taken over them (default 3)
  --duration S       measured seconds per connection level (default 3)
  --warmup S         unmeasured seconds before each level (default 1)
  --connections L    comma-separated connection counts (default 1,16,64)
  --no-pin           don't pin the server to CPU 0 and the load generator to CPU 1
  --raw              load with the raw-socket generator (_load-raw.ts) instead of node:http's client (_load.ts)
  --smoke            1 round, 0.5 s per level: checks the script runs, not for figures
  --profile DIR      run the mlserve child under --cpu-prof, writing .cpuprofile files to DIR`;


/** Median CPU (fraction of one) used by other processes during measurement above which the report warns. */
const OTHER_LOAD_WARNING = 0.25;

/** Load-generator CPU (fraction of one) from which req/s measures the client rather than the servers. */
const CLIENT_SATURATED = 0.9;

type Variant = 'bare' | 'mlserve';

interface Settings {
  readonly rounds: number;
  readonly durationMs: number;
  readonly warmupMs: number;
  readonly connections: readonly number[];
  readonly pin: boolean;
  /** Load with _load-raw.ts (raw sockets) rather than _load.ts (node:http Agent). */
  readonly raw: boolean;
  readonly profileDir?: string;
}


function parseSettings(argv: string[]): Settings | undefined {
  const s = parseLoadSettings(argv, ['raw']);
  return s && { ...s, raw: s.flags.has('raw') };
}

function childArgs(variant: Variant, settings: Settings): string[] {
  if (variant === 'bare') return [fileURLToPath(new URL('./_bare-server.js', import.meta.url))];
  const profile = settings.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${settings.profileDir}`] : [];
  const cli = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
  return [...profile, cli, 'models', 'serve', '-m', ECHO_MODEL_DIR, '-p', '0'];
}



/** Starts a fresh child for `variant`, runs every connection level against it, stops it. */
async function measureVariant(variant: Variant, settings: Settings, pinning: Pinning): Promise<LoadResult[]> {
  const child = await startServerChild(variant, childArgs(variant, settings), pinning);
  try {
    const target: LoadTarget = echoTarget(child.url);
    await (settings.raw ? rawProbe(target) : probe(target));
    const results: LoadResult[] = [];
    for (const connections of settings.connections) {
      const r = await (settings.raw ? runRawLoad : runLoad)(target, { connections, warmupMs: settings.warmupMs, durationMs: settings.durationMs, serverCpuMs: child.cpuMs });
      console.log(formatLevel(variant, connections, r));
      for (const sample of r.errorSamples) console.log(`    bad answer: ${sample}`);
      results.push(r);
    }
    return results;
  } finally {
    await child.stop();
  }
}

async function main(): Promise<number> {
  const settings = parseSettings(process.argv.slice(2));
  if (!settings) {
    console.log(USAGE);
    return 0;
  }
  const pinning = pinLoadGenerator(settings.pin);
  console.log(
    `http: mlserve /invocations (echo model, 1-row dataframe_split) vs bare node:http, closed loop over keep-alive connections (${settings.raw ? 'raw-socket' : 'node:http'} load generator)`,
  );
  console.log(`node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'}; ${pinning.description}`);
  console.log(
    `${settings.rounds} round(s) x ${settings.connections.join('/')} connections, ${settings.warmupMs / 1000} s warm-up + ${settings.durationMs / 1000} s measured per level`,
  );

  const results: Record<Variant, LoadResult[][]> = { bare: [], mlserve: [] };
  for (let round = 0; round < settings.rounds; round++) {
    // Alternate the order so neither variant always runs on a warmer (or hotter) machine.
    const order: Variant[] = round % 2 === 0 ? ['bare', 'mlserve'] : ['mlserve', 'bare'];
    console.log(`round ${round + 1}/${settings.rounds} (${order.join(' then ')})`);
    for (const variant of order) results[variant].push(await measureVariant(variant, settings, pinning));
  }

  console.log('');
  settings.connections.forEach((connections, level) => {
    const of = (variant: Variant, pick: (r: LoadResult) => number | undefined): number =>
      median(results[variant].map((round) => pick(round[level]!) ?? NaN));
    const ml = { rps: of('mlserve', (r) => r.reqPerSec), p50: of('mlserve', (r) => r.p50Ms), p99: of('mlserve', (r) => r.p99Ms) };
    const bare = { rps: of('bare', (r) => r.reqPerSec), p50: of('bare', (r) => r.p50Ms), p99: of('bare', (r) => r.p99Ms) };
    const cpuMl = of('mlserve', (r) => r.serverCpuUsPerReq);
    const cpuBare = of('bare', (r) => r.serverCpuUsPerReq);
    console.log(
      `${connections} connection${connections === 1 ? '' : 's'}: mlserve ${count(ml.rps)} req/s (p50 ${ms(ml.p50)} ms, p99 ${ms(ml.p99)} ms)` +
        ` vs bare ${count(bare.rps)} req/s (p50 ${ms(bare.p50)} ms, p99 ${ms(bare.p99)} ms)` +
        ` → ${(ml.rps / bare.rps).toFixed(2)}x of bare (median of ${settings.rounds} round${settings.rounds === 1 ? '' : 's'})`,
    );
    if (!Number.isNaN(cpuMl) && !Number.isNaN(cpuBare)) {
      console.log(`    server CPU per request: mlserve ${cpuMl.toFixed(0)} µs vs bare ${cpuBare.toFixed(0)} µs → ${(cpuMl / cpuBare).toFixed(2)}x`);
    }
    const client = Math.max(of('mlserve', (r) => r.clientCpu), of('bare', (r) => r.clientCpu));
    if (client >= CLIENT_SATURATED) {
      console.log(
        `    load generator at ${pct(client)} of its CPU: req/s is capped by the client, not the servers; compare server CPU per request instead`,
      );
    }
  });

  const others = median([...results.bare, ...results.mlserve].flat().map((r) => r.otherCpu ?? NaN));
  if (others > OTHER_LOAD_WARNING) {
    console.log(`\nWARNING: other processes used a median ${pct(others)} of a CPU while measuring; the figures are unreliable, rerun on a quiet machine`);
  }

  const bad = (['mlserve', 'bare'] as const).map((v) => [v, results[v].flat().reduce((n, r) => n + r.errors, 0)] as const);
  const failed = bad.filter(([, n]) => n > 0);
  if (failed.length > 0) {
    console.log(`\nFAILED: bad answers (${failed.map(([v, n]) => `${v}: ${n}`).join(', ')}); the figures above measure errors, not serving`);
    return 1;
  }
  console.log(`\nall answers were 200 with the expected body`);
  return 0;
}

main().then(
  (code) => (process.exitCode = code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
  },
);
