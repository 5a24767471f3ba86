// Owns what MLflow's sklearn flavor writes in MLmodel (pickled_model, serialization_format,
// sklearn_version, python_function.model_path and predict_fn) and reading the model file once.

import { readFile, stat } from 'node:fs/promises';
import { fileInModel } from '../model-file.js';
import { ModelLoadError } from '../../errors.js';
import { DEFAULT_LIMITS, PickleError, PyTreeError, readPythonObject, sniffFormat, type PyValue } from '../../pyobj/index.js';

/** `flavors.sklearn.serialization_format`. */
export type SerializationFormat = 'cloudpickle' | 'pickle' | 'skops';

const FORMATS: readonly SerializationFormat[] = ['cloudpickle', 'pickle', 'skops'];

/** The scikit-learn releases the native evaluator is tested against (test/fixtures/sklearn). */
export const TESTED_RELEASES = { oldest: [1, 2], newest: [1, 9] } as const;

/** The sklearn flavor's settings, as MLflow reads them. */
export interface SklearnModelConf {
  /** Absolute path of the pickle or skops file. */
  readonly file: string;
  readonly format: SerializationFormat;
  /** `python_function.predict_fn` (default `predict`); undefined when there is no python_function flavor. */
  readonly predictFn?: string;
  /** `flavors.sklearn.sklearn_version`, when recorded. */
  readonly sklearnVersion?: string;
}

function text(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/**
 * Reads the flavor settings: the model file is `python_function.model_path` (what MLflow's pyfunc
 * loads) or `flavors.sklearn.pickled_model`, inside the model directory; the format defaults to
 * pickle, as in MLflow.
 */
export function readSklearnConf(modelPath: string, flavors: Readonly<Record<string, Readonly<Record<string, unknown>>>>): SklearnModelConf {
  const sk = flavors.sklearn ?? {};
  const pyfunc = flavors.python_function;
  // MLflow up to 1.9 wrote the file name as python_function.data.
  const name = text(pyfunc?.model_path) ?? text(pyfunc?.data) ?? text(sk.pickled_model) ?? 'model.pkl';
  const file = fileInModel(modelPath, name);
  const format = (text(sk.serialization_format) ?? 'pickle') as SerializationFormat;
  if (!FORMATS.includes(format)) {
    throw new ModelLoadError(`Unrecognized serialization format: ${String(sk.serialization_format)}. Please specify one of the following supported formats: ${FORMATS.join(', ')}.`);
  }
  return { file, format, predictFn: pyfunc ? (text(pyfunc.predict_fn) ?? 'predict') : undefined, sklearnVersion: text(sk.sklearn_version) };
}

/** Reads the model file into an object tree (nothing in it runs); a malformed file is a ModelLoadError. */
export async function readModelTree(conf: SklearnModelConf): Promise<PyValue> {
  let bytes: Uint8Array;
  try {
    const info = await stat(conf.file);
    if (!info.isFile()) throw new Error('not a file');
    if (info.size > DEFAULT_LIMITS.maxInputBytes) throw new ModelLoadError(`The scikit-learn model file ${conf.file} has ${info.size} bytes, more than mlserve reads (${DEFAULT_LIMITS.maxInputBytes}).`);
    bytes = await readFile(conf.file);
  } catch (cause) {
    if (cause instanceof ModelLoadError) throw cause;
    throw new ModelLoadError(`The scikit-learn model file ${conf.file} does not exist or cannot be read.`, { cause });
  }
  const found = sniffFormat(bytes);
  if ((conf.format === 'skops') !== (found === 'skops')) {
    throw new ModelLoadError(`The scikit-learn model file ${conf.file} is ${found === 'skops' ? 'a skops file' : 'not a skops file'}, but MLmodel says serialization_format: ${conf.format}.`);
  }
  try {
    return readPythonObject(bytes);
  } catch (cause) {
    if (cause instanceof PickleError || cause instanceof PyTreeError) {
      throw new ModelLoadError(`Could not read the scikit-learn model file ${conf.file}: ${(cause as Error).message}`, { cause });
    }
    throw cause;
  }
}

/** A line to log when the model was saved by a release outside the tested range (undefined otherwise). */
export function versionNotice(version: string | undefined): string | undefined {
  if (version === undefined) return undefined;
  const m = /^(\d+)\.(\d+)/.exec(version);
  const tested = `${TESTED_RELEASES.oldest.join('.')} to ${TESTED_RELEASES.newest.join('.')}`;
  if (!m) return `the model records scikit-learn version ${JSON.stringify(version)}; mlserve's native evaluator is tested with scikit-learn ${tested} and reads what the saved state holds.`;
  const [major, minor] = [Number(m[1]), Number(m[2])];
  const cmp = (v: readonly number[]) => (major - v[0]) * 1000 + (minor - v[1]);
  if (cmp(TESTED_RELEASES.oldest) >= 0 && cmp(TESTED_RELEASES.newest) <= 0) return undefined;
  const side = cmp(TESTED_RELEASES.oldest) < 0 ? 'older' : 'newer';
  return `the model was saved with scikit-learn ${version}, ${side} than the releases mlserve's native evaluator is tested with (${tested}); it reads what the saved state holds, so check its predictions once.`;
}
