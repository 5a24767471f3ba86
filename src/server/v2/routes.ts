// Owns the V2 REST routes on the MLflow port: /v2, health, model metadata and readiness, and inference (OIP spec §3.1–3.5).

import type { IncomingMessage, ServerResponse } from 'node:http';
import { BadRequestError, ServingError } from '../../errors.js';
import { parseV2Request, writeV2Metadata, writeV2Response, type V2ModelMetadata, type V2Request } from '../../codecs/v2.js';
import { readBody } from '../body.js';
import type { HttpAnswer } from '../render.js';
import { createDataplane, type V2Dataplane } from './dataplane.js';
import { renderV2Error } from './render.js';
import type { V2Context } from './context.js';
import { silentLogger } from '../../logger.js';

/** The V2 routes: a handler for every path under `/v2`, and the model metadata they publish. */
export interface V2Routes {
  /** Answers a request whose path is `/v2` or starts with `/v2/` and returns true; returns false (and does nothing) for other paths. */
  handle(req: IncomingMessage, res: ServerResponse, path: string, requestId?: string): boolean;
  /** The route template serving `path` (`/v2/models/{name}/infer`), or UNMATCHED_ROUTE: a bounded metric label. */
  template(path: string): string;
  /** The model metadata (`GET /v2/models/{name}`). */
  readonly metadata: V2ModelMetadata;
}

/** The fixed paths under `/v2` (after routePath), each a route of its own. */
const FIXED_PATHS = { '': true, 'health/live': true, 'health/ready': true, models: true, 'repository/index': true } as const;

/** The template of every V2 path no route serves (one metric label, however many paths clients invent). */
export const UNMATCHED_ROUTE = 'unmatched';

/** The path under `/v2` without its outer slashes (`/v2/models/x/` → `models/x`), as the routes match it. */
function routePath(path: string): string {
  return path.slice(3).replace(/^\/+|\/+$/g, '');
}

/**
 * The route template of a V2 path, for metric labels: `/v2/health/ready`, `/v2/models/{name}`,
 * `/v2/models/{name}/versions/{version}/infer`, ...; UNMATCHED_ROUTE for anything else. Clients
 * choose paths freely, so labels must never be the raw path.
 */
export function v2RouteTemplate(path: string): string {
  if (path !== '/v2' && !path.startsWith('/v2/')) return UNMATCHED_ROUTE;
  const rest = routePath(path);
  if (Object.hasOwn(FIXED_PATHS, rest)) return rest === '' ? '/v2' : `/v2/${rest}`;
  const parts = rest.split('/');
  if (parts[0] !== 'models' || parts.length < 2 || parts[1] === '') return UNMATCHED_ROUTE;
  let template = '/v2/models/{name}';
  let tail = parts.slice(2);
  if (tail[0] === 'versions') {
    if (tail.length < 2) return UNMATCHED_ROUTE;
    template += '/versions/{version}';
    tail = tail.slice(2);
  }
  if (tail.length === 0) return template;
  return tail.length === 1 && (tail[0] === 'ready' || tail[0] === 'infer') ? `${template}/${tail[0]}` : UNMATCHED_ROUTE;
}

type Handler = (req: IncomingMessage) => Promise<HttpAnswer> | HttpAnswer;

type Route = { methods: readonly string[]; handle: Handler };

const JSON_TYPE = 'application/json';

function json(status: number, body: unknown): HttpAnswer {
  return { status, contentType: JSON_TYPE, body: typeof body === 'string' ? body : JSON.stringify(body) };
}

function send(res: ServerResponse, answer: HttpAnswer, head: boolean): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(answer.status, { 'content-type': answer.contentType, 'content-length': Buffer.byteLength(answer.body), ...answer.headers });
  res.end(head ? undefined : answer.body);
}

/** Health answers (OIP spec §3.2): 200 with a JSON body when true, 503 + `{"error"}` when false. */
function health(ok: boolean, body: unknown, problem: string): HttpAnswer {
  return ok ? json(200, body) : json(503, { error: problem });
}

function decodeSegment(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw new BadRequestError(`Malformed percent-encoding in the path segment '${s}'.`);
  }
}

type ReadRequest = (req: IncomingMessage) => Promise<V2Request>;

