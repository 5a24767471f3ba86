// Owns mlserve's metric set: every metric name and label it exports (documented in docs/metrics.md).

import { Counter, Gauge, Histogram, ObservedCounter, Registry } from './registry.js';

const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
const SIZE_BUCKETS = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 4096, 16384];

/** The metrics of one server. */
export interface ServerMetrics {
  readonly registry: Registry;
  /** Requests answered, by endpoint, protocol and HTTP status. */
  readonly requests: Counter;
  /** Whole-request latency in seconds, by endpoint and protocol. */
  readonly requestSeconds: Histogram;
  /** Time requests waited for a worker, in seconds. */
  readonly queueSeconds: Histogram;
  /** Model call time per (merged) call, in seconds. */
  readonly inferenceSeconds: Histogram;
  /** Rows per model call. */
  readonly batchRows: Histogram;
  /** Requests merged into one model call. */
  readonly batchRequests: Histogram;
  /** Requests being handled now. */
  readonly inFlight: Gauge;
  /** Inference workers replaced after a crash. */
  readonly workerRestarts: Counter;
  /** Seconds it took to load the model (and warm it up). */
  readonly modelLoadSeconds: Gauge;
  /** 1 when the server is ready to take traffic. */
  readonly ready: Gauge;
}

/** Creates the metric set; queue depth and in-flight requests are read from their owners at scrape time. */
export function createServerMetrics(queueDepth: () => number, inFlight: () => number): ServerMetrics {
  const registry = new Registry();
  const m: ServerMetrics = {
    registry,
    requests: registry.register(new Counter('mlserve_requests_total', 'Requests answered, by endpoint, protocol and HTTP status.', ['endpoint', 'protocol', 'status'])),
    requestSeconds: registry.register(new Histogram('mlserve_request_duration_seconds', 'Whole-request latency in seconds, from the first byte read to the answer sent.', LATENCY_BUCKETS, ['endpoint', 'protocol'])),
    queueSeconds: registry.register(new Histogram('mlserve_queue_duration_seconds', 'Time a request waited for an inference worker, in seconds.', LATENCY_BUCKETS)),
    inferenceSeconds: registry.register(new Histogram('mlserve_inference_duration_seconds', 'Model call time in seconds, per (merged) call.', LATENCY_BUCKETS)),
    batchRows: registry.register(new Histogram('mlserve_batch_rows', 'Rows per model call (adaptive batching merges requests).', SIZE_BUCKETS)),
    batchRequests: registry.register(new Histogram('mlserve_batch_requests', 'Requests merged into one model call.', SIZE_BUCKETS)),
    inFlight: registry.register(new Gauge('mlserve_inflight_requests', 'Requests being handled now.', inFlight)),
    workerRestarts: registry.register(new Counter('mlserve_worker_restarts_total', 'Inference workers replaced after they exited.')),
    modelLoadSeconds: registry.register(new Gauge('mlserve_model_load_seconds', 'Seconds it took to load the model and warm it up.')),
    ready: registry.register(new Gauge('mlserve_ready', '1 when the server takes traffic (model loaded and warmed, not draining), else 0.')),
  };
  registry.register(new Gauge('mlserve_queue_depth', 'Requests waiting for an inference worker.', queueDepth));
  registry.register(new Gauge('process_resident_memory_bytes', 'Resident memory size in bytes.', () => process.memoryUsage.rss()));
  // A total that only grows: a counter, so that rate() works on it (Prometheus' process collector does the same).
  registry.register(new ObservedCounter('process_cpu_seconds_total', 'Total user and system CPU time spent in seconds.', () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1e6;
  }));
  return m;
}
