// Answers one question: serving two models, what does one mlserve process (-m a=... -m b=...) give
// against two mlserve processes (one model each) on the same cores, in requests/s and resident memory?
// Prints the one-process/two-process ratios (median over rounds, alternating order).

import { cpus, tmpdir } from 'node:os';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, pinLoadGenerator, startServerChild, type Pinning, type ServerChild } from './_child.js';
import { runLoad, type LoadResult, type LoadTarget } from './_load.js';
import { readRssMb } from './_rss.js';
import { count, median, ratio } from './_stats.js';
import { parseLoadSettings, type LoadSettings } from './_settings.js';

const USAGE = `Usage: node dist/bench/multi-model.js [--rounds N] [--duration S] [--warmup S] [--connections 16] [--no-pin] [--smoke]

  --rounds N         rounds, median taken over them (default 3)
  --duration S       measured seconds per round (default 3)
  --warmup S         unmeasured seconds before measuring (default 1)
  --connections N    connections per model (default 16; both models are loaded at once)
  --no-pin           don't pin the servers to CPU 0 and the load generator to CPU 1
  --smoke            1 round, 0.5 s: checks the script runs, not for figures`;

const root = (p: string): string => fileURLToPath(new URL(`../../${p}`, import.meta.url));
const CLI = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));

/** The two models: the iris ONNX model (onnxruntime session) and a JavaScript model (worker thread). */
const MODELS = [
  { name: 'iris', dir: root('examples/iris'), body: '{"inputs": [[5.1, 3.5, 1.4, 0.2]]}' },
  { name: 'linear', dir: root('examples/js-linear'), body: '{"dataframe_split": {"columns": ["x1", "x2"], "data": [[1.0, 2.0]]}}' },
] as const;

interface Measured {
  /** Requests/s of both models together. */
  readonly reqPerSec: number;
  readonly perModel: readonly LoadResult[];
  /** Resident MB of the server process(es) after the load. */
  readonly rssMb: number;
  readonly errors: number;
}

const logDir = mkdtempSync(join(tmpdir(), 'mlserve-bench-multi-'));
process.on('exit', () => rmSync(logDir, { recursive: true, force: true }));

/** Starts `mlserve models serve <args>` on a free port at --log-level warn (no access log). */
async function startMlserve(label: string, args: readonly string[], pinning: Pinning): Promise<ServerChild> {
  const port = await freePort();
  return startServerChild(label, [CLI, 'models', 'serve', ...args, '-p', String(port), '--log-level', 'warn'], pinning, 60_000, `http://127.0.0.1:${port}`, join(logDir, `${label.replace(/\W+/g, '-')}.log`));
}

