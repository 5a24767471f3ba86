// Owns loading the V2 gRPC service definition from grpc_service.proto (copied beside this module at build time).

import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { fromJSON, type PackageDefinition } from '@grpc/proto-loader';


/** How messages map to JavaScript: wire field names, int64 as decimal strings, oneof names, empty arrays. */
export const PROTO_OPTIONS = { keepCase: true, longs: String, enums: String, defaults: false, arrays: true, oneofs: true } as const;

interface ProtobufParse {
  parse(source: string, options: { keepCase: boolean }): { root: { toJSON(): Parameters<typeof fromJSON>[0] } };
}

/** The service definition users also give to clients (grpcurl -proto). */
export const GRPC_SERVICE_PROTO_URL = new URL('./grpc_service.proto', import.meta.url);

/**
 * The package definition of `inference.GRPCInferenceService`, parsed with the protobufjs that
 * @grpc/proto-loader itself uses (resolved from proto-loader's location, so no second copy).
 */
export function loadInferencePackage(): PackageDefinition {
  const require = createRequire(import.meta.url);
  const protobuf = createRequire(require.resolve('@grpc/proto-loader'))('protobufjs') as ProtobufParse;
  const text = readFileSync(GRPC_SERVICE_PROTO_URL, 'utf8');
  return fromJSON(protobuf.parse(text, { keepCase: true }).root.toJSON(), PROTO_OPTIONS);
}
