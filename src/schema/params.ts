// Owns params enforcement against the signature's params schema (`_enforce_params_schema`, spec §3.8).

import { ModelLoadError, SchemaEnforcementError } from '../errors.js';
import { setFloat, isFloatAt } from '../data/float-hint.js';
import { parseDatetime, formatDatetime } from '../data/datetime.js';
import { strRepr, valueReprLimited } from '../data/pyrepr.js';
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

/** Validates `from[fromKey]` and writes the value to give the model into `out[outKey]` (floats marked). */
function checkParam(spec: ParamSpec, from: object, fromKey: string | number, out: Record<string, unknown>, outKey: string): void {
  const value = (from as Record<string | number, unknown>)[fromKey];
  const wrap = (err: unknown): never => {
    if (!(err instanceof ParamError)) throw err;
    throw new ParamError(`Failed to validate type and shape for ${paramSpecRepr(spec)}, error: ${err.message}`);
  };
  if (spec.shape === null) {
    if (Array.isArray(value)) {
      throw new ParamError(`Failed to validate type and shape for ${paramSpecRepr(spec)}, error: Value must be a scalar for type \`DataType.${spec.type.kind === 'scalar' ? spec.type.type : 'object'}\`, got \`${valueReprLimited(value)}\``);
    }
    try {
      checkScalar(spec, value, from, fromKey, out, outKey);
    } catch (err) {
      wrap(err);
    }
    return;
  }
  if (value === null || value === undefined) {
    out[outKey] = null;
    return;
  }
  const d = ndim(value);
  if (d !== 1) {
    const t = Array.isArray(value) ? 'list' : pyTypeName(value, from, fromKey);
    throw new ParamError(`Value must be a 1D array with shape (-1,) for param ${paramSpecRepr(spec)}, received ${t} with ndim ${d}`);
  }
  const list = value as unknown[];
  const values: unknown[] = new Array(list.length);
  try {
    for (let i = 0; i < list.length; i++) checkScalar(spec, list[i], list, i, values, i);
  } catch (err) {
    wrap(err);
  }
  out[outKey] = values;
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
      checkParam(spec, given, key, out, key);
    } catch (err) {
      if (!(err instanceof ParamError)) throw err;
      errors.push(`(${strRepr(key)}, ${strRepr(err.message)})`);
    }
  }
  if (errors.length) throw new SchemaEnforcementError(`Invalid parameters found: {${errors.join(', ')}}`);
  for (const spec of specs) {
    if (!(spec.name in out)) copyDefault(spec, out);
  }
  return out;
}

/** Writes a fresh copy of the spec's default into `out` (floats marked, so `1.0` stays `1.0`). */
function copyDefault(spec: ParamSpec, out: Record<string, unknown>): void {
  const d = spec.default;
  const float = isFloatType(spec);
  if (Array.isArray(d)) {
    const list: unknown[] = [];
    d.forEach((v, i) => (typeof v === 'number' && float ? setFloat(list, i, v) : (list[i] = v)));
    out[spec.name] = list;
  } else if (typeof d === 'number' && float) setFloat(out, spec.name, d);
  else out[spec.name] = d;
}

function isFloatType(spec: ParamSpec): boolean {
  return spec.type.kind === 'scalar' && (spec.type.type === 'float' || spec.type.type === 'double');
}

/** Validates a param default from the MLmodel file (load time); returns the normalised default. */
export function validateParamDefault(spec: ParamSpec): unknown {
  if (spec.default === null || spec.default === undefined) return null;
  try {
    const out: Record<string, unknown> = {};
    checkParam(spec, { d: spec.default }, 'd', out, 'd');
    return out.d;
  } catch (err) {
    if (err instanceof ParamError) throw new ModelLoadError(`Invalid default for param '${spec.name}': ${err.message}`);
    throw err;
  }
}