/** Reads and parses an inference request body (JSON only; Triton's binary extension is refused). */
function requestReader(bodyLimitBytes: number): ReadRequest {
  return (req) => {
    if (req.headers['inference-header-content-length'] !== undefined) {
      return Promise.reject(new ServingError('NOT_IMPLEMENTED', 'The binary tensor data extension is not supported; send the request as JSON.'));
    }
    return readBody(req, bodyLimitBytes).then(parseV2Request);
  };
}

/** Routes of `/v2/models/{name}[/versions/{v}][/ready|/infer]`, or undefined when the rest does not match. */
function modelRoute(dp: V2Dataplane, read: ReadRequest, name: string, rest: string[]): Route | undefined {
  let version: string | undefined;
  if (rest[0] === 'versions') {
    if (rest.length < 2) return undefined;
    version = decodeSegment(rest[1]);
    rest = rest.slice(2);
  }
  if (rest.length === 0) return { methods: ['GET', 'HEAD'], handle: () => json(200, writeV2Metadata(dp.modelMetadata(name, version))) };
  if (rest.length > 1) return undefined;
  if (rest[0] === 'ready') {
    return {
      methods: ['GET', 'HEAD'],
      handle: () => health(dp.modelReady(name, version), { name, ready: true }, `Model '${name}' is not ready.`),
    };
  }
  if (rest[0] === 'infer') {
    return {
      methods: ['POST'],
      handle: async (req) => {
        dp.admit(name, version);
        return { status: 200, contentType: JSON_TYPE, body: writeV2Response(await dp.infer(name, version, await read(req))) };
      },
    };
  }
  return undefined;
}

/** Creates the V2 REST routes over the served model. */
export function createV2Routes(ctx: V2Context): V2Routes {
  const logger = ctx.logger ?? silentLogger;
  const dp = createDataplane(ctx);
  const read = requestReader(ctx.bodyLimitBytes);

  const fixed: Record<keyof typeof FIXED_PATHS, Route> = {
    '': { methods: ['GET', 'HEAD'], handle: () => json(200, dp.serverMetadata()) },
    'health/live': { methods: ['GET', 'HEAD'], handle: () => health(dp.live(), { live: true }, 'The server is not live.') },
    'health/ready': { methods: ['GET', 'HEAD'], handle: () => health(dp.ready(), { ready: true }, 'The model is not ready.') },
    // KServe's model list extension.
    models: { methods: ['GET', 'HEAD'], handle: () => json(200, { models: [ctx.modelName] }) },
    // The model repository index (MLServer, Triton): one model, never loaded or unloaded on request.
    'repository/index': {
      methods: ['POST'],
      handle: () => {
        const state = dp.ready() ? 'READY' : 'UNAVAILABLE';
        return json(200, [{ name: ctx.modelName, ...(ctx.modelVersion !== undefined ? { version: ctx.modelVersion } : {}), state, reason: '' }]);
      },
    },
  };

  const route = (path: string): Route | undefined => {
    const rest = routePath(path);
    if (Object.hasOwn(fixed, rest)) return fixed[rest as keyof typeof FIXED_PATHS];
    const parts = rest.split('/');
    if (parts[0] === 'models' && parts.length >= 2 && parts[1] !== '') return modelRoute(dp, read, decodeSegment(parts[1]), parts.slice(2));
    return undefined;
  };

  const handle = (req: IncomingMessage, res: ServerResponse, path: string, requestId?: string): boolean => {
    if (path !== '/v2' && !path.startsWith('/v2/')) return false;
    const head = req.method === 'HEAD';
    const fail = (err: unknown): void => send(res, renderV2Error(err, logger, requestId), head);
    try {
      const r = route(path);
      if (!r) {
        req.resume();
        send(res, json(404, { error: `No V2 endpoint at ${path}.` }), head);
      } else if (!r.methods.includes(req.method ?? '')) {
        req.resume();
        send(res, { ...json(405, { error: 'Method Not Allowed' }), headers: { allow: r.methods.join(', ') } }, head);
      } else {
        Promise.resolve()
          .then(() => r.handle(req))
          .then((answer) => send(res, answer, head), fail)
          .finally(() => req.resume());
      }
    } catch (err) {
      req.resume();
      fail(err);
    }
    return true;
  };

  return { handle, template: v2RouteTemplate, metadata: dp.metadata };
}
