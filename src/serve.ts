// Owns `serve()`: resolve the URI, load the model into workers, compose batching, start the HTTP server.

import type { AddressInfo } from 'node:net';
import { availableParallelism } from 'node:os';
import { resolveServeOptions, type ServeOptions, type Env } from './config/options.js';
import { resolveModelUri } from './uri/resolve.js';
import { chooseFlavor, loadModel, readMLmodel } from './model/load.js';
import type { Signature } from './schema/types.js';
import { createReplicas } from './runtime/replicas.js';
import { createWorkerPool } from './runtime/pool/pool.js';
import { createBatcher } from './runtime/batcher.js';
import type { Predictor } from './runtime/types.js';
import { createAppServer } from './server/app.js';
import { VERSION } from './version.js';

/** What a running server serves. */
export interface ServedModel {
  /** Absolute model directory. */
  readonly path: string;
  /** The flavor serving it. */
  readonly flavor: string;
  readonly signature?: Signature;
  /** Inference workers (threads or in-process instances). */
  readonly workers: number;
  /** True when concurrent requests are merged into one model call. */
  readonly batching: boolean;
}

/** A running server. */
export interface ServerHandle {
  /** Base URL, e.g. `http://127.0.0.1:5000`. */
  readonly url: string;
  readonly port: number;
  readonly model: ServedModel;
  /** Stops accepting connections, waits for in-flight requests, and releases the model. */
  close(): Promise<void>;
}

/** Loads the model into its workers and composes the predictor the server calls. */
async function startPredictor(dir: string, options: Readonly<ServeOptions>): Promise<{ predictor: Predictor; model: ServedModel }> {
  const mlmodel = await readMLmodel(dir);
  const flavor = chooseFlavor(mlmodel);
  const workers = options.workers || (flavor.offThread ? 1 : availableParallelism());
  let base: Predictor;
  let batchable: boolean;
  if (flavor.offThread) {
    // Each instance already runs inference in its own thread (onnxruntime sessions).
    const models = await Promise.all(Array.from({ length: workers }, () => loadModel(dir)));
    base = createReplicas(models);
    batchable = models[0].batchable;
  } else {
    const pool = createWorkerPool({ modelDir: dir, size: workers });
    await pool.start();
    base = pool;
    batchable = flavor.conf.batchable === true;
  }
  const batching = options.batching && batchable;
  const predictor = createBatcher(base, {
    maxBatchSize: batching ? options.maxBatchSize : 1,
    maxBatchDelayMs: batching ? options.maxBatchDelayMs : 0,
    // Two calls in flight per worker keep it busy while an answer travels back; merging still
    // happens whenever more requests wait than that.
    concurrency: flavor.offThread ? workers : workers * 2,
    maxQueue: options.maxQueue,
    merge: batching,
  });
  return { predictor, model: { path: mlmodel.path, flavor: flavor.name, signature: mlmodel.signature, workers, batching } };
}

/** Loads the model and serves it; resolves once the server is listening. */
export async function serve(given: Partial<ServeOptions> & { modelUri: string }, env: Env = {}): Promise<ServerHandle> {
  const options = resolveServeOptions(given, env);
  const dir = await resolveModelUri(options.modelUri);
  const mlmodel = await readMLmodel(dir);
  const { predictor, model } = await startPredictor(dir, options);
  const server = createAppServer({
    scoring: { signature: mlmodel.signature, signatureFromTypeHint: mlmodel.signatureFromTypeHint, predictor, schemaDetails: options.schemaDetails },
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
