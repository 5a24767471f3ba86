// Answers one question: how much of a bare node:http server's throughput does mlserve keep serving the iris ONNX model, batching off/on, 1/2 workers? Prints req/s ratios to bare per connection count.

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpus } from 'node:os';
import { pinLoadGenerator, startServerChild, type Pinning } from './_child.js';
import { probe, runLoad, type LoadTarget } from './_load.js';
import { rawProbe, runRawLoad, type RawLoadResult, type SideProbe } from './_load-raw.js';
import { formatLevel, median, count, ms, pct, ratio } from './_stats.js';
import { parseLoadSettings } from './_settings.js';

const USAGE = `Usage: node dist/bench/throughput.js [--rounds N] [--duration S] [--warmup S] [--connections 1,16,64] [--no-pin] [--smoke] [--profile DIR]

  --rounds N         rounds, median taken over them (default 3)
  --duration S       measured seconds per connection level (default 3)
  --warmup S         unmeasured seconds before each level (default 1)
  --connections L    comma-separated connection counts (default 1,16,64); /ping is probed at the largest
  --no-pin           don't pin the server to CPU 0 and the load generator to CPU 1
  --smoke            1 round, 0.5 s per level: checks the script runs, not for figures
  --profile DIR      run the mlserve children under --cpu-prof, writing .cpuprofile files to DIR/<variant>-r<round>
  --http-client      load with the node:http Agent generator (saturates its core near 50k req/s, so bare is
                     client-bound) instead of raw sockets; no /ping probe in this mode`;

const REQUEST_BODY = '{"inputs": [[5.1, 3.5, 1.4, 0.2]]}';
const EXPECTED_BODY = '{"predictions": {"probabilities": [[0.981583297252655, 0.018416734412312508, 1.4506358780863593e-08]], "label": [0]}}';
/** What _bare-server.ts answers to every request (its fixed body). */
const BARE_BODY = '{"predictions": [{"x": 1.0}]}';

/** The side probe during the largest connection level: GET /ping every 10 ms on its own connection. */
const PING_INTERVAL_MS = 10;

/** Targets, printed as PASS/MISS (the script does not fail on them). */
const TARGET_RATIO = 0.8;
const TARGET_BATCHING_COST = 0.05;
const TARGET_PING_P99_MS = 20;

/** Median CPU (fraction of one) used by other processes during measurement above which the report warns. */
const OTHER_LOAD_WARNING = 0.25;
/** Load-generator CPU (fraction of one) from which req/s measures the client rather than the servers. */
const CLIENT_SATURATED = 0.9;

interface Variant {
  /** Short label for lines and tables. */
  readonly name: string;
  /** mlserve flags, or undefined for the bare server. */
  readonly flags?: readonly string[];
  readonly batching?: boolean;
  readonly workers?: number;
}

const BARE: Variant = { name: 'bare' };
const VARIANTS: readonly Variant[] = [
  BARE,
  // Off and on with the same workers run back to back (in either order), so their paired ratio sees the same machine.
  { name: 'off w1', flags: ['--no-batching', '-w', '1'], batching: false, workers: 1 },
  { name: 'on w1', flags: ['-w', '1'], batching: true, workers: 1 },
  { name: 'off w2', flags: ['--no-batching', '-w', '2'], batching: false, workers: 2 },
  { name: 'on w2', flags: ['-w', '2'], batching: true, workers: 2 },
];
const describe = (v: Variant): string => (v.flags ? `mlserve batching ${v.batching ? 'on' : 'off'}, ${v.workers} worker${v.workers === 1 ? '' : 's'}` : 'bare node:http');

interface Settings {
  readonly rounds: number;
  readonly durationMs: number;
  readonly warmupMs: number;
  readonly connections: readonly number[];
  readonly pin: boolean;
  readonly profileDir?: string;
  /** Load with the node:http Agent generator (_load.ts, client-bound near 50k req/s) instead of raw sockets. */
  readonly httpClient: boolean;
}


function parseSettings(argv: string[]): Settings | undefined {
  const s = parseLoadSettings(argv, ['http-client']);
  return s && { ...s, httpClient: s.flags.has('http-client') };
}

function childArgs(variant: Variant, settings: Settings, round: number): string[] {
  if (!variant.flags) return [fileURLToPath(new URL('./_bare-server.js', import.meta.url))];
  let profile: string[] = [];
  if (settings.profileDir) {
    const dir = join(settings.profileDir, `${variant.name.replace(' ', '-')}-r${round + 1}`);
    mkdirSync(dir, { recursive: true });
    profile = ['--cpu-prof', `--cpu-prof-dir=${dir}`];
  }
  const cli = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
  // dist/bench/ -> repository root: the model directory is read from the sources, not dist/.
  const model = fileURLToPath(new URL('../../examples/iris', import.meta.url));
  return [...profile, cli, 'models', 'serve', '-m', model, '-p', '0', ...variant.flags];
}

