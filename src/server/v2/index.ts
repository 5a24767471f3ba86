// Owns the public surface of the V2 (Open Inference Protocol) server: REST routes, gRPC server, context and model naming.

import type { V2Context } from './context.js';
import type { GrpcModels, GrpcServerHandle } from './grpc.js';
import type { TlsMaterial } from '../tls.js';

export type { V2Context } from './context.js';
export type { GrpcModels, GrpcServerHandle } from './grpc.js';
export { createV2Routes, v2RouteTemplate, UNMATCHED_ROUTE, type V2Routes } from './routes.js';
export { defaultModelName, defaultModelVersion, FALLBACK_MODEL_NAME } from './model-name.js';

/**
 * Starts `inference.GRPCInferenceService` on host:port (0 picks a free port); see grpc.ts. Loaded
 * on first use so that a server without gRPC never loads @grpc/grpc-js and the proto parser.
 */
export async function startGrpcServer(ctx: V2Context, host: string, port: number, tls?: TlsMaterial, models?: GrpcModels): Promise<GrpcServerHandle> {
  return (await import('./grpc.js')).startGrpcServer(ctx, host, port, tls, models);
}
