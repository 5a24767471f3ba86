// Owns the HTTP server: routing, MLflow's 404/405/307 answers, health, version, metrics, timeouts,
// error rendering, request ids (X-Request-ID), the access log, and the hooks of the security
// surface (CORS, auth, limits, drain; see their modules).

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { DeadlineExceededError, ServingError, TemporarilyUnavailableError } from '../errors.js';
import { readBody } from './body.js';
import { renderError, type HttpAnswer } from './render.js';
import { createResponder, type Respond } from './respond.js';
import { answerClientError, applyHttpLimits, httpServerOptions, tooManyHeaders, type HttpLimits } from './http-limits.js';
import { routeClass, WWW_AUTHENTICATE, type Authenticator } from './auth.js';
import type { Cors } from './cors.js';
import type { CompressionOptions } from './compress.js';
import { canStream, decodeRequest, score, scorePrepared, streamDecoded, type ScoringContext } from '../pipeline/mlflow.js';
import type { DecodedRequest } from '../codecs/types.js';
import { sendEventStream, wantsStream } from './sse.js';
import { PROMETHEUS_CONTENT_TYPE } from '../metrics/registry.js';
import type { ServerMetrics } from '../metrics/server-metrics.js';
import type { ExtraRoutes } from './ui/routes.js';
import { silentLogger, type Logger } from '../logger.js';
import { requestIdOf } from './request-id.js';
import type { UnansweredEntry, UnansweredRequests } from './unanswered.js';
import { Deadlines } from './deadlines.js';
import { TurnQueue } from './turns.js';
import { installFastLane } from './fast/front.js';

/** The MLflow version whose scoring protocol mlserve implements; `/version` answers it as MLflow does. */
export const MLFLOW_PROTOCOL_VERSION = '3.6.1.dev0';

/** Lifecycle state shared by the routes: readiness is honest (loaded, warmed, not draining). */
export interface ServerState {
  /** The model is loaded and warmed. */
  ready: boolean;
  /** Shutting down: readiness is false, answers close their connection, accepted requests finish. */
  draining: boolean;
  /** The drain time is over: requests still arriving on open connections get 503 at once. */
  refusing?: boolean;
  /** Requests being handled. */
  inFlight: number;
  /** Why the server is not ready (shown in 503 answers). */
  notReadyReason?: string;
  /**
   * Why the engine cannot serve right now (every Python worker restarting), or undefined. Readiness
   * turns false meanwhile; requests still queue for the replacement.
   */
  unavailable?: () => string | undefined;
  /**
   * Requests not answered yet, each with a function that answers it 503 at once: a drain that runs
   * out of time answers what is left instead of resetting connections.
   */
  readonly unanswered: UnansweredRequests;
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
  /** Connection-level limits (time-outs, connections, header size and count). */
  readonly httpLimits: HttpLimits;
  /** Checks tokens; undefined: every route is open. */
  readonly auth?: Authenticator;
  /** CORS for browser clients; undefined: no CORS headers. */
  readonly cors?: Cors;
  /** Compression of large answers; undefined: never. */
  readonly compression?: CompressionOptions;
  /** Send MLflow's `stack_trace` (scrubbed of server paths). @default true */
  readonly stackTraces?: boolean;
  /** Answers routes with the server's common headers (shared with the V2 routes). */
  readonly respond?: Respond;
  /** Extra headers of `/version`'s answer (`x-mlserve-model-version`). */
  readonly versionHeaders?: () => Record<string, string> | undefined;
  /** What `/invocations` answers when `scoring` gives nothing while the server is ready (several models served). */
  readonly noScoring?: () => Error | undefined;
  /**
   * Serve the simplest requests of the busiest routes with mlserve's own HTTP/1.1 lane (fast/),
   * everything else with node:http; never with TLS (the caller leaves it off). @default false
   */
  readonly fastLane?: boolean;
  /** Routes of served models by name (`/models/{name}/...`), built with the app's scoring route; true when taken. */
  readonly modelRoutes?: (tools: ModelRouteTools) => (req: IncomingMessage, res: ServerResponse, ctx: RequestContext) => boolean;
}

/** What one model's scoring route needs: its model, time-out and metric label. */
export interface InvocationScope {
  /** The model's scoring context; undefined while it is not loaded (503, or `unavailable`'s answer). */
  readonly scoring: () => ScoringContext | undefined;
  /** Bounded metric label: `/invocations`, `/models/{name}/invocations`. */
  readonly endpoint: string;
  /** Seconds before a request gets 504. */
  readonly timeoutSeconds: number;
  /** The error answered while the server is up but `scoring` gives nothing (several models, model unloaded). */
  readonly unavailable?: () => Error | undefined;
  /** Called with each answer's status (per-model metrics). */
  readonly onAnswer?: (status: number) => void;
}

