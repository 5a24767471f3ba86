// Owns the choice of onnxruntime-node execution providers from MLflow's `providers` list.

import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** MLflow (onnxruntime Python) provider names → onnxruntime-node names, for the GPU providers Node can use. */
const ACCELERATORS: Readonly<Record<string, string>> = {
  CUDAExecutionProvider: 'cuda',
  TensorrtExecutionProvider: 'tensorrt',
};

/** The CPU provider's MLflow name. */
export const CPU_PROVIDER = 'CPUExecutionProvider';

/** What to try: accelerators in the configured order (then CPU), and requested providers Node lacks. */
export interface ProviderPlan {
  /** onnxruntime-node names to try before `cpu`, e.g. `['cuda']`. */
  readonly accelerators: readonly string[];
  /** MLflow names of requested non-CPU providers that cannot be used here. */
  readonly unavailable: readonly string[];
}

/**
 * Plans the providers for `requested` (MLflow names). MLflow first creates the session without
 * providers, which on a CPU build of onnxruntime runs on CPU whatever the list says; mlserve uses
 * CUDA/TensorRT when asked and when their provider library is installed beside onnxruntime-node.
 * `libraryExists` is injectable for tests.
 */
export function planProviders(requested: readonly string[], libraryExists: (ep: string) => boolean = providerLibraryExists): ProviderPlan {
  const accelerators: string[] = [];
  const unavailable: string[] = [];
  for (const name of requested) {
    if (name === CPU_PROVIDER) continue;
    const ep = ACCELERATORS[name];
    if (ep && libraryExists(ep)) {
      if (!accelerators.includes(ep)) accelerators.push(ep);
    } else if (!unavailable.includes(name)) {
      unavailable.push(name);
    }
  }
  return { accelerators, unavailable };
}

/**
 * True when onnxruntime-node's shared library for `ep` (`cuda`, `tensorrt`) is installed. Without
 * it, asking for the provider fails and onnxruntime also prints an error of its own on stderr.
 */
export function providerLibraryExists(ep: string): boolean {
  if (process.platform !== 'linux' && process.platform !== 'win32') return false;
  try {
    const pkgMain = createRequire(import.meta.url).resolve('onnxruntime-node');
    const binDir = join(dirname(pkgMain), '..', 'bin', 'napi-v6', process.platform, process.arch);
    const file = process.platform === 'win32' ? `onnxruntime_providers_${ep}.dll` : `libonnxruntime_providers_${ep}.so`;
    return existsSync(join(binDir, file));
  } catch {
    return false;
  }
}

/** The line telling the operator that requested providers are not available, when some are not. */
export function unavailableNotice(modelFile: string, plan: ProviderPlan, providers: readonly string[]): string | undefined {
  if (!plan.unavailable.length) return undefined;
  const on = providers.length > 1 ? providers.slice(0, -1).join(', ').toUpperCase() : 'CPU';
  return `onnx model ${modelFile}: ${plan.unavailable.join(', ')} requested but not available to onnxruntime-node; running on ${on}.`;
}
