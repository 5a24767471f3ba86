// The embedded proto text matches grpc_service.proto and loads into the six V2 RPCs.

import { it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GRPC_SERVICE_PROTO, loadInferencePackage } from './grpc-proto.js';

const PROTO = join(dirname(fileURLToPath(import.meta.url)), '../../../../src/server/v2/grpc_service.proto');

it('embeds grpc_service.proto verbatim', () => {
  assert.equal(GRPC_SERVICE_PROTO, readFileSync(PROTO, 'utf8'));
});

it('loads inference.GRPCInferenceService with the six required RPCs', () => {
  const service = loadInferencePackage()['inference.GRPCInferenceService'] as Record<string, { path: string }>;
  assert.deepEqual(Object.keys(service), ['ServerLive', 'ServerReady', 'ModelReady', 'ServerMetadata', 'ModelMetadata', 'ModelInfer']);
  assert.equal(service.ModelInfer.path, '/inference.GRPCInferenceService/ModelInfer');
});
