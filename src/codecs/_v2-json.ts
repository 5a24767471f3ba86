// Owns the V2 REST JSON: parsing and validating an inference request body, and writing responses and metadata (OIP spec §3.3–3.5).

import { BadRequestError } from '../errors.js';
import { halfToFloat } from '../data/cell.js';
import { isPlainObject } from '../data/pytype.js';
import { parseJson, JsonDecodeError, MAX_JSON_DEPTH } from './json-parse.js';
import { checkShape } from './limits.js';
import { floatJson } from './json-text.js';
import { isV2Datatype, type V2Input, type V2ModelMetadata, type V2Output, type V2Parameters, type V2Request, type V2RequestedOutput, type V2Response } from './_v2-types.js';

function fail(message: string): never {
  throw new BadRequestError(message);
}

function parameters(v: unknown, where: string): V2Parameters {
  if (v === undefined || v === null) return {};
  if (!isPlainObject(v)) fail(`${where} 'parameters' must be a JSON object.`);
  return v;
}

function shapeOf(v: unknown, where: string): number[] {
  if (!Array.isArray(v)) fail(`${where} needs a 'shape': a list of non-negative integers.`);
  return v.map((d) => {
    const n = typeof d === 'bigint' ? Number(d) : d;
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) fail(`${where} has an invalid shape ${JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? String(x) : x))}: dimensions are non-negative integers.`);
    return n;
  });
}

function inputOf(v: unknown, i: number, seen: Set<string>, sentBytes: number): V2Input {
  if (!isPlainObject(v)) fail(`inputs[${i}] must be a JSON object with name, shape, datatype and data.`);
  const { name, datatype, data } = v;
  if (typeof name !== 'string' || name === '') fail(`inputs[${i}] needs a 'name' (a non-empty string).`);
  const where = `Input '${name}'`;
  if (seen.has(name)) fail(`${where} appears more than once; each input name must be unique.`);
  seen.add(name);
  if (!isV2Datatype(datatype)) {
    fail(`${where} has an unsupported datatype ${JSON.stringify(datatype)}; use one of BOOL, UINT8, UINT16, UINT32, UINT64, INT8, INT16, INT32, INT64, FP16, FP32, FP64, BYTES.`);
  }
  if (data === undefined) fail(`${where} has no 'data'.`);
  const shape = shapeOf(v.shape, where);
  checkShape(where, shape, sentBytes);
  return { name, datatype, shape, parameters: parameters(v.parameters, where), data: Array.isArray(data) ? data : [data] };
}

function outputOf(v: unknown, i: number): V2RequestedOutput {
  if (!isPlainObject(v) || typeof v.name !== 'string' || v.name === '') fail(`outputs[${i}] must be a JSON object with a 'name'.`);
  return { name: v.name, parameters: parameters(v.parameters, `Output '${v.name}'`) };
}

/**
 * Parses a V2 inference request body (JSON, with Python's number rules: big ints stay exact;
 * nesting up to `maxDepth`). Shapes are checked against the body's size. Throws BadRequestError
 * naming the first problem.
 */
export function parseV2Request(body: Uint8Array, maxDepth: number = MAX_JSON_DEPTH): V2Request {
  let doc: unknown;
  try {
    doc = parseJson(body, maxDepth);
  } catch (err) {
    if (err instanceof JsonDecodeError) fail(`Invalid JSON in the inference request: ${err.message}`);
    throw err;
  }
  if (!isPlainObject(doc)) fail('The inference request must be a JSON object with an "inputs" list.');
  const { id, inputs, outputs } = doc;
  if (id !== undefined && id !== null && typeof id !== 'string') fail("The request 'id' must be a string.");
  if (!Array.isArray(inputs) || inputs.length === 0) fail('The inference request needs "inputs": a non-empty list of tensors.');
  if (outputs !== undefined && outputs !== null && !Array.isArray(outputs)) fail('The request "outputs" must be a list.');
  const seen = new Set<string>();
  return {
    ...(typeof id === 'string' ? { id } : {}),
    parameters: parameters(doc.parameters, 'The request'),
    inputs: inputs.map((v, i) => inputOf(v, i, seen, body.length)),
    ...(Array.isArray(outputs) ? { outputs: outputs.map(outputOf) } : {}),
  };
}

/** JSON text of output elements: floats as Python repr, NaN and infinities as null, int64 exact. */
function dataJson(out: V2Output): string {
  const d = out.data as ArrayLike<unknown>;
  const parts = new Array<string>(d.length);
  const float = out.datatype === 'FP32' || out.datatype === 'FP64';
  for (let i = 0; i < d.length; i++) {
    const v = d[i];
    if (out.datatype === 'FP16') parts[i] = finite(halfToFloat(v as number));
    else if (float) parts[i] = finite(v as number);
    else if (typeof v === 'string') parts[i] = JSON.stringify(v);
    else parts[i] = String(v);
  }
  return '[' + parts.join(',') + ']';
}

function finite(x: number): string {
  // MLServer replaces NaN with null; JSON has no token for infinities either.
  return Number.isFinite(x) ? floatJson(x) : 'null';
}

/** The JSON text of an inference response (compact, flattened data, wire names). */
export function writeV2Response(res: V2Response): string {
  let s = '{"model_name":' + JSON.stringify(res.modelName);
  if (res.modelVersion !== undefined) s += ',"model_version":' + JSON.stringify(res.modelVersion);
  s += ',"id":' + JSON.stringify(res.id);
  if (res.parameters) s += ',"parameters":' + JSON.stringify(res.parameters);
  s += ',"outputs":[';
  res.outputs.forEach((o, i) => {
    if (i > 0) s += ',';
    s += '{"name":' + JSON.stringify(o.name) + ',"datatype":"' + o.datatype + '","shape":' + JSON.stringify(o.shape);
    if (o.parameters) s += ',"parameters":' + JSON.stringify(o.parameters);
    s += ',"data":' + dataJson(o) + '}';
  });
  return s + ']}';
}

/** The JSON text of model metadata (wire names are already the field names). */
export function writeV2Metadata(meta: V2ModelMetadata): string {
  return JSON.stringify(meta);
}
