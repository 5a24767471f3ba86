// Owns the V2 gRPC server (`inference.GRPCInferenceService`) over the shared V2 core, with errors as gRPC status codes (OIP spec §3.10–3.11).

import { Metadata, Server, ServerCredentials, setLogger, status as GrpcStatus, type ServiceDefinition, type UntypedServiceImplementation, type sendUnaryData, type ServerUnaryCall } from '@grpc/grpc-js';
import { createDataplane, type V2Dataplane } from './dataplane.js';
import { isServingError, type ServingError } from '../../errors.js';
import { loadInferencePackage } from './grpc-proto.js';
import { fromProtoRequest, toProtoResponse, type ProtoInferRequest } from './_grpc-messages.js';
import { v2Error } from './render.js';
import type { V2Context } from './context.js';
import { listenError } from '../listen-error.js';
import { silentLogger } from '../../logger.js';
import { requestIdOf } from '../request-id.js';

/** The service's path prefix, as gRPC calls are addressed (`/inference.GRPCInferenceService/ModelInfer`). */
const SERVICE_PATH = '/inference.GRPCInferenceService/';
import type { RouteClass } from '../auth.js';
import type { TlsMaterial } from '../tls.js';

/** A running gRPC server. */
export interface GrpcServerHandle {
  /** The bound port (the actual one when 0 was asked for). */
  readonly port: number;
  /** Stops accepting calls and resolves once in-flight calls have finished. */
  close(): Promise<void>;
}

/** The models of a server that serves several, by name (the names ModelInfer, ModelReady and ModelMetadata give). */
export interface GrpcModels {
  /** The named model's context; a ServingError when it is not served now (an unknown name: not found; an unloaded model: why). */
  find(name: string): V2Context | ServingError;
  /** True when the name is one of the server's models, loaded or not. */
  has(name: string): boolean;
  /** Server readiness: every loaded model ready. */
  ready(): boolean;
}

type Unary = (call: ServerUnaryCall<unknown, unknown>, callback: sendUnaryData<unknown>) => void;

/** The gRPC status code of an HTTP status (the mapping Triton and KServe use). */
export function grpcCode(httpStatus: number): GrpcStatus {
  switch (httpStatus) {
    case 400:
    case 415:
      return GrpcStatus.INVALID_ARGUMENT;
    case 401:
      return GrpcStatus.UNAUTHENTICATED;
    case 403:
      return GrpcStatus.PERMISSION_DENIED;
    case 404:
      return GrpcStatus.NOT_FOUND;
    case 409:
      return GrpcStatus.ALREADY_EXISTS;
    case 413:
    case 429:
      return GrpcStatus.RESOURCE_EXHAUSTED;
    case 499:
      return GrpcStatus.CANCELLED;
    case 501:
      return GrpcStatus.UNIMPLEMENTED;
    case 503:
      return GrpcStatus.UNAVAILABLE;
    case 504:
      return GrpcStatus.DEADLINE_EXCEEDED;
    default:
      return GrpcStatus.INTERNAL;
  }
}

/** The call's `authorization` and `x-api-key` metadata as headers (what the authenticator reads). */
function metadataHeaders(metadata: Metadata): Record<string, string | undefined> {
  const first = (key: string): string | undefined => {
    const v = metadata.get(key)[0];
    return typeof v === 'string' ? v : undefined;
  };
  return { authorization: first('authorization'), 'x-api-key': first('x-api-key') };
}

/** The size in bytes of each ModelInfer request as received (shapes are checked against it). */
const MESSAGE_BYTES = new WeakMap<object, number>();

/** The service with a ModelInfer deserializer that records each message's size. */
function withMessageSizes(service: ServiceDefinition): ServiceDefinition {
  const infer = service.ModelInfer;
  const deserialize = infer.requestDeserialize;
  const recording = (bytes: Buffer): unknown => {
    const msg = deserialize(bytes);
    if (msg !== null && typeof msg === 'object') MESSAGE_BYTES.set(msg, bytes.length);
    return msg;
  };
  return { ...service, ModelInfer: { ...infer, requestDeserialize: recording } };
}

