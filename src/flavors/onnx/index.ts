// Owns the `onnx` flavor: loads MLflow ONNX model directories and runs them in a worker thread (spec §6.6).

import { availableParallelism } from 'node:os';
import { access, readFile, stat } from 'node:fs/promises';
import { isFrame } from '../../data/frame.js';
import { ModelLoadError } from '../../errors.js';
import type { FlavorLoadContext, LoadedFlavorModel, ModelFlavor, ModelInput, ModelParams } from '../types.js';
import { buildFeeds, type InputInfo } from './feeds.js';
import { outputFrame, outputRecord } from './outputs.js';
import type { ValueInfo } from './protocol.js';
import { readOnnxFlavorConf } from './session-options.js';
import { type LoadedInfo, SessionClient } from './session-client.js';
import { wireToTensor, type Feed } from './wire-tensor.js';
import { InlineRunner } from './inline.js';
import type { SessionConfig, WireTensor } from './protocol.js';
import { planProviders, unavailableNotice } from './providers.js';
import { cpuKernels } from './native/f32.js';
import { compileOnnx, type NativeGraph } from './native/graph.js';
import type { Logger } from '../../logger.js';

/**
 * onnxruntime's bundled telemetry SDK writes `mat-debug-<pid>.log` into the temporary folder for
 * every process that creates a session, unless ORT_DISABLE_TELEMETRY is in the process environment
 * when the library loads. It is set here, on the thread that starts the session worker (a worker's
 * own process.env is a copy the native library never sees), unless the user set it.
 */
function quietOnnxruntimeTelemetry(): void {
  process.env.ORT_DISABLE_TELEMETRY ??= '1';
}

/** What a loaded ONNX model reports about itself. */
export interface OnnxModelInfo {
  /** Absolute path of the `.onnx` file. */
  readonly modelFile: string;
  /** Graph inputs and outputs in graph order. */
  readonly inputs: readonly ValueInfo[];
  readonly outputs: readonly ValueInfo[];
  /** Execution providers in use (onnxruntime-node names, e.g. `['cpu']`). */
  readonly providers: readonly string[];
  /** What runs the model's cheap calls on the calling thread: mlserve's native evaluator (./native/), or onnxruntime-node (which always runs the others). */
  readonly engine: 'native' | 'onnxruntime';
  /** Lines written to stderr at load (provider fallback, outputs onnxruntime-node cannot return). */
  readonly notices: readonly string[];
}

/** A loaded ONNX model. */
export interface LoadedOnnxModel extends LoadedFlavorModel {
  readonly info: OnnxModelInfo;
  /** Where a call with this input would run (see OnnxModel.executionOf). */
  executionOf(input: ModelInput): 'inline' | 'worker';
}

/**
 * The `onnx` flavor. `load` reads the flavor section (`data`, `onnx_session_options`,
 * `providers`) and creates the onnxruntime session: in this thread when its calls are cheap (see
 * inline.ts; a worker thread then starts only for calls too large to run here), else in a worker
 * thread. It fails with ModelLoadError when the file is missing or not a valid ONNX model. `predict` maps the input as
 * MLflow does (see feeds.ts) and answers named Tensors, or a Frame for a Frame input (outputs.ts).
 * `close` terminates the worker.
 */
export const onnxFlavor: ModelFlavor = {
  name: 'onnx',
  async load(ctx: FlavorLoadContext): Promise<LoadedOnnxModel> {
    quietOnnxruntimeTelemetry();
    const config = readOnnxFlavorConf(ctx.modelPath, ctx.flavorConf, ctx.threads ?? availableParallelism());
    try {
      await access(config.modelFile);
    } catch (cause) {
      throw new ModelLoadError(`ONNX model file ${config.modelFile} (flavors.onnx.data in ${ctx.modelPath}/MLmodel) does not exist or cannot be read.`, { cause });
    }
    const client = new SessionClient(config);
    // A model whose calls are cheap runs them here (../inline-policy.ts), and its worker thread starts
    // only when a call too large for this thread comes (most never do: less memory, faster start).
    // Here means mlserve's native evaluator when the model is made only of what it computes exactly
    // as onnxruntime does (./native/): onnxruntime is then not even loaded until such a call comes.
    const providers = planProviders(config.providers);
    const graph = useNative(ctx.onnxEvaluator) && providers.accelerators.length === 0 ? await nativeGraph(config, ctx.logger) : undefined;
    const nativeRunner = graph && (await InlineRunner.openNative(graph));
    const notice = unavailableNotice(config.modelFile, providers, ['cpu']);
    const inline = graph
      ? nativeRunner && { runner: nativeRunner, loaded: { inputs: graph.inputs, outputs: graph.outputs, providers: ['cpu'], notices: notice ? [notice] : [] } }
      : await InlineRunner.open(config).catch(() => undefined);
    let loaded: Omit<LoadedInfo, 'kind' | 'id'>;
    if (inline) loaded = inline.loaded;
    else {
      try {
        loaded = await client.start();
      } catch (cause) {
        await client.close();
        const why = cause instanceof Error ? cause.message : String(cause);
        throw new ModelLoadError(`Could not load ONNX model file ${config.modelFile}: ${why}`, { cause });
      }
    }
    const problem = unusable(loaded);
    if (problem) {
      await inline?.runner.close();
      await client.close();
      throw new ModelLoadError(`Could not load ONNX model file ${config.modelFile}: ${problem}`);
    }
    const info = describeModel(config.modelFile, loaded, nativeRunner ? 'native' : 'onnxruntime');
    for (const line of info.notices) ctx.logger?.warn(line);
    if (inline) {
      const { plan } = inline.runner;
      ctx.logger?.info(
        `onnx model ${config.modelFile}: calls of up to ${plan.maxElements} input elements run on the HTTP thread` +
          (nativeRunner ? " on mlserve's native evaluator" : '') +
          ` (timed at ${(plan.fixedMs * 1000).toFixed(0)} µs + ${(plan.perElementMs * 1e6).toFixed(0)} ns per element); larger ones on ` +
          (nativeRunner ? 'onnxruntime in a worker thread, loaded when the first comes' : 'a worker thread'),
      );
    }
    return new OnnxModel(client, info, inline?.runner);
  },
};

