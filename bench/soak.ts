// Answers one question: does mlserve stay the same over a long run of mixed traffic? N minutes at
// 32 keep-alive connections (90% good requests, 10% generated bad ones) against the js-linear
// example in a child process; prints errors, RSS at the start, middle and end, and p50/p99 per
// minute (drift: last minute's p99 vs the first's). Bounded; only 127.0.0.1.

import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Agent, request } from 'node:http';
import { startServerChild } from './_child.js';
import { readRssMb } from './_rss.js';
import { count, ms, percentile, ratio } from './_stats.js';
import { fuzzCases, type FuzzCase } from '../test/helpers/fuzz-gen.js';

const USAGE = `Usage: node dist/bench/soak.js [--minutes N] [--connections C] [--bad-share F] [--smoke]

  --minutes N       how long to run (default 10)
  --connections C   keep-alive connections (default 32)
  --bad-share F     share of generated bad requests (default 0.1)
  --smoke           20 seconds: checks the script runs`;

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MODEL = join(ROOT, 'examples/js-linear');
const GOOD_BODY = '{"dataframe_split": {"columns": ["x1", "x2"], "data": [[1.0, 2.0], [3.0, 4.0]]}, "params": {"bias": 1.0}}';
const GOOD_ANSWER = '{"predictions": [-2.5, -4.5]}';

const { values } = parseArgs({ options: { minutes: { type: 'string' }, connections: { type: 'string' }, 'bad-share': { type: 'string' }, smoke: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } });
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const durationMs = values.smoke ? 20_000 : Number(values.minutes ?? 10) * 60_000;
const connections = Number(values.connections ?? 32);
const badShare = Number(values['bad-share'] ?? 0.1);
const windowMs = values.smoke ? 5000 : 60_000;

interface Answer {
  status: number;
  body: string;
}

function send(port: number, agent: Agent, c: { method: string; path: string; headers: Record<string, string>; body: Buffer }): Promise<Answer | { error: string }> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, method: c.method, path: c.path, agent, headers: { ...c.headers, 'content-length': c.body.length } }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (d: Buffer) => parts.push(d));
      res.on('end', () => resolve({ status: res.statusCode!, body: Buffer.concat(parts).toString('utf8', 0, 200) }));
      res.on('error', (err: NodeJS.ErrnoException) => resolve({ error: err.code ?? err.message }));
    });
    req.on('error', (err: NodeJS.ErrnoException) => resolve({ error: err.code ?? err.message }));
    req.end(c.body);
  });
}

const child = await startServerChild('js-linear', [join(ROOT, 'dist/bench/_serve-child.js'), JSON.stringify({ modelUri: MODEL, warmup: false })], { description: '' });
const port = Number(new URL(child.url).port);
console.log(`soak: ${(durationMs / 60_000).toFixed(1)} min, ${connections} keep-alive connections, ${Math.round(badShare * 100)}% generated bad requests, js-linear (worker threads, batching)`);

const started = Date.now();
const end = started + durationMs;
const windows: { latencies: number[]; good: number; bad: number; errors: number }[] = [];
const rss: { at: number; mb: number }[] = [];
const errorKinds = new Map<string, number>();
const windowOf = (t: number): (typeof windows)[number] => (windows[Math.floor((t - started) / windowMs)] ??= { latencies: [], good: 0, bad: 0, errors: 0 });
const noteError = (why: string): void => {
  errorKinds.set(why, (errorKinds.get(why) ?? 0) + 1);
  windowOf(Date.now()).errors++;
};

const sampler = setInterval(() => {
  const r = readRssMb(child.pid);
  if (r) rss.push({ at: Date.now() - started, mb: r.rss });
}, 1000);

const lane = async (i: number): Promise<void> => {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const bad = fuzzCases(1000 + i, ['js-linear'], false);
  type Req = { method: string; path: string; headers: Record<string, string>; body: Buffer };
  const good: Req = { method: 'POST', path: '/invocations', headers: { 'content-type': 'application/json' }, body: Buffer.from(GOOD_BODY) };
  let n = 0;
  while (Date.now() < end) {
    const isBad = (n++ * 2654435761) % 1000 < badShare * 1000;
    let c: Req;
    if (isBad) {
      const f: FuzzCase = bad();
      if (f.kind !== 'http') continue;
      c = f;
    } else c = good;
    const t = performance.now();
    const a = await send(port, agent, c);
    const elapsed = performance.now() - t;
    const w = windowOf(Date.now());
    if ('error' in a) noteError(`no answer: ${a.error}`);
    else if (isBad) {
      w.bad++;
      if (a.status >= 500) noteError(`bad request answered ${a.status}: ${a.body.slice(0, 80)}`);
    } else if (a.status !== 200 || a.body !== GOOD_ANSWER) noteError(`good request answered ${a.status}: ${a.body.slice(0, 80)}`);
    else {
      w.good++;
      w.latencies.push(elapsed);
    }
  }
  agent.destroy();
};
await Promise.all(Array.from({ length: connections }, (_, i) => lane(i)));
clearInterval(sampler);
await child.stop();

console.log(`\n${'window'.padEnd(8)} ${'good req/s'.padStart(10)} ${'bad'.padStart(7)} ${'p50 ms'.padStart(7)} ${'p99 ms'.padStart(7)} ${'errors'.padStart(6)}`);
const p99s: number[] = [];
const label = (i: number): string => (windowMs >= 60_000 ? `${(i * windowMs) / 60_000}m` : `${(i * windowMs) / 1000}s`);
// Only whole windows (the answers that end after the run's end fall in a short last one).
windows.slice(0, Math.floor(durationMs / windowMs)).forEach((w, i) => {
  const p50 = percentile(w.latencies, 0.5);
  const p99 = percentile(w.latencies, 0.99);
  p99s.push(p99);
  console.log(`${`${label(i)}-${label(i + 1)}`.padEnd(8)} ${count(w.good / (windowMs / 1000)).padStart(10)} ${count(w.bad).padStart(7)} ${ms(p50).padStart(7)} ${ms(p99).padStart(7)} ${String(w.errors).padStart(6)}`);
});
const at = (frac: number): string => {
  const target = durationMs * frac;
  const s = rss.reduce((best, r) => (Math.abs(r.at - target) < Math.abs(best.at - target) ? r : best), rss[0] ?? { at: 0, mb: NaN });
  return `${s.mb.toFixed(0)} MB`;
};
const errors = [...errorKinds.values()].reduce((a, b) => a + b, 0);
const total = windows.reduce((n, w) => n + w.good + w.bad, 0);
console.log(`\nsoak: ${count(total)} requests in ${((Date.now() - started) / 60_000).toFixed(1)} min; errors ${errors}${errors ? `: ${[...errorKinds].map(([k, n]) => `${k} x${n}`).join('; ')}` : ''}`);
console.log(`  server RSS: start ${at(0.02)}, middle ${at(0.5)}, end ${at(1)}`);
if (p99s.length >= 2) console.log(`  p99 drift: last window ${ms(p99s[p99s.length - 1]!)} ms vs first ${ms(p99s[0]!)} ms → ${ratio(p99s[p99s.length - 1]! / p99s[0]!)}`);
process.exit(errors === 0 ? 0 : 1);
