// Owns the choice between mlserve's native engines and Python workers, and the reason the start-up line gives.
//
// `auto`: a flavor mlserve runs natively, when the model has one and it loads; when that load
// says the model cannot be evaluated natively (UnsupportedModelError), or no native flavor exists,
// Python workers if the model has `python_function`. `native` never falls back; `python` always
// uses Python workers.

import { ModelLoadError, ServingError, UnsupportedModelError } from '../errors.js';
import { SUPPORTED_FLAVORS, type MLmodel } from '../model/load.js';

/** What `--engine` asks for. */
export type EngineRequest = 'auto' | 'native' | 'python';

/** The engine that serves a model, and why (for the start-up line). */
export interface EngineChoice {
  readonly engine: 'native' | 'python';
  /** The native flavor, or `python_function`. */
  readonly flavor: string;
  /** Why this engine, e.g. `flavor sklearn: class mypkg.MyTransformer at steps[0] is not supported natively`. */
  readonly reason: string;
}

const PYFUNC = 'python_function';

/** The flavor mlserve would run natively, if any. */
export function nativeFlavor(mlmodel: MLmodel): string | undefined {
  return SUPPORTED_FLAVORS.find((f) => f in mlmodel.flavors);
}

/** True for the load error of a native engine that cannot evaluate a valid model (also when rebuilt across a thread). */
export function isUnsupportedModel(err: unknown): err is ServingError {
  return err instanceof UnsupportedModelError || (err instanceof Error && err.name === 'UnsupportedModelError');
}

function flavorsOf(mlmodel: MLmodel): string {
  return `[${Object.keys(mlmodel.flavors).join(', ')}]`;
}

function noBackend(mlmodel: MLmodel): ServingError {
  return new ServingError(
    'RESOURCE_DOES_NOT_EXIST',
    `No suitable flavor backend was found for the model. It has flavors ${flavorsOf(mlmodel)}; mlserve serves [${SUPPORTED_FLAVORS.join(', ')}] natively, and models with python_function through Python workers.`,
  );
}

/** What a native load error says could not be evaluated. */
function unsupportedDetail(err: ServingError): string {
  const listed = err instanceof UnsupportedModelError ? err.unsupported : [];
  return listed.length ? listed.join('; ') : err.message;
}

/**
 * Starts the model with the engine `requested` allows: `startNative(flavor)` or `startPython()`.
 * Resolves with what the starter returned and the choice made; a native start that throws
 * anything but UnsupportedModelError is not retried with Python.
 */
export async function openEngine<T>(
  mlmodel: MLmodel,
  requested: EngineRequest,
  startNative: (flavor: string) => Promise<T>,
  startPython: () => Promise<T>,
): Promise<{ value: T; choice: EngineChoice }> {
  const native = nativeFlavor(mlmodel);
  const hasPyfunc = PYFUNC in mlmodel.flavors;
  const python = async (reason: string) => ({ value: await startPython(), choice: { engine: 'python', flavor: PYFUNC, reason } as const });
  if (requested === 'python') {
    if (!hasPyfunc) throw new ModelLoadError(`--engine python needs the python_function flavor; this model has flavors ${flavorsOf(mlmodel)}.`);
    return python('requested with --engine python');
  }
  if (native === undefined) {
    if (requested === 'native' || !hasPyfunc) throw noBackend(mlmodel);
    return python(`flavors ${flavorsOf(mlmodel)}: none runs natively`);
  }
  let detail: string;
  try {
    return { value: await startNative(native), choice: { engine: 'native', flavor: native, reason: `flavor ${native}` } };
  } catch (err) {
    if (requested === 'native' || !hasPyfunc || !isUnsupportedModel(err)) throw err;
    detail = unsupportedDetail(err);
  }
  try {
    return await python(`flavor ${native}: ${detail}`);
  } catch (err) {
    // The user needs both halves: what mlserve could not evaluate, and why Python could not take over.
    const why = err instanceof Error ? err.message : String(err);
    throw new ModelLoadError(`mlserve cannot evaluate this ${native} model natively (${detail}), and the Python engine could not take it: ${why}`, { cause: err });
  }
}