/** The request to one model at a base URL and path, with the answer it must give (read once with a probe). */
async function target(url: string, path: string, body: string): Promise<LoadTarget> {
  const res = await fetch(new URL(path, url), { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`${url}${path} answered ${res.status}: ${text.slice(0, 300)}`);
  return { url, path, method: 'POST', headers: { 'content-type': 'application/json' }, body: Buffer.from(body), expectStatus: 200, expectBody: text };
}

/** Loads both targets at once and reads the servers' memory at the end. */
async function measure(targets: readonly LoadTarget[], children: readonly ServerChild[], settings: LoadSettings): Promise<Measured> {
  const connections = settings.connections[0];
  const perModel = await Promise.all(targets.map((t) => runLoad(t, { connections, warmupMs: settings.warmupMs, durationMs: settings.durationMs })));
  const rssMb = children.reduce((sum, c) => sum + (readRssMb(c.pid)?.rss ?? NaN), 0);
  return { reqPerSec: perModel.reduce((s, r) => s + r.reqPerSec, 0), perModel, rssMb, errors: perModel.reduce((s, r) => s + r.errors, 0) };
}

/** One process serving both models. */
async function oneProcess(settings: LoadSettings, pinning: Pinning): Promise<Measured & { modelMemoryMb: string }> {
  const child = await startMlserve('one process', [...MODELS.flatMap((m) => ['-m', `${m.name}=${m.dir}`]), '-w', '1'], pinning);
  try {
    const targets = await Promise.all(MODELS.map((m) => target(child.url, `/models/${m.name}/invocations`, m.body)));
    const result = await measure(targets, [child], settings);
    const metrics = await (await fetch(new URL('/metrics', child.url))).text();
    const modelMemoryMb = [...metrics.matchAll(/^mlserve_model_memory_bytes\{model="([^"]+)"\} (\d+)/gm)].map((m) => `${m[1]} ${(Number(m[2]) / 2 ** 20).toFixed(1)} MB`).join(', ');
    return { ...result, modelMemoryMb: modelMemoryMb || 'not measured' };
  } finally {
    await child.stop();
  }
}

/** Two processes, one model each, on the same CPUs. */
async function twoProcesses(settings: LoadSettings, pinning: Pinning): Promise<Measured> {
  const children: ServerChild[] = [];
  try {
    for (const m of MODELS) children.push(await startMlserve(`process ${m.name}`, ['-m', m.dir, '-w', '1'], pinning));
    const targets = await Promise.all(MODELS.map((m, i) => target(children[i].url, '/invocations', m.body)));
    return await measure(targets, children, settings);
  } finally {
    await Promise.all(children.map((c) => c.stop()));
  }
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const parsed = parseLoadSettings(argv);
  if (!parsed) {
    console.log(USAGE);
    return 0;
  }
  // One level here (connections per model), 16 unless given.
  const settings: LoadSettings = argv.some((a) => a.startsWith('--connections')) ? parsed : { ...parsed, connections: [16] };
  if (settings.connections.length !== 1) throw new Error('--connections takes one number here (connections per model)');
  const pinning = pinLoadGenerator(settings.pin);
  console.log(`multi-model: two models (iris ONNX, js-linear) in one mlserve process vs two processes (one model each), ${settings.connections[0]} connections per model, 1 worker per model`);
  console.log(`node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'}; ${pinning.description}`);
  console.log(`${settings.rounds} round(s), ${settings.warmupMs / 1000} s warm-up + ${settings.durationMs / 1000} s measured; memory: resident set (VmRSS) of the server process(es) after the load`);
  const one: Measured[] = [];
  const two: Measured[] = [];
  let modelMemory = '';
  let bad = 0;
  for (let round = 0; round < settings.rounds; round++) {
    const order = round % 2 === 0 ? ['one', 'two'] : ['two', 'one'];
    for (const which of order) {
      const m = which === 'one' ? await oneProcess(settings, pinning) : await twoProcesses(settings, pinning);
      if ('modelMemoryMb' in m) modelMemory = (m as { modelMemoryMb: string }).modelMemoryMb;
      (which === 'one' ? one : two).push(m);
      bad += m.errors;
      const models = m.perModel.map((r, i) => `${MODELS[i].name} ${count(r.reqPerSec)}`).join(', ');
      console.log(`  round ${round + 1} ${which === 'one' ? 'one process ' : 'two processes'}: ${count(m.reqPerSec)} req/s (${models}), RSS ${m.rssMb.toFixed(0)} MB${m.errors ? `, ${m.errors} bad answers` : ''}`);
    }
  }
  const rps1 = median(one.map((m) => m.reqPerSec));
  const rps2 = median(two.map((m) => m.reqPerSec));
  const rss1 = median(one.map((m) => m.rssMb));
  const rss2 = median(two.map((m) => m.rssMb));
  console.log('');
  console.log(`one process:   ${count(rps1)} req/s, ${rss1.toFixed(0)} MB resident (mlserve_model_memory_bytes: ${modelMemory})`);
  console.log(`two processes: ${count(rps2)} req/s, ${rss2.toFixed(0)} MB resident (sum of both)`);
  console.log(`ratio one/two: req/s ${ratio(rps1 / rps2)}, memory ${ratio(rss1 / rss2)}`);
  if (bad) console.log(`${bad} bad answers: the figures are not valid`);
  return bad ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
