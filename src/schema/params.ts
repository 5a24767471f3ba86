// Owns params enforcement against the signature's params schema (`_enforce_params_schema`, spec §3.8).

import { ModelLoadError, SchemaEnforcementError } from '../errors.js';
import { setFloat, isFloatAt } from '../data/float-hint.js';
import { parseDatetime, formatDatetime } from '../data/datetime.js';
import { strRepr, valueRepr } from '../data/pyrepr.js';
import { pyTypeName, isPlainObject } from '../data/pytype.js';
import { pyStr } from '../data/ndarray.js';
import { enforceValue } from './values.js';
import { EnforceError } from './column-check.js';
import { paramSpecRepr } from './repr.js';
import type { ParamSpec } from './types.js';

class ParamError extends Error {}

/** Python `str()` of a value as MLflow prints it in param messages. */
function str(v: unknown, container: object, key: string | number): string {
  return typeof v === 'number' ? pyStr(v, isFloatAt(container, key, v)) : typeof v === 'string' ? v : pyStr(v, false);
}

/** Validates one scalar against the declared type; writes the accepted value into `out[key]`. */
function checkScalar(spec: ParamSpec, v: unknown, from: object, fromKey: string | number, out: Record<string, unknown> | unknown[], key: string | number): void {
  const t = spec.type;
  if (v === null || v === undefined) {
    (out as Record<string | number, unknown>)[key] = null;
    return;
  }
  if (t.kind === 'object') {
    try {
      (out as Record<string | number, unknown>)[key] = enforceValue(v, t, true);
      return;
    } catch (err) {
      if (err instanceof EnforceError) throw new ParamError(err.message);
      throw err;
    }
  }
  if (t.kind !== 'scalar') throw new ParamError(`Unsupported param type ${t.kind}`);
  const cls = `<class '${pyTypeName(v, from, fromKey)}'>`;
  const unsafe = (): never => {
    throw new ParamError(`Can not safely convert \`${cls}\` to \`DataType.${t.type}\` for value \`${str(v, from, fromKey)}\``);
  };
  const isInt = (typeof v === 'number' && !isFloatAt(from, fromKey, v)) || typeof v === 'bigint';
  const put = (x: unknown): void => void ((out as Record<string | number, unknown>)[key] = x);
  switch (t.type) {
    case 'string':
      return typeof v === 'string' ? put(v) : unsafe();
    case 'boolean':
      return typeof v === 'boolean' ? put(v) : unsafe();
    case 'integer':
    case 'long':
      return isInt ? put(v) : unsafe();
    case 'float':
    case 'double':
      if (typeof v === 'number' || typeof v === 'bigint') return setFloat(out, key, Number(v));
      return unsafe();
    case 'datetime': {
      const parsed = typeof v === 'string' ? parseDatetime(v) : undefined;
      if (typeof v !== 'string' || !parsed) {
        throw new ParamError(`Failed to convert value \`${str(v, from, fromKey)}\` from type \`${cls}\` to \`DataType.datetime\``);
      }
      const iso = formatDatetime(parsed.ns);
      return put(parsed.dateOnly ? iso.slice(0, 10) : iso);
    }
    default:
      return unsafe();
  }
}

function ndim(v: unknown): number {
  let d = 0;
  for (let x = v; Array.isArray(x); x = x[0]) d++;
  return d;
}

/** Validates one param value; returns the value to give the model. */
function checkParam(spec: ParamSpec, value: unknown, container: object, key: string | number): unknown {
  const box: Record<string, unknown> = {};
  if (spec.shape === null) {
    if (Array.isArray(value)) {
      throw new ParamError(`Failed to validate type and shape for ${paramSpecRepr(spec)}, error: Value must be a scalar for type \`DataType.${spec.type.kind === 'scalar' ? spec.type.type : 'object'}\`, got \`${valueRepr(value)}\``);
    }
    try {
      checkScalar(spec, value, container, key, box, 'v');
    } catch (err) {
      if (!(err instanceof ParamError)) throw err;
      throw new ParamError(`Failed to validate type and shape for ${paramSpecRepr(spec)}, error: ${err.message}`);
    }
    return withMark(box, 'v');
  }
  if (value === null || value === undefined) return null;
  const d = ndim(value);
  if (d !== 1) {
    const t = Array.isArray(value) ? 'list' : pyTypeName(value, container, key);
    throw new ParamError(`Value must be a 1D array with shape (-1,) for param ${paramSpecRepr(spec)}, received ${t} with ndim ${d}`);
  }
  const list = value as unknown[];
  const out: unknown[] = new Array(list.length);
  try {
    for (let i = 0; i < list.length; i++) checkScalar(spec, list[i], list, i, out, i);
  } catch (err) {
    if (!(err instanceof ParamError)) throw err;
    throw new ParamError(`Failed to validate type and shape for ${paramSpecRepr(spec)}, error: ${err.message}`);
  }
  return out;
}

