// Answers one question: how long from process start until mlserve answers its first 200 on /ping (serving iris ONNX), and how much resident memory it holds after warm-up, against a bare node:http server started the same way? Prints ratios (median of N starts).

import { spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pinLoadGenerator, type Pinning } from './_child.js';
import { readRssMb } from './_rss.js';
import { readProcessCpuMs } from './_cpu.js';
import { median, ms, ratio } from './_stats.js';
import { positive } from './_settings.js';

const USAGE = `Usage: node dist/bench/cold-start.js [--starts N] [--requests N] [--no-pin] [--smoke] [--model DIR] [--flags "MLSERVE FLAGS"] [--cli FILE]...

  --starts N     starts of each server, alternating (default 10); medians are printed
  --requests N   1-row requests sent after the first 200, before RSS is read (default 2000)
  --no-pin       don't pin the servers to CPU 0
  --smoke        2 starts, 100 requests: checks the script runs, not for figures
  --model DIR    serve this model instead of examples/iris (the warm-up request must suit it: iris's 4 floats)
  --flags "..."  extra flags for \`mlserve models serve\`
  --cli FILE     the mlserve CLI to start (default: package.json's bin, the bundle in dist/cli/); give it
                 several times to compare CLIs in the same run (e.g. dist/src/cli/main.js, the
                 unbundled one, or another checkout's)`;

/** Goals of issue 18, printed as PASS/MISS. */
const START_RATIO_GOAL = 2;
const RSS_GOAL_MB = 80;
const BODY = '{"inputs": [[5.1, 3.5, 1.4, 0.2]]}';
const URL_PATTERN = /(http:\/\/[\w.[\]:-]+:\d+)/;
/** How often /ping is polled while waiting for the first 200. */
const POLL_MS = 2;

interface Start {
  /** Spawn to the URL on stderr (the port is bound). */
  readonly listeningMs: number;
  /** Spawn to the first 200 on /ping (mlserve: the model is loaded and warmed). */
  readonly firstPingMs: number;
  /** CPU time (all threads) the server had used at its first 200 on /ping: steadier than wall time on a busy machine. */
  readonly cpuMs: number;
  /** Resident memory after the warm-up requests. */
  readonly rssMb: number;
}

