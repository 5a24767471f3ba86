// Answers one question with wrk as the load generator: how much of a bare node:http server's req/s does mlserve keep serving 1-row iris ONNX requests, at 64 and 1 connections? Prints req/s ratios, server CPU µs/request, p50/p99 and /ping under load.
//
// Why wrk: a load generator written in JavaScript runs out of client CPU before a bare node:http
// server does, which flatters every server measured against it. wrk (C, epoll, one thread pinned
// to CPU 1) keeps the server on CPU 0 the bottleneck. Without wrk the script says so and falls back
// to the raw-socket generator of throughput.ts (_load-raw.ts), labelled as the weaker yardstick.

import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { request, Agent } from 'node:http';
import { tmpdir, cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { pinLoadGenerator, startServerChild, type Pinning, type ServerChild } from './_child.js';
import { rawProbe, runRawLoad } from './_load-raw.js';
import type { LoadTarget } from './_load.js';
import { median, percentile, count, ms, ratio } from './_stats.js';
import { positive } from './_settings.js';

const USAGE = `Usage: node dist/bench/wrk.js [--rounds N] [--duration S] [--warmup S] [--connections 64,1] [--no-pin] [--smoke]
                                [--flags "MLSERVE FLAGS"] [--model DIR --body FILE --expect FILE] [--profile DIR]

  --rounds N         rounds, median taken over them (default 5)
  --duration S       measured seconds per connection level (default 5)
  --warmup S         unmeasured seconds of the same load before each level (default 2)
  --connections L    comma-separated connection counts (default 64,1); /ping is probed at the largest
  --no-pin           don't pin the server to CPU 0 and wrk to CPU 1
  --smoke            1 round, 1 s per level: checks the script runs, not for figures
  --flags "..."      extra flags for \`mlserve models serve\` (e.g. "--no-batching")
  --model DIR        serve this model instead of examples/iris (with --body: the request body file;
                     --expect: the exact answer body, else only the status is checked)
  --rows N           every request carries N iris rows (\`inputs\`, varied values, as bench/codec.ts);
                     the answer's status is checked, not its bytes
  --mixed-rows N     every other request carries N iris rows instead of 1 (e.g. 5000: past what runs
                     inline, so both execution modes serve at once; /ping p99 shows what each costs the others)
  --node-flags "..." node flags for both servers (e.g. "--max-semi-space-size=64")
  --profile DIR      run mlserve under --cpu-prof, writing .cpuprofile files to DIR/r<round>
  --node-generator   use the raw-socket node generator even when wrk is installed
  --no-node-parser   skip the third server, mlserve with --http-parser node (node:http alone), measured by default`;

const IRIS_BODY = '{"inputs": [[5.1, 3.5, 1.4, 0.2]]}';
const IRIS_ANSWER = '{"predictions": {"probabilities": [[0.981583297252655, 0.018416734412312508, 1.4506358780863593e-08]], "label": [0]}}';
/** What _bare-server.ts answers to every request. */
const BARE_ANSWER = '{"predictions": [{"x": 1.0}]}';
/** The side probe at the largest level: GET /ping every 10 ms on its own keep-alive connection. */
const PING_INTERVAL_MS = 10;
/** Goals of issue 18, printed as PASS/MISS (the script does not fail on them). */
const GOALS: Readonly<Record<number, number>> = { 64: 0.8, 1: 0.5 };
const PING_GOAL_MS = 20;

interface Settings {
  readonly rounds: number;
  readonly durationS: number;
  readonly warmupS: number;
  readonly connections: readonly number[];
  readonly pin: boolean;
  readonly flags: readonly string[];
  readonly model: string;
  readonly body: string;
  readonly expect?: string;
  readonly profileDir?: string;
  readonly nodeGenerator: boolean;
  /** --rows: every request carries this many iris rows. */
  readonly rows?: number;
  /** Rows of every other request's body (wrk only); undefined: every request is `body`. */
  readonly mixedRows?: number;
  readonly nodeFlags: readonly string[];
  /** Also measure mlserve with `--http-parser node`. */
  readonly nodeParser: boolean;
}

function parseSettings(argv: string[]): Settings | undefined {
  const { values } = parseArgs({
    args: argv,
    options: {
      rounds: { type: 'string' },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      connections: { type: 'string' },
      'no-pin': { type: 'boolean', default: false },
      smoke: { type: 'boolean', default: false },
      flags: { type: 'string' },
      model: { type: 'string' },
      body: { type: 'string' },
      expect: { type: 'string' },
      profile: { type: 'string' },
      'node-generator': { type: 'boolean', default: false },
      'mixed-rows': { type: 'string' },
      rows: { type: 'string' },
      'node-flags': { type: 'string' },
      'no-node-parser': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return undefined;
  const connections = (values.connections ?? '64,1').split(',').map((c) => Math.round(positive('connections', c, 1)));
  const model = values.model ?? fileURLToPath(new URL('../../examples/iris', import.meta.url));
  if (values.model && !values.body) throw new Error('--model needs --body FILE (the request body to send)');
  if (values.rows !== undefined && (values.body || values.model)) throw new Error('--rows sends iris rows to examples/iris: not with --model or --body');
  const rows = values.rows === undefined ? undefined : Math.round(positive('rows', values.rows, 1));
  return {
    rounds: values.smoke ? 1 : Math.round(positive('rounds', values.rounds, 5)),
    durationS: values.smoke ? 1 : positive('duration', values.duration, 5),
    warmupS: values.smoke ? 1 : positive('warmup', values.warmup, 2),
    connections,
    pin: !values['no-pin'],
    flags: values.flags ? values.flags.split(/\s+/).filter(Boolean) : [],
    model,
    body: values.body ? readFileSync(values.body, 'utf8') : rows !== undefined ? irisRows(rows) : IRIS_BODY,
    expect: values.expect ? readFileSync(values.expect, 'utf8') : values.model || rows !== undefined ? undefined : IRIS_ANSWER,
    profileDir: values.profile,
    nodeGenerator: values['node-generator'],
    rows,
    mixedRows: values['mixed-rows'] === undefined ? undefined : Math.round(positive('mixed-rows', values['mixed-rows'], 1)),
    nodeFlags: values['node-flags'] ? values['node-flags'].split(/\s+/).filter(Boolean) : [],
    nodeParser: !values['no-node-parser'],
  };
}

/** An \`inputs\` body of n iris rows, varied as bench/codec.ts varies them (a sixth of the numbers print with 16-17 digits). */
function irisRows(n: number): string {
  const row = (JSON.parse(IRIS_BODY) as { inputs: number[][] }).inputs[0]!;
  return JSON.stringify({ inputs: Array.from({ length: n }, (_, i) => row.map((v, j) => v + ((i * 7 + j) % 13) / 100)) });
}

/** What one level measured. */
interface Level {
  readonly reqPerSec: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Server CPU (all its threads) per answered request, µs. */
  readonly cpuUsPerReq?: number;
  readonly errors: number;
  readonly ping?: { p50Ms: number; p99Ms: number; maxMs: number; n: number; bad: number };
}

/** True when wrk is on PATH. */
function haveWrk(): boolean {
  try {
    execFileSync('wrk', ['--version'], { stdio: 'ignore' });
    return true;
  } catch (err) {
    // wrk --version exits 1 after printing its version.
    return (err as NodeJS.ErrnoException).code !== 'ENOENT';
  }
}

/** A wrk latency figure (`635.91us`, `1.03ms`, `2.00s`) in ms. */
function wrkMs(text: string | undefined): number {
  const m = /^([\d.]+)(us|ms|s|m)$/.exec(text ?? '');
  if (!m) return NaN;
  const v = Number(m[1]);
  return m[2] === 'us' ? v / 1000 : m[2] === 'ms' ? v : m[2] === 's' ? v * 1000 : v * 60_000;
}

/** Runs wrk once (pinned to CPU 1 when pinning) and parses req/s, requests, p50, p99 and errors. */
function runWrk(url: string, script: string, connections: number, seconds: number, pinning: Pinning): Promise<{ reqPerSec: number; requests: number; p50Ms: number; p99Ms: number; errors: number; text: string }> {
  // wrk takes whole seconds.
  const args = ['-t1', `-c${connections}`, `-d${Math.max(1, Math.round(seconds))}s`, '--latency', '-s', script, `${url}/invocations`];
  const [cmd, argv] = pinning.serverCpu === undefined ? ['wrk', args] : ['taskset', ['-c', '1', 'wrk', ...args]];
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (out += c));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`wrk exited ${code}:\n${out}`));
      const num = (re: RegExp): number => Number(re.exec(out)?.[1] ?? NaN);
      const non2xx = num(/Non-2xx or 3xx responses:\s+(\d+)/);
      const sock = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
      const socketErrors = sock ? Number(sock[1]) + Number(sock[2]) + Number(sock[3]) + Number(sock[4]) : 0;
      resolve({
        reqPerSec: num(/Requests\/sec:\s+([\d.]+)/),
        requests: num(/(\d+) requests in/),
        p50Ms: wrkMs(/^\s+50%\s+(\S+)/m.exec(out)?.[1]),
        p99Ms: wrkMs(/^\s+99%\s+(\S+)/m.exec(out)?.[1]),
        errors: (Number.isNaN(non2xx) ? 0 : non2xx) + socketErrors,
        text: out,
      });
    });
  });
}

