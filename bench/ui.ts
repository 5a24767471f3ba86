// Answers one question: does the page (on by default) cost /invocations anything? req/s with the page on, idle and while browsers load it, vs --no-ui.

import { fileURLToPath } from 'node:url';
import { cpus } from 'node:os';
import { Agent, get } from 'node:http';
import { pinLoadGenerator, startServerChild, type Pinning } from './_child.js';
import { probe, runLoad, type LoadResult, type LoadTarget } from './_load.js';
import { formatLevel, median, count, ratio } from './_stats.js';
import { parseLoadSettings, type LoadSettings } from './_settings.js';

const USAGE = `Usage: node dist/bench/ui.js [--rounds N] [--duration S] [--warmup S] [--connections 1,16] [--no-pin] [--smoke]

Compares /invocations throughput of the echo model with the page on (idle, and while a side
client loads the page, its assets and /openapi.json every ${50} ms) against --no-ui.`;

const REQUEST_BODY = '{"dataframe_split": {"columns": ["x"], "data": [[1.0]]}}';
const EXPECTED_BODY = '{"predictions": [{"x": 1.0}]}';
/** What a browser fetches to show the page. */
const PAGE_PATHS = ['/', '/ui/style.css', '/ui/main.js', '/ui/dom.js', '/ui/editors.js', '/ui/answer.js', '/mlserve/model', '/openapi.json'];
const BROWSE_INTERVAL_MS = 50;

type Variant = 'no-ui' | 'ui' | 'ui+browsing';
const VARIANTS: readonly Variant[] = ['no-ui', 'ui', 'ui+browsing'];

function childArgs(variant: Variant): string[] {
  const cli = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
  const model = fileURLToPath(new URL('../../test/conformance/models/echo_optional', import.meta.url));
  return [cli, 'models', 'serve', '-m', model, '-p', '0', '-w', '1', ...(variant === 'no-ui' ? ['--no-ui'] : [])];
}

/** Loads the whole page (every asset, gzipped, no cache) every interval until stopped; counts page loads. */
function browse(url: string): { stop(): Promise<number> } {
  const agent = new Agent({ keepAlive: true, maxSockets: 2 });
  let loads = 0;
  let running = true;
  const fetchOne = (path: string): Promise<void> =>
    new Promise((resolve, reject) => {
      get(`${url}${path}`, { agent, headers: { 'accept-encoding': 'gzip' } }, (res) => {
        res.resume();
        res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`${path}: ${res.statusCode}`))));
      }).on('error', reject);
    });
  const loop = (async () => {
    while (running) {
      await Promise.all(PAGE_PATHS.map(fetchOne));
      loads++;
      await new Promise((r) => setTimeout(r, BROWSE_INTERVAL_MS));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      agent.destroy();
      return loads;
    },
  };
}

async function measure(variant: Variant, settings: LoadSettings, pinning: Pinning): Promise<LoadResult[]> {
  const child = await startServerChild(variant, childArgs(variant), pinning);
  try {
    const target: LoadTarget = { url: child.url, path: '/invocations', method: 'POST', headers: { 'content-type': 'application/json' }, body: Buffer.from(REQUEST_BODY), expectStatus: 200, expectBody: EXPECTED_BODY };
    await probe(target);
    const results: LoadResult[] = [];
    for (const connections of settings.connections) {
      const side = variant === 'ui+browsing' ? browse(child.url) : undefined;
      const r = await runLoad(target, { connections, warmupMs: settings.warmupMs, durationMs: settings.durationMs, serverCpuMs: child.cpuMs });
      const loads = await side?.stop();
      console.log(formatLevel(variant.padEnd(11), connections, r, loads !== undefined ? `  page loads ${loads}` : ''));
      for (const sample of r.errorSamples) console.log(`    bad answer: ${sample}`);
      results.push(r);
    }
    return results;
  } finally {
    await child.stop();
  }
}

async function main(): Promise<number> {
  const settings = parseLoadSettings(process.argv.slice(2));
  if (!settings) return void console.log(USAGE), 0;
  const pinning = pinLoadGenerator(settings.pin);
  console.log('ui: /invocations (echo model, 1-row dataframe_split, 1 worker) with the page on vs --no-ui');
  console.log(`node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'}; ${pinning.description}`);
  const results: Record<Variant, LoadResult[][]> = { 'no-ui': [], ui: [], 'ui+browsing': [] };
  for (let round = 0; round < settings.rounds; round++) {
    // Rotate the order so no variant always runs first (or on a warmer machine).
    const order = VARIANTS.map((_, i) => VARIANTS[(i + round) % VARIANTS.length]);
    console.log(`round ${round + 1}/${settings.rounds} (${order.join(', ')})`);
    for (const variant of order) results[variant].push(await measure(variant, settings, pinning));
  }
  let bad = 0;
  settings.connections.forEach((connections, level) => {
    const rps = (v: Variant): number => median(results[v].map((round) => round[level].reqPerSec));
    for (const v of VARIANTS) bad += results[v].reduce((n, round) => n + round[level].errors, 0);
    console.log(
      `ui (${connections} conn): page on ${ratio(rps('ui') / rps('no-ui'))}, page on while browsing ${ratio(rps('ui+browsing') / rps('no-ui'))} of --no-ui req/s ` +
        `(${count(rps('ui'))} / ${count(rps('ui+browsing'))} vs ${count(rps('no-ui'))} req/s, median of ${settings.rounds} rounds)`,
    );
  });
  return bad ? 1 : 0;
}

main().then((code) => process.exit(code), (err) => {
  console.error(err);
  process.exit(1);
});
