// Owns the routes of served models by name: `/models/{name}/...` (scoring, readiness, the page,
// OpenAPI), the V2 routes by name, the V2 model repository extension (index, load, unload), and what
// the server-wide routes (`/invocations`, `/`, `/openapi.json`) answer when several models are served.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { BadRequestError, ModelNotFoundError, ServingError, TemporarilyUnavailableError } from '../errors.js';
import { isServing, type ModelRouteTools, type ProtocolRoutes, type RequestContext, type ServerState } from '../server/app.js';
import { readBody } from '../server/body.js';
import type { HttpAnswer } from '../server/render.js';
import type { Respond } from '../server/respond.js';
import { createUiRoutes, type ExtraRoutes } from '../server/ui/routes.js';
import { v2RouteTemplate, UNMATCHED_ROUTE } from '../server/v2/index.js';
import type { ModelMetrics } from '../metrics/model-metrics.js';
import { renderV2Error } from '../server/v2/render.js';
import type { Logger } from '../logger.js';
import type { ModelEntry, ModelRegistry } from './registry.js';

const JSON_TYPE = 'application/json';

/** What the routes need from the server. */
export interface ModelRoutesOptions {
  readonly registry: ModelRegistry;
  readonly state: ServerState;
  readonly metrics: ModelMetrics;
  readonly respond: Respond;
  readonly logger: Logger;
  readonly serverVersion: string;
  /** Serve the pages (`--no-ui` turns them off). */
  readonly page: boolean;
  /** True when the server checks tokens: only then may clients load and unload models. */
  readonly authenticated: boolean;
}

/** Why a model cannot take a request now: 404 when it is not loaded, 503 while it loads or its workers restart. */
export function modelUnavailable(entry: ModelEntry): ServingError | undefined {
  if (entry.current) {
    const why = entry.current.unavailable();
    return why ? new TemporarilyUnavailableError(`${why} Retry shortly.`, 1) : undefined;
  }
  if (entry.state === 'LOADING') return new TemporarilyUnavailableError(`Model '${entry.name}' is still loading. Retry shortly.`, 1);
  return new ModelNotFoundError(`Model '${entry.name}' is not loaded (${entry.reason}). Load it with POST /v2/repository/models/${entry.name}/load.`);
}

/** True when the model takes requests now: the server serves, and its version is loaded with a worker up. */
export function modelReady(state: ServerState, entry: ModelEntry): boolean {
  return isServing(state) && entry.current !== undefined && entry.current.unavailable() === undefined;
}

/** A name none of the server's models has (404 / NOT_FOUND). */
export function unknownModel(registry: ModelRegistry, name: string): ModelNotFoundError {
  return new ModelNotFoundError(`Model '${name}' not found. This server serves ${registry.list().map((e) => `'${e.name}'`).join(', ')}.`);
}

function scoringRoutes(registry: ModelRegistry): string {
  return registry
    .list()
    .map((e) => `/models/${e.name}/invocations`)
    .join(', ');
}

/** What `/invocations` answers when the server has no single model to send it to. */
export function noSingleModel(registry: ModelRegistry): () => ServingError | undefined {
  return () => {
    if (registry.size > 1) return new BadRequestError(`This server serves several models: POST to /models/{name}/invocations (${scoringRoutes(registry)}).`);
    const only = registry.list()[0];
    return only ? modelUnavailable(only) : undefined;
  };
}

function json(status: number, body: unknown, headers?: Record<string, string>): HttpAnswer {
  return { status, contentType: JSON_TYPE, body: typeof body === 'string' ? body : JSON.stringify(body), ...(headers ? { headers } : {}) };
}