/** GETs /ping every PING_INTERVAL_MS on one keep-alive connection until stopped; returns the latencies. */
function startPingProbe(url: string, expectBody: string): { stop(): Promise<{ latencies: number[]; bad: number }> } {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const latencies: number[] = [];
  let bad = 0;
  let stopped = false;
  let inFlight: Promise<void> = Promise.resolve();
  const once = (): Promise<void> =>
    new Promise((resolve) => {
      const t0 = performance.now();
      const req = request(`${url}/ping`, { agent }, (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (c: string) => (body += c));
        res.on('end', () => {
          latencies.push(performance.now() - t0);
          if (res.statusCode !== 200 || body !== expectBody) bad++;
          resolve();
        });
      });
      req.on('error', () => {
        bad++;
        resolve();
      });
      req.end();
    });
  const loop = async (): Promise<void> => {
    while (!stopped) {
      const t0 = performance.now();
      await once();
      const wait = PING_INTERVAL_MS - (performance.now() - t0);
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
  };
  inFlight = loop();
  return {
    async stop() {
      stopped = true;
      await inFlight;
      agent.destroy();
      return { latencies, bad };
    },
  };
}

/** One level against a running child with wrk: warm-up, then measured window with CPU readings. */
async function measureWrk(child: ServerChild, script: string, connections: number, settings: Settings, pinning: Pinning, pingBody: string | undefined): Promise<Level> {
  await runWrk(child.url, script, connections, settings.warmupS, pinning);
  const probe = pingBody === undefined ? undefined : startPingProbe(child.url, pingBody);
  const cpu0 = child.cpuMs();
  const r = await runWrk(child.url, script, connections, settings.durationS, pinning);
  const cpu1 = child.cpuMs();
  const ping = await probe?.stop();
  return {
    reqPerSec: r.reqPerSec,
    p50Ms: r.p50Ms,
    p99Ms: r.p99Ms,
    cpuUsPerReq: cpu0 === undefined || cpu1 === undefined ? undefined : ((cpu1 - cpu0) * 1000) / r.requests,
    errors: r.errors,
    ping: ping && { p50Ms: percentile(ping.latencies, 0.5), p99Ms: percentile(ping.latencies, 0.99), maxMs: Math.max(...ping.latencies), n: ping.latencies.length, bad: ping.bad },
  };
}

