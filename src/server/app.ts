// Owns the HTTP server: routing, MLflow's 404/405/307 answers, health, version, metrics, timeouts, and error rendering.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { DeadlineExceededError, TemporarilyUnavailableError } from '../errors.js';
import { readBody } from './body.js';
import { renderError, type HttpAnswer } from './render.js';
import { canStream, decodeRequest, score, streamDecoded, type ScoringContext } from '../pipeline/mlflow.js';
import type { DecodedRequest } from '../codecs/types.js';
import { sendEventStream, wantsStream } from './sse.js';
import { PROMETHEUS_CONTENT_TYPE } from '../metrics/registry.js';
import type { ServerMetrics } from '../metrics/server-metrics.js';

/** The MLflow version whose scoring protocol mlserve implements; `/version` answers it as MLflow does. */
export const MLFLOW_PROTOCOL_VERSION = '3.6.1.dev0';

/** Lifecycle state shared by the routes: readiness is honest (loaded, warmed, not draining). */
export interface ServerState {
  /** The model is loaded and warmed. */
  ready: boolean;
  /** Shutting down: readiness is false, in-flight requests finish. */
  draining: boolean;
  /** Requests being handled. */
  inFlight: number;
  /** Why the server is not ready (shown in 503 answers). */
  notReadyReason?: string;
  /**
   * Why the engine cannot serve right now (every Python worker restarting), or undefined. Readiness
   * turns false meanwhile; requests still queue for the replacement.
   */
  unavailable?: () => string | undefined;
}

/** Routes of another protocol (V2): `handle` returns true when it took the request. */
export interface ProtocolRoutes {
  /** The path prefix the routes own, e.g. `/v2`. */
  readonly prefix: string;
  /** Label of the protocol in metrics. */
  readonly protocol: string;
  handle(req: IncomingMessage, res: ServerResponse, path: string): boolean;
}

/** What the app needs: the scoring context and the limits. */
export interface AppOptions {
  /** The scoring context; undefined until the model has loaded. */
  scoring: () => ScoringContext | undefined;
  readonly state: ServerState;
  readonly metrics: ServerMetrics;
  /** Seconds before a request gets 504. */
  readonly timeoutSeconds: number;
  /** Largest body accepted. */
  readonly bodyLimitBytes: number;
  /** mlserve's own version, sent as `x-mlserve-version`. */
  readonly serverVersion: string;
  /** Routes of other protocols; undefined until the model has loaded (only their liveness answers before). */
  readonly protocols?: () => ProtocolRoutes | undefined;
  /** Where unexpected errors are logged. */
  readonly log?: (message: string) => void;
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void;
type Route = { methods: readonly string[]; handle: Handler };

const JSON_TYPE = 'application/json';
const NOT_FOUND = '{"detail":"Not Found"}';
const NOT_ALLOWED = '{"detail":"Method Not Allowed"}';

/** Sends an answer; headers go as a flat list (the cheapest form for node:http), the body as a string. */
function send(res: ServerResponse, answer: HttpAnswer, head: boolean, version: string): void {
  if (res.headersSent || res.destroyed) return;
  const headers: Record<string, string | number> = { 'content-type': answer.contentType, 'content-length': Buffer.byteLength(answer.body), 'x-mlserve-version': version, ...answer.headers };
  res.writeHead(answer.status, headers);
  res.end(head ? undefined : answer.body);
}

/** True when the server takes requests (loaded, warmed, not draining). */
export function isReady(state: ServerState): boolean {
  return state.ready && !state.draining;
}

/** What readiness probes see: ready, and the engine able to serve now. */
export function isServing(state: ServerState): boolean {
  return isReady(state) && state.unavailable?.() === undefined;
}

function notReady(state: ServerState): TemporarilyUnavailableError {
  const why = state.draining ? 'The server is shutting down.' : (state.notReadyReason ?? state.unavailable?.() ?? 'The model is still loading.');
  return new TemporarilyUnavailableError(`${why} Retry shortly.`, 1);
}

/** Creates the request listener of the MLflow-compatible server. */
export function createHandler(options: AppOptions): Handler {
  const log = options.log ?? ((m: string) => console.error(m));
  const timeoutMs = options.timeoutSeconds * 1000;
  const { state, metrics } = options;
  const reply = (res: ServerResponse, answer: HttpAnswer, head = false): void => send(res, answer, head, options.serverVersion);

  const health: Handler = (req, res) => {
    if (!isServing(state)) return reply(res, renderError(notReady(state), log), req.method === 'HEAD');
    reply(res, { status: 200, contentType: JSON_TYPE, body: '\n' }, req.method === 'HEAD');
  };
  const version: Handler = (req, res) => reply(res, { status: 200, contentType: JSON_TYPE, body: MLFLOW_PROTOCOL_VERSION }, req.method === 'HEAD');
  const scrape: Handler = (req, res) => {
    metrics.ready.set(isServing(state) ? 1 : 0);
    reply(res, { status: 200, contentType: PROMETHEUS_CONTENT_TYPE, body: metrics.registry.render() }, req.method === 'HEAD');
  };

  const invocationCount = new Map<number, (by?: number) => void>();
  const countInvocation = (status: number): void => {
    let inc = invocationCount.get(status);
    if (!inc) invocationCount.set(status, (inc = metrics.requests.bind({ endpoint: '/invocations', protocol: 'mlflow', status: String(status) })));
    inc();
  };
  const observeInvocation = metrics.requestSeconds.bind({ endpoint: '/invocations', protocol: 'mlflow' });

  const invocations: Handler = (req, res) => {
    let done = false;
    const started = performance.now();
    const deadline = Date.now() + timeoutMs;
    const finish = (answer: HttpAnswer): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      reply(res, answer);
      countInvocation(answer.status);
      observeInvocation((performance.now() - started) / 1000);
    };
    // The model call is not cancelled on time-out (as in MLflow); its late result is dropped.
    // (One timer per request measured cheaper here than a shared sweep over pending requests.)
    const timer = setTimeout(() => finish(renderError(new DeadlineExceededError(), log)), timeoutMs);
    const scoring = options.scoring();
    if (!scoring || !isReady(state)) {
      req.resume();
      return finish(renderError(notReady(state), log));
    }
    state.inFlight++;
    const contentType = req.headers['content-type'];
    /** Streams the answer as server-sent events (its first chunk decides: a failure before it is a JSON error); resolves once sent. */
    const stream = async (decoded: DecodedRequest): Promise<undefined> => {
      const abort = new AbortController();
      res.once('close', () => abort.abort());
      const chunks = streamDecoded(decoded, scoring, { deadline, signal: abort.signal });
      try {
        const first = await chunks.next();
        // Past --timeout before the first chunk: the client got 504 already.
        if (done) return undefined;
        done = true;
        clearTimeout(timer);
        await sendEventStream(res, first, chunks, { idleTimeoutMs: timeoutMs, headers: { 'x-mlserve-version': options.serverVersion }, log });
        countInvocation(200);
        observeInvocation((performance.now() - started) / 1000);
        return undefined;
      } finally {
        abort.abort();
      }
    };
    readBody(req, options.bodyLimitBytes)
      .then((body) => {
        const decoded = decodeRequest(contentType, body, scoring);
        if (canStream(scoring) && wantsStream(req.headers.accept, decoded)) return stream(decoded);
        return score(decoded, scoring, { deadline });
      })
      .then(
        (text) => text !== undefined && finish({ status: 200, contentType: JSON_TYPE, body: text }),
        (err) => {
          const answer = renderError(err, log);
          if (answer.status === 413) answer.headers = { ...answer.headers, connection: 'close' };
          finish(answer);
        },
      )
      .finally(() => {
        state.inFlight--;
      });
  };

