// Owns MLflow's output document, `{"predictions": ...}` (spec §4), written incrementally across batches.
//
// One batch is written exactly as MLflow writes it. Across batches, list-like answers (Frames,
// tensors, typed arrays, lists) are concatenated inside `{"predictions": [`...`]}` — what MLflow
// writes for the whole input when the model scores rows independently. Dicts of lists (ONNX named
// outputs) are concatenated per key through temporary files and assembled at the end.

import { createReadStream } from 'node:fs';
import { appendFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ServingError } from '../errors.js';
import { Frame } from '../data/frame.js';
import { Tensor } from '../data/tensor.js';
import { isPlainObject } from '../data/pytype.js';
import { orderedKeys } from '../data/key-order.js';
import { encodeOutput, encodePredictions } from '../codecs/predictions.js';
import { materializeOutput } from '../codecs/prewritten.js';
import { PrewrittenJson } from '../data/prewritten.js';
import { quoteJson } from '../codecs/json-text.js';
import type { Sink } from './sink.js';
import type { ScoredBatch } from './types.js';
import type { PredictionWriter } from './writers.js';

/** True for answers MLflow writes as a JSON list of rows. */
function isListLike(v: unknown): boolean {
  if (v instanceof PrewrittenJson) return v.text.startsWith('[');
  if (v instanceof Frame || Array.isArray(v)) return true;
  if (v instanceof Tensor) return v.ndim > 0;
  return ArrayBuffer.isView(v) && !(v instanceof DataView) && !Buffer.isBuffer(v);
}

/** The entries of a dict whose values are all list-like, else undefined. */
function listDict(answer: unknown): [string, unknown][] | undefined {
  const v = materializeOutput(answer);
  let entries: [string, unknown][];
  if (v instanceof Map) entries = [...v].map(([k, x]) => [String(k), x]);
  else if (isPlainObject(v)) entries = orderedKeys(v).map((k) => [k, v[k]]);
  else return undefined;
  return entries.length > 0 && entries.every(([, x]) => isListLike(x)) ? entries : undefined;
}

/** The text inside a list's brackets. */
function listItems(v: unknown): string {
  return encodeOutput(v).slice(1, -1);
}

function cannotCombine(v: unknown): ServingError {
  const kind = v === null ? 'None' : typeof v === 'object' ? ((v as object).constructor?.name ?? 'object') : typeof v;
  return new ServingError(
    'INVALID_PARAMETER_VALUE',
    `The model returned ${kind}, which cannot be combined across batches of rows. Score the input in one batch (a --batch-size above its row count) or return one prediction per row.`,
  );
}

/** Per-key item files of a dict answer. */
class KeySpill {
  private readonly started: boolean[];
  private constructor(private readonly dir: string, readonly keys: readonly string[]) {
    this.started = keys.map(() => false);
  }

  static async create(keys: readonly string[]): Promise<KeySpill> {
    return new KeySpill(await mkdtemp(join(tmpdir(), 'mlserve-predict-')), keys);
  }

  private file(j: number): string {
    return join(this.dir, `${j}.json`);
  }

  async append(entries: [string, unknown][]): Promise<void> {
    if (entries.length !== this.keys.length || entries.some(([k], j) => k !== this.keys[j])) {
      throw new ServingError('INVALID_PARAMETER_VALUE', `The model returned keys [${entries.map(([k]) => k).join(', ')}] for a batch after returning [${this.keys.join(', ')}].`);
    }
    for (let j = 0; j < entries.length; j++) {
      const items = listItems(entries[j][1]);
      if (!items) continue;
      await appendFile(this.file(j), (this.started[j] ? ', ' : '') + items);
      this.started[j] = true;
    }
  }

  async writeTo(sink: Sink): Promise<void> {
    await sink.write('{"predictions": {');
    for (let j = 0; j < this.keys.length; j++) {
      await sink.write(`${j ? ', ' : ''}${quoteJson(this.keys[j])}: [`);
      if (this.started[j]) for await (const piece of createReadStream(this.file(j))) await sink.write(piece as Buffer);
      await sink.write(']');
    }
    await sink.write('}}');
  }

  async discard(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true }).catch(() => undefined);
  }
}

/** Writes `{"predictions": ...}` (no trailing newline), streaming list-like answers batch by batch. */
export function mlflowJsonWriter(sink: Sink): PredictionWriter {
  let held: ScoredBatch | undefined; // the first batch, kept until a second one shows the answer is split
  let mode: 'list' | 'dict' | undefined;
  let wroteItems = false;
  let spill: KeySpill | undefined;

  const append = async (b: ScoredBatch): Promise<void> => {
    if (mode === 'list') {
      if (!isListLike(b.output)) throw cannotCombine(b.output);
      const items = listItems(b.output);
      if (!items) return;
      await sink.write((wroteItems ? ', ' : '') + items);
      wroteItems = true;
      return;
    }
    const entries = listDict(b.output);
    if (!entries) throw cannotCombine(b.output);
    await spill!.append(entries);
  };
  const begin = async (first: ScoredBatch): Promise<void> => {
    if (isListLike(first.output) && !first.unwrapped) {
      mode = 'list';
      await sink.write('{"predictions": [');
      return;
    }
    const entries = listDict(first.output);
    if (!entries || first.unwrapped) throw cannotCombine(first.output);
    mode = 'dict';
    spill = await KeySpill.create(entries.map(([k]) => k));
  };

  return {
    async write(batch) {
      if (mode === undefined && held === undefined) {
        held = batch;
        return;
      }
      if (held) {
        await begin(held);
        await append(held);
        held = undefined;
      }
      await append(batch);
    },
    async finish() {
      if (mode === undefined) {
        // Zero or one batch: exactly MLflow's text (zero batches: an input without rows).
        await sink.write(held ? encodePredictions(held.output, !held.unwrapped) : '{"predictions": []}');
      } else if (mode === 'list') {
        await sink.write(']}');
      } else {
        await spill!.writeTo(sink);
        await spill!.discard();
      }
    },
    async abort() {
      await spill?.discard();
    },
  };
}