/** The same with the raw-socket node generator (the weaker yardstick). */
async function measureNode(child: ServerChild, target: LoadTarget, connections: number, settings: Settings, pingBody: string | undefined): Promise<Level> {
  const r = await runRawLoad(target, {
    connections,
    warmupMs: settings.warmupS * 1000,
    durationMs: settings.durationS * 1000,
    serverCpuMs: child.cpuMs,
    probe: pingBody === undefined ? undefined : { path: '/ping', intervalMs: PING_INTERVAL_MS, expectStatus: 200, expectBody: pingBody },
  });
  return {
    reqPerSec: r.reqPerSec,
    p50Ms: r.p50Ms,
    p99Ms: r.p99Ms,
    cpuUsPerReq: r.serverCpuUsPerReq,
    errors: r.errors,
    ping: r.probe && { p50Ms: r.probe.p50Ms, p99Ms: r.probe.p99Ms, maxMs: r.probe.maxMs, n: r.probe.requests, bad: r.probe.errors },
  };
}

/** Checks one answer of the target before loading it (a wrong answer fails the run early). */
async function checkAnswer(url: string, body: string, expect: string | undefined): Promise<void> {
  const res = await fetch(`${url}/invocations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  const text = await res.text();
  if (res.status !== 200 || (expect !== undefined && text !== expect)) throw new Error(`${url}/invocations answered ${res.status} ${text.slice(0, 300)}; expected 200 ${expect ?? ''}`);
}

/** The wrk Lua script: one fixed POST, or (--mixed-rows) the 1-row body and an N-row body in turn. */
function wrkScript(settings: Settings): string {
  const fixed = `wrk.method = "POST"\nwrk.body = ${JSON.stringify(settings.body)}\nwrk.headers["Content-Type"] = "application/json"\n`;
  if (settings.mixedRows === undefined) return fixed;
  const row = (JSON.parse(IRIS_BODY) as { inputs: number[][] }).inputs[0]!;
  const large = JSON.stringify({ inputs: Array.from({ length: settings.mixedRows }, () => row) });
  return `${fixed}local bodies = { ${JSON.stringify(settings.body)}, ${JSON.stringify(large)} }\nlocal n = 0\nrequest = function()\n  n = n + 1\n  return wrk.format(nil, nil, nil, bodies[(n % 2) + 1])\nend\n`;
}

interface Variant {
  readonly name: string;
  readonly args: (round: number) => string[];
  readonly expect?: string;
  readonly pingBody: string;
}

function variants(settings: Settings): Variant[] {
  // The command users run (package.json's bin: the bundled CLI).
  const cli = fileURLToPath(new URL('../cli/mlserve.js', import.meta.url));
  const nodeParser: Variant[] = settings.nodeParser
    ? [{ name: 'mls-node', args: () => [...settings.nodeFlags, cli, 'models', 'serve', '-m', settings.model, '-p', '0', ...settings.flags, '--http-parser', 'node'], expect: settings.expect, pingBody: '\n' }]
    : [];
  return [
    { name: 'bare', args: () => [...settings.nodeFlags, fileURLToPath(new URL('./_bare-server.js', import.meta.url))], expect: BARE_ANSWER, pingBody: BARE_ANSWER },
    {
      name: 'mlserve',
      args: (round) => {
        let profile: string[] = [];
        if (settings.profileDir) {
          const dir = join(settings.profileDir, `r${round + 1}`);
          mkdirSync(dir, { recursive: true });
          profile = ['--cpu-prof', `--cpu-prof-dir=${dir}`];
        }
        return [...settings.nodeFlags, ...profile, cli, 'models', 'serve', '-m', settings.model, '-p', '0', ...settings.flags];
      },
      expect: settings.expect,
      pingBody: '\n',
    },
    ...nodeParser,
  ];
}

async function main(): Promise<number> {
  const settings = parseSettings(process.argv.slice(2));
  if (!settings) {
    console.log(USAGE);
    return 0;
  }
  const useWrk = !settings.nodeGenerator && haveWrk();
  const pinning = pinLoadGenerator(settings.pin);
  const dir = mkdtempSync(join(tmpdir(), 'mlserve-wrk-'));
  const script = join(dir, 'post.lua');
  writeFileSync(script, wrkScript(settings));
  console.log(`wrk: mlserve /invocations (${settings.model === fileURLToPath(new URL('../../examples/iris', import.meta.url)) ? `iris ONNX, ${settings.rows !== undefined ? `${settings.rows}-row "inputs"` : settings.body === IRIS_BODY ? '1-row "inputs"' : 'the --body file'}` : settings.model}${settings.flags.length ? `, flags ${settings.flags.join(' ')}` : ''}) vs bare node:http answering a fixed body`);
  console.log(
    useWrk
      ? `load generator: wrk -t1 (${pinning.serverCpu === undefined ? 'unpinned' : 'taskset -c 1'})`
      : `load generator: wrk ${settings.nodeGenerator ? 'not used (--node-generator)' : 'not found (apt-get install wrk)'}; using the raw-socket node generator — the WEAKER yardstick: it runs out of client CPU near a bare server's rate, so ratios read high`,
  );
  console.log(`node ${process.version}${settings.nodeFlags.length ? ` ${settings.nodeFlags.join(' ')}` : ''}, ${cpus()[0]?.model ?? 'unknown CPU'}; ${pinning.description}`);
  if (settings.mixedRows !== undefined) console.log(`mixed: every other request carries ${settings.mixedRows} rows (req/s counts both kinds)`);
  console.log(`${settings.rounds} round(s) x ${settings.connections.join('/')} connections, ${settings.warmupS} s warm-up + ${settings.durationS} s measured; /ping every ${PING_INTERVAL_MS} ms at ${Math.max(...settings.connections)} connections`);
  const all = variants(settings);
  const results = new Map<string, Map<number, Level[]>>(all.map((v) => [v.name, new Map(settings.connections.map((c) => [c, []]))]));
  let bad = 0;
  try {
    for (let round = 0; round < settings.rounds; round++) {
      const order = round % 2 === 0 ? all : [...all].reverse();
      console.log(`round ${round + 1}/${settings.rounds}`);
      for (const v of order) {
        const child = await startServerChild(v.name, v.args(round), pinning);
        try {
          await checkAnswer(child.url, settings.body, v.expect);
          const target: LoadTarget = { url: child.url, path: '/invocations', method: 'POST', headers: { 'content-type': 'application/json' }, body: Buffer.from(settings.body), expectStatus: 200, expectBody: v.expect ?? '' };
          if (!useWrk) await rawProbe(target);
          const largest = Math.max(...settings.connections);
          for (const c of settings.connections) {
            const pingBody = c === largest ? v.pingBody : undefined;
            const level = useWrk ? await measureWrk(child, script, c, settings, pinning, pingBody) : await measureNode(child, target, c, settings, pingBody);
            bad += level.errors + (level.ping?.bad ?? 0);
            results.get(v.name)!.get(c)!.push(level);
            const ping = level.ping ? `  /ping p50 ${ms(level.ping.p50Ms)} p99 ${ms(level.ping.p99Ms)} max ${ms(level.ping.maxMs)} ms (${level.ping.n})` : '';
            console.log(`  ${v.name.padEnd(8)} ${String(c).padStart(3)} conn: ${count(level.reqPerSec).padStart(7)} req/s  p50 ${ms(level.p50Ms)} ms  p99 ${ms(level.p99Ms)} ms  server CPU ${level.cpuUsPerReq?.toFixed(1) ?? '-'} µs/req  errors ${level.errors}${ping}`);
          }
        } finally {
          await child.stop();
        }
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`\nmedian of ${settings.rounds} round(s)${useWrk ? '' : ' (node generator: weaker yardstick)'}:`);
  for (const c of settings.connections) {
    const med = (name: string, f: (l: Level) => number | undefined): number => median(results.get(name)!.get(c)!.map((l) => f(l) ?? NaN));
    // Ratio per round (paired, same machine state), then the median of those.
    const bare = results.get('bare')!.get(c)!;
    for (const name of ['mlserve', ...(settings.nodeParser ? ['mls-node'] : [])]) {
      const ours = results.get(name)!.get(c)!;
      const r = median(ours.map((l, i) => l.reqPerSec / bare[i]!.reqPerSec));
      const goal = name === 'mlserve' ? GOALS[c] : undefined;
      console.log(
        `  ${String(c).padStart(3)} connections: ${name} ${ratio(r)} of bare req/s (${count(med(name, (l) => l.reqPerSec))} vs ${count(med('bare', (l) => l.reqPerSec))})` +
          `${goal === undefined ? '' : ` goal ${goal}x ${r >= goal ? 'PASS' : 'MISS'}`}; server CPU ${med(name, (l) => l.cpuUsPerReq).toFixed(1)} vs ${med('bare', (l) => l.cpuUsPerReq).toFixed(1)} µs/req;` +
          ` p50 ${ms(med(name, (l) => l.p50Ms))} vs ${ms(med('bare', (l) => l.p50Ms))} ms; p99 ${ms(med(name, (l) => l.p99Ms))} vs ${ms(med('bare', (l) => l.p99Ms))} ms`,
      );
    }
    if (settings.nodeParser) {
      const fastLane = results.get('mlserve')!.get(c)!;
      const nodeOnly = results.get('mls-node')!.get(c)!;
      console.log(`  ${String(c).padStart(3)} connections: fast lane ${ratio(median(fastLane.map((l, i) => l.reqPerSec / nodeOnly[i]!.reqPerSec)))} the req/s of --http-parser node`);
    }
  }
  const largest = Math.max(...settings.connections);
  const pingP99 = median(results.get('mlserve')!.get(largest)!.map((l) => l.ping?.p99Ms ?? NaN));
  const barePing = median(results.get('bare')!.get(largest)!.map((l) => l.ping?.p99Ms ?? NaN));
  console.log(`  /ping p99 at ${largest} connections: mlserve ${ms(pingP99)} ms (bare ${ms(barePing)} ms), goal ≤ ${PING_GOAL_MS} ms ${pingP99 <= PING_GOAL_MS ? 'PASS' : 'MISS'}`);
  if (bad > 0) console.log(`${bad} bad answer(s) or socket errors: see the lines above`);
  return bad > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(2);
  },
);
