// Owns what the V2 (Open Inference Protocol) transports need to know about the served model and the server.

import type { Signature } from '../../schema/types.js';
import type { Predictor } from '../../runtime/types.js';
import type { Logger } from '../../logger.js';

/** The served model and the server state, as the V2 REST routes and the gRPC service see them. */
export interface V2Context {
  /** The model's V2 name (`--model-name`; see `defaultModelName`). */
  readonly modelName: string;
  /** The model's version, if it has one; requests naming another version get 404. */
  readonly modelVersion?: string;
  readonly signature?: Signature;
  readonly predictor: Predictor;
  /** True once the model is loaded, the server is not draining and the engine can serve now (readiness). */
  isReady(): boolean;
  /** True when inference requests are taken (they may queue while workers restart). @default isReady */
  isAccepting?(): boolean;
  /** True while the server can answer at all (liveness). */
  isLive(): boolean;
  /** Include schema details in enforcement errors (false with MLFLOW_DISABLE_SCHEMA_DETAILS). */
  readonly schemaDetails: boolean;
  /** Largest request body (REST) or message (gRPC) accepted, in bytes. */
  readonly bodyLimitBytes: number;
  /** Seconds an inference may take before it is answered 504 / DEADLINE_EXCEEDED. */
  readonly timeoutSeconds: number;
  /** mlserve's version, reported by server metadata. @default 'unknown' */
  readonly serverVersion?: string;
  /** Called once per gRPC call with its method, status code name and duration, for metrics. */
  readonly onGrpcCall?: (method: string, code: string, seconds: number) => void;
  /** Model exceptions, unexpected errors and (gRPC) the access log. @default silentLogger */
  readonly logger?: Logger;
}
