// Owns `serve()`: resolve the URI, load the model, compose the predictor, start the HTTP server.

import type { AddressInfo } from 'node:net';
import { resolveServeOptions, type ServeOptions, type Env } from './config/options.js';
import { resolveModelUri } from './uri/resolve.js';
import { loadModel, type LoadedModel } from './model/load.js';
import { directPredictor } from './runtime/direct.js';
import { createAppServer } from './server/app.js';
import { VERSION } from './version.js';

/** A running server. */
export interface ServerHandle {
  /** Base URL, e.g. `http://127.0.0.1:5000`. */
  readonly url: string;
  readonly port: number;
  readonly model: LoadedModel;
  /** Stops accepting connections, waits for in-flight requests, and releases the model. */
  close(): Promise<void>;
}

/** Loads the model and serves it; resolves once the server is listening. */
export async function serve(given: Partial<ServeOptions> & { modelUri: string }, env: Env = {}): Promise<ServerHandle> {
  const options = resolveServeOptions(given, env);
  const dir = await resolveModelUri(options.modelUri);
  const model = await loadModel(dir);
  const predictor = directPredictor(model);
  const server = createAppServer({
    scoring: { signature: model.signature, signatureFromTypeHint: model.signatureFromTypeHint, predictor, schemaDetails: options.schemaDetails },
    timeoutSeconds: options.timeoutSeconds,
    bodyLimitBytes: options.bodyLimitBytes,
    serverVersion: VERSION,
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, options.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    await predictor.close();
    throw err;
  }
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`,
    port,
    model,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await predictor.close();
    },
  };
}