/** Builds a scoring route for one model (see InvocationScope). */
export type MakeInvocations = (scope: InvocationScope) => (req: IncomingMessage, res: ServerResponse, ctx: RequestContext) => void;

/** What the app lends the routes of served models: its scoring route, and answers with the access log. */
export interface ModelRouteTools {
  readonly invocations: MakeInvocations;
  /** Sends an answer and writes its access-log line. */
  reply(req: IncomingMessage, res: ServerResponse, ctx: RequestContext, answer: HttpAnswer, head?: boolean): void;
  /** Writes the access-log line of an answer a route wrote itself, once it is sent. */
  logWhenSent(req: IncomingMessage, res: ServerResponse, ctx: RequestContext): void;
  /** The answer of an error (MLflow's envelope). */
  render(err: unknown, ctx: RequestContext): HttpAnswer;
}

/** One request as the routes see it: its id (echoed as `x-request-id`), path and arrival time. */
export interface RequestContext {
  readonly id: string;
  readonly path: string;
  /** performance.now() at arrival. */
  readonly started: number;
}

/**
 * One request as a transport hands it to the shared routes: node:http's (IncomingMessage and
 * ServerResponse) or the fast lane's (fast/), so both give the same answers, logs and metrics.
 */
export interface Exchange {
  readonly method: string;
  /** The `Content-Type` request header, as node:http presents it. */
  readonly contentType: string | undefined;
  /** The `Accept` request header (server-sent events are chosen by it). */
  readonly accept: string | undefined;
  /** node:http's answer object: only node:http's transport streams answers (server-sent events). */
  readonly res?: ServerResponse;
  /** Sends the answer (`head`: headers only), as `Respond` does: the body bytes sent, or undefined when the client is gone. */
  send(answer: HttpAnswer, head: boolean, requestId: string): number | undefined;
}

/** A scoring route from the body on: `body` is the whole body, or reads it; `discard` drops a body not read. */
type ScoreRoute = (ex: Exchange, ctx: RequestContext, body: Buffer | (() => Promise<Buffer>), discard?: () => void) => void;

/** The routes the fast lane (fast/) serves itself, each called once the whole request has arrived. */
export interface FastRoutes {
  /** True when `POST /invocations` needs nothing of node:http now: a model serving, no streamed answers. */
  canScore(): boolean;
  /** `POST /invocations` with its whole body. */
  invocations(ex: Exchange, ctx: RequestContext, body: Buffer): void;
  /** `GET|HEAD /ping` and `/health`. */
  health(ex: Exchange, ctx: RequestContext): void;
  /** `GET|HEAD /version`. */
  version(ex: Exchange, ctx: RequestContext): void;
}

type Handler = (req: IncomingMessage, res: ServerResponse, ctx: RequestContext) => void;
type Route = { methods: readonly string[]; handle: Handler };

const JSON_TYPE = 'application/json';
/** Bodies from this size on (about 1,000 iris rows: a millisecond of decoding) are decoded one per event-loop turn. */
const TURN_MIN_BYTES = 32 * 1024;
const NOT_FOUND = '{"detail":"Not Found"}';
const NOT_ALLOWED = '{"detail":"Method Not Allowed"}';

/**
 * The path of a request target: origin-form (`/ping?x`) or absolute-form (`http://host/ping`, RFC
 * 9112 §3.2.2, which a server must accept); undefined for anything else (`*`, authority-form).
 */