/** One GET/POST on a fresh connection; resolves with the status (0 when the connection failed). */
function call(url: string, path: string, body?: string): Promise<number> {
  return new Promise((resolve) => {
    const req = request(`${url}${path}`, { method: body ? 'POST' : 'GET', headers: body ? { 'content-type': 'application/json' } : {}, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', () => resolve(0));
    req.end(body);
  });
}

async function measureStart(args: readonly string[], pinning: Pinning, requests: number): Promise<Start> {
  const [cmd, argv] = pinning.serverCpu === undefined ? [process.execPath, [...args]] : ['taskset', ['-c', String(pinning.serverCpu), process.execPath, ...args]];
  const t0 = performance.now();
  const child: ChildProcess = spawn(cmd, argv, { stdio: ['ignore', 'ignore', 'pipe'] });
  try {
    let stderr = '';
    const url = await new Promise<string>((resolve, reject) => {
      child.stderr!.setEncoding('utf8').on('data', (c: string) => {
        stderr += c;
        const m = URL_PATTERN.exec(stderr);
        if (m) resolve(m[1]!);
      });
      child.once('exit', (code) => reject(new Error(`server exited (code ${code}) before listening:\n${stderr.slice(-2000)}`)));
    });
    const listeningMs = performance.now() - t0;
    for (;;) {
      if ((await call(url, '/ping')) === 200) break;
      if (performance.now() - t0 > 30_000) throw new Error(`no 200 on /ping within 30 s:\n${stderr.slice(-2000)}`);
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
    const firstPingMs = performance.now() - t0;
    const cpuMs = readProcessCpuMs(child.pid!) ?? NaN;
    // Warm-up: requests on one keep-alive-less connection each, as a client pool opening would.
    for (let i = 0; i < requests; i += 8) {
      const statuses = await Promise.all(Array.from({ length: Math.min(8, requests - i) }, () => call(url, '/invocations', BODY)));
      if (statuses.some((s) => s !== 200)) throw new Error(`warm-up request answered ${statuses.find((s) => s !== 200)}`);
    }
    const rss = readRssMb(child.pid!);
    return { listeningMs, firstPingMs, cpuMs, rssMb: rss?.rss ?? NaN };
  } finally {
    child.kill('SIGKILL');
    await new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r(undefined) : child.once('exit', r)));
  }
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      starts: { type: 'string' },
      requests: { type: 'string' },
      'no-pin': { type: 'boolean', default: false },
      smoke: { type: 'boolean', default: false },
      model: { type: 'string' },
      flags: { type: 'string' },
      cli: { type: 'string', multiple: true },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const starts = values.smoke ? 2 : Math.round(positive('starts', values.starts, 10));
  const requests = values.smoke ? 100 : Math.round(positive('requests', values.requests, 2000));
  const pinning = pinLoadGenerator(!values['no-pin']);
  const model = values.model ?? fileURLToPath(new URL('../../examples/iris', import.meta.url));
  const root = fileURLToPath(new URL('../../', import.meta.url));
  const clis = values.cli ?? [join(root, (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { bin: { mlserve: string } }).bin.mlserve)];
  const flags = values.flags ? values.flags.split(/\s+/).filter(Boolean) : [];
  const variants = [
    { name: 'bare', args: [fileURLToPath(new URL('./_bare-server.js', import.meta.url))] },
    // What onnxruntime-node costs any Node.js server of the model: the floor under mlserve's figures (not for --model).
    ...(values.model === undefined ? [{ name: 'bare+ort', args: [fileURLToPath(new URL('./_bare-onnx-server.js', import.meta.url)), join(model, 'model.onnx')] }] : []),
    ...clis.map((cli, i) => ({ name: clis.length === 1 ? 'mlserve' : `mlserve${i + 1}`, args: [cli, 'models', 'serve', '-m', model, '-p', '0', ...flags] })),
  ];
  const width = Math.max(...variants.map((v) => v.name.length));
  console.log(`cold start: process start -> first 200 on /ping, and RSS after ${requests} requests; mlserve serving ${model} vs bare node:http, started the same way`);
  for (const v of variants.slice(1)) console.log(`  ${v.name}: ${v.args.join(' ')}`);
  console.log(`node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'}; ${pinning.description}; ${starts} starts each, alternating`);
  const results = new Map<string, Start[]>(variants.map((v) => [v.name, []]));
  for (let i = 0; i < starts; i++) {
    for (const v of i % 2 === 0 ? variants : [...variants].reverse()) {
      const s = await measureStart(v.args, pinning, requests);
      results.get(v.name)!.push(s);
      console.log(`  ${v.name.padEnd(width)} start ${i + 1}: listening ${ms(s.listeningMs)} ms, first 200 on /ping ${ms(s.firstPingMs)} ms (CPU ${ms(s.cpuMs)} ms), RSS ${s.rssMb.toFixed(1)} MB`);
    }
  }
  const med = (name: string, f: (s: Start) => number): number => median(results.get(name)!.map(f));
  const bare = (f: (s: Start) => number): number => med('bare', f);
  console.log(`\nmedian of ${starts} starts:`);
  if (results.has('bare+ort')) console.log(`  bare+ort (bare node:http + onnxruntime-node and the model's session): first 200 on /ping ${ms(med('bare+ort', (s) => s.firstPingMs))} ms (${ratio(med('bare+ort', (s) => s.firstPingMs) / bare((s) => s.firstPingMs))}), CPU ${ms(med('bare+ort', (s) => s.cpuMs))} ms, RSS ${med('bare+ort', (s) => s.rssMb).toFixed(1)} MB`);
  for (const { name } of variants.filter((v) => v.name.startsWith('mlserve'))) {
    const ping = med(name, (s) => s.firstPingMs) / bare((s) => s.firstPingMs);
    const rss = med(name, (s) => s.rssMb);
    const label = clis.length > 1 ? `${name}: ` : '';
    console.log(`  ${label}listening: ${name} ${ms(med(name, (s) => s.listeningMs))} ms vs bare ${ms(bare((s) => s.listeningMs))} ms (${ratio(med(name, (s) => s.listeningMs) / bare((s) => s.listeningMs))})`);
    console.log(`  ${label}first 200 on /ping (mlserve: loaded and warmed): ${name} ${ms(med(name, (s) => s.firstPingMs))} ms vs bare ${ms(bare((s) => s.firstPingMs))} ms: ${ratio(ping)}, goal ≤ ${START_RATIO_GOAL}x ${ping <= START_RATIO_GOAL ? 'PASS' : 'MISS'}`);
    console.log(`  ${label}CPU time to that 200: ${name} ${ms(med(name, (s) => s.cpuMs))} ms vs bare ${ms(bare((s) => s.cpuMs))} ms (${ratio(med(name, (s) => s.cpuMs) / bare((s) => s.cpuMs))})`);
    console.log(`  ${label}RSS after warm-up: ${name} ${rss.toFixed(1)} MB vs bare ${bare((s) => s.rssMb).toFixed(1)} MB, goal ≤ ${RSS_GOAL_MB} MB ${rss <= RSS_GOAL_MB ? 'PASS' : 'MISS'}`);
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(2);
  },
);
