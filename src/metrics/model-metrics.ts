// Owns the per-model metric set (`model` label): requests, latency, queue, workers, version, reloads
// and memory of each served model (documented in docs/metrics.md). Label values come only from the
// names the operator configured (flags, config file, repository folders), never from requests.

import { Counter, Histogram, LabeledGauge, type Registry } from './registry.js';

const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/** What the per-model gauges read at scrape time, per served model. */
export interface ModelGaugeSource {
  readonly name: string;
  /** The version being served ('' when the URI names none); undefined while none is loaded. */
  readonly version?: string;
  readonly ready: boolean;
  readonly queued: number;
  /** Resident bytes the model added, where measured. */
  readonly memoryBytes?: number;
}

/** The per-model metrics of one server. */
export interface ModelMetrics {
  /** Scoring answers by model and HTTP status. */
  readonly requests: Counter;
  /** Model call time per (merged) call, by model. */
  readonly inferenceSeconds: Histogram;
  /** Inference workers replaced after a crash, by model. */
  readonly workerRestarts: Counter;
  /** Version checks that switched (`success`) or kept the old version (`failure`), by model. */
  readonly reloads: Counter;
}

/** Registers the per-model metrics on `registry`; `models` lists the served models at scrape time. */
export function createModelMetrics(registry: Registry, models: () => Iterable<ModelGaugeSource>): ModelMetrics {
  const m: ModelMetrics = {
    requests: registry.register(new Counter('mlserve_model_requests_total', 'Scoring requests answered, by model and HTTP status (MLflow and V2 inference routes).', ['model', 'status'])),
    inferenceSeconds: registry.register(new Histogram('mlserve_model_inference_duration_seconds', 'Model call time in seconds, per (merged) call, by model.', LATENCY_BUCKETS, ['model'])),
    workerRestarts: registry.register(new Counter('mlserve_model_worker_restarts_total', 'Inference workers replaced after they exited, by model.', ['model'])),
    reloads: registry.register(new Counter('mlserve_model_reloads_total', 'New versions loaded and switched to (result="success"), or refused while the old one kept serving (result="failure"), by model.', ['model', 'result'])),
  };
  const each = function* <T>(pick: (s: ModelGaugeSource) => readonly [Record<string, string>, number] | undefined): Iterable<readonly [Record<string, string>, number]> {
    for (const s of models()) {
      const v = pick(s);
      if (v) yield v;
    }
  };
  registry.register(new LabeledGauge('mlserve_model_info', 'The version each model serves now (value 1).', ['model', 'version'], () => each((s) => (s.version === undefined ? undefined : [{ model: s.name, version: s.version }, 1]))));
  registry.register(new LabeledGauge('mlserve_model_ready', '1 when the model takes requests, else 0.', ['model'], () => each((s) => [{ model: s.name }, s.ready ? 1 : 0])));
  registry.register(new LabeledGauge('mlserve_model_queue_depth', 'Requests waiting for one of the model\'s workers.', ['model'], () => each((s) => [{ model: s.name }, s.queued])));
  registry.register(new LabeledGauge('mlserve_model_memory_bytes', 'Resident memory of the model: what the process grew by while it loaded at start-up (native engine), or its Python workers\' resident memory now (Python engine).', ['model'], () => each((s) => (s.memoryBytes === undefined ? undefined : [{ model: s.name }, s.memoryBytes]))));
  return m;
}
