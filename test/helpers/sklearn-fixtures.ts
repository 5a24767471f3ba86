// Test helper: the scikit-learn fixtures (test/fixtures/sklearn, see its README.md): a typed view of
// index.json, each case's request, scikit-learn's raw output and MLflow's answer, and the rule a
// native evaluator's output is compared with.

import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The fixture folder as checked in (tests run from dist/test/helpers). */
export const SKLEARN_FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '../../../test/fixtures/sklearn');

/** The `pyfunc_predict_fn` values MLflow's sklearn flavor writes (`score` fails on every request: it needs labels). */
export type PredictFn = 'predict' | 'predict_proba' | 'predict_log_proba' | 'predict_joint_log_proba' | 'score';
/** `flavors.sklearn.serialization_format`. */
export type SerializationFormat = 'pickle' | 'cloudpickle' | 'skops';

/** How an output is compared: labels and single trees/forests exactly, the rest within a tolerance. */
export type CompareRule = { kind: 'exact' } | { kind: 'close'; rel: number; abs: number };

/** Something a native evaluator cannot know or do, and where it sits (`/`-separated step names from the
 * root; empty for the model itself). `predict_fn`: the MLmodel asks for a function it must refuse (`score`). */
export interface UnknownPart {
  name: string;
  kind: 'class' | 'function' | 'predict_fn';
  path: string;
}

/** What a native (Python-free) evaluator must do with the case. */
export type NativeExpectation =
  | { expect: 'evaluate' }
  | { expect: 'refuse'; unknown: UnknownPart[] }
  | { expect: 'not-servable'; reason: string };

/** One case: one MLflow model folder and one predict function. */
export interface SklearnCase {
  /** `v<sklearn version>/<model>.<predictFn>.<format><protocol>`; also the folder, relative to SKLEARN_FIXTURES. */
  id: string;
  dir: string;
  /** The trained model; several cases share one (other predict functions, formats, protocols). */
  model: string;
  /** Fully qualified class of the saved object, e.g. `sklearn.pipeline.Pipeline`. */
  estimator: string;
  predictFn: PredictFn;
  /** False when the estimator has no `predictFn`, so MLflow wrote no python_function flavor. */
  pyfunc: boolean;
  serializationFormat: SerializationFormat;
  /** Pickle protocol (4 or 5); null for skops. */
  protocol: 4 | 5 | null;
  /** The model file in `<dir>/model/`: `model.pkl` or `model.skops`. */
  file: string;
  bytes: number;
  /** `mlflow.sklearn.save_model` (1.6.1) or `generate.py` (the same layout, written with MLflow's writers). */
  writtenBy: string;
  covers: string;
  /** Null where there is no output (status is not 200). */
  compare: CompareRule | null;
  native: NativeExpectation;
  /** Rows in request.json (and outputs). */
  rows: number;
  output: { dtype: string; shape: number[] } | null;
  /** MLflow's HTTP status for request.json: 200, 400 (`score`), null where it cannot serve the model. */
  status: number | null;
  /** Every `module.name` the pickle names (for skops: every class in schema.json). */
  classes: string[];
  sklearnVersion: string;
  numpyVersion: string;
  pythonVersion: string;
  /** `response.json`, or null when MLflow answers no 200 (see `status`, expected.json's `error`). */
  response: string | null;
}

/** A scikit-learn version's generator run. */
export interface VersionInfo {
  set: 'full' | 'representative';
  writtenBy: string;
  python: string;
  sklearn: string;
  numpy: string;
  pickleDefaultProtocol: number;
  packages: Record<string, string>;
}

/** index.json. */
export interface SklearnIndex {
  about: string;
  mlflowVersion: string;
  versions: Record<string, VersionInfo>;
  cases: SklearnCase[];
  /** Models a version did not make, and why. */
  skipped: { sklearnVersion: string; model: string; reason: string }[];
}

/** A case's expected.json. */
export interface ExpectedFile {
  case: string;
  predictFn: PredictFn | null;
  sklearnVersion: string;
  columns: string[];
  /** MLflow column types of the request (double, long, string, boolean). */
  columnTypes: Record<string, string>;
  status: number | null;
  output: EncodedArray | null;
  /** MLflow's error JSON when status is not 200, less its `stack_trace`. */
  error?: { error_code: string; message: string };
  /** LabelEncoder only: `transform()` of the request column. */
  transform?: EncodedArray;
}

/** A numpy array as generate.py writes it: row-major values; floats as JSON numbers (the shortest
 * text that reads back to the same double), `"NaN"`, `"Infinity"`, `"-Infinity"`; integers beyond
 * 2^53 as decimal strings; object arrays keep each label's Python type (`pythonTypes` lists them). */
export interface EncodedArray {
  dtype: string;
  shape: number[];
  values: (number | string | boolean | null)[];
  pythonTypes?: string[];
}

/** A decoded output: float dtypes as Float64Array, everything else as JS values. */
export interface DecodedArray {
  dtype: string;
  shape: number[];
  values: Float64Array | (number | bigint | string | boolean | null)[];
}

const SPECIAL: Record<string, number> = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity };

let cached: SklearnIndex | undefined;

/** index.json, read once. */
export function loadSklearnIndex(): SklearnIndex {
  cached ??= JSON.parse(readFileSync(join(SKLEARN_FIXTURES, 'index.json'), 'utf8')) as SklearnIndex;
  return cached;
}

