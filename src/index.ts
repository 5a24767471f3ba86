// Public API of mlserve: re-exports only.

export { serve, type ServerHandle, type ServedModel, type ServeHooks, type CheckResult } from './serve.js';
export { loadModel, type LoadedModel } from './model/load.js';
export { resolveModelUri, resolveModel, type ResolveOptions, type ResolvedModel, type Registered } from './uri/resolve.js';
export { createLogger, silentLogger, LOG_LEVELS, LOG_FORMATS, type Logger, type LoggerOptions, type LogLevel, type LogFormat, type LogFields, type AccessRecord } from './logger.js';
export { readTrackingSettings, type TrackingSettings } from './config/tracking.js';
export { resolveServeOptions, DEFAULTS, type ServeOptions, type ModelArgumentOptions } from './config/options.js';
export * from './errors.js';
export { Frame, type Column } from './data/frame.js';
export { Tensor } from './data/tensor.js';
export type { DType } from './data/dtype.js';
export type { ModelInput, ModelParams } from './flavors/types.js';
export type { Signature, Schema, ColSpec, TensorSpec, ParamSpec, ColType } from './schema/types.js';
export { predictBatch, type PredictBatchOptions, type BatchSummary } from './batch/predict.js';
export { VERSION } from './version.js';
