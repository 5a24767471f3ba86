// Test helper: the V2 routes and gRPC service over a real model on port 0, without the lead's app wiring.

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadModel } from '../../src/model/load.js';
import { directPredictor } from '../../src/runtime/direct.js';
import { createV2Routes, startGrpcServer, type V2Context } from '../../src/server/v2/index.js';
import { createLogger } from '../../src/logger.js';

/** A running V2 test server; `state` flips readiness and liveness. */
export interface V2TestServer {
  readonly url: string;
  readonly grpcPort: number;
  readonly state: { ready: boolean; live: boolean };
  /** Log lines (JSON), written once per event-loop turn. */
  readonly logs: string[];
  close(): Promise<void>;
}

/** Loads the model in `dir` and serves V2 REST (node:http) and gRPC on 127.0.0.1, both on port 0. */
export async function startV2Server(dir: string, options: Partial<Omit<V2Context, 'predictor' | 'isReady' | 'isLive'>> = {}): Promise<V2TestServer> {
  const model = await loadModel(dir);
  const state = { ready: true, live: true };
  const logs: string[] = [];
  const ctx: V2Context = {
    modelName: 'model',
    signature: model.signature,
    predictor: directPredictor(model),
    isReady: () => state.ready,
    isLive: () => state.live,
    schemaDetails: true,
    bodyLimitBytes: 1024 * 1024,
    timeoutSeconds: 10,
    serverVersion: '0.0.0-test',
    logger: createLogger({ level: 'debug', format: 'json', write: (chunk) => void logs.push(...chunk.split('\n').filter(Boolean)) }),
    ...options,
  };
  const v2 = createV2Routes(ctx);
  const http: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (!v2.handle(req, res, path)) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end('{"detail":"Not Found"}');
    }
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const grpc = await startGrpcServer(ctx, '127.0.0.1', 0);
  return {
    url: `http://127.0.0.1:${(http.address() as AddressInfo).port}`,
    grpcPort: grpc.port,
    state,
    logs,
    async close() {
      await grpc.close();
      await new Promise<void>((resolve) => {
        http.close(() => resolve());
        http.closeAllConnections();
      });
      await ctx.predictor.close();
    },
  };
}
