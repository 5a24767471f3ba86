// Owns the V2 gRPC service definition: the proto text (kept identical to grpc_service.proto by a test) and its loading.

import { createRequire } from 'node:module';
import { fromJSON, type PackageDefinition } from '@grpc/proto-loader';

/** The text of grpc_service.proto, embedded because tsc does not copy .proto files into dist. */
export const GRPC_SERVICE_PROTO = `// The Open Inference Protocol (V2) gRPC service as mlserve serves it.
//
// Copied from KServe's docs/predict-api/v2/grpc_predict_v2.proto (Apache-2.0, "Copyright 2020
// kubeflow.org") with comments shortened; InferParameter adds Triton's double_param (4) and
// uint64_param (5) so that float MLflow params can be sent without strings (wire-compatible: a
// client built from KServe's proto sees them as unknown fields).
// mlserve loads this text from src/server/v2/grpc-proto.ts (GRPC_SERVICE_PROTO); a test keeps the two identical.

syntax = "proto3";
package inference;

service GRPCInferenceService
{
  rpc ServerLive(ServerLiveRequest) returns (ServerLiveResponse) {}
  rpc ServerReady(ServerReadyRequest) returns (ServerReadyResponse) {}
  rpc ModelReady(ModelReadyRequest) returns (ModelReadyResponse) {}
  rpc ServerMetadata(ServerMetadataRequest) returns (ServerMetadataResponse) {}
  rpc ModelMetadata(ModelMetadataRequest) returns (ModelMetadataResponse) {}
  rpc ModelInfer(ModelInferRequest) returns (ModelInferResponse) {}
}

message ServerLiveRequest {}

message ServerLiveResponse
{
  bool live = 1;
}

message ServerReadyRequest {}

message ServerReadyResponse
{
  bool ready = 1;
}

message ModelReadyRequest
{
  string name = 1;
  string version = 2;
}

message ModelReadyResponse
{
  bool ready = 1;
}

message ServerMetadataRequest {}

message ServerMetadataResponse
{
  string name = 1;
  string version = 2;
  repeated string extensions = 3;
}

message ModelMetadataRequest
{
  string name = 1;
  string version = 2;
}

message ModelMetadataResponse
{
  message TensorMetadata
  {
    string name = 1;
    string datatype = 2;
    repeated int64 shape = 3;
  }

  string name = 1;
  repeated string versions = 2;
  string platform = 3;
  repeated TensorMetadata inputs = 4;
  repeated TensorMetadata outputs = 5;
}

message ModelInferRequest
{
  message InferInputTensor
  {
    string name = 1;
    string datatype = 2;
    repeated int64 shape = 3;
    map<string, InferParameter> parameters = 4;
    // Must not be set when raw_input_contents is used.
    InferTensorContents contents = 5;
  }

  message InferRequestedOutputTensor
  {
    string name = 1;
    map<string, InferParameter> parameters = 2;
  }

  string model_name = 1;
  string model_version = 2;
  string id = 3;
  map<string, InferParameter> parameters = 4;
  repeated InferInputTensor inputs = 5;
  repeated InferRequestedOutputTensor outputs = 6;
  // One entry per input, in order: flattened, row-major, little-endian, no padding; BYTES
  // elements as a 4-byte little-endian length followed by the bytes. FP16 only travels this way.
  repeated bytes raw_input_contents = 7;
}

message ModelInferResponse
{
  message InferOutputTensor
  {
    string name = 1;
    string datatype = 2;
    repeated int64 shape = 3;
    map<string, InferParameter> parameters = 4;
    InferTensorContents contents = 5;
  }

  string model_name = 1;
  string model_version = 2;
  string id = 3;
  map<string, InferParameter> parameters = 4;
  repeated InferOutputTensor outputs = 5;
  repeated bytes raw_output_contents = 6;
}

message InferParameter
{
  oneof parameter_choice
  {
    bool bool_param = 1;
    int64 int64_param = 2;
    string string_param = 3;
    double double_param = 4;
    uint64 uint64_param = 5;
  }
}

message InferTensorContents
{
  repeated bool bool_contents = 1;
  repeated int32 int_contents = 2;
  repeated int64 int64_contents = 3;
  repeated uint32 uint_contents = 4;
  repeated uint64 uint64_contents = 5;
  repeated float fp32_contents = 6;
  repeated double fp64_contents = 7;
  repeated bytes bytes_contents = 8;
}
`;

/** How messages map to JavaScript: wire field names, int64 as decimal strings, oneof names, empty arrays. */
export const PROTO_OPTIONS = { keepCase: true, longs: String, enums: String, defaults: false, arrays: true, oneofs: true } as const;

interface ProtobufParse {
  parse(source: string, options: { keepCase: boolean }): { root: { toJSON(): Parameters<typeof fromJSON>[0] } };
}

/**
 * The package definition of `inference.GRPCInferenceService`, parsed from the embedded text with
 * the protobufjs that @grpc/proto-loader itself uses (resolved from proto-loader's location, so no
 * second copy and no file on disk are needed).
 */
export function loadInferencePackage(): PackageDefinition {
  const require = createRequire(import.meta.url);
  const protobuf = createRequire(require.resolve('@grpc/proto-loader'))('protobufjs') as ProtobufParse;
  return fromJSON(protobuf.parse(GRPC_SERVICE_PROTO, { keepCase: true }).root.toJSON(), PROTO_OPTIONS);
}
