// Owns the HTTP server: routing, MLflow's 404/405/307 answers, health, version, metrics, timeouts,
// error rendering, request ids (X-Request-ID) and the access log.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { DeadlineExceededError, TemporarilyUnavailableError } from '../errors.js';
import { readBody } from './body.js';
import { renderError, type HttpAnswer } from './render.js';
import { canStream, decodeRequest, score, streamDecoded, type ScoringContext } from '../pipeline/mlflow.js';
import type { DecodedRequest } from '../codecs/types.js';
import { sendEventStream, wantsStream } from './sse.js';
import { PROMETHEUS_CONTENT_TYPE } from '../metrics/registry.js';
import type { ServerMetrics } from '../metrics/server-metrics.js';
import type { ExtraRoutes } from './ui/routes.js';
import { silentLogger, type Logger } from '../logger.js';
import { requestIdOf } from './request-id.js';

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
  /** Answers the request (its id is already in the `x-request-id` response header) and returns true, or returns false. */
  handle(req: IncomingMessage, res: ServerResponse, path: string, requestId: string): boolean;
  /** The route template of `path`, a bounded metric label (never the raw path). */
  template(path: string): string;
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
  /** Access log, model exceptions and unexpected errors. @default silentLogger */
  readonly logger?: Logger;
  /** mlserve's own GET routes (the page, `/openapi.json`), tried after MLflow's and V2's. */
  readonly extraRoutes?: ExtraRoutes;
}

/** One request as the routes see it: its id (echoed as `x-request-id`), path and arrival time. */
interface RequestContext {
  readonly id: string;
  readonly path: string;
  /** performance.now() at arrival. */
  readonly started: number;
}

type Handler = (req: IncomingMessage, res: ServerResponse, ctx: RequestContext) => void;
type Route = { methods: readonly string[]; handle: Handler };

const JSON_TYPE = 'application/json';
const NOT_FOUND = '{"detail":"Not Found"}';
const NOT_ALLOWED = '{"detail":"Method Not Allowed"}';