  /** V2 paths: counted in metrics and in the drain's in-flight count; before the model loads, only liveness. */
  const v2 = (req: IncomingMessage, res: ServerResponse, path: string): void => {
    const routesNow = options.protocols?.();
    if (!routesNow) {
      req.resume();
      if (path === '/v2/health/live') return reply(res, { status: 200, contentType: JSON_TYPE, body: '{"live": true}' });
      const status = path === '/v2/health/ready' ? 503 : options.protocols ? 503 : 404;
      const body = status === 404 ? NOT_FOUND : JSON.stringify({ error: notReady(state).message });
      return reply(res, { status, contentType: JSON_TYPE, body });
    }
    const started = performance.now();
    res.setHeader('x-mlserve-version', options.serverVersion);
    state.inFlight++;
    res.once('close', () => {
      state.inFlight--;
      const endpoint = path.endsWith('/infer') ? '/v2/models/infer' : path;
      metrics.requests.inc({ endpoint, protocol: routesNow.protocol, status: String(res.statusCode) });
      metrics.requestSeconds.observe((performance.now() - started) / 1000, { endpoint, protocol: routesNow.protocol });
    });
    if (!routesNow.handle(req, res, path)) {
      req.resume();
      reply(res, { status: 404, contentType: JSON_TYPE, body: NOT_FOUND });
    }
  };

  const routes: Record<string, Route> = {
    '/ping': { methods: ['GET', 'HEAD'], handle: health },
    '/health': { methods: ['GET', 'HEAD'], handle: health },
    '/version': { methods: ['GET', 'HEAD'], handle: version },
    '/metrics': { methods: ['GET', 'HEAD'], handle: scrape },
    '/invocations': { methods: ['POST'], handle: invocations },
  };

  return (req, res) => {
    try {
      const url = req.url ?? '/';
      const q = url.indexOf('?');
      const path = q < 0 ? url : url.slice(0, q);
      const route = routes[path];
      if (route) {
        if (route.methods.includes(req.method ?? '')) return route.handle(req, res);
        req.resume();
        return reply(res, { status: 405, contentType: JSON_TYPE, body: NOT_ALLOWED, headers: { allow: route.methods.join(', ') } });
      }
      if (path === '/v2' || path.startsWith('/v2/')) return v2(req, res, path);
      req.resume();
      if (path.length > 1 && path.endsWith('/') && routes[path.slice(0, -1)]) {
        const host = req.headers.host ?? 'localhost';
        res.writeHead(307, { location: `http://${host}${path.slice(0, -1)}${q < 0 ? '' : url.slice(q)}`, 'content-length': 0, 'x-mlserve-version': options.serverVersion });
        return res.end();
      }
      reply(res, { status: 404, contentType: JSON_TYPE, body: NOT_FOUND });
    } catch (err) {
      reply(res, renderError(err, log));
    }
  };
}

/** Creates (but does not start) the HTTP server. */
export function createAppServer(options: AppOptions): Server {
  const server = createServer({ keepAliveTimeout: 65_000 }, createHandler(options));
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    else socket.destroy();
  });
  return server;
}
