// Answers one question: how close are mlserve's JSON decoders and its predictions encoder to the floor, JSON.parse + a typed-array fill and JSON.stringify of the same numbers, for 1,000-row iris bodies? Prints µs per body and ratios (median of rounds, same process, alternating order).

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { decodeRequest, prepareDecoded, type EnforceContext } from '../src/pipeline/mlflow.js';
import { encodePredictions } from '../src/codecs/predictions.js';
import { decodeJsonRequestGeneral } from '../src/codecs/mlflow-json.js';
import { decodeNumericRequest } from '../src/codecs/_mlflow-json-numeric.js';
import { PerformanceObserver, constants } from 'node:perf_hooks';
import { readMLmodel } from '../src/model/load.js';
import { Tensor } from '../src/data/tensor.js';
import { parseSchema } from '../src/schema/signature.js';
import { median, ratio } from './_stats.js';
import { positive } from './_settings.js';

const USAGE = `Usage: node dist/bench/codec.js [--rows N] [--rounds N] [--smoke]

  --rows N     rows per body (default 1000)
  --rounds N   rounds, median taken (default 7)
  --smoke      1 round, few iterations: checks the script runs, not for figures`;

/** Goals of issue 18 (scope 5), printed as PASS/MISS. */
const DECODE_GOAL = 1.2;
const ENCODE_GOAL = 2;
/** Alternating slices per variant pair and round. */
const SLICES = 10;

/** Young-generation collections (scavenges) while `fn` runs `calls` times: how much short-lived garbage it makes. */
async function youngGcs(fn: () => unknown, calls: number): Promise<number> {
  let n = 0;
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if ((e as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MINOR) n++;
  });
  observer.observe({ entryTypes: ['gc'] });
  for (let i = 0; i < calls; i++) fn();
  await new Promise((resolve) => setTimeout(resolve, 50)); // entries are delivered asynchronously
  observer.disconnect();
  return n;
}

