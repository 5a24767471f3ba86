// Owns the reading of MLflow's `onnx` flavor section (model file, session options, providers).

import { isAbsolute, resolve } from 'node:path';
import { ModelLoadError } from '../../errors.js';
import type { OrtSessionOptions, SessionConfig } from './protocol.js';

/** MLflow's default `providers` when the flavor section has none (mlflow/onnx, ONNX_EXECUTION_PROVIDERS). */
export const DEFAULT_PROVIDERS: readonly string[] = ['CUDAExecutionProvider', 'CPUExecutionProvider'];

/**
 * Session config entries mlserve sets unless the model's `extra_session_config` says otherwise:
 * onnxruntime's idle threads otherwise spin on the CPU between requests, starving the HTTP thread
 * and other workers.
 */
export const DEFAULT_SESSION_CONFIG: Readonly<Record<string, string>> = {
  'session.intra_op.allow_spinning': '0',
  'session.inter_op.allow_spinning': '0',
};

/** onnxruntime's GraphOptimizationLevel enum values (Python) → onnxruntime-node names. */
const GRAPH_OPTIMIZATION_LEVELS: Record<number, NonNullable<OrtSessionOptions['graphOptimizationLevel']>> = {
  0: 'disabled',
  1: 'basic',
  2: 'extended',
  3: 'layout',
  99: 'all',
};

/**
 * Reads the flavor section as `mlflow.onnx._OnnxModelWrapper` does (spec §6.6): the model file is
 * `data` relative to the model directory; `onnx_session_options` may be null. Like MLflow, falsy
 * option values (`0`, `''`) are ignored and an unknown `execution_mode` is ignored; values MLflow
 * would fail on (a thread count that is not an integer, an unknown optimization level, a non-map
 * `extra_session_config`) throw ModelLoadError.
 */
export function readOnnxFlavorConf(modelPath: string, conf: Readonly<Record<string, unknown>>, threads?: number): SessionConfig {
  const data = conf.data;
  if (typeof data !== 'string' || data === '') {
    throw new ModelLoadError(`The onnx flavor in ${resolve(modelPath, 'MLmodel')} has no "data" entry naming the model file.`);
  }
  return {
    modelFile: isAbsolute(data) ? data : resolve(modelPath, data),
    sessionOptions: withThreadBudget(parseSessionOptions(conf.onnx_session_options), threads),
    providers: parseProviders(conf.providers),
  };
}

/**
 * Sizes the intra-op pool from the CPUs this instance may use when the model does not. onnxruntime
 * defaults to one thread per core of the machine; where the process may use fewer (taskset, a
 * container's cpuset, several model instances), the extra threads contend for the same CPUs and a
 * 10 µs call was measured at 0.5-3 ms on one CPU.
 */
export function withThreadBudget(options: OrtSessionOptions, threads: number | undefined): OrtSessionOptions {
  if (threads === undefined || options.intraOpNumThreads !== undefined) return options;
  return { ...options, intraOpNumThreads: Math.max(1, Math.floor(threads)) };
}

/** Converts MLflow's `onnx_session_options` map to onnxruntime-node session options. */
export function parseSessionOptions(raw: unknown): OrtSessionOptions {
  const extra: Record<string, string> = { ...DEFAULT_SESSION_CONFIG };
  const out: OrtSessionOptions = { extra };
  if (raw === null || raw === undefined) return out;
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ModelLoadError(`onnx_session_options must be a map, got ${JSON.stringify(raw)}.`);
  }
  const o = raw as Record<string, unknown>;
  const inter = threadCount(o, 'inter_op_num_threads');
  if (inter) out.interOpNumThreads = inter;
  const intra = threadCount(o, 'intra_op_num_threads');
  if (intra) out.intraOpNumThreads = intra;
  const mode = o.execution_mode;
  if (mode) {
    if (typeof mode !== 'string') throw new ModelLoadError(`onnx_session_options.execution_mode must be "sequential" or "parallel", got ${JSON.stringify(mode)}.`);
    const m = mode.toLowerCase();
    // MLflow compares mode.upper() with SEQUENTIAL / PARALLEL and silently ignores anything else.
    if (m === 'sequential' || m === 'parallel') out.executionMode = m;
  }
  const level = o.graph_optimization_level;
  if (level) {
    const name = typeof level === 'number' ? GRAPH_OPTIMIZATION_LEVELS[level] : undefined;
    if (!name) {
      throw new ModelLoadError(`onnx_session_options.graph_optimization_level must be one of 0, 1, 2, 3, 99, got ${JSON.stringify(level)}.`);
    }
    out.graphOptimizationLevel = name;
  }
  const entries = o.extra_session_config;
  if (entries) {
    if (typeof entries !== 'object' || Array.isArray(entries)) {
      throw new ModelLoadError(`onnx_session_options.extra_session_config must be a map of config keys to values, got ${JSON.stringify(entries)}.`);
    }
    for (const [key, value] of Object.entries(entries as Record<string, unknown>)) {
      if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
        throw new ModelLoadError(`onnx_session_options.extra_session_config.${key} must be a string, got ${JSON.stringify(value)}.`);
      }
      extra[key] = String(value);
    }
  }
  return out;
}

function threadCount(o: Record<string, unknown>, key: string): number | undefined {
  const v = o[key];
  if (!v) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
    throw new ModelLoadError(`onnx_session_options.${key} must be a non-negative integer, got ${JSON.stringify(v)}.`);
  }
  return v;
}

/** Reads `providers` (a list of MLflow provider names); MLflow's default when absent. */
export function parseProviders(raw: unknown): string[] {
  if (raw === undefined || raw === null) return [...DEFAULT_PROVIDERS];
  if (!Array.isArray(raw) || !raw.every((p) => typeof p === 'string')) {
    throw new ModelLoadError(`The onnx flavor's providers must be a list of execution provider names, got ${JSON.stringify(raw)}.`);
  }
  return [...raw];
}