export function requestPath(url: string | undefined): { path: string; query: string } | undefined {
  let target = url ?? '/';
  if (target.charCodeAt(0) !== 47) {
    const m = /^https?:\/\/[^/?#]*/i.exec(target);
    if (!m) return undefined;
    target = target.slice(m[0].length) || '/';
    if (target[0] !== '/') target = `/${target}`;
  }
  const q = target.indexOf('?');
  return q < 0 ? { path: target, query: '' } : { path: target.slice(0, q), query: target.slice(q) };
}

/** The 401 answer: MLflow's envelope on MLflow routes, `{"error"}` on V2 routes, with WWW-Authenticate. */
function unauthenticated(path: string): HttpAnswer {
  const message = 'Authentication required: send Authorization: Bearer <token> (or X-API-Key: <token>) with a token this server accepts.';
  const body = path === '/v2' || path.startsWith('/v2/') ? JSON.stringify({ error: message }) : JSON.stringify({ error_code: 'UNAUTHENTICATED', message });
  return { status: 401, contentType: JSON_TYPE, body, headers: { 'www-authenticate': WWW_AUTHENTICATE } };
}

/**
 * True when the server takes requests: loaded, warmed, and the drain time not over. While workers
 * restart, requests wait for them (up to their deadline); while the server drains, a request that
 * still arrives on an open connection is served (its answer closes the connection). Readiness
 * probes see isServing.
 */
export function isReady(state: ServerState): boolean {
  return state.ready && !state.refusing;
}

/** What a request still unanswered when the drain time runs out is answered. */
function drainedOut(): TemporarilyUnavailableError {
  return new TemporarilyUnavailableError('The server is shutting down and could not finish this request in time. Retry it.', 1);
}

/** What readiness probes see: ready, not draining, and the engine able to serve now (a worker or Python process up). */
export function isServing(state: ServerState): boolean {
  return state.ready && !state.draining && state.unavailable?.() === undefined;
}

function notReady(state: ServerState): TemporarilyUnavailableError {
  const why = state.draining ? 'The server is shutting down.' : (state.notReadyReason ?? state.unavailable?.() ?? 'The model is still loading.');
  return new TemporarilyUnavailableError(`${why} Retry shortly.`, 1);
}

/** Creates the request listener of the MLflow-compatible server. */
export function createHandler(options: AppOptions): (req: IncomingMessage, res: ServerResponse) => void {
  return createRoutes(options).handler;
}

/** The request listener, and the routes the fast lane shares with it. */
function createRoutes(options: AppOptions): { handler: (req: IncomingMessage, res: ServerResponse) => void; fast: FastRoutes } {
  const logger = options.logger ?? silentLogger;
  const { state, metrics, auth, cors } = options;
  const render = (err: unknown, ctx: RequestContext): HttpAnswer => renderError(err, logger, ctx.id, { stackTraces: options.stackTraces });
  const respond = options.respond ?? createResponder({ serverVersion: options.serverVersion, isDraining: () => state.draining, compression: options.compression });
  /** Sends the answer and writes its access-log line (499 when the client had already gone). */
  const logAnswer = (method: string, ctx: RequestContext, answer: HttpAnswer, bytes: number | undefined): void =>
    logger.access({ method, path: ctx.path, status: bytes === undefined ? 499 : answer.status, bytes, durationMs: performance.now() - ctx.started, requestId: ctx.id });
  const reply = (ex: Exchange, ctx: RequestContext, answer: HttpAnswer, head = false): void => logAnswer(ex.method, ctx, answer, ex.send(answer, head, ctx.id));
  /** node:http's side of an exchange. */
  const nodeExchange = (req: IncomingMessage, res: ServerResponse): Exchange => ({
    method: req.method ?? '',
    contentType: req.headers['content-type'],
    accept: req.headers.accept,
    res,
    send: (answer, head, id) => respond(req, res, answer, head, id),
  });
  /** reply() for node:http's routes, without an Exchange made per answer. */
  const replyNode = (req: IncomingMessage, res: ServerResponse, ctx: RequestContext, answer: HttpAnswer, head = false): void => logAnswer(req.method ?? '', ctx, answer, respond(req, res, answer, head, ctx.id));

  /** The access-log line of an answer a route wrote itself (V2, the page), once its connection is done with it. */
  const logStreamed = (method: string | undefined, res: ServerResponse, ctx: RequestContext): void => {
    const sent = res.writableFinished;
    const length = Number(res.getHeader('content-length'));
    logger.access({
      method: method ?? '',
      path: ctx.path,
      status: sent ? res.statusCode : 499,
      bytes: sent && Number.isFinite(length) ? (method === 'HEAD' ? 0 : length) : undefined,
      durationMs: performance.now() - ctx.started,
      requestId: ctx.id,
    });
  };

  const healthCore = (ex: Exchange, ctx: RequestContext): void => {
    if (!isServing(state)) return reply(ex, ctx, render(notReady(state), ctx), ex.method === 'HEAD');
    reply(ex, ctx, { status: 200, contentType: JSON_TYPE, body: '\n' }, ex.method === 'HEAD');
  };
  const versionCore = (ex: Exchange, ctx: RequestContext): void => reply(ex, ctx, { status: 200, contentType: JSON_TYPE, body: MLFLOW_PROTOCOL_VERSION, headers: options.versionHeaders?.() }, ex.method === 'HEAD');
  const health: Handler = (req, res, ctx) => healthCore(nodeExchange(req, res), ctx);
  const version: Handler = (req, res, ctx) => versionCore(nodeExchange(req, res), ctx);
  const scrape: Handler = (req, res, ctx) => {
    metrics.ready.set(isServing(state) ? 1 : 0);
    replyNode(req, res, ctx, { status: 200, contentType: PROMETHEUS_CONTENT_TYPE, body: metrics.registry.render() }, req.method === 'HEAD');
  };

  // Bodies worth a millisecond or more of decoding wait for their own event-loop turn (turns.ts), every model's alike.
  const turns = new TurnQueue();

  /**
   * The scoring core of one model, transport-neutral: `/invocations`, or a served model's
   * `/models/{name}/invocations`, from the body on (decode, score, deadline, drain registration,
   * metrics, access log, errors), answered through the exchange (node:http's or the fast lane's).
   */
  const makeScoring = (scope: InvocationScope): ScoreRoute => {
    const timeoutMs = scope.timeoutSeconds * 1000;
    const endpoint = scope.endpoint;
    const invocationCount = new Map<number, (by?: number) => void>();
    const countInvocation = (status: number): void => {
      let inc = invocationCount.get(status);
      if (!inc) invocationCount.set(status, (inc = metrics.requests.bind({ endpoint, protocol: 'mlflow', status: String(status) })));
      inc();
      scope.onAnswer?.(status);
    };
    const observeInvocation = metrics.requestSeconds.bind({ endpoint, protocol: 'mlflow' });
    const getScoring = scope.scoring;
    // One timer for every request's --timeout (deadlines.ts), not one per request.
    const deadlines = new Deadlines(timeoutMs);

    return (ex, ctx, body, discard) => {
      let done = false;
      let pending: UnansweredEntry | undefined;
      const finish = (answer: HttpAnswer): void => {
        if (done) return;
        done = true;
        deadlines.delete(expiry);
        if (pending) state.unanswered.delete(pending);
        reply(ex, ctx, answer);
        countInvocation(answer.status);
        observeInvocation((performance.now() - ctx.started) / 1000);
      };
      // The model call is not cancelled on time-out (as in MLflow); its late result is dropped.
      const answerNow = (): void => finish(render(drainedOut(), ctx));
      const expiry = deadlines.add(() => finish(render(new DeadlineExceededError(), ctx)));
      const deadline = expiry.key;
      const scoring = getScoring();
      if (!scoring || !isReady(state)) {
        discard?.();
        return finish(render((isReady(state) && scope.unavailable?.()) || notReady(state), ctx));
      }
      pending = state.unanswered.add(answerNow);
      state.inFlight++;
      const contentType = ex.contentType;
      /** Streams the answer as server-sent events (its first chunk decides: a failure before it is a JSON error); resolves once sent. */
      const stream = async (decoded: DecodedRequest, res: ServerResponse): Promise<undefined> => {
        const abort = new AbortController();
        res.once('close', () => abort.abort());
        const chunks = streamDecoded(decoded, scoring, { deadline, signal: abort.signal });
        try {
          const first = await chunks.next();
          // Past --timeout before the first chunk: the client got 504 already.
          if (done) return undefined;
          done = true;
          deadlines.delete(expiry);
          if (pending) state.unanswered.delete(pending);
          await sendEventStream(res, first, chunks, { idleTimeoutMs: timeoutMs, headers: { 'x-mlserve-version': options.serverVersion, 'x-request-id': ctx.id }, logger, requestId: ctx.id });
          countInvocation(200);
          observeInvocation((performance.now() - ctx.started) / 1000);
          logStreamed(ex.method, res, ctx);
          return undefined;
        } finally {
          abort.abort();
        }
      };
      const decodeAndScore = (body: Buffer): Promise<string | undefined> => {
        // A large body is decoded on another thread (health checks keep being answered meanwhile),
        // unless the answer may be streamed (that needs the decoded request here).
        const offload = scoring.offload;
        if (offload && body.length >= offload.minBytes && !canStream(scoring)) return offload.prepare(contentType, body).then((prepared) => scorePrepared(prepared, scoring, { deadline }));
        const run = (): Promise<string | undefined> => {
          const decoded = decodeRequest(contentType, body, scoring);
          if (ex.res && canStream(scoring) && wantsStream(ex.accept, decoded)) return stream(decoded, ex.res);
          return score(decoded, scoring, { deadline });
        };
        if (body.length < TURN_MIN_BYTES) return run();
        return new Promise<string | undefined>((resolve, reject) =>
          turns.run(() => {
            try {
              resolve(run());
            } catch (err) {
              reject(err);
            }
          }),
        );
      };
      const answered = (text: string | undefined): void => {
        state.inFlight--;
        if (text !== undefined) finish({ status: 200, contentType: JSON_TYPE, body: text });
      };
      const failed = (err: unknown): void => {
        state.inFlight--;
        finish(render(err, ctx));
      };
      let scored: Promise<string | undefined>;
      try {
        scored = Buffer.isBuffer(body) ? decodeAndScore(body) : body().then(decodeAndScore);
      } catch (err) {
        return failed(err);
      }
      scored.then(answered, failed);
    };
  };
  /** The node:http handler of a scoring core: the body read from the request. */
  const onNode =
    (core: ScoreRoute): Handler =>
    (req, res, ctx) =>
      core(nodeExchange(req, res), ctx, () => readBody(req, options.bodyLimitBytes), () => req.resume());
  const makeInvocations = (scope: InvocationScope): Handler => onNode(makeScoring(scope));
  const scoreInvocations = makeScoring({ scoring: options.scoring, endpoint: '/invocations', timeoutSeconds: options.timeoutSeconds, unavailable: options.noScoring });
  const invocations = onNode(scoreInvocations);
  const servedModels = options.modelRoutes?.({ invocations: makeInvocations, reply: replyNode, render, logWhenSent: (req, res, ctx) => void res.once('close', () => logStreamed(req.method, res, ctx)) });

  /** V2 paths: counted in metrics and in the drain's in-flight count; before the model loads, only liveness. */
  const v2: Handler = (req, res, ctx) => {
    const path = ctx.path;
    const routesNow = options.protocols?.();
    if (!routesNow) {
      req.resume();
      if (path === '/v2/health/live') return replyNode(req, res, ctx, { status: 200, contentType: JSON_TYPE, body: '{"live": true}' });
      const status = path === '/v2/health/ready' ? 503 : options.protocols ? 503 : 404;
      const body = status === 404 ? NOT_FOUND : JSON.stringify({ error: notReady(state).message });
      return replyNode(req, res, ctx, { status, contentType: JSON_TYPE, body });
    }
    res.setHeader('x-request-id', ctx.id);
    const abort = (): void => replyNode(req, res, ctx, { status: 503, contentType: JSON_TYPE, body: JSON.stringify({ error: drainedOut().message }), headers: { 'retry-after': '1' } });
    const pendingV2 = state.unanswered.add(abort);
    state.inFlight++;
    res.once('close', () => {
      state.unanswered.delete(pendingV2);
      state.inFlight--;
      const endpoint = routesNow.template(path);
      const seconds = (performance.now() - ctx.started) / 1000;
      metrics.requests.inc({ endpoint, protocol: routesNow.protocol, status: String(res.statusCode) });
      metrics.requestSeconds.observe(seconds, { endpoint, protocol: routesNow.protocol });
      logStreamed(req.method, res, ctx);
    });
    if (!routesNow.handle(req, res, path, ctx.id)) {
      req.resume();
      respond(req, res, { status: 404, contentType: JSON_TYPE, body: NOT_FOUND }, false, ctx.id);
    }
  };

  const routes: Record<string, Route> = {
    '/ping': { methods: ['GET', 'HEAD'], handle: health },
    '/health': { methods: ['GET', 'HEAD'], handle: health },
    '/version': { methods: ['GET', 'HEAD'], handle: version },
    '/metrics': { methods: ['GET', 'HEAD'], handle: scrape },
    '/invocations': { methods: ['POST'], handle: invocations },
  };

  /** A fast-lane route that answers what it throws, as the node:http handler does (no rest arguments: called per request). */
  const guarded =
    (route: (ex: Exchange, ctx: RequestContext) => void) =>
    (ex: Exchange, ctx: RequestContext): void => {
      try {
        route(ex, ctx);
      } catch (err) {
        reply(ex, ctx, render(err, ctx));
      }
    };
  const fast: FastRoutes = {
    canScore: () => {
      const scoring = options.scoring();
      return scoring !== undefined && isReady(state) && !canStream(scoring);
    },
    invocations: (ex, ctx, body) => {
      try {
        scoreInvocations(ex, ctx, body);
      } catch (err) {
        reply(ex, ctx, render(err, ctx));
      }
    },
    health: guarded(healthCore),
    version: guarded(versionCore),
  };
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    const target = requestPath(req.url);
    const ctx: RequestContext = { id: requestIdOf(req.headers['x-request-id']), path: target?.path ?? req.url ?? '/', started: performance.now() };
    const path = ctx.path;
    try {
      if (!target) {
        req.resume();
        return replyNode(req, res, ctx, { status: 400, contentType: JSON_TYPE, body: JSON.stringify({ error_code: 'BAD_REQUEST', message: 'The request target must be a path (origin-form) or an absolute http(s) URL.' }) });
      }
      if (cors) {
        const preflight = cors.preflight(req.method, req.headers);
        if (preflight) {
          req.resume();
          return replyNode(req, res, ctx, { status: preflight.status, contentType: JSON_TYPE, body: '', headers: preflight.headers });
        }
        const headers = cors.answerHeaders(req.headers.origin);
        if (headers) for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
      }
      if (tooManyHeaders(req.rawHeaders, options.httpLimits)) {
        req.resume();
        return replyNode(req, res, ctx, render(new ServingError('REQUEST_LIMIT_EXCEEDED', `The request has more than ${options.httpLimits.maxHeaderCount} headers.`, { status: 431 }), ctx));
      }
      if (auth && !auth.allows(req.headers, routeClass(path))) {
        req.resume();
        return replyNode(req, res, ctx, unauthenticated(path));
      }
      const route = routes[path];
      if (route) {
        if (route.methods.includes(req.method ?? '')) return route.handle(req, res, ctx);
        req.resume();
        return replyNode(req, res, ctx, { status: 405, contentType: JSON_TYPE, body: NOT_ALLOWED, headers: { allow: route.methods.join(', ') } });
      }
      if (path === '/v2' || path.startsWith('/v2/')) return v2(req, res, ctx);
      if (servedModels && path.startsWith('/models/') && servedModels(req, res, ctx)) return;
      if (options.extraRoutes) {
        res.setHeader('x-request-id', ctx.id);
        if (options.extraRoutes(req, res, path)) return void res.once('close', () => logStreamed(req.method, res, ctx));
      }
      req.resume();
      if (path.length > 1 && path.endsWith('/') && routes[path.slice(0, -1)]) {
        // A relative Location (RFC 9110 §10.2.2): never built from the client's Host header.
        return replyNode(req, res, ctx, { status: 307, contentType: JSON_TYPE, body: '', headers: { location: path.slice(0, -1) + target.query } });
      }
      replyNode(req, res, ctx, { status: 404, contentType: JSON_TYPE, body: NOT_FOUND });
    } catch (err) {
      replyNode(req, res, ctx, render(err, ctx));
    }
  };
  return { handler, fast };
}