/** `host:port` as gRPC wants it (IPv6 literals in brackets). */
function address(host: string, port: number): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]:${port}` : `${host}:${port}`;
}

/**
 * Starts `inference.GRPCInferenceService` on host:port (0 picks a free port). The same semantics
 * as the V2 REST routes; messages up to `ctx.bodyLimitBytes` are accepted. `ctx` is the one model
 * served, or (with `models`, several served) what the server's calls need: its auth, limits, logger
 * and metrics hooks; each model's calls then go to the model they name.
 */
export async function startGrpcServer(ctx: V2Context, host: string, port: number, tls?: TlsMaterial, models?: GrpcModels): Promise<GrpcServerHandle> {
  // The HTTPS material, as gRPC credentials (client certificates required when certReqs is 2).
  const credentials = tls
    ? ServerCredentials.createSsl(tls.ca ?? null, [{ private_key: tls.key, cert_chain: tls.cert }], tls.certReqs === 2)
    : ServerCredentials.createInsecure();
  const logger = ctx.logger ?? silentLogger;
  // grpc-js prints its own diagnostics on the console (e.g. a bind failure that listenError
  // already reports in one line): route them to this server's log, at debug.
  setLogger({ error: (...a: unknown[]) => logger.debug(`grpc: ${a.join(' ')}`), info: (...a: unknown[]) => logger.debug(`grpc: ${a.join(' ')}`), debug: (...a: unknown[]) => logger.debug(`grpc: ${a.join(' ')}`) });
  const dp = createDataplane(ctx);
  // Several models: one dataplane per model context (a reloaded model brings a new context).
  const planes = new WeakMap<V2Context, V2Dataplane>();
  /** The named model's dataplane, or why it has none now (a ServingError). */
  const findPlane = (name: string): V2Dataplane | ServingError => {
    if (!models) return dp;
    const found = models.find(name);
    if (isServingError(found)) return found;
    let plane = planes.get(found);
    if (!plane) planes.set(found, (plane = createDataplane(found)));
    return plane;
  };
  const planeOf = (name: string): V2Dataplane => {
    const plane = findPlane(name);
    if (isServingError(plane)) throw plane;
    return plane;
  };
  /** ModelReady: an unknown name is not found; a model of the server that is not loaded is not ready. */
  const modelReady = (name: string, version: string | undefined): boolean => {
    const plane = findPlane(name);
    if (!isServingError(plane)) return plane.modelReady(name, version);
    if (models?.has(name)) return false;
    throw plane;
  };
  const service = withMessageSizes(loadInferencePackage()['inference.GRPCInferenceService'] as ServiceDefinition);

  /** A unary handler: checks the caller's token, resolves the answer or sends the error as a gRPC status. */
  const unary = (method: string, answer: (req: never) => unknown, route: RouteClass = 'api'): Unary => (call, callback) => {
    const started = performance.now();
    // The client's x-request-id (or a new one) names the call in the logs and comes back as metadata.
    const requestId = requestIdOf(call.metadata.get('x-request-id')[0]);
    const echo = new Metadata();
    echo.set('x-request-id', requestId);
    call.sendMetadata(echo);
    const done = (code: GrpcStatus): void => {
      const seconds = (performance.now() - started) / 1000;
      ctx.onGrpcCall?.(method, GrpcStatus[code], seconds);
      logger.access({ method: 'POST', path: SERVICE_PATH + method, status: 200, durationMs: seconds * 1000, requestId, grpcStatus: GrpcStatus[code] });
    };
    if (ctx.auth && !ctx.auth.allows(metadataHeaders(call.metadata), route)) {
      done(GrpcStatus.UNAUTHENTICATED);
      const message = 'Authentication required: send the metadata authorization: Bearer <token> (or x-api-key).';
      return callback({ code: GrpcStatus.UNAUTHENTICATED, details: message, name: 'Error', message });
    }
    Promise.resolve()
      .then(() => answer(call.request as never))
      .then(
        (value) => {
          done(GrpcStatus.OK);
          callback(null, value);
        },
        (err) => {
          const e = v2Error(err, logger, requestId);
          done(grpcCode(e.status));
          callback({ code: grpcCode(e.status), details: e.message, name: 'Error', message: e.message });
        },
      );
  };

  const handlers: UntypedServiceImplementation = {
    ServerLive: unary('ServerLive', () => ({ live: dp.live() }), 'health'),
    ServerReady: unary('ServerReady', () => ({ ready: models ? models.ready() : dp.ready() }), 'health'),
    ModelReady: unary('ModelReady', (r: { name?: string; version?: string }) => ({ ready: modelReady(r.name ?? '', r.version || undefined) }), 'health'),
    ServerMetadata: unary('ServerMetadata', () => dp.serverMetadata()),
    ModelMetadata: unary('ModelMetadata', (r: { name?: string; version?: string }) => {
      const m = planeOf(r.name ?? '').modelMetadata(r.name ?? '', r.version || undefined);
      // TensorMetadata has no parameters field; content types are REST-only.
      const strip = (t: (typeof m.inputs)[number]) => ({ name: t.name, datatype: t.datatype, shape: t.shape });
      return { name: m.name, versions: m.versions ?? [], platform: m.platform, inputs: m.inputs.map(strip), outputs: m.outputs.map(strip) };
    }),
    ModelInfer: unary('ModelInfer', async (r: ProtoInferRequest) => {
      const [name, version] = [r.model_name ?? '', r.model_version || undefined];
      const plane = planeOf(name);
      plane.admit(name, version);
      const response = await plane.infer(name, version, fromProtoRequest(r, MESSAGE_BYTES.get(r) ?? 0));
      return toProtoResponse(response, (r.raw_input_contents ?? []).length > 0);
    }),
  };

  const server = new Server({
    'grpc.max_receive_message_length': ctx.bodyLimitBytes,
    'grpc.max_send_message_length': -1,
  });
  server.addService(service, handlers);
  const bound = await new Promise<number>((resolve, reject) => {
    server.bindAsync(address(host, port), credentials, (err, p) => (err ? reject(listenError('gRPC', host, port, err, '--grpc-port')) : resolve(p)));
  });
  return {
    port: bound,
    close: () => new Promise<void>((resolve) => server.tryShutdown(() => resolve())),
  };
}