/** Microseconds per call of `fn`, over enough calls to last about `budgetMs`. */
function timeIt(fn: () => unknown, budgetMs: number): number {
  let n = 1;
  for (;;) {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) fn();
    const elapsed = performance.now() - t0;
    if (elapsed >= budgetMs) return (elapsed * 1000) / n;
    n *= 2;
  }
}

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { rows: { type: 'string' }, rounds: { type: 'string' }, smoke: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } } });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const rows = Math.round(positive('rows', values.rows, 1000));
  const rounds = values.smoke ? 1 : Math.round(positive('rounds', values.rounds, 7));
  const budgetMs = values.smoke ? 5 : 200;

  const irisDir = fileURLToPath(new URL('../../examples/iris', import.meta.url));
  const examples: number[][] = JSON.parse(readFileSync(`${irisDir}/input_example.json`, 'utf8')).inputs ?? [[5.1, 3.5, 1.4, 0.2]];
  const data = Array.from({ length: rows }, (_, i) => examples[i % examples.length]!.map((v, j) => v + ((i * 7 + j) % 13) / 100));
  const columns = ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'];
  const inputsBody = Buffer.from(JSON.stringify({ inputs: data }));
  const splitBody = Buffer.from(JSON.stringify({ dataframe_split: { columns, data } }));
  // The floors: what any decoder must at least do (parse the text, fill the numbers into typed storage).
  const floorInputs = (): Float32Array => {
    const doc = JSON.parse(inputsBody.toString('utf8')) as { inputs: number[][] };
    const out = new Float32Array(doc.inputs.length * 4);
    let k = 0;
    for (const row of doc.inputs) for (const v of row) out[k++] = v;
    return out;
  };
  const floorSplit = (): Float64Array[] => {
    const doc = JSON.parse(splitBody.toString('utf8')) as { dataframe_split: { columns: string[]; data: number[][] } };
    const { columns, data: d } = doc.dataframe_split;
    const cols = columns.map(() => new Float64Array(d.length));
    for (let r = 0; r < d.length; r++) for (let c = 0; c < columns.length; c++) cols[c]![r] = d[r]![c]!;
    return cols;
  };
  // float32 outputs as the iris model gives them, and the same numbers as plain JS values for JSON.stringify.
  const probs = new Float32Array(rows * 3).map((_, i) => (i % 3 === 0 ? 0.981583297252655 : i % 3 === 1 ? 0.018416734412312508 : 1.4506358780863593e-8) * (1 + (i % 7) / 10));
  const labels = new BigInt64Array(rows).map((_, i) => BigInt(i % 3));
  const output = { probabilities: new Tensor('float32', [rows, 3], probs), label: new Tensor('int64', [rows], labels) };
  const plain = { predictions: { probabilities: Array.from({ length: rows }, (_, r) => Array.from(probs.subarray(r * 3, r * 3 + 3))), label: Array.from(labels, Number) } };
  const mlmodel = await readMLmodel(irisDir);
  {
    const ctx = { signature: mlmodel.signature, schemaDetails: false };
    // What the server does with a body before the model: decode, then enforce the signature.
    const oursInputs = (): unknown => prepareDecoded(decodeRequest('application/json', inputsBody, ctx), ctx).input;
    // iris's signature is a tensor spec, which a DataFrame does not meet: columns decode without one, then with a column signature.
    const noSignature: EnforceContext = { schemaDetails: false };
    const oursSplit = (): unknown => prepareDecoded(decodeRequest('application/json', splitBody, noSignature), noSignature).input;
    // The same frame against a column signature (four doubles, as a scikit-learn model logged from a DataFrame has).
    const columnSignature: EnforceContext = { signature: { inputs: parseSchema(JSON.stringify(columns.map((name) => ({ type: 'double', name })))) }, schemaDetails: false };
    const oursSplitSigned = (): unknown => prepareDecoded(decodeRequest('application/json', splitBody, columnSignature), columnSignature).input;
    // The figures are the scanner's only while it takes these bodies: say so loudly if it stops.
    for (const [body, c] of [[inputsBody, ctx], [splitBody, noSignature], [splitBody, columnSignature]] as const) {
      if (!decodeNumericRequest(body, c)) throw new Error(`the numeric scanner declined a benchmark body (${body.subarray(0, 40).toString()}...): the figures would measure the general path`);
    }
    const oursEncode = (): string => encodePredictions(output, true);
    const floorEncode = (): string => JSON.stringify(plain);
    const pairs = [
      { name: `decode "inputs" (${rows} x 4)`, ours: oursInputs, floor: floorInputs, goal: DECODE_GOAL, floorName: 'JSON.parse + Float32Array fill' },
      { name: `decode "dataframe_split" (${rows} x 4)`, ours: oursSplit, floor: floorSplit, goal: DECODE_GOAL, floorName: 'JSON.parse + Float64Array columns' },
      { name: `decode "dataframe_split", column signature (${rows} x 4 doubles)`, ours: oursSplitSigned, floor: floorSplit, goal: DECODE_GOAL, floorName: 'JSON.parse + Float64Array columns' },
      { name: `encode float32 predictions (${rows} x 3 + ${rows} labels)`, ours: oursEncode, floor: floorEncode, goal: ENCODE_GOAL, floorName: 'JSON.stringify of the same numbers' },
    ];
    console.log(`codec: mlserve's JSON decode (+ signature enforcement) and predictions encode vs their floors, iris, ${rows} rows; node ${process.version}`);
    console.log(`${rounds} round(s), ~${budgetMs} ms per variant per round in ${SLICES} alternating slices; µs per body, ratios per round, median`);
    for (const p of pairs) {
      // Warm-up (not measured): both sides optimised before the first round, as in a running server.
      timeIt(p.ours, budgetMs);
      timeIt(p.floor, budgetMs);
      const ours: number[] = [];
      const floor: number[] = [];
      let oursBest = Infinity;
      let floorBest = Infinity;
      const slice = (fn: () => unknown, best: number): [number, number] => {
        const us = timeIt(fn, budgetMs / SLICES);
        return [us, Math.min(best, us)];
      };
      for (let r = 0; r < rounds; r++) {
        // Short slices in turn, so that load from other processes falls on both sides alike.
        let o = 0;
        let f = 0;
        for (let i = 0; i < SLICES; i++) {
          let us: number;
          if ((r + i) % 2 === 0) {
            [us, oursBest] = slice(p.ours, oursBest);
            o += us;
            [us, floorBest] = slice(p.floor, floorBest);
            f += us;
          } else {
            [us, floorBest] = slice(p.floor, floorBest);
            f += us;
            [us, oursBest] = slice(p.ours, oursBest);
            o += us;
          }
        }
        ours.push(o / SLICES);
        floor.push(f / SLICES);
      }
      const ratios = ours.map((o, i) => o / floor[i]!);
      const r = median(ratios);
      console.log(`  ${p.name}: mlserve ${median(ours).toFixed(0)} µs vs ${p.floorName} ${median(floor).toFixed(0)} µs: ${ratio(r)}, goal ≤ ${p.goal}x ${r <= p.goal ? 'PASS' : 'MISS'} (fastest slices: ${oursBest.toFixed(0)} vs ${floorBest.toFixed(0)} µs, ${ratio(oursBest / floorBest)})`);
    }
    // Garbage, which large requests under concurrency pay for in young-generation GC: the same decodes,
    // through the general path (parse to JS values, then convert) for comparison.
    const general = (body: Buffer, c: EnforceContext) => (): unknown => prepareDecoded(decodeJsonRequestGeneral(body, c), c).input;
    const garbage = [
      { name: '"inputs"', ours: oursInputs, general: general(inputsBody, ctx), floor: floorInputs },
      { name: '"dataframe_split"', ours: oursSplit, general: general(splitBody, noSignature), floor: floorSplit },
    ];
    const calls = values.smoke ? 50 : 2000;
    console.log(`young-generation GCs per ${calls} bodies (short-lived garbage; default semi-space):`);
    for (const g of garbage) {
      const [ours, gen, floor] = [await youngGcs(g.ours, calls), await youngGcs(g.general, calls), await youngGcs(g.floor, calls)];
      console.log(`  decode ${g.name}: mlserve ${ours}, general path ${gen}, floor ${floor}`);
    }
  }
  return 0;
}

main().then(
  (code) => (process.exitCode = code),
  (err) => {
    console.error(err instanceof Error ? err.stack : err);
    process.exitCode = 2;
  },
);