/**
 * Whether to try the native evaluator: always with `native`; with `auto` (the default) only where
 * its bits were established equal to onnxruntime's, on CPUs where onnxruntime runs its AVX512F kernels.
 */
function useNative(choice: FlavorLoadContext['onnxEvaluator']): boolean {
  return choice === 'native' || ((choice ?? 'auto') === 'auto' && cpuKernels().avx512);
}

/** Largest model file the native evaluator reads: its operators are written for small models. */
const NATIVE_MAX_MODEL_BYTES = 4 * 1024 * 1024;

/**
 * The model compiled for the native evaluator (the caller checked it runs on CPU), when every part of it is one the
 * evaluator computes exactly as onnxruntime does; undefined otherwise (the reason is logged at debug level).
 */
async function nativeGraph(config: SessionConfig, logger: Logger | undefined): Promise<NativeGraph | undefined> {
  if ((await stat(config.modelFile)).size > NATIVE_MAX_MODEL_BYTES) return undefined;
  const graph = compileOnnx(await readFile(config.modelFile));
  if (typeof graph !== 'string') return graph;
  logger?.debug(`onnx model ${config.modelFile}: runs on onnxruntime (mlserve's native evaluator does not take it: ${graph})`);
  return undefined;
}

/** Why onnxruntime-node cannot serve the model at all, if it cannot. */
function unusable(loaded: Omit<LoadedInfo, 'kind' | 'id'>): string | undefined {
  const bad = loaded.inputs.filter((i) => !i.isTensor).map((i) => i.name);
  if (bad.length) return `input(s) ${bad.join(', ')} are sequences or maps, which onnxruntime-node cannot feed.`;
  if (!loaded.outputs.some((o) => o.isTensor)) return 'none of its outputs is a tensor, and onnxruntime-node returns only tensors.';
  return undefined;
}

function describeModel(modelFile: string, loaded: Omit<LoadedInfo, 'kind' | 'id'>, engine: OnnxModelInfo['engine']): OnnxModelInfo {
  const notices = [...loaded.notices];
  const skipped = loaded.outputs.filter((o) => !o.isTensor).map((o) => o.name);
  if (skipped.length) {
    // e.g. skl2onnx classifiers' ZipMap `output_probability` (a sequence of maps); MLflow would return it.
    notices.push(`onnx model ${modelFile}: output(s) ${skipped.join(', ')} are sequences or maps, which onnxruntime-node cannot return; they are left out of predictions.`);
  }
  return { modelFile, inputs: loaded.inputs, outputs: loaded.outputs, providers: loaded.providers, engine, notices };
}

class OnnxModel implements LoadedOnnxModel {
  readonly info: OnnxModelInfo;
  /** True when every input and output has a variable first dimension, so rows can be batched. */
  readonly batchable: boolean;
  readonly #client: SessionClient;
  readonly #inputs: InputInfo[];
  readonly #fetches: string[];
  readonly #inline: InlineRunner | undefined;

  constructor(client: SessionClient, info: OnnxModelInfo, inline?: InlineRunner) {
    this.#client = client;
    this.#inline = inline;
    this.info = info;
    this.#inputs = info.inputs.map((i) => ({ name: i.name, type: i.isTensor ? i.type : '' }));
    this.#fetches = info.outputs.filter((o) => o.isTensor).map((o) => o.name);
    this.batchable = [...info.inputs, ...info.outputs.filter((o) => o.isTensor)].every(
      (v) => v.isTensor && v.shape.length > 0 && typeof v.shape[0] === 'string',
    );
  }

  async predict(input: ModelInput, _params: ModelParams): Promise<unknown> {
    // Params are accepted and unused, as in MLflow.
    const feeds = buildFeeds(input, this.#inputs);
    const wire = wireFeeds(feeds);
    const inline = this.#inline;
    const result =
      inline !== undefined && inline.admits(wire)
        ? await inline.run(wire, this.#fetches)
        : await this.#client.run(wire, this.#fetches, Object.values(feeds).filter((f) => f.owned).map((f) => f.wire));
    const tensors = this.#fetches.map((n) => wireToTensor(result[n]));
    return isFrame(input) ? outputFrame(this.#fetches, tensors) : outputRecord(this.#fetches, tensors);
  }

  /**
   * Where a call with this input would run: `inline` on the calling thread (a cheap call, as timed
   * at load), `worker` on the session's worker thread. Throws as predict does for input it cannot feed.
   */
  executionOf(input: ModelInput): 'inline' | 'worker' {
    return this.#inline?.admits(wireFeeds(buildFeeds(input, this.#inputs))) ? 'inline' : 'worker';
  }

  async close(): Promise<void> {
    await this.#inline?.close();
    await this.#client.close();
  }
}

function wireFeeds(feeds: Record<string, Feed>): Record<string, WireTensor> {
  const wire: Record<string, WireTensor> = {};
  for (const name in feeds) wire[name] = feeds[name]!.wire;
  return wire;
}
