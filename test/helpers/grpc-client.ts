// Test helper: a promise-returning client of the V2 gRPC service (inference.GRPCInferenceService), built from the server's own proto.

import { credentials, loadPackageDefinition, type Client, type Metadata, type ServiceError } from '@grpc/grpc-js';
import { loadInferencePackage } from '../../src/server/v2/grpc-proto.js';

/** One RPC: resolves with the answer, rejects with the ServiceError. */
export type Rpc = (request: unknown, metadata?: Metadata) => Promise<any>;

/** The service's unary RPCs. */
export const V2_RPCS = ['ServerLive', 'ServerReady', 'ModelReady', 'ServerMetadata', 'ModelMetadata', 'ModelInfer'] as const;

/** A client of the V2 gRPC service at 127.0.0.1:port (insecure). */
export function connectV2Grpc(port: number): { rpc: Record<(typeof V2_RPCS)[number], Rpc>; close(): void } {
  const pkg = loadPackageDefinition(loadInferencePackage()) as any;
  const client: Client & Record<string, Function> = new pkg.inference.GRPCInferenceService(`127.0.0.1:${port}`, credentials.createInsecure());
  const rpc = {} as Record<(typeof V2_RPCS)[number], Rpc>;
  for (const name of V2_RPCS) {
    rpc[name] = (request, metadata) =>
      new Promise((resolve, reject) => {
        const done = (err: ServiceError | null, res: unknown): void => (err ? reject(err) : resolve(res));
        if (metadata) client[name](request, metadata, done);
        else client[name](request, done);
      });
  }
  return { rpc, close: () => client.close() };
}