/** True when a request announcing `Expect: 100-continue` should be told to send its body. */
function shouldContinue(req: IncomingMessage, options: AppOptions): boolean {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > options.bodyLimitBytes) return false;
  const target = requestPath(req.url);
  return !options.auth || (target !== undefined && options.auth.allows(req.headers, routeClass(target.path)));
}

/** Creates (but does not start) the HTTP server, with its limits and parser-error answers. */
export function createAppServer(options: AppOptions, create: (opts: object, listener: (req: IncomingMessage, res: ServerResponse) => void) => Server = (opts, listener) => createServer(opts, listener)): Server {
  const { handler, fast } = createRoutes(options);
  const server = create(httpServerOptions(options.httpLimits), handler);
  // The fast lane: plain HTTP only, and not with CORS (its headers and preflights are node:http's alone).
  if (options.fastLane && !options.cors) {
    installFastLane(server, fast, { limits: options.httpLimits, bodyLimitBytes: options.bodyLimitBytes, serverVersion: options.serverVersion, isDraining: () => options.state.draining, compression: options.compression, auth: options.auth });
  }
  applyHttpLimits(server, options.httpLimits);
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => answerClientError(err, socket, options.httpLimits));
  // Expect: 100-continue (RFC 9110 §10.1.1): a body that will be refused (too large, no token) is not asked for.
  server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
    if (shouldContinue(req, options)) res.writeContinue();
    handler(req, res);
  });
  server.on('checkExpectation', (req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    res.writeHead(417, { 'content-type': JSON_TYPE, connection: 'close' });
    res.end(JSON.stringify({ error_code: 'BAD_REQUEST', message: `Unsupported Expect header '${req.headers.expect}'.` }));
  });
  return server;
}