/** Cases matching every given field (all cases without a filter). */
export function sklearnCases(filter: Partial<Pick<SklearnCase, 'sklearnVersion' | 'model' | 'predictFn' | 'serializationFormat' | 'estimator'>> = {}): SklearnCase[] {
  const entries = Object.entries(filter).filter(([, v]) => v !== undefined) as [keyof SklearnCase, unknown][];
  return loadSklearnIndex().cases.filter((c) => entries.every(([k, v]) => c[k] === v));
}

/** The MLflow model folder of a case (what `mlserve models serve -m` takes). */
export function caseModelDir(c: SklearnCase): string {
  return join(SKLEARN_FIXTURES, c.dir, 'model');
}

/** request.json as sent: `{"dataframe_split": {"columns", "data"}}` (null = missing value). */
export function readCaseRequest(c: SklearnCase): string {
  return readFileSync(join(SKLEARN_FIXTURES, c.dir, 'request.json'), 'utf8');
}

/** The exact body MLflow's scoring server answers, or null where it cannot serve the model. */
export function readCaseResponse(c: SklearnCase): string | null {
  return c.response === null ? null : readFileSync(join(SKLEARN_FIXTURES, c.dir, c.response), 'utf8');
}

/** Parses a body MLflow wrote with Python's json (which writes bare NaN, Infinity and -Infinity, as
 * its scoring server does for e.g. log-probabilities of 0): those tokens become numbers. */
export function parseMlflowJson(text: string): unknown {
  const quoted = text.replace(/([[,:]\s*)(NaN|-?Infinity)(?=\s*[,\]}])/g, '$1"\\u0000$2"');
  return JSON.parse(quoted, (_k, v: unknown) =>
    typeof v === 'string' && v.startsWith('\u0000') ? SPECIAL[v.slice(1)] : v,
  );
}

/** expected.json. */
export function readCaseExpected(c: SklearnCase): ExpectedFile {
  return JSON.parse(readFileSync(join(SKLEARN_FIXTURES, c.dir, 'expected.json'), 'utf8')) as ExpectedFile;
}

/** Decodes an EncodedArray (floats to a Float64Array, big integers to bigint). */
export function decodeArray(a: EncodedArray): DecodedArray {
  if (a.dtype.startsWith('float')) {
    const out = new Float64Array(a.values.length);
    a.values.forEach((v, i) => {
      if (typeof v === 'number') out[i] = v;
      else if (typeof v === 'string' && v in SPECIAL) out[i] = SPECIAL[v];
      else throw new Error(`${a.dtype} value ${String(v)} at ${i} is not a float`);
    });
    return { dtype: a.dtype, shape: a.shape, values: out };
  }
  const ints = a.dtype.startsWith('int') || a.dtype.startsWith('uint');
  return { dtype: a.dtype, shape: a.shape, values: a.values.map((v) => (ints && typeof v === 'string' ? BigInt(v) : v)) };
}

/** The case's expected output, decoded. */
export function expectedOutput(c: SklearnCase): DecodedArray {
  const e = readCaseExpected(c);
  if (!e.output) throw new Error(`${c.id}: no output (the model is not servable)`);
  return decodeArray(e.output);
}

/** The result of comparing an output with the expected one. */
export interface Comparison {
  ok: boolean;
  /** Values that break the rule. */
  mismatches: number;
  /** Largest |actual - expected| and largest |actual - expected| / |expected| over finite values. */
  maxAbsDiff: number;
  maxRelDiff: number;
  first?: { index: number; expected: unknown; actual: unknown };
}

/** Compares row-major values with the expected output under a rule: exact (NaN equals NaN, -0 equals
 * 0) or |a - e| <= abs + rel * |e| with non-finite values equal. Labels compare with `===`, so the
 * number 1 does not equal the string "1". */
export function compareValues(expected: DecodedArray, actual: ArrayLike<unknown>, rule: CompareRule): Comparison {
  const exp = expected.values;
  const res: Comparison = { ok: true, mismatches: 0, maxAbsDiff: 0, maxRelDiff: 0 };
  const miss = (index: number, e: unknown, a: unknown) => {
    res.mismatches++;
    res.first ??= { index, expected: e, actual: a };
  };
  if (actual.length !== exp.length) {
    miss(-1, exp.length, actual.length);
    res.ok = false;
    return res;
  }
  for (let i = 0; i < exp.length; i++) {
    const e = exp[i];
    const a = actual[i];
    if (typeof e === 'number' && typeof a === 'number') {
      if (Number.isNaN(e) || Number.isNaN(a) || !Number.isFinite(e) || !Number.isFinite(a)) {
        if (!(Object.is(e, a) || (Number.isNaN(e) && Number.isNaN(a)))) miss(i, e, a);
        continue;
      }
      const diff = Math.abs(a - e);
      res.maxAbsDiff = Math.max(res.maxAbsDiff, diff);
      if (e !== 0) res.maxRelDiff = Math.max(res.maxRelDiff, diff / Math.abs(e));
      const ok = rule.kind === 'exact' ? diff === 0 : diff <= rule.abs + rule.rel * Math.abs(e);
      if (!ok) miss(i, e, a);
    } else if (e !== a) {
      miss(i, e, a);
    }
  }
  res.ok = res.mismatches === 0;
  return res;
}

/** Compares an output with the case's expected output under the case's rule. */
export function compareToExpected(c: SklearnCase, actual: ArrayLike<unknown>): Comparison {
  if (!c.compare) throw new Error(`${c.id}: no output to compare (HTTP ${c.status})`);
  return compareValues(expectedOutput(c), actual, c.compare);
}
