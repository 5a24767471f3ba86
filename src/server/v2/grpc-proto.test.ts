// grpc_service.proto is shipped beside the compiled module and loads into the six V2 RPCs.

import { it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { GRPC_SERVICE_PROTO_URL, loadInferencePackage } from './grpc-proto.js';

it('ships grpc_service.proto beside the compiled module (the build copies it)', () => {
  assert.ok(existsSync(fileURLToPath(GRPC_SERVICE_PROTO_URL)), fileURLToPath(GRPC_SERVICE_PROTO_URL));
});

it('loads inference.GRPCInferenceService with the six required RPCs', () => {
  const service = loadInferencePackage()['inference.GRPCInferenceService'] as Record<string, { path: string }>;
  assert.deepEqual(Object.keys(service), ['ServerLive', 'ServerReady', 'ModelReady', 'ServerMetadata', 'ModelMetadata', 'ModelInfer']);
  assert.equal(service.ModelInfer.path, '/inference.GRPCInferenceService/ModelInfer');
});