/** Returns box[key], keeping its float mark by re-reading it when the caller writes it. */
function withMark(box: Record<string, unknown>, key: string): unknown {
  const v = box[key];
  return typeof v === 'number' && isFloatAt(box, key, v) ? new FloatParam(v) : v;
}

/** Internal carrier of a float value between checkParam and its destination object. */
class FloatParam {
  constructor(readonly value: number) {}
}

function assign(out: Record<string, unknown>, key: string, v: unknown): void {
  if (v instanceof FloatParam) setFloat(out, key, v.value);
  else out[key] = v;
}

/**
 * Enforces request params against the model's params schema. Without a schema, null/{} pass through
 * and anything else becomes {} (MLflow drops it with a warning). With one, a dict is validated key by
 * key, undeclared keys are dropped, and defaults fill the rest (provided keys first, in payload order).
 * Throws SchemaEnforcementError with MLflow's message.
 */
export function enforceParams(params: unknown, specs: readonly ParamSpec[] | undefined): Record<string, unknown> | null {
  if (!specs || specs.length === 0) {
    if (params === null || params === undefined) return null;
    return isPlainObject(params) && Object.keys(params).length === 0 ? params : {};
  }
  if (params === null || params === undefined) params = {};
  if (!isPlainObject(params)) {
    const t = Array.isArray(params) ? 'list' : pyTypeName(params);
    throw new SchemaEnforcementError(`Parameters must be a dictionary. Got type '${t}'.`);
  }
  const given = params;
  const out: Record<string, unknown> = {};
  const errors: string[] = [];
  const bySpec = new Map(specs.map((s) => [s.name, s]));
  for (const key of Object.keys(given)) {
    const spec = bySpec.get(key);
    if (!spec) continue;
    try {
      assign(out, key, checkParam(spec, given[key], given, key));
    } catch (err) {
      if (!(err instanceof ParamError)) throw err;
      errors.push(`(${strRepr(key)}, ${strRepr(err.message)})`);
    }
  }
  if (errors.length) throw new SchemaEnforcementError(`Invalid parameters found: {${errors.join(', ')}}`);
  for (const spec of specs) {
    if (!(spec.name in out)) assign(out, spec.name, copyDefault(spec));
  }
  return out;
}

function copyDefault(spec: ParamSpec): unknown {
  const d = spec.default;
  if (Array.isArray(d)) {
    const out: unknown[] = [];
    d.forEach((v, i) => (typeof v === 'number' && isFloatType(spec) ? setFloat(out, i, v) : (out[i] = v)));
    return out;
  }
  return typeof d === 'number' && isFloatType(spec) ? new FloatParam(d) : d;
}

function isFloatType(spec: ParamSpec): boolean {
  return spec.type.kind === 'scalar' && (spec.type.type === 'float' || spec.type.type === 'double');
}

/** Validates a param default from the MLmodel file (load time); returns the normalised default. */
export function validateParamDefault(spec: ParamSpec): unknown {
  if (spec.default === null || spec.default === undefined) return null;
  try {
    const holder = { d: spec.default };
    const v = checkParam(spec, spec.default, holder, 'd');
    return v instanceof FloatParam ? v.value : v;
  } catch (err) {
    if (err instanceof ParamError) throw new ModelLoadError(`Invalid default for param '${spec.name}': ${err.message}`);
    throw err;
  }
}
