// Answers one question: what does the access log cost? mlserve at its default log level (info: one
// access line per request) vs the same server at --log-level warn (no access lines), 1-row /invocations.

import { fileURLToPath } from 'node:url';
import { cpus, tmpdir } from 'node:os';
import { rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, pinLoadGenerator, startServerChild, type Pinning } from './_child.js';
import { probe, runLoad, type LoadResult, type LoadTarget } from './_load.js';
import { ECHO_MODEL_DIR, echoTarget } from './_echo.js';
import { rawProbe, runRawLoad } from './_load-raw.js';
import { formatLevel, median, count, pct } from './_stats.js';
import { parseLoadSettings } from './_settings.js';

const USAGE = `Usage: node dist/bench/logging.js [--rounds N] [--duration S] [--warmup S] [--connections 1,16,64] [--no-pin] [--raw] [--smoke]

  Same settings as bench/http.ts: rounds (median over them, default 3), seconds per level, connection counts,
  CPU pinning, raw-socket load generator, smoke mode (checks the script runs; no figures).`;

const OTHER_LOAD_WARNING = 0.25;

/** `info` is the default (access log on); `warn` is the baseline without it. */
type Variant = 'info' | 'warn';

function childArgs(variant: Variant, port: number): string[] {
  const cli = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
  return [cli, 'models', 'serve', '-m', ECHO_MODEL_DIR, '-p', String(port), '--log-level', variant];
}

async function measureVariant(variant: Variant, settings: NonNullable<ReturnType<typeof parseLoadSettings>>, raw: boolean, pinning: Pinning): Promise<LoadResult[]> {
  const port = await freePort();
  const logFile = join(tmpdir(), `mlserve-bench-logging-${process.pid}-${variant}.log`);
  const child = await startServerChild(`mlserve --log-level ${variant}`, childArgs(variant, port), pinning, 20_000, `http://127.0.0.1:${port}`, logFile);
  try {
    const target: LoadTarget = echoTarget(child.url);
    await (raw ? rawProbe(target) : probe(target));
    const results: LoadResult[] = [];
    for (const connections of settings.connections) {
      const r = await (raw ? runRawLoad : runLoad)(target, { connections, warmupMs: settings.warmupMs, durationMs: settings.durationMs, serverCpuMs: child.cpuMs });
      console.log(formatLevel(variant === 'info' ? 'access log on ' : 'access log off', connections, r));
      results.push(r);
    }
    return results;
  } finally {
    await child.stop();
    if (variant === 'info') console.log(`    log written: ${(statSync(logFile).size / 1e6).toFixed(1)} MB`);
    rmSync(logFile, { force: true });
  }
}

async function main(): Promise<number> {
  const settings = parseLoadSettings(process.argv.slice(2), ['raw']);
  if (!settings) {
    console.log(USAGE);
    return 0;
  }
  const raw = settings.flags.has('raw');
  const pinning = pinLoadGenerator(settings.pin);
  console.log('logging: mlserve /invocations with its access log (default --log-level info; standard error to a file, as to a log collector) vs --log-level warn');
  console.log(`node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'}; ${pinning.description}`);
  const results: Record<Variant, LoadResult[][]> = { info: [], warn: [] };
  for (let round = 0; round < settings.rounds; round++) {
    const order: Variant[] = round % 2 === 0 ? ['warn', 'info'] : ['info', 'warn'];
    console.log(`round ${round + 1}/${settings.rounds}`);
    for (const variant of order) results[variant].push(await measureVariant(variant, settings, raw, pinning));
  }
  console.log('');
  settings.connections.forEach((connections, level) => {
    const of = (variant: Variant, pick: (r: LoadResult) => number | undefined): number => median(results[variant].map((round) => pick(round[level]!) ?? NaN));
    const on = of('info', (r) => r.reqPerSec);
    const off = of('warn', (r) => r.reqPerSec);
    const cpuOn = of('info', (r) => r.serverCpuUsPerReq);
    const cpuOff = of('warn', (r) => r.serverCpuUsPerReq);
    const cpu = Number.isNaN(cpuOn) || Number.isNaN(cpuOff) ? '' : `; server CPU per request ${cpuOn.toFixed(0)} vs ${cpuOff.toFixed(0)} µs → ${(cpuOn / cpuOff).toFixed(2)}x`;
    console.log(
      `access log, ${connections} connection${connections === 1 ? '' : 's'}: ${count(on)} req/s with it vs ${count(off)} without → ${(on / off).toFixed(2)}x throughput${cpu} (median of ${settings.rounds} round${settings.rounds === 1 ? '' : 's'})`,
    );
  });
  const others = median([...results.info, ...results.warn].flat().map((r) => r.otherCpu ?? NaN));
  if (others > OTHER_LOAD_WARNING) console.log(`\nWARNING: other processes used a median ${pct(others)} of a CPU while measuring; the figures are unreliable, rerun on a quiet machine`);
  const errors = [...results.info, ...results.warn].flat().reduce((n, r) => n + r.errors, 0);
  return errors > 0 ? 1 : 0;
}

main().then((code) => process.exit(code));