/** Minimal HTML escaping for the listing page. */
function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The page at `/` when several models are served: each model, its state and version, with links to its page and routes. */
function listingPage(registry: ModelRegistry, serverVersion: string): string {
  const rows = registry
    .list()
    .map((e) => {
      const n = escapeHtml(e.name);
      const version = e.current?.version ?? '—';
      const uri = e.current ? escapeHtml(e.current.model.uri) : escapeHtml(e.spec.uri);
      const state = e.state + (e.reason ? ` (${e.reason})` : '');
      return `<tr><td><a href="models/${n}/">${n}</a></td><td>${escapeHtml(version)}</td><td>${escapeHtml(state)}</td><td><code>${uri}</code></td><td><a href="models/${n}/openapi.json">OpenAPI</a></td></tr>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>mlserve: models</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="ui/style.css">
</head>
<body>
<main>
<h1>Models served</h1>
<table>
<thead><tr><th>Model</th><th>Version</th><th>State</th><th>URI</th><th>API</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
<p>POST to <code>/models/{name}/invocations</code> (MLflow) or <code>/v2/models/{name}/infer</code> (V2). <a href="metrics">Metrics</a>. mlserve ${escapeHtml(serverVersion)}</p>
</main>
</body>
</html>
`;
}

const PAGE_HEADERS = {
  'content-security-policy': "default-src 'none'; style-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

/** The models' own routes and the server-wide ones that depend on how many models are served. */
export interface ModelRoutes {
  /** For AppOptions.modelRoutes: `/models/{name}/...`. */
  byName(tools: ModelRouteTools): (req: IncomingMessage, res: ServerResponse, ctx: RequestContext) => boolean;
  /** For AppOptions.protocols: every `/v2` route, by model name, and the repository extension. */
  readonly v2: ProtocolRoutes;
  /** For AppOptions.extraRoutes: `/`, `/openapi.json`, `/mlserve/model` and the page's assets. */
  readonly extra: ExtraRoutes;
  /** Readiness of the server as a whole: serving, and every loaded model ready (`/v2/health/ready`, gRPC ServerReady). */
  readyAll(): boolean;
}

/** Creates the routes over the registry. */
export function createModelRoutes(o: ModelRoutesOptions): ModelRoutes {
  const { registry, state } = o;
  /** The only model, when exactly one is configured. */
  const single = (): ModelEntry | undefined => (registry.size === 1 ? registry.list()[0] : undefined);
  const ready = (e: ModelEntry): boolean => modelReady(state, e);

  // One page route set per model (the assets are read once per model, small), built on first use.
  const pages = new Map<string, ExtraRoutes>();
  const pageOf = (e: ModelEntry): ExtraRoutes => {
    let r = pages.get(e.name);
    if (!r) {
      const entry = e;
      pages.set(e.name, (r = createUiRoutes({ page: o.page, modelInfo: () => entry.current?.page.modelInfo(), openapi: () => entry.current?.api.openapi(), serverVersion: o.serverVersion })));
    }
    return r;
  };
  const rootPages = createUiRoutes({ page: o.page, modelInfo: () => single()?.current?.page.modelInfo(), openapi: () => single()?.current?.api.openapi(), serverVersion: o.serverVersion });

  /** Counts one answer of a model by status; the bound counters are kept per model name (no label lookup per request). */
  const answerCounters = new Map<string, Map<number, () => void>>();
  const countAnswer = (entry: ModelEntry, status: number): void => {
    let byStatus = answerCounters.get(entry.name);
    if (!byStatus) answerCounters.set(entry.name, (byStatus = new Map()));
    let inc = byStatus.get(status);
    if (!inc) byStatus.set(status, (inc = o.metrics.requests.bind({ model: entry.name, status: String(status) })));
    inc();
  };

  const byName = (tools: ModelRouteTools): ((req: IncomingMessage, res: ServerResponse, ctx: RequestContext) => boolean) => {
    const scorers = new Map<string, ReturnType<ModelRouteTools['invocations']>>();
    const scorerOf = (e: ModelEntry): ReturnType<ModelRouteTools['invocations']> => {
      let h = scorers.get(e.name);
      if (!h) {
        const entry = e;
        h = tools.invocations({
          scoring: () => entry.current?.scoring,
          endpoint: `/models/${entry.name}/invocations`,
          timeoutSeconds: entry.options.timeoutSeconds,
          unavailable: () => modelUnavailable(entry),
          onAnswer: (status) => countAnswer(entry, status),
        });
        scorers.set(e.name, h);
      }
      return h;
    };
    return (req, res, ctx) => {
      const path = ctx.path;
      const slash = path.indexOf('/', 8);
      let name: string;
      try {
        name = decodeURIComponent(slash < 0 ? path.slice(8) : path.slice(8, slash));
      } catch {
        return false;
      }
      const entry = registry.get(name);
      if (!entry) return false;
      const rest = slash < 0 ? '' : path.slice(slash);
      const head = req.method === 'HEAD';
      if (rest === '/invocations') {
        if (req.method !== 'POST') {
          req.resume();
          tools.reply(req, res, ctx, json(405, '{"detail":"Method Not Allowed"}', { allow: 'POST' }));
          return true;
        }
        scorerOf(entry)(req, res, ctx);
        return true;
      }
      if (rest === '/ping' || rest === '/health') {
        req.resume();
        if (req.method !== 'GET' && !head) tools.reply(req, res, ctx, json(405, '{"detail":"Method Not Allowed"}', { allow: 'GET, HEAD' }));
        else if (ready(entry)) tools.reply(req, res, ctx, json(200, '\n'), head);
        else tools.reply(req, res, ctx, tools.render(isServing(state) ? (modelUnavailable(entry) ?? new TemporarilyUnavailableError('Retry shortly.', 1)) : new TemporarilyUnavailableError('The server is not ready. Retry shortly.', 1), ctx), head);
        return true;
      }
      if (rest === '/metrics') {
        // The page links to `metrics` beside it: the server's one metric set (with a `model` label).
        req.resume();
        tools.reply(req, res, ctx, { status: 307, contentType: JSON_TYPE, body: '', headers: { location: '/metrics' } });
        return true;
      }
      if (rest === '') {
        // The page resolves its routes relative to its own address: it lives at `/models/{name}/`.
        req.resume();
        tools.reply(req, res, ctx, { status: 307, contentType: JSON_TYPE, body: '', headers: { location: `/models/${encodeURIComponent(name)}/` } });
        return true;
      }
      res.setHeader('x-request-id', ctx.id);
      if (pageOf(entry)(req, res, rest)) {
        tools.logWhenSent(req, res, ctx);
        return true;
      }
      return false;
    };
  };

  // ---- V2: by model name, and the repository extension.

  const send = (req: IncomingMessage, res: ServerResponse, answer: HttpAnswer): void => void o.respond(req, res, answer, req.method === 'HEAD');
  // The V2 routes' renderer: logs an unexpected error and answers a generic 500, bounds messages, Retry-After as the error says.
  const v2Error = (err: unknown): HttpAnswer => renderV2Error(err, o.logger);
  const index = (readyOnly: boolean): unknown[] =>
    registry
      .list()
      .filter((e) => !readyOnly || ready(e))
      .map((e) => ({ name: e.name, ...(e.current?.version !== undefined ? { version: e.current.version } : {}), state: e.current && !ready(e) && e.state === 'READY' ? 'UNAVAILABLE' : e.state, reason: e.reason }));

  /** `POST /v2/repository/...`: index (open like the other V2 reads), load and unload (need a token). */
  const repository = (req: IncomingMessage, res: ServerResponse, rest: string): void => {
    const finish = (p: Promise<HttpAnswer>): void => void p.catch(v2Error).then((a) => send(req, res, a));
    if (req.method !== 'POST') {
      req.resume();
      return send(req, res, json(405, { error: 'Method Not Allowed' }, { allow: 'POST' }));
    }
    if (rest === 'index') {
      return finish(
        readBody(req, 64 * 1024).then((body) => {
          let ready = false;
          if (body.length > 0) {
            let parsed: unknown;
            try {
              parsed = JSON.parse(body.toString('utf8'));
            } catch {
              throw new BadRequestError('The repository index request must be a JSON object, e.g. {"ready": true}.');
            }
            if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new BadRequestError('The repository index request must be a JSON object, e.g. {"ready": true}.');
            const r = (parsed as Record<string, unknown>).ready;
            if (r !== undefined && typeof r !== 'boolean') throw new BadRequestError("'ready' must be true or false.");
            ready = r === true;
          }
          return json(200, index(ready));
        }),
      );
    }
    const m = /^models\/([^/]+)\/(load|unload)$/.exec(rest);
    if (!m) {
      req.resume();
      return send(req, res, json(404, { error: `No V2 endpoint at /v2/repository/${rest}.` }));
    }
    let name: string;
    try {
      name = decodeURIComponent(m[1]);
    } catch {
      req.resume();
      return send(req, res, json(400, { error: `Malformed percent-encoding in the path segment '${m[1]}'.` }));
    }
    if (!o.authenticated) {
      req.resume();
      return send(req, res, json(403, { error: 'Loading and unloading models changes what this server serves: start mlserve with --auth-token (or --auth-token-file) to allow it.' }));
    }
    // The body (optional parameters) is read and dropped: each model's options come from the server's configuration.
    finish(
      readBody(req, 64 * 1024).then(async () => {
        if (!registry.get(name)) throw unknownModel(registry, name);
        if (m[2] === 'load') {
          o.logger.info(`repository: loading model '${name}'`);
          try {
            await registry.load(name);
          } catch (err) {
            if (err instanceof TemporarilyUnavailableError || (err instanceof ServingError && err.status < 500 && !(err instanceof ModelNotFoundError))) throw err;
            throw new BadRequestError(`Model '${name}' failed to load: ${(err as Error).message}`);
          }
        } else {
          o.logger.info(`repository: unloading model '${name}'`);
          await registry.unload(name);
        }
        return { status: 200, contentType: JSON_TYPE, body: '' };
      }),
    );
  };

  /** V2 inference answers count in the model's requests too (the name is a configured one: the entry's). */
  const countInfer = (entry: ModelEntry, req: IncomingMessage, res: ServerResponse, path: string): void => {
    if (req.method === 'POST' && /\/infer\/?$/.test(path)) res.once('close', () => countAnswer(entry, res.statusCode));
  };

  const readyAll = (): boolean => isServing(state) && registry.list().every((e) => !e.current || ready(e));

  const handle = (req: IncomingMessage, res: ServerResponse, path: string, requestId: string): boolean => {
    const rest = path.slice(3).replace(/^\/+|\/+$/g, '');
    if (rest.startsWith('repository/')) {
      repository(req, res, rest.slice('repository/'.length));
      return true;
    }
    const one = single();
    const parts = rest.split('/');
    // One model: its own V2 routes answer everything else, as before.
    if (one?.current) {
      if (parts[0] === 'models' && parts[1] === one.name) countInfer(one, req, res, path);
      return one.current.v2.handle(req, res, path, requestId);
    }
    if (parts[0] === 'models' && parts.length >= 2 && parts[1] !== '') {
      let name: string;
      try {
        name = decodeURIComponent(parts[1]);
      } catch {
        req.resume();
        send(req, res, json(400, { error: `Malformed percent-encoding in the path segment '${parts[1]}'.` }));
        return true;
      }
      const entry = registry.get(name);
      if (!entry) {
        req.resume();
        send(req, res, json(404, { error: unknownModel(registry, name).message }));
        return true;
      }
      if (entry.current) {
        countInfer(entry, req, res, path);
        return entry.current.v2.handle(req, res, path, requestId);
      }
      req.resume();
      const err = modelUnavailable(entry) ?? new TemporarilyUnavailableError('Retry shortly.', 1);
      send(req, res, parts.length === 3 && parts[2] === 'ready' ? json(503, { error: err.message }) : v2Error(err));
      return true;
    }
    req.resume();
    if (rest === 'models') send(req, res, json(200, { models: registry.list().filter((e) => e.current).map((e) => e.name) }));
    else if (rest === 'health/ready') send(req, res, readyAll() ? json(200, { ready: true }) : json(503, { error: 'Not every model is ready.' }));
    else if (rest === 'health/live') send(req, res, json(200, { live: true }));
    else {
      // Server metadata and anything else: any loaded model's routes answer them alike.
      const any = registry.list().find((e) => e.current)?.current;
      if (any) return any.v2.handle(req, res, path, requestId);
      send(req, res, json(rest === '' ? 503 : 404, { error: rest === '' ? 'No model is loaded.' : `No V2 endpoint at ${path}.` }));
    }
    return true;
  };
  const template = (path: string): string => {
    const t = v2RouteTemplate(path);
    if (t !== UNMATCHED_ROUTE) return t;
    const m = /^\/v2\/repository\/models\/[^/]+\/(load|unload)\/?$/.exec(path);
    return m ? `/v2/repository/models/{name}/${m[1]}` : UNMATCHED_ROUTE;
  };

  // ---- `/`, `/openapi.json`, `/mlserve/model`: the one model's, or the list of models.

  const extra: ExtraRoutes = (req, res, path) => {
    const listing = path === '/mlserve/models';
    if (!listing && (registry.size === 1 || !(path === '/' || path === '/openapi.json' || path === '/mlserve/model'))) return rootPages(req, res, path);
    if (path === '/' && !o.page) return false;
    req.resume();
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      send(req, res, json(405, '{"detail":"Method Not Allowed"}', { allow: 'GET, HEAD' }));
      return true;
    }
    if (path === '/mlserve/models') return listModels(req, res);
    if (path === '/') {
      send(req, res, { status: 200, contentType: 'text/html; charset=utf-8', body: listingPage(registry, o.serverVersion), headers: PAGE_HEADERS });
      return true;
    }
    const what = path === '/openapi.json' ? 'openapi.json' : 'mlserve/model';
    send(req, res, json(400, { error_code: 'BAD_REQUEST', message: `This server serves several models: GET /models/{name}/${what} (${registry.list().map((e) => `/models/${e.name}/${what}`).join(', ')}); /mlserve/models lists them.` }));
    return true;
  };
  const listModels = (req: IncomingMessage, res: ServerResponse): boolean => {
    const models = registry.list().map((e) => ({
      name: e.name,
      uri: e.spec.uri,
      version: e.current?.version ?? null,
      state: e.state,
      reason: e.reason,
      ready: ready(e),
      flavor: e.current?.model.flavor ?? null,
      engine: e.current?.model.engine ?? null,
      routes: { invocations: `/models/${e.name}/invocations`, ping: `/models/${e.name}/ping`, page: `/models/${e.name}/`, openapi: `/models/${e.name}/openapi.json`, v2: `/v2/models/${e.name}` },
    }));
    send(req, res, json(200, { models }, { 'cache-control': 'no-store' }));
    return true;
  };

  return { byName, v2: { prefix: '/v2', protocol: 'v2', handle, template }, extra, readyAll };
}
