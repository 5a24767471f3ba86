// Owns the messages between the ONNX flavor (main thread) and its session worker thread.
//
// Every message carries an `id`; the worker answers each request with exactly one message of the
// same id. Tensors travel as plain objects whose typed-array buffers are transferred, not copied,
// whenever the sender owns them.

/** onnxruntime's tensor element types that mlserve exchanges (onnxruntime-node's names). */
export type OrtType =
  | 'float32'
  | 'float64'
  | 'float16'
  | 'int8'
  | 'int16'
  | 'int32'
  | 'int64'
  | 'uint8'
  | 'uint16'
  | 'uint32'
  | 'uint64'
  | 'bool'
  | 'string';

/** Element storage per type: typed arrays (float16 as bit patterns, bool as 0/1 bytes), strings as an array. */
export type WireData =
  | Float32Array
  | Float64Array
  | Uint16Array
  | Int8Array
  | Int16Array
  | Int32Array
  | BigInt64Array
  | Uint8Array
  | Uint32Array
  | BigUint64Array
  | string[];

/** A tensor as it crosses the thread boundary. */
export interface WireTensor {
  readonly type: OrtType;
  readonly dims: readonly number[];
  readonly data: WireData;
}

/** Session options in onnxruntime-node's form (plain data, so they can be sent to the worker). */
export interface OrtSessionOptions {
  intraOpNumThreads?: number;
  interOpNumThreads?: number;
  executionMode?: 'sequential' | 'parallel';
  graphOptimizationLevel?: 'disabled' | 'basic' | 'extended' | 'layout' | 'all';
  /** onnxruntime's CPU memory arena (default on); off for the inline session, whose calls are small. */
  enableCpuMemArena?: boolean;
  /** Session config entries (`session.intra_op.allow_spinning` → `'0'`), passed as `extra`. */
  extra: Record<string, string>;
}

/** Everything the worker needs to create the session. */
export interface SessionConfig {
  /** Absolute path of the `.onnx` file; external weight files are resolved beside it. */
  readonly modelFile: string;
  readonly sessionOptions: OrtSessionOptions;
  /** MLflow's provider names as configured (e.g. `CUDAExecutionProvider`). */
  readonly providers: readonly string[];
}

/** One graph input or output: a tensor with an element type, or a non-tensor value (sequence, map). */
export type ValueInfo =
  | { readonly name: string; readonly isTensor: true; readonly type: OrtType | string; readonly shape: readonly (number | string)[] }
  | { readonly name: string; readonly isTensor: false };

/** Main thread → worker. */
export type ToWorker =
  | { readonly kind: 'load'; readonly id: number; readonly config: SessionConfig }
  | { readonly kind: 'run'; readonly id: number; readonly feeds: Record<string, WireTensor>; readonly fetches: readonly string[] };

/** An error flattened for the trip back (onnxruntime's errors are plain `Error`s). */
export interface WireError {
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
}

/** Worker → main thread. */
export type FromWorker =
  | {
      readonly kind: 'loaded';
      readonly id: number;
      readonly inputs: readonly ValueInfo[];
      readonly outputs: readonly ValueInfo[];
      /** Execution providers the session was created with (onnxruntime-node names). */
      readonly providers: readonly string[];
      /** One line per thing the operator should know (e.g. CUDA requested but unavailable). */
      readonly notices: readonly string[];
    }
  | { readonly kind: 'result'; readonly id: number; readonly outputs: Record<string, WireTensor> }
  | { readonly kind: 'error'; readonly id: number; readonly error: WireError };

/** The buffers of `tensors` that may be transferred: whole, unshared ArrayBuffers only. */
export function transferables(tensors: Iterable<WireTensor>): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  for (const t of tensors) {
    const d = t.data;
    if (Array.isArray(d)) continue;
    const buf = d.buffer;
    if (buf instanceof ArrayBuffer && d.byteOffset === 0 && d.byteLength === buf.byteLength) out.add(buf);
  }
  return [...out];
}