const verdict = (pass: boolean): string => (pass ? 'PASS' : 'MISS');


/** Starts a fresh child for `variant`, runs every connection level against it, stops it. */
async function measureVariant(variant: Variant, settings: Settings, pinning: Pinning, round: number): Promise<RawLoadResult[]> {
  const child = await startServerChild(variant.name, childArgs(variant, settings, round), pinning);
  try {
    const target: LoadTarget = {
      url: child.url,
      path: '/invocations',
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: Buffer.from(REQUEST_BODY),
      expectStatus: 200,
      expectBody: variant.flags ? EXPECTED_BODY : BARE_BODY,
    };
    await (settings.httpClient ? probe(target) : rawProbe(target));
    // Bare answers its fixed body to /ping too: its figure is the probe's floor on this machine.
    const ping: SideProbe = { path: '/ping', intervalMs: PING_INTERVAL_MS, expectStatus: 200, expectBody: variant.flags ? '\n' : BARE_BODY };
    const largest = Math.max(...settings.connections);
    const results: RawLoadResult[] = [];
    for (const connections of settings.connections) {
      const plan = { connections, warmupMs: settings.warmupMs, durationMs: settings.durationMs, serverCpuMs: child.cpuMs };
      const r: RawLoadResult = settings.httpClient
        ? await runLoad(target, plan)
        : await runRawLoad(target, { ...plan, probe: connections === largest ? ping : undefined });
      const probe = r.probe ? `  /ping p50 ${ms(r.probe.p50Ms)} p99 ${ms(r.probe.p99Ms)} max ${ms(r.probe.maxMs)} ms (${r.probe.requests}, ${r.probe.errors} bad)` : '';
      console.log(formatLevel(variant.name, connections, r, probe));
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
  console.log(`throughput: mlserve /invocations (iris ONNX, 1-row "inputs") vs bare node:http, closed loop over keep-alive raw sockets`);
  console.log(`node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'}; ${pinning.description}`);
  console.log(
    `${settings.rounds} round(s) x ${settings.connections.join('/')} connections, ${settings.warmupMs / 1000} s warm-up + ${settings.durationMs / 1000} s measured per level; ` +
      `GET /ping every ${PING_INTERVAL_MS} ms on its own connection at ${Math.max(...settings.connections)} connections`,
  );
  console.log(`variants: ${VARIANTS.map((v) => `${v.name} = ${describe(v)}`).join('; ')}`);

  const results = new Map<Variant, RawLoadResult[][]>(VARIANTS.map((v) => [v, []]));
  for (let round = 0; round < settings.rounds; round++) {
    // Alternate the order so no variant always runs on a warmer (or hotter) machine.
    const order = round % 2 === 0 ? [...VARIANTS] : [...VARIANTS].reverse();
    console.log(`round ${round + 1}/${settings.rounds} (${order.map((v) => v.name).join(', ')})`);
    for (const variant of order) results.get(variant)!.push(await measureVariant(variant, settings, pinning, round));
  }

  const of = (variant: Variant, level: number, pick: (r: RawLoadResult) => number | undefined): number =>
    median(results.get(variant)!.map((round) => pick(round[level]!) ?? NaN));
  const rounds = `median of ${settings.rounds} round${settings.rounds === 1 ? '' : 's'}`;
  const mlserve = VARIANTS.filter((v) => v.flags);
  const pass: string[] = [];
  const miss: string[] = [];
  const check = (ok: boolean, line: string): void => {
    console.log(`  ${verdict(ok)}  ${line}`);
    (ok ? pass : miss).push(line);
  };

  console.log('');
  settings.connections.forEach((connections, level) => {
    const bareRps = of(BARE, level, (r) => r.reqPerSec);
    const bareCpu = of(BARE, level, (r) => r.serverCpuUsPerReq);
    console.log(`${connections} connection${connections === 1 ? '' : 's'} (${rounds}):`);
    for (const v of VARIANTS) {
      const rps = of(v, level, (r) => r.reqPerSec);
      const cpu = of(v, level, (r) => r.serverCpuUsPerReq);
      const ping = of(v, level, (r) => r.probe?.p99Ms);
      console.log(
        `  ${v.name.padEnd(6)} ${count(rps).padStart(7)} req/s  p50 ${ms(of(v, level, (r) => r.p50Ms)).padStart(4)} ms  p99 ${ms(of(v, level, (r) => r.p99Ms)).padStart(4)} ms` +
          `  ${v === BARE ? '        ' : `${ratio(rps / bareRps)} of bare`}  server ${Number.isNaN(cpu) ? '-' : cpu.toFixed(0)} µs/req` +
          `${v === BARE || Number.isNaN(cpu) ? '' : ` (${ratio(cpu / bareCpu)})`}  client CPU ${pct(of(v, level, (r) => r.clientCpu))}` +
          (Number.isNaN(ping) ? '' : `  /ping p50 ${ms(of(v, level, (r) => r.probe?.p50Ms))} p99 ${ms(ping)} ms`),
      );
    }
    const client = Math.max(...VARIANTS.map((v) => of(v, level, (r) => r.clientCpu)));
    if (client >= CLIENT_SATURATED) {
      console.log(`  load generator at ${pct(client)} of its CPU: req/s may be capped by the client; compare server µs/req too`);
    }
  });

  console.log('\ntargets:');
  const top = settings.connections.indexOf(Math.max(...settings.connections));
  const topConn = settings.connections[top]!;
  const topLabel = `${topConn} connection${topConn === 1 ? '' : 's'}`;
  const bareTop = of(BARE, top, (r) => r.reqPerSec);
  const ratios = mlserve.map((v) => [v, of(v, top, (r) => r.reqPerSec) / bareTop] as const);
  const [best, bestRatio] = ratios.reduce((a, b) => (b[1] > a[1] ? b : a));
  check(bestRatio >= TARGET_RATIO, `${topLabel}, best mlserve variant (${best.name}): ${ratio(bestRatio)} of bare req/s (target ≥ ${TARGET_RATIO}x)`);
  for (const [v, r] of ratios) check(r >= TARGET_RATIO, `${topLabel}, ${v.name}: ${ratio(r)} of bare req/s (target ≥ ${TARGET_RATIO}x)`);

  const one = settings.connections.indexOf(1);
  if (one >= 0) {
    for (const workers of [1, 2]) {
      const on = mlserve.find((v) => v.batching && v.workers === workers)!;
      const off = mlserve.find((v) => !v.batching && v.workers === workers)!;
      const rpsOn = of(on, one, (r) => r.reqPerSec);
      const rpsOff = of(off, one, (r) => r.reqPerSec);
      // Paired per round (on and off ran back to back), then the median: robust to a noisy round.
      const paired = results.get(on)!.map((round, i) => 1 - round[one]!.reqPerSec / results.get(off)![i]![one]!.reqPerSec);
      const cost = median(paired);
      const cpuOn = of(on, one, (r) => r.serverCpuUsPerReq);
      const cpuOff = of(off, one, (r) => r.serverCpuUsPerReq);
      check(
        cost <= TARGET_BATCHING_COST,
        `1 connection, ${workers} worker${workers === 1 ? '' : 's'}: batching costs ${(cost * 100).toFixed(1)}% of req/s (median of per-round pairs ${paired.map((c) => `${(c * 100).toFixed(0)}%`).join(', ')};` +
          ` medians on ${count(rpsOn)} vs off ${count(rpsOff)} req/s, p50 ${ms(of(on, one, (r) => r.p50Ms))} vs ${ms(of(off, one, (r) => r.p50Ms))} ms,` +
          ` server ${Number.isNaN(cpuOn) ? '-' : cpuOn.toFixed(0)} vs ${Number.isNaN(cpuOff) ? '-' : cpuOff.toFixed(0)} µs/req; target ≤ ${TARGET_BATCHING_COST * 100}%)`,
      );
    }
  } else console.log('  (batching cost at 1 connection not measured: --connections has no 1)');

  for (const v of mlserve) {
    const p99 = of(v, top, (r) => r.probe?.p99Ms);
    check(p99 <= TARGET_PING_P99_MS, `/ping under ${topLabel}, ${v.name}: p50 ${ms(of(v, top, (r) => r.probe?.p50Ms))} ms, p99 ${ms(p99)} ms (target p99 ≤ ${TARGET_PING_P99_MS} ms)`);
  }
  console.log(`  ${pass.length} PASS, ${miss.length} MISS (targets are reported, not enforced)`);

  const all = [...results.values()].flat(2);
  const others = median(all.map((r) => r.otherCpu ?? NaN));
  if (others > OTHER_LOAD_WARNING) {
    console.log(`\nWARNING: other processes used a median ${pct(others)} of a CPU while measuring; the figures are unreliable, rerun on a quiet machine`);
  }

  const bad = VARIANTS.map((v) => [v.name, results.get(v)!.flat().reduce((n, r) => n + r.errors + (r.probe?.errors ?? 0), 0)] as const).filter(([, n]) => n > 0);
  if (bad.length > 0) {
    console.log(`\nFAILED: bad answers (${bad.map(([v, n]) => `${v}: ${n}`).join(', ')}); the figures above measure errors, not serving`);
    return 1;
  }
  console.log(`\nall answers (and /ping probes) were 200 with the expected body`);
  return 0;
}

main().then(
  (code) => (process.exitCode = code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
  },
);
