// Owns creating an onnxruntime session from the flavor's config (providers tried in order, then CPU) and describing its inputs and outputs, in whichever thread runs it.

import { createRequire } from 'node:module';
import type * as Ort from 'onnxruntime-node';
import type { SessionConfig, ValueInfo } from './protocol.js';
import { planProviders, unavailableNotice } from './providers.js';

type OrtModule = typeof Ort;

/**
 * onnxruntime-node, loaded on first use in this thread (threads that serve no ONNX model never load
 * the native addon). It is a CommonJS package: require() loads it in about 60% of the time import()
 * takes, which wraps and scans each of its modules for ESM exports (measured for bench/cold-start.ts).
 */
export function loadOnnxruntime(): OrtModule {
  return createRequire(import.meta.url)('onnxruntime-node') as OrtModule;
}

/** A created session, the providers it runs on and what the operator should know. */
export interface OpenedSession {
  readonly session: Ort.InferenceSession;
  readonly inputs: readonly ValueInfo[];
  readonly outputs: readonly ValueInfo[];
  /** Execution providers in use (onnxruntime-node names). */
  readonly providers: readonly string[];
  /** Lines for the log (a provider requested but not available, a fallback to CPU). */
  readonly notices: readonly string[];
}

/**
 * Creates the session: the configured accelerators that are installed first (falling back to CPU
 * with a notice when they fail to start), then CPU. Rejects with onnxruntime's error when the file
 * is not a model it can load.
 */
export async function openSession(ort: OrtModule, config: SessionConfig): Promise<OpenedSession> {
  const { modelFile, sessionOptions, providers: requested } = config;
  const plan = planProviders(requested);
  const notices: string[] = [];
  const create = (eps: string[]): Promise<Ort.InferenceSession> => ort.InferenceSession.create(modelFile, { ...sessionOptions, executionProviders: eps });
  let providers = [...plan.accelerators, 'cpu'];
  let created: Ort.InferenceSession | undefined;
  if (plan.accelerators.length) {
    try {
      created = await create(providers);
    } catch (err) {
      notices.push(`onnx model ${modelFile}: could not start ${plan.accelerators.join(', ')} (${(err as Error).message}); running on CPU.`);
      providers = ['cpu'];
    }
  }
  const session = created ?? (await create(providers));
  const unavailable = unavailableNotice(modelFile, plan, providers);
  if (unavailable) notices.push(unavailable);
  return { session, inputs: session.inputMetadata.map(info), outputs: session.outputMetadata.map(info), providers, notices };
}

function info(m: Ort.InferenceSession.ValueMetadata): ValueInfo {
  return m.isTensor ? { name: m.name, isTensor: true, type: m.type, shape: [...m.shape] } : { name: m.name, isTensor: false };
}
