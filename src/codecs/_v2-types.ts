// Owns the Open Inference Protocol (V2) request/response/metadata types as the codecs and transports share them (OIP spec §3.3–3.6).

import type { DType, DTypeStorage } from '../data/dtype.js';

/** The V2 tensor datatypes mlserve accepts and produces (OIP spec §3.6; BF16 is not supported). */
export const V2_DATATYPES = ['BOOL', 'UINT8', 'UINT16', 'UINT32', 'UINT64', 'INT8', 'INT16', 'INT32', 'INT64', 'FP16', 'FP32', 'FP64', 'BYTES'] as const;

/** One V2 datatype name. */
export type V2Datatype = (typeof V2_DATATYPES)[number];

/** A V2 `parameters` object: name → string | number | boolean (bigint for int64 beyond 2^53). */
export type V2Parameters = Record<string, unknown>;

/**
 * Flattened, row-major tensor elements as a transport delivers them: JSON values (REST), values of
 * the typed `contents` fields (gRPC), or ready storage decoded from `raw_input_contents`.
 */
export type V2InputData = readonly unknown[] | DTypeStorage[DType];

/** One request input after transport parsing (name, datatype and shape validated). */
export interface V2Input {
  readonly name: string;
  readonly datatype: V2Datatype;
  readonly shape: readonly number[];
  readonly parameters: V2Parameters;
  readonly data: V2InputData;
}

/** An output the client asked for. */
export interface V2RequestedOutput {
  readonly name: string;
  readonly parameters: V2Parameters;
}

/** An inference request after transport parsing. */
export interface V2Request {
  readonly id?: string;
  readonly parameters: V2Parameters;
  readonly inputs: readonly V2Input[];
  /** Absent: every output the model produces. */
  readonly outputs?: readonly V2RequestedOutput[];
}

/**
 * Flattened output elements: typed storage for numbers (NaN kept; the JSON writer sends null),
 * boolean[] for BOOL, string[] for BYTES (text, base64, ISO datetimes or JSON, per content type).
 */
export type V2OutputData = DTypeStorage[Exclude<DType, 'str' | 'bytes' | 'object' | 'datetime64'>] | readonly string[];

/** One response output. */
export interface V2Output {
  readonly name: string;
  readonly datatype: V2Datatype;
  readonly shape: readonly number[];
  readonly parameters?: V2Parameters;
  readonly data: V2OutputData;
}

/** An inference response before transport encoding. */
export interface V2Response {
  readonly modelName: string;
  readonly modelVersion?: string;
  readonly id: string;
  readonly parameters?: V2Parameters;
  readonly outputs: readonly V2Output[];
}

/** A tensor in model metadata; `-1` marks a variable dimension. */
export interface V2MetadataTensor {
  readonly name: string;
  readonly datatype: V2Datatype;
  readonly shape: readonly number[];
  readonly parameters?: V2Parameters;
}

/** Model metadata (`GET /v2/models/{name}`). */
export interface V2ModelMetadata {
  readonly name: string;
  readonly versions?: readonly string[];
  readonly platform: string;
  readonly inputs: readonly V2MetadataTensor[];
  readonly outputs: readonly V2MetadataTensor[];
  readonly parameters?: V2Parameters;
}

/** Server metadata (`GET /v2`). */
export interface V2ServerMetadata {
  readonly name: string;
  readonly version: string;
  readonly extensions: readonly string[];
}

/** True for a known V2 datatype name (names are case-sensitive). */
export function isV2Datatype(name: unknown): name is V2Datatype {
  return typeof name === 'string' && (V2_DATATYPES as readonly string[]).includes(name);
}
