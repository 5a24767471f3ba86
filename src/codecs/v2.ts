// Owns the Open Inference Protocol (V2) codec for MLflow models: V2 request → model input + params, model output → V2 response (OIP spec §3.5–3.8). Pure functions.

import { materializeOutput } from './prewritten.js';
import { BadRequestError } from '../errors.js';
import { isMarkedFloat, setFloat } from '../data/float-hint.js';
import type { Signature } from '../schema/types.js';
import { decodeInputs } from './_v2-decode.js';
import { encodeModelOutput } from './_v2-encode.js';
import { defaultContentType, schemaTensors } from './_v2-metadata.js';
import type { V2Input, V2Output, V2Parameters, V2Request, V2Response } from './_v2-types.js';

export * from './_v2-types.js';
export { parseV2Request, writeV2Response, writeV2Metadata } from './_v2-json.js';
export { v2ModelMetadata, defaultContentType, CONTENT_TYPES, MLFLOW_PLATFORM } from './_v2-metadata.js';
export { dtypeToDatatype, DATATYPE_DTYPE, elementCount } from './_v2-datatype.js';
export { DEFAULT_OUTPUT_NAME } from './_v2-encode.js';

/**
 * Request-level parameters that steer decoding or the protocol and are never model params:
 * MLServer's `content_type` and `headers`, Triton's `binary_data_output` (OIP spec §3.7).
 */
export const RESERVED_PARAMETERS: ReadonlySet<string> = new Set(['content_type', 'headers', 'binary_data_output']);

/** A decoded V2 request: what the MLflow pipeline enforces and the model receives. */
export interface V2Decoded {
  /** Model input before signature enforcement (Frame, Tensor, named values, or a list). */
  readonly input: unknown;
  /** Request parameters other than the reserved ones (MLflow params, validated later); null when none. */
  readonly params: Record<string, unknown> | null;
  /** The request content type used (`pd`, `np`, `dict`, `str`), if any. */
  readonly contentType?: string;
}

function contentTypeOf(params: V2Parameters | undefined, where: string): string | undefined {
  const ct = params?.content_type;
  if (ct === undefined || ct === null || ct === '') return undefined;
  if (typeof ct !== 'string') throw new BadRequestError(`${where} 'content_type' must be a string.`);
  return ct;
}

/** Request parameters minus reserved keys, keeping Python's int/float distinction of the JSON text. */
function modelParams(params: V2Parameters): Record<string, unknown> | null {
  const out: Record<string, unknown> = {};
  let any = false;
  for (const [k, v] of Object.entries(params)) {
    if (RESERVED_PARAMETERS.has(k)) continue;
    any = true;
    if (typeof v === 'number' && isMarkedFloat(params, k)) setFloat(out, k, v);
    else out[k] = v;
  }
  return any ? out : null;
}

/**
 * Decodes a V2 request for a model with this signature, as MLServer's MLflow runtime does: the
 * request content type (its `parameters.content_type`, else the signature's default: `pd` for
 * columns, `dict` for named tensors, `np` for an unnamed tensor) picks the shape of the input;
 * each input's content type (its parameters, else the signature's metadata) picks how its
 * elements are read. Other request parameters become MLflow params. Throws BadRequestError.
 */
export function decodeV2Request(request: V2Request, signature: Signature | undefined): V2Decoded {
  const metadata = new Map(schemaTensors(signature?.inputs, 'input-').map((t) => [t.name, t.parameters?.content_type as string | undefined]));
  const contentType = contentTypeOf(request.parameters, 'The request') ?? defaultContentType(signature);
  const inputContentType = (input: V2Input): string | undefined => contentTypeOf(input.parameters, `Input '${input.name}'`) ?? metadata.get(input.name);
  const input = decodeInputs(request.inputs, contentType, inputContentType);
  return { input, params: modelParams(request.parameters), ...(contentType !== undefined ? { contentType } : {}) };
}

/** How a response is labelled. */
export interface V2ResponseInfo {
  readonly modelName: string;
  readonly modelVersion?: string;
  readonly id: string;
}

/**
 * Encodes a model's return value as a V2 response: Frame → one output per column, Tensor → one
 * output, dict → one output per key, strings/other values → BYTES. With `requested` outputs, only
 * those are returned, in that order; an unknown name is a BadRequestError.
 */
export function encodeV2Response(value: unknown, info: V2ResponseInfo, requested?: readonly { name: string }[]): V2Response {
  // An answer written as MLflow's JSON (Python engine) is turned back into typed values first.
  const { outputs, contentType } = encodeModelOutput(materializeOutput(value));
  return {
    modelName: info.modelName,
    ...(info.modelVersion !== undefined ? { modelVersion: info.modelVersion } : {}),
    id: info.id,
    parameters: { content_type: contentType },
    outputs: requested && requested.length > 0 ? selectOutputs(outputs, requested, info.modelName) : outputs,
  };
}

function selectOutputs(outputs: readonly V2Output[], requested: readonly { name: string }[], model: string): V2Output[] {
  const byName = new Map(outputs.map((o) => [o.name, o]));
  return requested.map(({ name }) => {
    const o = byName.get(name);
    if (!o) {
      throw new BadRequestError(`Output '${name}' was requested but model '${model}' produced [${outputs.map((x) => `'${x.name}'`).join(', ')}].`);
    }
    return o;
  });
}