/** Sends an answer in one writeHead (the cheapest form for node:http); returns the body bytes sent, or undefined when nothing could be. */
function send(res: ServerResponse, answer: HttpAnswer, head: boolean, version: string, requestId: string): number | undefined {
  if (res.headersSent || res.destroyed) return undefined;
  const bytes = Buffer.byteLength(answer.body);
  const headers: Record<string, string | number> = { 'content-type': answer.contentType, 'content-length': bytes, 'x-mlserve-version': version, 'x-request-id': requestId, ...answer.headers };
  res.writeHead(answer.status, headers);
  res.end(head ? undefined : answer.body);
  return head ? 0 : bytes;
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
export function createHandler(options: AppOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const logger = options.logger ?? silentLogger;
  const timeoutMs = options.timeoutSeconds * 1000;
  const { state, metrics } = options;
  /** Sends the answer and writes its access-log line (499 when the client had already gone). */
  const reply = (req: IncomingMessage, res: ServerResponse, ctx: RequestContext, answer: HttpAnswer, head = false): void => {
    const bytes = send(res, answer, head, options.serverVersion, ctx.id);
    logger.access({ method: req.method ?? '', path: ctx.path, status: bytes === undefined ? 499 : answer.status, bytes, durationMs: performance.now() - ctx.started, requestId: ctx.id });
  };

  /** The access-log line of an answer a route wrote itself (V2, the page), once its connection is done with it. */
  const logStreamed = (req: IncomingMessage, res: ServerResponse, ctx: RequestContext): void => {
    const sent = res.writableFinished;
    const length = Number(res.getHeader('content-length'));
    logger.access({
      method: req.method ?? '',
      path: ctx.path,
      status: sent ? res.statusCode : 499,
      bytes: sent && Number.isFinite(length) ? (req.method === 'HEAD' ? 0 : length) : undefined,
      durationMs: performance.now() - ctx.started,
      requestId: ctx.id,
    });
  };

  const health: Handler = (req, res, ctx) => {
    if (!isServing(state)) return reply(req, res, ctx, renderError(notReady(state), logger, ctx.id), req.method === 'HEAD');
    reply(req, res, ctx, { status: 200, contentType: JSON_TYPE, body: '\n' }, req.method === 'HEAD');
  };
  const version: Handler = (req, res, ctx) => reply(req, res, ctx, { status: 200, contentType: JSON_TYPE, body: MLFLOW_PROTOCOL_VERSION }, req.method === 'HEAD');
  const scrape: Handler = (req, res, ctx) => {
    metrics.ready.set(isServing(state) ? 1 : 0);
    reply(req, res, ctx, { status: 200, contentType: PROMETHEUS_CONTENT_TYPE, body: metrics.registry.render() }, req.method === 'HEAD');
  };

  const invocationCount = new Map<number, (by?: number) => void>();
  const countInvocation = (status: number): void => {
    let inc = invocationCount.get(status);
    if (!inc) invocationCount.set(status, (inc = metrics.requests.bind({ endpoint: '/invocations', protocol: 'mlflow', status: String(status) })));
    inc();
  };
  const observeInvocation = metrics.requestSeconds.bind({ endpoint: '/invocations', protocol: 'mlflow' });

  const invocations: Handler = (req, res, ctx) => {
    let done = false;
    const deadline = Date.now() + timeoutMs;
    const finish = (answer: HttpAnswer): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      reply(req, res, ctx, answer);
      countInvocation(answer.status);
      observeInvocation((performance.now() - ctx.started) / 1000);
    };
    // The model call is not cancelled on time-out (as in MLflow); its late result is dropped.
    // (One timer per request measured cheaper here than a shared sweep over pending requests.)
    const timer = setTimeout(() => finish(renderError(new DeadlineExceededError(), logger, ctx.id)), timeoutMs);
    const scoring = options.scoring();
    if (!scoring || !isReady(state)) {
      req.resume();
      return finish(renderError(notReady(state), logger, ctx.id));
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
        await sendEventStream(res, first, chunks, { idleTimeoutMs: timeoutMs, headers: { 'x-mlserve-version': options.serverVersion, 'x-request-id': ctx.id }, logger, requestId: ctx.id });
        countInvocation(200);
        observeInvocation((performance.now() - ctx.started) / 1000);
        logStreamed(req, res, ctx);
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
          const answer = renderError(err, logger, ctx.id);
          if (answer.status === 413) answer.headers = { ...answer.headers, connection: 'close' };
          finish(answer);
        },
      )
      .finally(() => {
        state.inFlight--;
      });
  };

  /** V2 paths: counted in metrics and in the drain's in-flight count; before the model loads, only liveness. */
  const v2: Handler = (req, res, ctx) => {
    const path = ctx.path;
    const routesNow = options.protocols?.();
    if (!routesNow) {
      req.resume();
      if (path === '/v2/health/live') return reply(req, res, ctx, { status: 200, contentType: JSON_TYPE, body: '{"live": true}' });
      const status = path === '/v2/health/ready' ? 503 : options.protocols ? 503 : 404;
      const body = status === 404 ? NOT_FOUND : JSON.stringify({ error: notReady(state).message });
      return reply(req, res, ctx, { status, contentType: JSON_TYPE, body });
    }
    res.setHeader('x-mlserve-version', options.serverVersion);
    res.setHeader('x-request-id', ctx.id);
    state.inFlight++;
    res.once('close', () => {
      state.inFlight--;
      const endpoint = routesNow.template(path);
      const seconds = (performance.now() - ctx.started) / 1000;
      metrics.requests.inc({ endpoint, protocol: routesNow.protocol, status: String(res.statusCode) });
      metrics.requestSeconds.observe(seconds, { endpoint, protocol: routesNow.protocol });
      logStreamed(req, res, ctx);
    });
    if (!routesNow.handle(req, res, path, ctx.id)) {
      req.resume();
      send(res, { status: 404, contentType: JSON_TYPE, body: NOT_FOUND }, false, options.serverVersion, ctx.id);
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
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const ctx: RequestContext = { id: requestIdOf(req.headers['x-request-id']), path: q < 0 ? url : url.slice(0, q), started: performance.now() };
    const path = ctx.path;
    try {
      const route = routes[path];
      if (route) {
        if (route.methods.includes(req.method ?? '')) return route.handle(req, res, ctx);
        req.resume();
        return reply(req, res, ctx, { status: 405, contentType: JSON_TYPE, body: NOT_ALLOWED, headers: { allow: route.methods.join(', ') } });
      }
      if (path === '/v2' || path.startsWith('/v2/')) return v2(req, res, ctx);
      if (options.extraRoutes) {
        res.setHeader('x-request-id', ctx.id);
        if (options.extraRoutes(req, res, path)) return void res.once('close', () => logStreamed(req, res, ctx));
      }
      req.resume();
      if (path.length > 1 && path.endsWith('/') && routes[path.slice(0, -1)]) {
        const host = req.headers.host ?? 'localhost';
        const location = `http://${host}${path.slice(0, -1)}${q < 0 ? '' : url.slice(q)}`;
        res.writeHead(307, { location, 'content-length': 0, 'x-mlserve-version': options.serverVersion, 'x-request-id': ctx.id });
        res.end();
        return logger.access({ method: req.method ?? '', path, status: 307, bytes: 0, durationMs: performance.now() - ctx.started, requestId: ctx.id });
      }
      reply(req, res, ctx, { status: 404, contentType: JSON_TYPE, body: NOT_FOUND });
    } catch (err) {
      reply(req, res, ctx, renderError(err, logger, ctx.id));
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
